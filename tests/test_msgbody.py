"""timctl.msgbody: the documented MsgBody rules and the CLI-style builder."""

from __future__ import annotations

import json
from typing import Any

import pytest

from timctl import msgbody
from timctl.msgbody import MAX_BODY_BYTES, build, problems


def text(t: str) -> dict[str, Any]:
    return {"MsgType": "TIMTextElem", "MsgContent": {"Text": t}}


def custom(data: str = "d") -> dict[str, Any]:
    return {"MsgType": "TIMCustomElem", "MsgContent": {"Data": data}}


# The documented samples of message_format (tencentcloud 1047/33527).
DOC_SAMPLES: list[list[dict[str, Any]]] = [
    [text("hello world")],
    [{"MsgType": "TIMLocationElem",
      "MsgContent": {"Desc": "someinfo", "Latitude": 29.340656774469, "Longitude": 116.0}}],
    [{"MsgType": "TIMFaceElem", "MsgContent": {"Index": 1, "Data": "content"}}],
    [{"MsgType": "TIMCustomElem", "MsgContent": {
        "Data": "message", "Desc": "notification", "Ext": "url", "Sound": "dingdong.aiff"}}],
    [{"MsgType": "TIMSoundElem", "MsgContent": {
        "Url": "https://x/a.mp3", "UUID": "305c02", "Size": 62351, "Second": 1,
        "Download_Flag": 2}}],
    [{"MsgType": "TIMImageElem", "MsgContent": {
        "UUID": "1853095_D61040894AC3DE44CDFFFB3EC7EB720F", "ImageFormat": 1,
        "ImageInfoArray": [
            {"Type": 1, "Size": 1853095, "Width": 2448, "Height": 3264, "URL": "http://x/1"},
            {"Type": 2, "Size": 2367, "Width": 720, "Height": 960, "URL": "http://x/2"},
            {"Type": 3, "Size": 2367, "Width": 198, "Height": 264, "URL": "http://x/3"}]}}],
    [{"MsgType": "TIMFileElem", "MsgContent": {
        "Url": "https://x/f", "UUID": "305c0201", "FileSize": 1773552, "FileName": "file:a.pdf",
        "Download_Flag": 2}}],
    [{"MsgType": "TIMVideoFileElem", "MsgContent": {
        "VideoUrl": "https://x/v", "VideoUUID": "5da3", "VideoSize": 1194603, "VideoSecond": 5,
        "VideoFormat": "mp4", "VideoDownloadFlag": 2, "ThumbUrl": "https://x/t",
        "ThumbUUID": "6edaf", "ThumbSize": 13907, "ThumbWidth": 720, "ThumbHeight": 1280,
        "ThumbFormat": "JPG", "ThumbDownloadFlag": 2}}],
    [text("hi"), {"MsgType": "TIMFaceElem", "MsgContent": {"Index": 1, "Data": "x"}}],
]


@pytest.mark.parametrize("body", DOC_SAMPLES)
def test_documented_samples_are_valid(body: list[dict[str, Any]]) -> None:
    assert problems(body) == []


@pytest.mark.parametrize(("body", "needle"), [
    ({"MsgType": "TIMTextElem"}, "must be an array"),
    ([], "empty"),
    (["text"], "must be an object"),
    ([{"MsgType": "TIMBogusElem", "MsgContent": {}}], "not one of"),
    ([{"MsgType": "TIMTextElem"}], "MsgContent must be an object"),
    ([{"MsgType": "TIMTextElem", "MsgContent": {}}], "missing Text"),
    ([{"MsgType": "TIMTextElem", "MsgContent": {"Text": 5}}], "Text must be a String"),
    ([{"MsgType": "TIMFaceElem", "MsgContent": {"Index": "1"}}], "Index must be a Number"),
    ([{"MsgType": "TIMFaceElem", "MsgContent": {"Index": True}}], "Index must be a Number"),
    ([{"MsgType": "TIMTextElem", "MsgContent": {"Text": "a", "text": "b"}}], "unknown field"),
    ([{"MsgType": "TIMSoundElem", "MsgContent": {"Url": "u", "UUID": "x", "Download_Flag": 1}}],
     "Download_Flag must be 2"),
    ([{"MsgType": "TIMFileElem", "MsgContent": {"Url": "u", "Download_Flag": 2}}],
     "missing UUID"),
    ([{"MsgType": "TIMImageElem", "MsgContent": {
        "UUID": "x", "ImageInfoArray": [{"Type": 1, "Url": "u", "Width": 1, "Height": 1}]}}],
     "missing URL"),
    ([{"MsgType": "TIMImageElem", "MsgContent": {"UUID": "x", "ImageInfoArray": []}}],
     "ImageInfoArray is empty"),
    ([custom(), custom()], "at most one TIMCustomElem"),
    ([text("a"), msgbody.image_elem("http://x/a.png")], "may only be the first element"),
    ([msgbody.image_elem("http://x/a.png"), msgbody.image_elem("http://x/b.png")],
     "may only be the first element"),
    ([text("x" * MAX_BODY_BYTES)], "12 KB"),
    ([{"MsgType": "TIMRelayElem", "MsgContent": {"Title": "t"}}], "exactly one of MsgList"),
])
def test_invalid_bodies_are_explained(body: Any, needle: str) -> None:
    found = problems(body)
    assert any(needle in p for p in found), found


def test_media_first_then_followers_is_valid() -> None:
    body = [msgbody.video_elem("http://x/v.mp4"), text("caption"), custom(),
            {"MsgType": "TIMLocationElem", "MsgContent": {"Latitude": 1, "Longitude": 2}}]
    assert problems(body) == []


def test_size_limit_counts_utf8_bytes_of_compact_json() -> None:
    overhead = msgbody.body_size([text("")])
    assert problems([text("x" * (MAX_BODY_BYTES - overhead))]) == []
    assert problems([text("x" * (MAX_BODY_BYTES - overhead + 1))])
    # a CJK character is three UTF-8 bytes
    assert msgbody.body_size([text("中")]) == overhead + 3


def test_build_every_kind_is_valid_and_ordered() -> None:
    body = build(text=["hi", "there"], image=["https://cdn/x/pic.PNG"], location=["1.5,2,home"],
                 face=["3"], custom={"data": "d", "desc": "push text", "ext": "e"})
    assert problems(body) == []
    assert [e["MsgType"] for e in body] == [
        "TIMImageElem", "TIMTextElem", "TIMTextElem", "TIMLocationElem", "TIMFaceElem",
        "TIMCustomElem"]
    assert body[0]["MsgContent"]["ImageFormat"] == 3
    assert [i["Type"] for i in body[0]["MsgContent"]["ImageInfoArray"]] == [1, 2, 3]
    assert body[3]["MsgContent"] == {"Latitude": 1.5, "Longitude": 2.0, "Desc": "home"}
    assert body[5]["MsgContent"] == {"Data": "d", "Desc": "push text", "Ext": "e"}
    json.dumps(body)  # plain JSON


@pytest.mark.parametrize("kind", ["file", "sound", "video"])
def test_build_media_from_url(kind: str) -> None:
    body = build(**{kind: ["https://cdn/a/clip.mp4"]})  # type: ignore[arg-type]
    assert problems(body) == []
    assert len(body) == 1


def test_build_two_media_breaks_the_rule() -> None:
    assert problems(build(image=["http://a"], file=["http://b"]))


@pytest.mark.parametrize(("kwargs", "needle"), [
    ({"location": ["1"]}, "LAT,LON"),
    ({"location": ["a,b"]}, "numbers"),
    ({"location": ["91,0"]}, "-90..90"),
    ({"face": ["x"]}, "integer"),
    ({"custom": {"color": "red"}}, "unknown"),
])
def test_build_refuses_bad_values(kwargs: dict[str, Any], needle: str) -> None:
    with pytest.raises(ValueError, match=needle):
        build(**kwargs)

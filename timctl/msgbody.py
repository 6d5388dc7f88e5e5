"""Message bodies (MsgBody): the documented element rules, and a builder from CLI-style values.

Pure: no Click, nothing of timctl. The CLI calls `problems()` to refuse a body locally (exit 2,
nothing sent); the emulator calls it to answer the documented error codes; push and history
import reuse `build()`.

Facts (message_format, tencentcloud 1047/33527, cloud.tencent 269/2720):
- MsgBody is an array of {MsgType, MsgContent}; several elements are allowed, at most ONE
  TIMCustomElem per message.
- Fields and types per element; over REST the media elements need their URL/UUID fields,
  image entries URL/Width/Height, and every Download_Flag / *DownloadFlag must be 2.
- A message's content is limited to 12 KB (sendmsg pages: "JSON packet over 12 KB", 93000).
  Measured here as the compact UTF-8 JSON of MsgBody (inferred: the docs name no exact measure).
- Only Text, Custom, Face or Location elements may follow the first element, whatever its type
  (SDK appendElem rule): "image+text" is fine, "text+image" and "image+image" are not.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import urlparse

MAX_BODY_BYTES = 12 * 1024

STR, NUM, INT, ARR = "String", "Number", "Integer", "Array"

# element type -> {field: type}; REQUIRED: fields that must be present over REST.
FIELDS: dict[str, dict[str, str]] = {
    "TIMTextElem": {"Text": STR},
    "TIMLocationElem": {"Desc": STR, "Latitude": NUM, "Longitude": NUM},
    "TIMFaceElem": {"Index": NUM, "Data": STR},
    "TIMCustomElem": {"Data": STR, "Desc": STR, "Ext": STR, "Sound": STR},
    "TIMSoundElem": {"Url": STR, "UUID": STR, "Size": NUM, "Second": NUM,
                     "Download_Flag": NUM},
    "TIMImageElem": {"UUID": STR, "ImageFormat": NUM, "ImageInfoArray": ARR},
    "TIMFileElem": {"Url": STR, "UUID": STR, "FileSize": NUM, "FileName": STR,
                    "Download_Flag": NUM},
    "TIMVideoFileElem": {
        "VideoUrl": STR, "VideoUUID": STR, "VideoSize": NUM, "VideoSecond": NUM,
        "VideoFormat": STR, "VideoDownloadFlag": NUM, "ThumbUrl": STR, "ThumbUUID": STR,
        "ThumbSize": NUM, "ThumbWidth": NUM, "ThumbHeight": NUM, "ThumbFormat": STR,
        "ThumbDownloadFlag": NUM},
    "TIMRelayElem": {"Title": STR, "MsgNum": INT, "CompatibleText": STR,
                     "AbstractList": ARR, "MsgList": ARR, "JsonMsgKey": STR},
}
REQUIRED: dict[str, tuple[str, ...]] = {
    "TIMTextElem": ("Text",),
    "TIMSoundElem": ("Url", "UUID", "Download_Flag"),
    "TIMImageElem": ("UUID", "ImageInfoArray"),
    "TIMFileElem": ("Url", "UUID", "Download_Flag"),
    "TIMVideoFileElem": ("VideoUrl", "VideoUUID", "VideoDownloadFlag", "ThumbUrl",
                         "ThumbUUID", "ThumbWidth", "ThumbHeight", "ThumbDownloadFlag"),
}
DOWNLOAD_FLAGS = ("Download_Flag", "VideoDownloadFlag", "ThumbDownloadFlag")
IMAGE_INFO: dict[str, str] = {"Type": NUM, "Size": NUM, "Width": NUM, "Height": NUM, "URL": STR}
IMAGE_INFO_REQUIRED = ("URL", "Width", "Height")
ELEMENT_TYPES = tuple(FIELDS)
# The elements that may follow the first one (appendElem).
FOLLOWERS = frozenset({"TIMTextElem", "TIMCustomElem", "TIMFaceElem", "TIMLocationElem"})
IMAGE_FORMATS = {"jpg": 1, "jpeg": 1, "gif": 2, "png": 3, "bmp": 4}  # other: 255


def _type_ok(value: Any, kind: str) -> bool:
    if kind == STR:
        return isinstance(value, str)
    if kind == ARR:
        return isinstance(value, list)
    if isinstance(value, bool):
        return False
    if kind == INT:
        return isinstance(value, int)
    return isinstance(value, (int, float))


def body_size(msg_body: Any) -> int:
    """The measure the 12 KB limit applies to: compact UTF-8 JSON of MsgBody."""
    return len(json.dumps(msg_body, ensure_ascii=False, separators=(",", ":")).encode())


def _fields(where: str, content: Mapping[str, Any], kinds: Mapping[str, str],
            required: Iterable[str]) -> list[str]:
    out = [f"{where}: missing {name}" for name in required if name not in content]
    for name, value in content.items():
        kind = kinds.get(name)
        if kind is None:
            out.append(f"{where}: unknown field {name!r} (fields: {', '.join(kinds)})")
        elif not _type_ok(value, kind):
            out.append(f"{where}: {name} must be a {kind}")
    return out


def _element(i: int, elem: Any) -> list[str]:
    where = f"MsgBody[{i}]"
    if not isinstance(elem, dict):
        return [f"{where}: must be an object {{MsgType, MsgContent}}"]
    kind = elem.get("MsgType")
    if kind not in FIELDS:
        return [f"{where}: MsgType {kind!r} is not one of {', '.join(ELEMENT_TYPES)}"]
    content = elem.get("MsgContent")
    if not isinstance(content, dict):
        return [f"{where} ({kind}): MsgContent must be an object"]
    extra = set(elem) - {"MsgType", "MsgContent"}
    out = [f"{where}: unknown key {k!r}" for k in sorted(extra)]
    out += _fields(f"{where} {kind}", content, FIELDS[kind], REQUIRED.get(kind, ()))
    for flag in DOWNLOAD_FLAGS:
        if flag in FIELDS[kind] and flag in content and content[flag] != 2:
            out.append(f"{where} {kind}: {flag} must be 2")
    if kind == "TIMImageElem" and isinstance(content.get("ImageInfoArray"), list):
        infos = content["ImageInfoArray"]
        if not infos:
            out.append(f"{where} TIMImageElem: ImageInfoArray is empty")
        for j, info in enumerate(infos):
            at = f"{where} TIMImageElem.ImageInfoArray[{j}]"
            if not isinstance(info, dict):
                out.append(f"{at}: must be an object")
            else:
                out += _fields(at, info, IMAGE_INFO, IMAGE_INFO_REQUIRED)
    if kind == "TIMRelayElem" and ("MsgList" in content) == ("JsonMsgKey" in content):
        out.append(f"{where} TIMRelayElem: exactly one of MsgList and JsonMsgKey")
    return out


def problems(msg_body: Any) -> list[str]:
    """Every documented rule the body breaks, one readable line each; [] when it is valid."""
    if not isinstance(msg_body, list):
        return ["MsgBody must be an array of {MsgType, MsgContent} elements"]
    if not msg_body:
        return ["MsgBody is empty: a message needs at least one element"]
    out: list[str] = []
    for i, elem in enumerate(msg_body):
        out += _element(i, elem)
    kinds = [e.get("MsgType") for e in msg_body if isinstance(e, dict)]
    if kinds.count("TIMCustomElem") > 1:
        out.append("MsgBody: at most one TIMCustomElem per message")
    for i, kind in enumerate(kinds[1:], start=1):
        if kind in FIELDS and kind not in FOLLOWERS:
            out.append(f"MsgBody[{i}]: a {kind} may only be the first element "
                       "(only text, custom, face or location elements may follow it)")
    size = body_size(msg_body)
    if size > MAX_BODY_BYTES:
        out.append(f"MsgBody is {size} bytes, over the {MAX_BODY_BYTES}-byte (12 KB) limit")
    return out


# -- builder ---------------------------------------------------------------------------------

def _uuid(url: str) -> str:
    # UUID is "typically the MD5 of the file"; without the file, the URL's MD5 is stable.
    return hashlib.md5(url.encode(), usedforsecurity=False).hexdigest()


def _ext(url: str) -> str:
    return posixpath.splitext(urlparse(url).path)[1].lstrip(".").lower()


def image_elem(url: str) -> dict[str, Any]:
    """An image from its URL: the three documented variants (original, large, thumbnail)
    point at it; size and dimensions are unknown here, so 0 (the fields must be present)."""
    infos = [{"Type": t, "Size": 0, "Width": 0, "Height": 0, "URL": url} for t in (1, 2, 3)]
    return {"MsgType": "TIMImageElem", "MsgContent": {
        "UUID": _uuid(url), "ImageFormat": IMAGE_FORMATS.get(_ext(url), 255),
        "ImageInfoArray": infos}}


def file_elem(url: str) -> dict[str, Any]:
    name = posixpath.basename(urlparse(url).path) or "file"
    return {"MsgType": "TIMFileElem", "MsgContent": {
        "Url": url, "UUID": _uuid(url), "FileSize": 0, "FileName": name, "Download_Flag": 2}}


def sound_elem(url: str) -> dict[str, Any]:
    return {"MsgType": "TIMSoundElem", "MsgContent": {
        "Url": url, "UUID": _uuid(url), "Size": 0, "Second": 0, "Download_Flag": 2}}


def video_elem(url: str, thumb: str | None = None) -> dict[str, Any]:
    """A video from its URL; the thumbnail (required over REST) defaults to the video URL."""
    thumb = thumb or url
    return {"MsgType": "TIMVideoFileElem", "MsgContent": {
        "VideoUrl": url, "VideoUUID": _uuid(url), "VideoSize": 0, "VideoSecond": 0,
        "VideoFormat": _ext(url) or "mp4", "VideoDownloadFlag": 2,
        "ThumbUrl": thumb, "ThumbUUID": _uuid(thumb), "ThumbSize": 0, "ThumbWidth": 0,
        "ThumbHeight": 0, "ThumbFormat": _ext(thumb) or "jpg", "ThumbDownloadFlag": 2}}


def parse_location(value: str) -> dict[str, Any]:
    """'LAT,LON[,DESC]' -> a TIMLocationElem; ValueError with a readable reason."""
    parts = value.split(",", 2)
    if len(parts) < 2:
        raise ValueError(f"location {value!r}: expected LAT,LON[,DESC]")
    try:
        lat, lon = float(parts[0]), float(parts[1])
    except ValueError:
        raise ValueError(f"location {value!r}: LAT and LON must be numbers") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError(f"location {value!r}: LAT must be in -90..90, LON in -180..180")
    content: dict[str, Any] = {"Latitude": lat, "Longitude": lon}
    content["Desc"] = parts[2] if len(parts) > 2 else ""
    return {"MsgType": "TIMLocationElem", "MsgContent": content}


def custom_elem(data: str | None = None, desc: str | None = None, ext: str | None = None,
                sound: str | None = None) -> dict[str, Any]:
    given = {"Data": data, "Desc": desc, "Ext": ext, "Sound": sound}
    return {"MsgType": "TIMCustomElem",
            "MsgContent": {k: v for k, v in given.items() if v is not None}}


def build(*, text: Sequence[str] = (), custom: Mapping[str, str | None] | None = None,
          image: Sequence[str] = (), file: Sequence[str] = (), sound: Sequence[str] = (),
          video: Sequence[str] = (), location: Sequence[str] = (),
          face: Sequence[int | str] = ()) -> list[dict[str, Any]]:
    """Elements from CLI-style values, media first (only text, custom, face and location may
    follow the first element), then texts, locations, faces and the custom element, each kind
    in the order given. `custom` takes Data/Desc/Ext/Sound (any case). Call `problems()` on
    the result: two media values, for instance, build but break the ordering rule.
    Raises ValueError for a value that cannot become an element (location, face index)."""
    body: list[dict[str, Any]] = []
    body += [image_elem(u) for u in image]
    body += [video_elem(u) for u in video]
    body += [sound_elem(u) for u in sound]
    body += [file_elem(u) for u in file]
    body += [{"MsgType": "TIMTextElem", "MsgContent": {"Text": t}} for t in text]
    body += [parse_location(v) for v in location]
    for index in face:
        try:
            number = int(index)
        except (TypeError, ValueError):
            raise ValueError(f"face index {index!r} must be an integer") from None
        body.append({"MsgType": "TIMFaceElem", "MsgContent": {"Index": number}})
    if custom is not None:
        values = {k.capitalize(): v for k, v in custom.items()}
        unknown = set(values) - {"Data", "Desc", "Ext", "Sound"}
        if unknown:
            raise ValueError(f"custom element: unknown field(s) {', '.join(sorted(unknown))}")
        body.append(custom_elem(values.get("Data"), values.get("Desc"), values.get("Ext"),
                                values.get("Sound")))
    return body

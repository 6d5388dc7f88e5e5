"""timctl messages send / history: body flags, local refusal of bad bodies (exit 2, nothing
sent, measured with `emulator stats`), and the request each flag makes."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from timctl import msgbody

LOCAL = ("-p", "local")
Run = Callable[..., Any]
SENDS = ("openim/sendmsg", "group_open_http_svc/send_group_msg")


def send_calls(run: Run) -> int:
    """Send calls the embedded emulator answered (0 when it was never opened)."""
    r = run("-o", "json", "emulator", "stats")
    if r.code != 0:
        return 0
    return sum(row["calls"] for row in r.json() if row["endpoint"] in SENDS)


def planned(run: Run, *args: str) -> dict[str, Any]:
    """The request body a --dry-run send would post."""
    r = run(*LOCAL, "--dry-run", "messages", "send", *args)
    assert r.code == 0, r.err
    return json.loads(r.out)["body"]


def text_of_size(total: int) -> str:
    """A text whose one-element MsgBody measures `total` bytes by msgbody's rule."""
    overhead = msgbody.body_size([{"MsgType": "TIMTextElem", "MsgContent": {"Text": ""}}])
    return "x" * (total - overhead)


# --- body flags --------------------------------------------------------------------------------

def test_elements_follow_the_order_typed(run: Run) -> None:
    body = planned(run, "--to", "bob", "--image", "https://cdn.example/a.png", "--text", "cap",
                   "--face", "3", "--custom-data", "d", "--custom-desc", "dd", "--text", "two",
                   "--location", "1.5,2.5,here")
    assert [e["MsgType"] for e in body["MsgBody"]] == [
        "TIMImageElem", "TIMTextElem", "TIMFaceElem", "TIMCustomElem", "TIMTextElem",
        "TIMLocationElem"]
    assert body["MsgBody"][3]["MsgContent"] == {"Data": "d", "Desc": "dd"}
    assert body["MsgBody"][5]["MsgContent"] == {"Latitude": 1.5, "Longitude": 2.5,
                                                "Desc": "here"}
    assert body["To_Account"] == "bob"
    # chosen before the first attempt, so every retry carries them
    assert isinstance(body["MsgRandom"], int) and isinstance(body["MsgSeq"], int)


def test_message_level_flags(run: Run) -> None:
    body = planned(run, "--from", "alice", "--to", "bob", "--text", "hi", "--no-sync",
                   "--lifetime", "0", "--no-unread", "--no-last-msg", "--cloud-data", "cd",
                   "--push-title", "T", "--push-desc", "D", "--push-ext", "E", "--no-push")
    assert {k: v for k, v in body.items() if k not in ("MsgRandom", "MsgSeq")} == {
        "From_Account": "alice", "To_Account": "bob",
        "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "hi"}}],
        "SyncOtherMachine": 2, "MsgLifeTime": 0, "CloudCustomData": "cd",
        "SendMsgControl": ["NoUnread", "NoLastMsg"],
        "OfflinePushInfo": {"Title": "T", "Desc": "D", "Ext": "E", "PushFlag": 1}}
    assert planned(run, "--to", "bob", "--text", "hi", "--sync")["SyncOtherMachine"] == 1


def test_group_flags(run: Run) -> None:
    body = planned(run, "--group", "team-1", "--from", "alice", "--text", "@bob @all",
                   "--at", "bob", "--at", "all", "--priority", "High")
    assert body["GroupId"] == "team-1" and body["From_Account"] == "alice"
    assert body["GroupAtInfo"] == [{"GroupAtAllFlag": 0, "GroupAt_Account": "bob"},
                                   {"GroupAtAllFlag": 1}]
    assert body["MsgPriority"] == "High" and isinstance(body["Random"], int)
    assert planned(run, "--group", "g", "--text", "t", "--lifetime", "0")["OnlineOnlyFlag"] == 1


def test_body_from_file_stdin_and_inline(run: Run, tmp_path: Any) -> None:
    elems = [{"MsgType": "TIMFaceElem", "MsgContent": {"Index": 1, "Data": "x"}}]
    (tmp_path / "b.json").write_text(json.dumps({"MsgBody": elems}))
    assert planned(run, "--to", "bob", "--body", f"@{tmp_path / 'b.json'}")["MsgBody"] == elems
    r = run(*LOCAL, "--dry-run", "messages", "send", "--to", "bob", "--body", "-",
            input=json.dumps(elems))
    assert r.code == 0, r.err
    assert json.loads(r.out)["body"]["MsgBody"] == elems
    assert planned(run, "--to", "bob", "--body", json.dumps(elems))["MsgBody"] == elems


def test_the_alias_and_exactly_12_kb(run: Run) -> None:
    r = run(*LOCAL, "--dry-run", "message", "send", "--to", "bob", "--text",
            text_of_size(msgbody.MAX_BODY_BYTES))
    assert r.code == 0, r.err


# --- refused locally: exit 2, nothing sent ------------------------------------------------------

SOUND_NO_UUID = [{"MsgType": "TIMSoundElem",
                  "MsgContent": {"Url": "https://cdn.example/a.mp3", "Download_Flag": 2}}]
TWO_CUSTOM = [{"MsgType": "TIMCustomElem", "MsgContent": {"Data": "a"}},
              {"MsgType": "TIMCustomElem", "MsgContent": {"Data": "b"}}]


@pytest.mark.parametrize(("args", "why"), [
    (["--body", json.dumps([{"MsgType": "TIMFooElem", "MsgContent": {}}])], "TIMFooElem"),
    (["--body", json.dumps(TWO_CUSTOM)], "at most one TIMCustomElem"),
    (["--text", text_of_size(msgbody.MAX_BODY_BYTES + 1)], "12 KB"),
    (["--body", json.dumps(SOUND_NO_UUID)], "missing UUID"),
    (["--text", "caption", "--image", "https://cdn.example/a.png"], "may only be the first"),
    (["--body", "[]"], "empty"),
    (["--body", "{"], "invalid JSON"),
    (["--body", '"text"'], "JSON array"),
    ([], "no message body"),
    (["--text", "a", "--body", "[]"], "cannot be combined"),
    (["--location", "north"], "LAT,LON"),
    (["--face", "smile"], "integer"),
])
@pytest.mark.parametrize("target", [["--to", "bob"], ["--group", "team-1"]])
def test_bad_bodies_are_refused_before_sending(run: Run, target: list[str], args: list[str],
                                               why: str) -> None:
    run(*LOCAL, "users", "import", "bob")
    r = run(*LOCAL, "messages", "send", *target, *args)
    assert r.code == 2, (r.out, r.err)
    assert r.out == "" and why in r.err
    assert r.err.startswith("timctl: error:") and r.err.count("\n") == 1
    assert send_calls(run) == 0


@pytest.mark.parametrize(("args", "why"), [
    (["--text", "x"], "exactly one of --to"),
    (["--to", "bob", "--group", "g", "--text", "x"], "exactly one of --to"),
    (["--to", "b" * 33, "--text", "x"], "33 bytes"),
    (["--to", "bob", "--text", "x", "--at", "carl"], "--at is for group"),
    (["--group", "g", "--text", "x", "--sync"], "one-to-one"),
    (["--group", "g", "--text", "x", "--lifetime", "60"], "only 0"),
    (["--group", "g", "--text", "x", "--lifetime", "0", "--no-unread"], "cannot be combined"),
    (["--to", "bob", "--text", "x", "--lifetime", "604801"], "604801"),
    (["--group", "g", "--text", "x", *[a for i in range(31) for a in ("--at", f"u{i}")]],
     "at most 30"),
])
def test_bad_flags_are_usage_errors(run: Run, args: list[str], why: str) -> None:
    r = run(*LOCAL, "messages", "send", *args)
    assert r.code == 2 and r.out == "" and why in r.err, r.err
    assert send_calls(run) == 0


# --- history flags -----------------------------------------------------------------------------

def test_history_requests(run: Run) -> None:
    r = run(*LOCAL, "--dry-run", "messages", "history", "--user", "alice", "--peer", "bob",
            "--since", "1700000000", "--until", "2023-11-15T00:00:00Z", "--limit", "5")
    assert r.code == 0, r.err
    assert json.loads(r.out)["body"] == {"Operator_Account": "alice", "Peer_Account": "bob",
                                         "MaxCnt": 5, "MinTime": 1700000000,
                                         "MaxTime": 1700006400}
    r = run(*LOCAL, "--dry-run", "messages", "history", "--group", "team-1", "--until-seq",
            "40", "--with-recalled")
    assert r.code == 0, r.err
    assert json.loads(r.out)["body"] == {"GroupId": "team-1", "ReqMsgSeq": 40,
                                         "WithRecalledMsg": 1, "ReqMsgNumber": 20}


@pytest.mark.parametrize(("args", "why"), [
    ([], "--user and --peer"),
    (["--user", "a"], "both --user and --peer"),
    (["--user", "a", "--peer", "b", "--group", "g"], "--user and --peer"),
    (["--user", "a", "--peer", "b", "--since-seq", "3"], "for group history"),
    (["--group", "g", "--since", "1d"], "one-to-one"),
    (["--group", "g", "--since-seq", "9", "--until-seq", "3"], "above"),
    (["--user", "a", "--peer", "b", "--since", "yesterday"], "not a time"),
])
def test_bad_history_flags(run: Run, args: list[str], why: str) -> None:
    r = run(*LOCAL, "messages", "history", *args)
    assert r.code == 2 and why in r.err, r.err

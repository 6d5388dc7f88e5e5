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
    (["--text", "x"], "give --to USERID (one-to-one) or --group"),
    (["--to", "bob", "--group", "g", "--at", "bob", "--text", "x"], "takes no --at"),
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


# --- against the emulator: embedded and over HTTP ------------------------------------------------

RELAY = [{"MsgType": "TIMRelayElem", "MsgContent": {
    "Title": "chat", "MsgNum": 1, "CompatibleText": "upgrade", "AbstractList": ["a: hi"],
    "MsgList": [{"From_Account": "alice", "To_Account": "bob", "MsgSeq": 1, "MsgRandom": 2,
                 "MsgTimeStamp": 1700000000, "MsgBody": [
                     {"MsgType": "TIMTextElem", "MsgContent": {"Text": "hi"}}]}]}}]
# One message per element type (media elements may only come first), and a mixed one.
EVERY_ELEMENT: list[list[str]] = [
    ["--text", "hello ✓"],
    ["--image", "https://cdn.example/p.png", "--text", "caption"],
    ["--file-url", "https://cdn.example/report.pdf"],
    ["--sound", "https://cdn.example/v.mp3"],
    ["--video", "https://cdn.example/v.mp4"],
    ["--location", "22.5,114.0,Shenzhen"],
    ["--face", "7"],
    ["--custom-data", '{"k":1}', "--custom-desc", "push", "--custom-ext", "e"],
    ["--body", json.dumps(RELAY)],
    ["--text", "a", "--face", "1", "--location", "1,2", "--custom-data", "x", "--text", "b"],
]


@pytest.fixture
def profile(either_profile: tuple[str, ...]) -> tuple[str, ...]:
    return either_profile


def sent_body(run: Run, profile: tuple[str, ...], target: list[str],
              args: list[str]) -> list[dict[str, Any]]:
    """The MsgBody the flags make (a dry run), then the real send."""
    r = run(*profile, "--dry-run", "messages", "send", *target, *args)
    assert r.code == 0, r.err
    body = json.loads(r.out)["body"]["MsgBody"]
    r = run(*profile, "-o", "json", "messages", "send", *target, *args)
    assert r.code == 0, r.err
    return list(body)


def history(run: Run, profile: tuple[str, ...], *args: str) -> list[dict[str, Any]]:
    r = run(*profile, "-o", "json", "messages", "history", *args)
    assert r.code == 0, r.err
    return list(r.json())


def test_c2c_round_trip_of_every_element_type(run: Run, profile: tuple[str, ...]) -> None:
    assert run(*profile, "users", "import", "alice", "bob").code == 0
    target = ["--from", "alice", "--to", "bob"]
    bodies = [sent_body(run, profile, target, args) for args in EVERY_ELEMENT]
    rows = history(run, profile, "--user", "alice", "--peer", "bob")
    # same-second messages are ordered by their (random) MsgSeq: compare as multisets
    assert sorted(json.dumps(row["MsgBody"]) for row in rows) == sorted(map(json.dumps, bodies))
    assert {row["From_Account"] for row in rows} == {"alice"}
    assert all(row["MsgKey"] and row["Revoked"] is False for row in rows)
    # bob sees the same conversation
    assert len(history(run, profile, "--user", "bob", "--peer", "alice")) == len(bodies)


def test_group_round_trip_of_every_element_type(run: Run, profile: tuple[str, ...]) -> None:
    assert run(*profile, "users", "import", "alice", "bob").code == 0
    r = run(*profile, "groups", "create", "--type", "Public", "--name", "Team", "--id",
            "team-1", "--owner", "alice", "--members", "bob")
    assert r.code == 0, r.err
    bodies = [sent_body(run, profile, ["--group", "team-1", "--from", "bob"], args)
              for args in EVERY_ELEMENT]
    rows = [row for row in history(run, profile, "--group", "team-1")
            if row["From_Account"] == "bob"]
    assert [row["MsgBody"] for row in rows] == bodies[::-1]
    seqs = [row["MsgSeq"] for row in rows]
    assert seqs == sorted(seqs, reverse=True) and len(set(seqs)) == len(seqs)
    r = run(*profile, "-o", "json", "messages", "send", "--group", "team-1", "--text", "hi")
    assert r.code == 0, r.err
    assert set(r.json()) == {"GroupId", "MsgSeq", "MsgTime", "Time"}
    assert r.json()["MsgSeq"] == seqs[0] + 1


def test_send_output_formats(run: Run) -> None:
    assert run(*LOCAL, "users", "import", "alice", "bob").code == 0
    r = run(*LOCAL, "-o", "json", "messages", "send", "--to", "bob", "--text", "hi")
    assert r.code == 0, r.err
    sent = r.json()
    assert set(sent) == {"MsgKey", "MsgTime", "Time"} and isinstance(sent["MsgTime"], int)
    r = run(*LOCAL, "-o", "table", "messages", "send", "--to", "bob", "--text", "hi")
    assert r.code == 0 and "MsgKey" in r.out
    r = run(*LOCAL, "-o", "json", "messages", "send", "--to", "bob", "--text", "x",
            "--query", "MsgKey")
    assert r.code == 0 and r.json().count("_") == 2


def test_history_formats_limit_and_seq_range(run: Run) -> None:
    assert run(*LOCAL, "users", "import", "alice", "bob").code == 0
    assert run(*LOCAL, "groups", "create", "--type", "Public", "--name", "T", "--id", "g2",
               "--owner", "alice").code == 0
    for i in range(25):
        assert run(*LOCAL, "messages", "send", "--group", "g2", "--from", "alice",
                   "--text", f"m{i}").code == 0
    mine = [r for r in history(run, LOCAL, "--group", "g2") if r["From_Account"] == "alice"]
    assert [r["Elements"] for r in mine] == [f"m{i}" for i in range(24, -1, -1)]
    top = mine[0]["MsgSeq"]
    assert len(history(run, LOCAL, "--group", "g2", "--limit", "3")) == 3
    ranged = history(run, LOCAL, "--group", "g2", "--since-seq", str(top - 21),
                     "--until-seq", str(top - 1))
    assert [r["MsgSeq"] for r in ranged] == list(range(top - 1, top - 22, -1))
    r = run(*LOCAL, "-o", "jsonl", "messages", "history", "--group", "g2", "--limit", "2")
    assert r.code == 0 and [json.loads(x)["MsgSeq"] for x in r.out.splitlines()] == [
        top, top - 1]
    r = run(*LOCAL, "-o", "csv", "messages", "history", "--group", "g2", "--limit", "1")
    assert r.code == 0 and r.out.splitlines()[0].startswith("MsgSeq,From_Account,Time")
    r = run(*LOCAL, "-o", "table", "messages", "history", "--group", "g2", "--limit", "1")
    assert r.code == 0 and "m24" in r.out


@pytest.fixture
def lossy(serve_app: Any) -> Any:
    """An emulator on 127.0.0.1 that commits 30 % of requests and then drops the connection
    without answering (seeded); profile `lossy` points at it."""
    from timctl.emulator.faults import Faults

    faults = Faults(lose_response_rate=0.3, seed=11, rate_limit=False)
    return serve_app("lossy", 1400000031, faults=faults).app


def test_200_sends_through_lost_answers_leave_200_messages(run: Run, lossy: Any) -> None:
    lossy_ = ("-p", "lossy", "--max-attempts", "10")
    assert run(*lossy_, "users", "import", "alice", "bob").code == 0
    for i in range(200):
        r = run(*lossy_, "-o", "json", "messages", "send", "--from", "alice", "--to", "bob",
                "--text", f"message {i}")
        assert r.code == 0, r.err
    from timctl.emulator import stats

    with lossy.store.tx() as db:
        calls = stats.summary(db)["endpoints"]["openim/sendmsg"]["calls"]
    assert calls > 250  # about 30 % of answers were lost, and those sends were retried
    rows = history(run, lossy_, "--user", "alice", "--peer", "bob")
    assert sorted(row["Elements"] for row in rows) == sorted(f"message {i}" for i in range(200))


def test_group_sends_through_lost_answers_are_not_repeated(run: Run, lossy: Any) -> None:
    lossy_ = ("-p", "lossy", "--max-attempts", "10")
    assert run(*lossy_, "users", "import", "alice").code == 0
    r = run(*lossy_, "groups", "create", "--type", "Public", "--name", "T", "--id", "g",
            "--owner", "alice")
    assert r.code == 0, r.err
    seqs = []
    for i in range(40):  # the group's documented 40 messages/s: none is dropped
        r = run(*lossy_, "-o", "json", "messages", "send", "--group", "g", "--from", "alice",
                "--text", f"g{i}")
        assert r.code == 0, r.err
        seqs.append(r.json()["MsgSeq"])
    assert seqs == sorted(seqs) and len(set(seqs)) == 40  # a retry answers the first seq
    rows = [row for row in history(run, lossy_, "--group", "g") if row["From_Account"] == "alice"]
    assert [row["Elements"] for row in rows] == [f"g{i}" for i in range(39, -1, -1)]

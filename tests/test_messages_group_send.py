"""timctl messages send --group with --to (targeted messages), --topic (community topics),
and the per-group frequency control, against the embedded emulator and a served one."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

LOCAL = ("-p", "local")
Run = Callable[..., Any]


@pytest.fixture
def profile(either_profile: tuple[str, ...], run: Run) -> tuple[str, ...]:
    prof = either_profile
    assert run(*prof, "users", "import", "alice", "bob", "carol", "dave").code == 0
    assert run(*prof, "groups", "create", "--type", "Public", "--name", "Team", "--id",
               "team-1", "--owner", "alice", "--members", "bob,carol,dave").code == 0
    return prof


def ok(run: Run, *args: str) -> Any:
    r = run(*args)
    assert r.code == 0, r.err
    return r


def calls(run: Run) -> int:
    r = run("-o", "json", "emulator", "stats")
    return 0 if r.code != 0 else sum(row["calls"] for row in r.json())


def test_targeted_send(run: Run, profile: tuple[str, ...]) -> None:
    r = ok(run, *profile, "-o", "json", "messages", "send", "--group", "team-1", "--to", "bob",
           "--to", "carol", "--text", "psst", "--need-receipt")
    seq = str(r.json()["MsgSeq"])
    r = ok(run, *profile, "-o", "json", "messages", "receipt-detail", "--group", "team-1",
           "--seq", seq)
    assert sorted(row["UserID"] for row in r.json()) == ["bob", "carol"]
    r = run(*profile, "messages", "send", "--group", "team-1", "--to", "nobody", "--text", "x")
    assert r.code == 5 and "10004" in r.err


def test_targeted_dry_run(run: Run) -> None:
    r = ok(run, *LOCAL, "--dry-run", "messages", "send", "--group", "team-1", "--to", "bob",
           "--to", "carol", "--to", "bob", "--text", "x")
    assert json.loads(r.out)["body"]["To_Account"] == ["bob", "carol"]
    assert calls(run) == 0


@pytest.mark.parametrize("args", [
    ("--group", "team-1", "--to", "bob", "--at", "bob", "--text", "x"),
    ("--group", "team-1", *[a for i in range(51) for a in ("--to", f"u{i}")], "--text", "x"),
    ("--to", "bob", "--to", "carol", "--text", "x"),
    ("--group", "team-1", "--to", "b" * 40, "--text", "x"),
])
def test_bad_input_sends_nothing(run: Run, args: tuple[str, ...]) -> None:
    r = run(*LOCAL, "messages", "send", *args)
    assert r.code == 2, (r.out, r.err)
    assert "Traceback" not in r.err
    assert calls(run) == 0


class Clock:
    """The emulator app's clock, frozen unless a test moves it."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    import timctl.emulator as emulator

    clock = Clock()
    real = emulator.open_app

    def open_app(*args: Any, **kw: Any) -> Any:
        app, info = real(*args, **kw)
        app.clock = clock
        return app, info

    monkeypatch.setattr(emulator, "open_app", open_app)
    yield clock


def test_frequency_control_drops_the_41st(run: Run, frozen: Clock) -> None:
    ok(run, *LOCAL, "users", "import", "alice")
    ok(run, *LOCAL, "groups", "create", "--type", "Public", "--name", "T", "--id", "g",
       "--owner", "alice")
    for i in range(40):
        r = ok(run, *LOCAL, "-o", "json", "messages", "send", "--group", "g", "--text", f"{i}")
        assert "MsgDropReason" not in r.json()
    r = ok(run, *LOCAL, "-o", "json", "messages", "send", "--group", "g", "--text", "late")
    assert r.json()["MsgDropReason"] == "MsgFreqCtrl" and "dropped" in r.err
    frozen.now += 1
    r = ok(run, *LOCAL, "-o", "json", "messages", "send", "--group", "g", "--text", "ok")
    assert r.json()["MsgSeq"] > 40


def make_club(run: Run, prof: tuple[str, ...]) -> tuple[str, str]:
    r = ok(run, *prof, "-o", "json", "groups", "create", "--type", "Community", "--name", "C",
           "--owner", "alice", "--members", "bob", "--topics")
    club = r.json()["GroupId"]
    r = ok(run, *prof, "-o", "json", "groups", "topics", "create", club, "--name", "News",
           "--id", "news")
    return club, r.json()["TopicId"]


def test_topic_send_history_modify_revoke(run: Run, profile: tuple[str, ...]) -> None:
    club, topic = make_club(run, profile)
    seqs = []
    for text in ("one", "two", "three"):
        r = ok(run, *profile, "-o", "json", "messages", "send", "--group", club, "--topic",
               topic, "--from", "bob", "--text", text)
        assert r.json()["TopicId"] == topic
        seqs.append(r.json()["MsgSeq"])
    assert seqs == [1, 2, 3]  # the topic's own sequence
    r = ok(run, *profile, "-o", "json", "messages", "history", "--group", club, "--topic",
           topic)
    assert [(m["MsgSeq"], m["Elements"], m["TopicId"]) for m in r.json()] == [
        (3, "three", topic), (2, "two", topic), (1, "one", topic)]
    ok(run, *profile, "messages", "modify", "--group", club, "--topic", topic, "--seq", "2",
       "--text", "TWO")
    ok(run, *profile, "revoke", "group", "--group", club, "--topic", topic, "1", "--yes")
    r = ok(run, *profile, "-o", "json", "messages", "history", "--group", club, "--topic",
           topic)
    assert [m["Elements"] for m in r.json()] == ["three", "TWO"]
    ok(run, *profile, "revoke", "by-sender", "--group", club, "--topic", topic, "--user", "bob",
       "--yes")
    r = ok(run, *profile, "-o", "json", "messages", "history", "--group", club, "--topic",
           topic)
    assert r.json() == []
    r = run(*profile, "messages", "send", "--group", club, "--topic", club + "@TOPIC#_gone",
            "--text", "x")
    assert r.code == 5 and "10010" in r.err


def test_topic_dry_runs_and_refusals(run: Run) -> None:
    topic = "@TGS#_c@TOPIC#_news"
    r = ok(run, *LOCAL, "--dry-run", "messages", "send", "--group", "@TGS#_c", "--topic",
           topic, "--text", "x")
    assert json.loads(r.out)["body"]["TopicId"] == topic
    r = ok(run, *LOCAL, "--dry-run", "revoke", "group", "--group", "@TGS#_c", "--topic", topic,
           "7")
    assert json.loads(r.out)["first_requests"][0]["body"]["TopicId"] == topic
    r = ok(run, *LOCAL, "--dry-run", "messages", "history", "--group", "@TGS#_c", "--topic",
           topic)
    assert json.loads(r.out)["body"]["TopicId"] == topic
    for args in (("messages", "send", "--group", "@TGS#_c", "--topic", "@TGS#_other@TOPIC#_x",
                  "--text", "x"),
                 ("messages", "send", "--to", "bob", "--topic", topic, "--text", "x"),
                 ("messages", "send", "--group", "@TGS#_c", "--topic", topic, "--to", "bob",
                  "--text", "x"),
                 ("messages", "history", "--user", "a", "--peer", "b", "--topic", topic),
                 ("revoke", "by-sender", "--group", "@TGS#_c", "--topic", "nope", "--user",
                  "bob", "--yes")):
        r = run(*LOCAL, *args)
        assert r.code == 2, (args, r.err)
    assert calls(run) == 0

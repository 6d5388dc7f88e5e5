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


@pytest.fixture(params=["embedded", "http"])
def profile(request: pytest.FixtureRequest, run: Run) -> tuple[str, ...]:
    if request.param == "http":
        request.getfixturevalue("served_profile")
        prof: tuple[str, ...] = ("-p", "emu")
    else:
        prof = LOCAL
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

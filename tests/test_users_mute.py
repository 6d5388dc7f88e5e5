"""users mute / unmute / muted end to end: embedded emulator (-p local) and over HTTP, with
the emulator's app clock moved by hand so remaining times are exact without sleeping."""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import yaml

from timctl import endpoints
from timctl.cli.users_mute import FOREVER, friendly, parse_duration

LOCAL = ("-p", "local")
HTTP = ("-p", "emu")


class Clock:
    """The emulator app's clock: real time, plus whatever a test adds."""

    def __init__(self) -> None:
        self.offset = 0.0
        self.frozen = time.time()

    def __call__(self) -> float:
        return self.frozen + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds


@pytest.fixture(params=["embedded", "http"])
def target(request: pytest.FixtureRequest,
           monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[tuple[str, ...], Clock]]:
    """(profile flags, the emulator's clock) for the embedded emulator and a served one."""
    clock = Clock()
    if request.param == "http":
        served = request.getfixturevalue("served_profile")
        monkeypatch.setattr(served.app, "clock", clock)
        yield HTTP, clock
        return
    import timctl.emulator as emulator

    real = emulator.open_app

    def open_app(*args: Any, **kw: Any) -> Any:
        app, info = real(*args, **kw)
        app.clock = clock
        return app, info

    monkeypatch.setattr(emulator, "open_app", open_app)
    yield LOCAL, clock


Run = Callable[..., Any]


def imported(run: Run, profile: tuple[str, ...], *ids: str) -> None:
    r = run(*profile, "users", "import", *ids)
    assert r.code == 0, r.err


def left(run: Run, profile: tuple[str, ...], *ids: str) -> dict[str, tuple[int, int]]:
    r = run(*profile, "-o", "json", "users", "muted", *ids)
    assert r.code == 0, r.err
    return {i["UserID"]: (i["C2CmsgNospeakingTime"], i["GroupmsgNospeakingTime"])
            for i in r.json()}


def set_calls(run: Run) -> int:
    """setnospeaking calls the embedded emulator answered."""
    r = run("-o", "json", "emulator", "stats")
    if r.code != 0:  # no database yet: nothing was ever sent
        return 0
    return sum(row["calls"] for row in r.json()
               if row["endpoint"] == "openconfigsvr/setnospeaking")


# --- durations -----------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "seconds"), [
    ("1", 1), ("90", 90), ("30s", 30), ("10m", 600), ("2h", 7200), ("3d", 259200),
    ("1w", 604800), ("1h30m", 5400), ("2H", 7200), (" 5m ", 300), ("forever", FOREVER),
    ("Forever", FOREVER), ("4294967295", FOREVER), ("49710d", 49710 * 86400),
])
def test_durations(text: str, seconds: int) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize(("text", "why"), [
    ("0", "more than 0"), ("0h", "more than 0"), ("-5", "more than 0"),
    ("-1h", "more than 0"), ("1.5h", "not a duration"), ("10y", "not a duration"),
    ("h", "not a duration"), ("", "not a duration"), ("ten", "not a duration"),
    ("4294967296", "beyond"), ("49711d", "beyond"), ("²", "not a duration"),
])
def test_bad_durations(text: str, why: str) -> None:
    with pytest.raises(ValueError, match=why):
        parse_duration(text)


@pytest.mark.parametrize(("seconds", "shown"), [
    (0, "not muted"), (FOREVER, "forever"), (59, "59s"), (7196, "1h 59m 56s"),
    (86400, "1d"), (90061, "1d 1h 1m 1s"), (None, None),
])
def test_friendly(seconds: int | None, shown: str | None) -> None:
    assert friendly(seconds) == shown


def test_the_spec_rows_are_safe_to_retry() -> None:
    # setting the same time again is the same state (from now): a retry may repeat it
    for name in ("openconfigsvr/setnospeaking", "openconfigsvr/getnospeaking"):
        ep = endpoints.get(name)
        assert ep is not None and ep.retry == "safe" and ep.batch is None


# --- end to end ------------------------------------------------------------------------------

def test_mute_then_muted_counts_down(run: Run, target: Any) -> None:
    profile, clock = target
    imported(run, profile, "alice", "bob")
    r = run(*profile, "-o", "json", "users", "mute", "alice", "--for", "2h")
    assert r.code == 0, r.err
    assert r.json() == [{"UserID": "alice", "Status": "muted", "C2CmsgNospeakingTime": 7200,
                         "GroupmsgNospeakingTime": 7200, "ResultCode": 0, "ResultInfo": ""}]
    assert left(run, profile, "alice", "bob") == {"alice": (7200, 7200), "bob": (0, 0)}
    clock.advance(1234.5)
    assert left(run, profile, "alice") == {"alice": (5966, 5966)}
    r = run(*profile, "-o", "table", "users", "muted", "alice")
    assert r.code == 0, r.err
    assert "1h 39m 26s" in r.out and "C2CmsgNospeakingTime" not in r.out
    clock.advance(7200)
    assert left(run, profile, "alice") == {"alice": (0, 0)}  # expired by itself


def test_forever_and_unmute(run: Run, target: Any) -> None:
    profile, clock = target
    imported(run, profile, "carol")
    assert run(*profile, "users", "mute", "carol", "--for", "forever").code == 0
    clock.advance(80000)
    assert left(run, profile, "carol") == {"carol": (FOREVER, FOREVER)}
    r = run(*profile, "-o", "json", "users", "unmute", "carol")
    assert r.code == 0, r.err
    assert [(i["Status"], i["C2CmsgNospeakingTime"], i["GroupmsgNospeakingTime"])
            for i in r.json()] == [("unmuted", 0, 0)]
    assert left(run, profile, "carol") == {"carol": (0, 0)}
    r = run(*profile, "users", "unmute", "carol")  # not muted: still done
    assert r.code == 0, r.err


def test_one_kind_only(run: Run, target: Any) -> None:
    profile, _ = target
    imported(run, profile, "dan", "erin")
    assert run(*profile, "users", "mute", "dan", "--for", "10m", "--c2c-only").code == 0
    assert run(*profile, "users", "mute", "erin", "--for", "1w", "--group-only").code == 0
    assert left(run, profile, "dan", "erin") == {"dan": (600, 0), "erin": (0, 604800)}
    assert run(*profile, "users", "mute", "dan", "--for", "forever", "--group-only").code == 0
    assert run(*profile, "users", "unmute", "dan", "--c2c-only").code == 0
    assert left(run, profile, "dan") == {"dan": (0, FOREVER)}


def test_unknown_accounts_fail_per_item(run: Run, target: Any) -> None:
    profile, _ = target
    imported(run, profile, "frank")
    r = run(*profile, "-o", "json", "users", "mute", "frank", "ghost", "--for", "1h")
    assert r.code == 6
    assert {i["UserID"]: (i["Status"], i["ResultCode"]) for i in r.json()} == {
        "frank": ("muted", 0), "ghost": ("failed", 70107)}
    assert "70107" in r.err
    assert run(*profile, "users", "mute", "ghost", "--for", "1h").code == 5
    assert run(*profile, "users", "unmute", "ghost").code == 5
    r = run(*profile, "-o", "json", "users", "muted", "frank", "ghost")
    assert r.code == 6
    rows = {i["UserID"]: i for i in r.json()}
    assert rows["ghost"]["ResultCode"] == 70107 and rows["ghost"]["C2C"] is None
    assert rows["frank"]["C2CmsgNospeakingTime"] == 3600


def test_a_lost_answer_is_retried_safely(run: Run, served_profile: Any) -> None:
    imported(run, HTTP, "gina")
    served_profile.app.faults.lose_response_next = 1
    r = run(*HTTP, "-o", "json", "users", "mute", "gina", "--for", "3d")
    assert r.code == 0, r.err
    assert r.json()[0]["Status"] == "muted"
    assert left(run, HTTP, "gina") == {"gina": (259200, 259200)}


@pytest.mark.parametrize("flags", [
    ["--for", "0"], ["--for", "-5"], ["--for=-5"], ["--for", "2x"], ["--for", "4294967296"],
    ["--for", ""], [], ["--for", "1h", "--c2c-only", "--group-only"],
])
def test_bad_flags_are_usage_errors_and_send_nothing(run: Run, flags: list[str]) -> None:
    imported(run, LOCAL, "hank")
    r = run(*LOCAL, "users", "mute", "hank", *flags)
    assert r.code == 2 and r.out == ""
    assert r.err.startswith("timctl: error:") and "Traceback" not in r.err
    assert set_calls(run) == 0
    assert left(run, LOCAL, "hank") == {"hank": (0, 0)}


def test_bad_user_ids_are_usage_errors(run: Run) -> None:
    r = run(*LOCAL, "users", "mute", "x" * 33, "--for", "1h")
    assert r.code == 2 and "UserID is 33 bytes" in r.err
    assert set_calls(run) == 0


def test_dry_run_prints_the_plan_and_sends_nothing(run: Run) -> None:
    imported(run, LOCAL, "ivy", "jon")
    r = run(*LOCAL, "--dry-run", "users", "mute", "ivy", "jon", "--for", "30m",
            "--group-only")
    assert r.code == 0, r.err
    plan = r.json()
    assert (plan["endpoint"], plan["calls"], plan["batch_size"]) == (
        "openconfigsvr/setnospeaking", 2, 1)
    assert [p["body"] for p in plan["first_requests"]] == [
        {"Set_Account": "ivy", "GroupmsgNospeakingTime": 1800},
        {"Set_Account": "jon", "GroupmsgNospeakingTime": 1800}]
    assert set_calls(run) == 0
    assert left(run, LOCAL, "ivy") == {"ivy": (0, 0)}


def test_ids_from_stdin_and_files(run: Run, tmp_path: Any) -> None:
    imported(run, LOCAL, "k1", "k2", "k3")
    r = run(*LOCAL, "users", "mute", "-", "--for", "1d", input="k1\nk2\n")
    assert r.code == 0, r.err
    (tmp_path / "ids.csv").write_text("UserID,Note\nk3,spam\n")
    r = run(*LOCAL, "users", "mute", "-f", str(tmp_path / "ids.csv"), "--for", "5m")
    assert r.code == 0, r.err
    assert left(run, LOCAL, "k1", "k2", "k3") == {
        "k1": (86400, 86400), "k2": (86400, 86400), "k3": (300, 300)}


def test_muted_in_each_output_format(run: Run) -> None:
    imported(run, LOCAL, "lee", "max")
    run(*LOCAL, "users", "mute", "lee", "--for", "forever", "--c2c-only")
    ids = ("users", "muted", "lee", "max")
    want = {"lee": (FOREVER, 0), "max": (0, 0)}

    r = run(*LOCAL, "-o", "json", *ids)
    assert {i["UserID"]: (i["C2CmsgNospeakingTime"], i["GroupmsgNospeakingTime"])
            for i in r.json()} == want
    assert {i["UserID"]: (i["C2C"], i["Group"]) for i in r.json()} == {
        "lee": ("forever", "not muted"), "max": ("not muted", "not muted")}

    r = run(*LOCAL, "-o", "jsonl", *ids)
    rows = [json.loads(line) for line in r.out.splitlines()]
    assert {i["UserID"]: (i["C2CmsgNospeakingTime"], i["GroupmsgNospeakingTime"])
            for i in rows} == want

    r = run(*LOCAL, "-o", "yaml", *ids)
    assert {i["UserID"]: (i["C2CmsgNospeakingTime"], i["GroupmsgNospeakingTime"])
            for i in yaml.safe_load(r.out)} == want

    r = run(*LOCAL, "-o", "csv", *ids)
    table = list(csv.DictReader(io.StringIO(r.out)))
    assert list(table[0]) == ["UserID", "C2C", "Group", "ResultCode", "ResultInfo"]
    assert {i["UserID"]: (i["C2C"], i["Group"]) for i in table} == {
        "lee": ("forever", "not muted"), "max": ("not muted", "not muted")}

    r = run(*LOCAL, "-o", "csv", "--fields", "UserID,C2CmsgNospeakingTime", *ids)
    assert sorted(r.out.splitlines()) == sorted(
        ["UserID,C2CmsgNospeakingTime", f"lee,{FOREVER}", "max,0"])

    r = run(*LOCAL, "-o", "table", *ids)
    lines = r.out.splitlines()
    assert lines[0].split() == ["UserID", "C2C", "Group", "ResultCode", "ResultInfo"]
    assert any(line.split()[:2] == ["lee", "forever"] for line in lines[2:])

    r = run(*LOCAL, "-o", "json", "--fields", "Nope", *ids)
    assert r.code == 2 and "--fields" in r.err


def test_mute_in_csv_and_table(run: Run) -> None:
    imported(run, LOCAL, "ned")
    r = run(*LOCAL, "-o", "csv", "users", "mute", "ned", "--for", "10m")
    assert r.out.splitlines() == ["UserID,Status,ResultCode,ResultInfo", "ned,muted,0,"]
    r = run(*LOCAL, "-o", "table", "users", "unmute", "ned")
    assert r.out.splitlines()[2].split() == ["ned", "unmuted", "0"]

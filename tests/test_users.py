"""users import/check/delete end to end: embedded emulator by default, and over HTTP."""

from __future__ import annotations

import pytest


def statuses(run, *ids: str, profile: tuple[str, ...] = ()) -> dict[str, str]:  # type: ignore[no-untyped-def]
    r = run(*profile, "-o", "json", "users", "check", *ids)
    assert r.code == 0, r.err
    return {item["UserID"]: item["AccountStatus"] for item in r.json()}


@pytest.mark.parametrize("profile", [(), ("-p", "emu")], ids=["embedded", "http"])
def test_import_check_delete_roundtrip(run, request, profile) -> None:  # type: ignore[no-untyped-def]
    if profile:
        request.getfixturevalue("served_profile")
    assert statuses(run, "alice", "bob", profile=profile) == {
        "alice": "NotImported", "bob": "NotImported"}

    r = run(*profile, "-o", "json", "users", "import", "alice", "--nick", "Alice")
    assert r.code == 0, r.err
    assert r.json() == [{"UserID": "alice", "Status": "imported", "ResultCode": 0,
                         "ResultInfo": ""}]
    assert statuses(run, "alice", "bob", profile=profile) == {
        "alice": "Imported", "bob": "NotImported"}

    r = run(*profile, "-o", "json", "users", "delete", "alice", "--yes")
    assert r.code == 0, r.err
    assert [i["ResultCode"] for i in r.json()] == [0]
    assert statuses(run, "alice", profile=profile) == {"alice": "NotImported"}


def test_embedded_default_says_so_once_on_stderr(run) -> None:  # type: ignore[no-untyped-def]
    r = run("users", "check", "alice")
    assert r.code == 0
    assert "embedded emulator" in r.err
    assert "embedded emulator" not in r.out
    r = run("users", "check", "alice")  # same process: not repeated
    assert "embedded emulator" not in r.err


def test_explicit_local_profile_is_silent(run) -> None:  # type: ignore[no-untyped-def]
    r = run("-p", "local", "users", "check", "alice")
    assert r.code == 0 and r.err == ""


def test_import_many_uses_batches_and_reports_each(run) -> None:  # type: ignore[no-untyped-def]
    ids = [f"user{i:03d}" for i in range(250)]  # 3 calls of <= 100
    r = run("-v", "-o", "json", "users", "import", "-", input="\n".join(ids) + "\n")
    assert r.code == 0, r.err
    assert len(r.json()) == 250 and {i["Status"] for i in r.json()} == {"imported"}
    assert r.err.count("multiaccount_import -> ErrorCode 0") == 3
    assert set(statuses(run, *ids).values()) == {"Imported"}


def test_invalid_ids_are_refused_before_anything_is_sent(run) -> None:  # type: ignore[no-untyped-def]
    too_long = "x" * 33  # UserID is at most 32 bytes
    r = run("-o", "json", "users", "import", "ok1", too_long)
    assert r.code == 2 and r.out == ""
    assert r.err == f"timctl: error: argument 2: UserID is 33 bytes (at most 32): '{too_long}'\n"
    assert statuses(run, "ok1") == {"ok1": "NotImported"}


def test_delete_unknown_account_is_a_failure(run) -> None:  # type: ignore[no-untyped-def]
    run("users", "import", "carol")
    r = run("-o", "json", "users", "delete", "--yes", "carol", "ghost")
    assert r.code == 6
    codes = {i["UserID"]: i["ResultCode"] for i in r.json()}
    assert codes == {"carol": 0, "ghost": 70107}
    r = run("-o", "json", "users", "delete", "--yes", "ghost")
    assert r.code == 5


def test_delete_refuses_without_yes_when_not_a_terminal(run) -> None:  # type: ignore[no-untyped-def]
    run("users", "import", "dave")
    r = run("users", "delete", "dave")
    assert r.code == 2
    assert "--yes" in r.err and "Traceback" not in r.err
    assert statuses(run, "dave") == {"dave": "Imported"}


def test_delete_asks_on_a_terminal(run) -> None:  # type: ignore[no-untyped-def]
    run("users", "import", "erin")
    r = run("users", "delete", "erin", input="n\n", env={"TIMCTL_FORCE_TTY": "1"})
    assert r.code == 9  # declined: nothing done
    assert "timctl: error: not confirmed: nothing was done" in r.err
    assert statuses(run, "erin") == {"erin": "Imported"}
    r = run("users", "delete", "erin", input="y\n", env={"TIMCTL_FORCE_TTY": "1"})
    assert r.code == 0
    assert statuses(run, "erin") == {"erin": "NotImported"}


def test_dry_run_sends_nothing(run) -> None:  # type: ignore[no-untyped-def]
    r = run("--dry-run", "users", "import", "frank")
    assert r.code == 0
    plan = r.json()
    assert plan["endpoint"] == "im_open_login_svc/multiaccount_import"
    assert (plan["items"], plan["calls"], plan["batch_size"]) == (1, 1, 100)
    assert plan["first_requests"][0]["body"] == {"AccountList": [{"UserID": "frank"}]}
    assert statuses(run, "frank") == {"frank": "NotImported"}
    r = run("users", "delete", "--dry-run", "frank")  # no --yes needed for a dry run
    assert r.code == 0 and "account_delete" in r.out


def test_state_persists_between_invocations_on_disk(run, isolated) -> None:  # type: ignore[no-untyped-def]
    run("users", "import", "gina")
    assert (isolated / "data" / "emulator.db").exists()
    assert statuses(run, "gina") == {"gina": "Imported"}


@pytest.mark.parametrize("command", ["import", "check", "delete"])
@pytest.mark.parametrize("fmt", ["table", "json", "yaml", "jsonl", "csv"])
def test_each_output_format(run, command: str, fmt: str) -> None:  # type: ignore[no-untyped-def]
    import csv
    import io
    import json

    import yaml

    if command != "import":
        run("users", "import", "fa", "fb")
    r = run("-p", "local", "-o", fmt, "users", command, "fa", "fb", "--yes")
    assert r.code == 0, r.err
    key = {"import": "Status", "check": "AccountStatus", "delete": "Status"}[command]
    value = {"import": "imported", "check": "Imported", "delete": "deleted"}[command]
    if fmt == "json":
        rows = json.loads(r.out)
    elif fmt == "yaml":
        rows = yaml.safe_load(r.out)
    elif fmt == "jsonl":
        rows = [json.loads(line) for line in r.out.splitlines()]
    elif fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(r.out)))
    else:
        lines = r.out.splitlines()
        header = lines[0].split()
        assert header[:2] == ["UserID", key] and set(lines[1]) <= {"-", " "}
        rows = [dict(zip(header, line.split(), strict=False)) for line in lines[2:]]
    assert [(row["UserID"], row[key]) for row in rows] == [("fa", value), ("fb", value)]


def test_csv_fields_pick_columns(run) -> None:  # type: ignore[no-untyped-def]
    r = run("-p", "local", "-o", "csv", "--fields", "UserID,ResultCode", "users", "check", "x")
    assert r.code == 0 and r.out == "UserID,ResultCode\nx,0\n"

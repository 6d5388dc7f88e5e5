"""timctl api: the raw escape hatch and the endpoint table."""

from __future__ import annotations

import json

from timctl import endpoints


def test_raw_call_uses_the_whole_client(run) -> None:  # type: ignore[no-untyped-def]
    r = run("api", "im_open_login_svc/account_import", "-d", '{"UserID": "raw1"}')
    assert r.code == 0, r.err
    assert r.json()["ActionStatus"] == "OK"
    body = json.dumps({"CheckItem": [{"UserID": "raw1"}]})
    r = run("api", "v4/im_open_login_svc/account_check", "-d", body)
    assert r.json()["ResultItem"][0]["AccountStatus"] == "Imported"


def test_body_from_file_and_stdin(run, tmp_path) -> None:  # type: ignore[no-untyped-def]
    f = tmp_path / "body.json"
    f.write_text('{"CheckItem": [{"UserID": "x"}]}')
    r = run("api", "im_open_login_svc/account_check", "-d", f"@{f}")
    assert r.code == 0 and r.json()["ResultItem"][0]["UserID"] == "x"
    r = run("api", "im_open_login_svc/account_check", "-d", "-",
            input='{"CheckItem": [{"UserID": "y"}]}')
    assert r.json()["ResultItem"][0]["UserID"] == "y"


def test_malformed_body_is_a_one_line_usage_error(run, tmp_path) -> None:  # type: ignore[no-untyped-def]
    r = run("api", "im_open_login_svc/account_check", "-d", '{"CheckItem": [')
    assert r.code == 2 and "invalid JSON" in r.err and "Traceback" not in r.err
    f = tmp_path / "bad.json"
    f.write_text('{\n  "a": 1,\n  oops\n}')
    r = run("api", "im_open_login_svc/account_check", "-d", f"@{f}")
    assert r.code == 2 and f"{f}:3: invalid JSON" in r.err
    r = run("api", "im_open_login_svc/account_check", "-d", "[1, 2]")
    assert r.code == 2 and "must be a JSON object" in r.err
    r = run("api", "im_open_login_svc/account_check", "-d", "@/nonexistent/x.json")
    assert r.code == 2 and "No such file" in r.err


def test_endpoint_missing_from_the_table_is_called_with_a_notice(run) -> None:  # type: ignore[no-untyped-def]
    # Like `gh api`: a new endpoint need not wait for a release. The emulator does not know
    # it either, and says so with the gateway's 60009.
    r = run("-p", "local", "api", "nosuch/command", "-d", "{}")
    assert r.code == 5
    lines = r.err.strip().splitlines()
    assert lines[0].startswith("timctl: note: nosuch/command is not in timctl's endpoint table")
    assert lines[1].startswith("timctl: error: nosuch/command: error 60009")
    assert len(lines) == 2


def test_malformed_endpoint_name_is_a_usage_error(run) -> None:  # type: ignore[no-untyped-def]
    r = run("-p", "local", "api", "a/b/c", "-d", "{}")
    assert r.code == 2 and r.err.startswith("timctl: error: not a service/command name")


def test_api_error_exits_5_with_code_and_meaning(run) -> None:  # type: ignore[no-untyped-def]
    r = run("-p", "local", "api", "im_open_login_svc/kick", "-d", '{"UserID": "nobody"}')
    assert r.code == 5
    assert "70107" in r.err and "kick" in r.err
    assert len(r.err.strip().splitlines()) == 1


def test_unreachable_endpoint_exits_7(run) -> None:  # type: ignore[no-untyped-def]
    env = {"TIMCTL_ENDPOINT": "http://127.0.0.1:1", "TIMCTL_SDKAPPID": "1",
           "TIMCTL_SECRET_KEY": "k" * 64, "TIMCTL_MAX_ATTEMPTS": "2"}
    r = run("api", "im_open_login_svc/account_check", "-d", "{}", env=env)
    assert r.code == 7 and "cannot reach 127.0.0.1:1" in r.err
    assert len(r.err.strip().splitlines()) == 1


def test_dry_run_prints_the_request_and_sends_nothing(run) -> None:  # type: ignore[no-untyped-def]
    r = run("--dry-run", "api", "im_open_login_svc/account_import", "-d", '{"UserID": "dry"}')
    plan = json.loads(r.out)
    assert plan["method"] == "POST" and plan["body"] == {"UserID": "dry"}
    assert "/v4/im_open_login_svc/account_import?" in plan["url"]
    assert "usersig=REDACTED" in plan["url"] and "contenttype=json" in plan["url"]
    r = run("users", "check", "dry")
    assert r.json()[0]["AccountStatus"] == "NotImported"


def test_list_prints_every_endpoint(run) -> None:  # type: ignore[no-untyped-def]
    r = run("-o", "json", "api", "list")
    rows = r.json()
    assert [row["endpoint"] for row in rows] == [e.name for e in endpoints.ENDPOINTS]
    multi = next(x for x in rows if x["endpoint"] == "im_open_login_svc/multiaccount_import")
    assert (multi["rate"], multi["batch_field"], multi["batch_max"]) == (100, "AccountList", 100)
    r = run("-o", "json", "api", "list", "profile")
    assert {row["endpoint"].split("/")[0] for row in r.json()} == {"profile"}

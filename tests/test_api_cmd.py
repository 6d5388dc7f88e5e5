"""timctl api: the raw escape hatch and the endpoint table."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

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


# ------------------------------------------------------------------------------ --paginate
#
# The emulator implements no paged endpoint yet, so these run against `Paged`, a WSGI double
# served over HTTP on 127.0.0.1: get_group_member_info pages by Offset (short page ends it),
# follow_get by StartCursor/NextCursor ("" ends it), get_subscriber_info never advances.

MEMBERS = "group_open_http_svc/get_group_member_info"
FOLLOW = "follow/follow_get"
STUCK = "official_account_open_http_svc/get_subscriber_info"


def _ok(**fields: Any) -> dict[str, Any]:
    return {"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": "", **fields}


def _members(body: dict[str, Any]) -> dict[str, Any]:
    start = body.get("Offset", 0)
    return _ok(MemberNum=450, MemberList=[{"Member_Account": f"m{i}", "Role": "Member"}
                                          for i in range(start, min(450, start + body["Limit"]))])


def _follow(body: dict[str, Any]) -> dict[str, Any]:
    start = int(body["StartCursor"] or 0)
    stop = min(5, start + body["WantNum"])
    return _ok(NextCursor=str(stop) if stop < 5 else "",
               FollowItem=[{"To_Account": f"f{i}"} for i in range(start, stop)])


def _stuck(body: dict[str, Any]) -> dict[str, Any]:
    return _ok(Next="again", SubscriberList=[{"Subscriber_Account": "s"}])


class Paged:
    """WSGI double for a few paged endpoints; records (path, body) of every request."""

    ROUTES: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
        MEMBERS: _members, FOLLOW: _follow, STUCK: _stuck}

    def __init__(self) -> None:
        self.received: list[tuple[str, dict[str, Any]]] = []

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]
                 ) -> Iterable[bytes]:
        name = environ["PATH_INFO"].removeprefix("/v4/")
        body = json.loads(environ["wsgi.input"].read(int(environ["CONTENT_LENGTH"])) or b"{}")
        self.received.append((name, body))
        route = self.ROUTES.get(name)
        answer = route(body) if route and len(self.received) <= 50 else {
            "ActionStatus": "FAIL", "ErrorCode": 60009, "ErrorInfo": "unexpected request"}
        start_response("200 OK", [("Content-Type", "application/json")])
        return [json.dumps(answer).encode()]


@pytest.fixture
def paged(run, tmp_path: Path) -> Iterator[Paged]:  # type: ignore[no-untyped-def]
    """`Paged` served on 127.0.0.1, the default profile `paged` pointing at it."""
    from timctl.emulator.server import make_server

    app = Paged()
    server = make_server(app, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    key = tmp_path / "paged.key"
    key.write_text("k" * 64 + "\n")
    r = run("config", "init", "paged", "--endpoint", f"http://127.0.0.1:{server.server_port}",
            "--sdkappid", "1400000001", "--secret-key-file", str(key))
    assert r.code == 0, r.err
    try:
        yield app
    finally:
        server.shutdown()
        server.server_close()


def test_paginate_json_merges_every_page_into_one_object(run, paged) -> None:  # type: ignore[no-untyped-def]
    r = run("-p", "paged", "api", MEMBERS, "-d", '{"GroupId": "g"}', "--paginate")
    assert r.code == 0, r.err
    out = r.json()
    assert [m["Member_Account"] for m in out["MemberList"]] == [f"m{i}" for i in range(450)]
    assert out["ActionStatus"] == "OK" and out["MemberNum"] == 450
    assert [(b.get("Offset"), b["Limit"]) for _, b in paged.received] == [
        (None, 200), (200, 200), (400, 200)]


def test_paginate_keeps_the_last_page_cursor(run, paged) -> None:  # type: ignore[no-untyped-def]
    body = '{"From_Account": "u", "FollowType": 1, "StartCursor": "", "WantNum": 2}'
    r = run("-p", "paged", "-o", "yaml", "api", FOLLOW, "-d", body, "--paginate")
    assert r.code == 0, r.err
    import yaml

    out = yaml.safe_load(r.out)
    assert [f["To_Account"] for f in out["FollowItem"]] == ["f0", "f1", "f2", "f3", "f4"]
    assert out["NextCursor"] == ""
    assert [b["StartCursor"] for _, b in paged.received] == ["", "2", "4"]


def test_paginate_jsonl_prints_one_line_per_item(run, paged) -> None:  # type: ignore[no-untyped-def]
    r = run("-p", "paged", "api", MEMBERS, "-d", '{"GroupId": "g", "Limit": 100}',
            "--paginate", "-o", "jsonl")
    assert r.code == 0, r.err
    lines = [json.loads(line) for line in r.out.splitlines()]
    assert lines == [{"Member_Account": f"m{i}", "Role": "Member"} for i in range(450)]
    assert len(paged.received) == 5


def test_paginate_limit_stops_early(run, paged) -> None:  # type: ignore[no-untyped-def]
    r = run("-p", "paged", "api", MEMBERS, "-d", '{"GroupId": "g", "Limit": 100}',
            "--paginate", "--limit", "150", "-o", "jsonl")
    assert r.code == 0, r.err
    assert len(r.out.splitlines()) == 150 and len(paged.received) == 2
    r = run("-p", "paged", "api", MEMBERS, "-d", '{"GroupId": "g"}', "--paginate",
            "--limit", "3")
    assert len(r.json()["MemberList"]) == 3
    assert paged.received[-1][1] == {"GroupId": "g", "Limit": 3}


def test_paginate_query_and_table(run, paged) -> None:  # type: ignore[no-untyped-def]
    r = run("-p", "paged", "api", MEMBERS, "-d", '{"GroupId": "g"}', "--paginate",
            "--query", "length(MemberList)")
    assert r.code == 0 and r.json() == 450
    r = run("-p", "paged", "api", MEMBERS, "-d", '{"GroupId": "g"}', "--paginate",
            "--limit", "2", "-o", "csv")
    assert r.out.splitlines() == ["Member_Account,Role", "m0,Member", "m1,Member"]


def test_paginate_on_an_endpoint_without_paging_sends_nothing(run, paged) -> None:  # type: ignore[no-untyped-def]
    r = run("-p", "paged", "api", "im_open_login_svc/account_check", "-d", "{}",
            "--paginate")
    assert r.code == 2 and "does not page" in r.err
    r = run("-p", "paged", "api", "nosuch/command", "--paginate")
    assert r.code == 2 and "not in timctl's endpoint table" in r.err
    r = run("-p", "paged", "api", MEMBERS, "-d", '{"GroupId": "g"}', "--limit", "5")
    assert r.code == 2 and "--limit needs --paginate" in r.err
    r = run("-p", "paged", "api", MEMBERS, "--paginate", "--limit", "0")
    assert r.code == 2
    assert paged.received == []


def test_paginate_dry_run_prints_the_first_request(run, paged) -> None:  # type: ignore[no-untyped-def]
    r = run("-p", "paged", "--dry-run", "api", MEMBERS, "-d", '{"GroupId": "g"}',
            "--paginate")
    assert r.code == 0, r.err
    assert json.loads(r.out)["body"] == {"GroupId": "g", "Limit": 200}
    assert paged.received == []


def test_paginate_stops_a_server_that_never_advances(run, paged) -> None:  # type: ignore[no-untyped-def]
    r = run("-p", "paged", "api", STUCK, "-d", '{"Official_Account": "oa", "Next": ""}',
            "--paginate")
    assert r.code == 7
    assert r.err.startswith(f"timctl: error: {STUCK}: the server is not advancing")
    assert len(r.err.strip().splitlines()) == 1
    assert len(paged.received) == 2

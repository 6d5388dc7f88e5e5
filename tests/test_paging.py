"""The pager against WSGI server doubles, one per paging style, each built the way its spec row
describes the endpoint (see the comments on the rows in timctl/endpoints/).

A `Double` answers from a function of the request body and records every body that reached
it, so each test states exactly what was asked for, page by page.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import click
import pytest
from click.testing import CliRunner

from timctl import endpoints
from timctl.cli.listing import collect, limit_options
from timctl.cli.options import pass_app
from timctl.endpoints import Endpoint, Paging
from timctl.errors import ApiError, NetworkError, UsageError
from timctl.rest import paging
from timctl.rest.client import Client, Credentials
from timctl.rest.ratelimit import RateLimiter
from timctl.rest.transport import WsgiTransport

KEY = "k" * 64
Answer = Callable[[dict[str, Any]], dict[str, Any]]


def spec(name: str) -> Endpoint:
    ep = endpoints.get(name)
    assert ep is not None and ep.paging is not None, name
    return ep


JOINED = spec("group_open_http_svc/get_joined_group_list")  # Offset/@count, short_page, 5000
MEMBERS = spec("group_open_http_svc/get_group_member_info")  # Offset/@count, short_page, 200
APP_GROUPS = spec("group_open_http_svc/get_appid_group_list")  # Next uint64, cursor_empty
PERMISSION = spec("group_open_http_svc/get_permission_group_member_list")  # Next "" .. ""
ROAM = spec("openim/admin_getroammsg")  # MaxTime + LastMsgKey, Complete flag
GROUP_MSGS = spec("group_open_http_svc/group_msg_get_simple")  # @min:MsgSeq, cursor_empty
KEY_VALUES = spec("openim_msg_ext_http_svc/get_key_values")  # @max:Seq, CompleteFlag
RECEIPTS = spec("group_open_http_svc/get_group_msg_receipt_detail")  # UnreadList alternative
SCHED = spec("timpush/list_sched_task")  # Offset/@count, empty_page, no maximum


def ok(**fields: Any) -> dict[str, Any]:
    return {"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": "", **fields}


class Double:
    """A WSGI server double: answers each request with `answer(body)`; the calls numbered in
    `lose` (1-based) are processed, then their answer is lost, as a dropped connection.
    Past MAX_CALLS it answers an error, so a pager that never stops fails instead of hanging."""

    MAX_CALLS = 50

    def __init__(self, answer: Answer, *, lose: Iterable[int] = ()) -> None:
        self.answer = answer
        self.lose = set(lose)
        self.received: list[dict[str, Any]] = []
        self.paths: list[str] = []
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]
                 ) -> Iterable[bytes]:
        body = json.loads(environ["wsgi.input"].read(int(environ["CONTENT_LENGTH"])) or b"{}")
        with self.lock:
            self.received.append(body)
            self.paths.append(environ["PATH_INFO"])
            number = len(self.received)
        data = self.answer(body) if number <= self.MAX_CALLS else {
            "ActionStatus": "FAIL", "ErrorCode": 99999, "ErrorInfo": "too many calls"}
        if number in self.lose:
            raise ConnectionAbortedError("connection lost after processing")
        start_response("200 OK", [("Content-Type", "application/json")])
        return [json.dumps(data).encode()]


def client(app: Any) -> Client:
    return Client(WsgiTransport(app), Credentials(1400000001, "administrator", KEY),
                  sleep=lambda s: None, limiter=RateLimiter(sleep=lambda s: None))


# ------------------------------------------------------------------------------ server doubles


def offset_server(rows: list[Any], key: str) -> Answer:
    """Offset paging: Offset from 0, at most Limit rows a page."""
    def answer(body: dict[str, Any]) -> dict[str, Any]:
        start = body.get("Offset", 0)
        return ok(TotalCount=len(rows), **{key: rows[start:start + body["Limit"]]})
    return answer


def next_server(rows: list[Any], key: str, *, end: Any) -> Answer:
    """Next cursor: `end` first and after the last page; opaque in between."""
    def encode(i: int) -> Any:
        return f"cur-{i}" if isinstance(end, str) else 7_000_000 + i

    def decode(cursor: Any) -> int:
        if cursor == end:
            return 0
        return int(cursor[4:]) if isinstance(end, str) else int(cursor) - 7_000_000

    def answer(body: dict[str, Any]) -> dict[str, Any]:
        start = decode(body.get("Next", end))
        stop = start + body["Limit"]
        return ok(Next=encode(stop) if stop < len(rows) else end,
                  TotalCount=len(rows), **{key: rows[start:stop]})
    return answer


def roam_messages() -> list[dict[str, Any]]:
    """Newest first; several messages share a second, so MaxTime alone cannot page."""
    times = [1005, 1005, 1005, 1004, 1003, 1003, 1003, 1003, 1002, 1001, 1001]
    return [{"MsgTimeStamp": t, "MsgKey": f"key-{i}", "MsgSeq": 100 - i}
            for i, t in enumerate(times)]


def roam_server(msgs: list[dict[str, Any]]) -> Answer:
    """admin_getroammsg: messages in [MinTime, MaxTime], newest first, resuming after
    LastMsgKey; Complete 1 on the page that holds the oldest one."""
    def answer(body: dict[str, Any]) -> dict[str, Any]:
        rest = [m for m in msgs if body["MinTime"] <= m["MsgTimeStamp"] <= body["MaxTime"]]
        if body.get("LastMsgKey"):
            keys = [m["MsgKey"] for m in rest]
            rest = rest[keys.index(body["LastMsgKey"]) + 1:]
        page = rest[:body["MaxCnt"]]
        last = page[-1] if page else {"MsgTimeStamp": 0, "MsgKey": ""}
        return ok(Complete=int(len(rest) <= body["MaxCnt"]), MsgCnt=len(page),
                  LastMsgTime=last["MsgTimeStamp"], LastMsgKey=last["MsgKey"], MsgList=page)
    return answer


def group_msg_server(seqs: list[int]) -> Answer:
    """group_msg_get_simple: up to ReqMsgNumber messages with MsgSeq <= ReqMsgSeq (newest
    when absent), newest first. IsFinished 1: the range came back whole."""
    def answer(body: dict[str, Any]) -> dict[str, Any]:
        top = body.get("ReqMsgSeq") or max(seqs)
        page = sorted((s for s in seqs if s <= top), reverse=True)[:body["ReqMsgNumber"]]
        return ok(GroupId=body["GroupId"], IsFinished=1,
                  RspMsgList=[{"MsgSeq": s, "From_Account": "u"} for s in page])
    return answer


def key_value_server(seqs: list[int], size: int = 3) -> Answer:
    """get_key_values: pairs with Seq >= StartSeq, sorted by Seq, `size` a page (the server's
    choice); CompleteFlag 1 when nothing is left."""
    def answer(body: dict[str, Any]) -> dict[str, Any]:
        rest = [s for s in sorted(seqs) if s >= body.get("StartSeq", 0)]
        page = rest[:size]
        return ok(CompleteFlag=int(len(rest) <= size),
                  ExtensionList=[{"Key": f"k{s}", "Value": "v", "Seq": s} for s in page])
    return answer


# ------------------------------------------------------------------------------ offset / @count


def test_offset_paging_walks_every_item_once_and_stops_on_a_short_page() -> None:
    groups = [{"GroupId": f"g{i}"} for i in range(12)]
    server = Double(offset_server(groups, "GroupIdList"))
    got = list(paging.items(client(server), JOINED, {"Member_Account": "u", "Limit": 5}))
    assert got == groups
    assert [(b.get("Offset"), b["Limit"]) for b in server.received] == [
        (None, 5), (5, 5), (10, 5)]
    assert all(b["Member_Account"] == "u" for b in server.received)


def test_offset_paging_ends_on_an_empty_page_after_a_full_one() -> None:
    groups = [{"GroupId": f"g{i}"} for i in range(10)]
    server = Double(offset_server(groups, "GroupIdList"))
    got = list(paging.items(client(server), JOINED, {"Member_Account": "u", "Limit": 5,
                                                      "Offset": 0}))
    assert got == groups
    assert [b["Offset"] for b in server.received] == [0, 5, 10]


def test_offset_paging_starts_at_the_given_offset() -> None:
    groups = [{"GroupId": f"g{i}"} for i in range(10)]
    server = Double(offset_server(groups, "GroupIdList"))
    got = list(paging.items(client(server), JOINED, {"Member_Account": "u", "Limit": 4,
                                                      "Offset": 3}))
    assert got == groups[3:]
    assert [b["Offset"] for b in server.received] == [3, 7]


def test_page_size_defaults_to_the_documented_maximum() -> None:
    groups = [{"GroupId": f"g{i}"} for i in range(3)]
    server = Double(offset_server(groups, "GroupIdList"))
    assert list(paging.items(client(server), JOINED, {"Member_Account": "u"})) == groups
    assert server.received == [{"Member_Account": "u", "Limit": 5000}]


def test_page_size_above_the_maximum_is_lowered_to_it() -> None:
    members = [{"Member_Account": f"m{i}"} for i in range(450)]
    server = Double(offset_server(members, "MemberList"))
    got = list(paging.items(client(server), MEMBERS, {"GroupId": "g", "Limit": 1000}))
    assert got == members
    assert [(b.get("Offset"), b["Limit"]) for b in server.received] == [
        (None, 200), (200, 200), (400, 200)]


def test_limit_stops_early_and_sends_no_more_calls_than_needed() -> None:
    groups = [{"GroupId": f"g{i}"} for i in range(50)]
    server = Double(offset_server(groups, "GroupIdList"))
    got = list(paging.items(client(server), JOINED, {"Member_Account": "u", "Limit": 5},
                            limit=7))
    assert got == groups[:7]
    assert len(server.received) == 2
    server = Double(offset_server(groups, "GroupIdList"))  # exactly a page: no third call
    assert len(list(paging.items(client(server), JOINED,
                                 {"Member_Account": "u", "Limit": 5}, limit=10))) == 10
    assert len(server.received) == 2


def test_a_limit_below_the_maximum_asks_for_a_page_of_that_size() -> None:
    groups = [{"GroupId": f"g{i}"} for i in range(50)]
    server = Double(offset_server(groups, "GroupIdList"))
    got = list(paging.items(client(server), JOINED, {"Member_Account": "u"}, limit=3))
    assert got == groups[:3]
    assert server.received == [{"Member_Account": "u", "Limit": 3}]


def test_items_are_lazy_a_consumer_that_stops_sends_nothing_more() -> None:
    groups = [{"GroupId": f"g{i}"} for i in range(20)]
    server = Double(offset_server(groups, "GroupIdList"))
    walk = paging.items(client(server), JOINED, {"Member_Account": "u", "Limit": 5})
    assert [next(walk) for _ in range(6)] == groups[:6]
    walk.close()
    assert len(server.received) == 2


def test_empty_page_rule_walks_until_a_page_without_items() -> None:
    # list_sched_task: Offset/Want with no documented maximum: only an empty page ends it.
    tasks = [{"TaskID": i} for i in range(7)]

    def answer(body: dict[str, Any]) -> dict[str, Any]:
        return ok(Tasks=tasks[body["Offset"]:body["Offset"] + body["Want"]])

    server = Double(answer)
    body = {"Sdkappid": 1, "Offset": 0, "Want": 3, "OrderBy": "createAt", "Asc": True,
            "BeginTime": "2024-01-01 00:00:00", "EndTime": "2024-02-01 00:00:00"}
    assert list(paging.items(client(server), SCHED, body)) == tasks
    assert [b["Offset"] for b in server.received] == [0, 3, 6, 7]


# ------------------------------------------------------------------------------ Next cursor


def test_next_cursor_uint64_is_carried_until_it_comes_back_zero() -> None:
    groups = [{"GroupId": f"g{i}"} for i in range(25)]
    server = Double(next_server(groups, "GroupIdList", end=0))
    got = list(paging.items(client(server), APP_GROUPS, {"Limit": 10}))
    assert got == groups
    assert [b.get("Next") for b in server.received] == [None, 7_000_010, 7_000_020]
    assert all(b["Limit"] == 10 for b in server.received)


def test_next_cursor_string_is_carried_until_it_comes_back_empty() -> None:
    members = [{"Member_Account": f"m{i}"} for i in range(120)]
    server = Double(next_server(members, "MemberList", end=""))
    body = {"GroupId": "@TGS#_c", "PermissionGroupId": "p", "Next": ""}
    got = list(paging.items(client(server), PERMISSION, body))
    assert got == members
    assert [(b["Next"], b["Limit"]) for b in server.received] == [
        ("", 50), ("cur-50", 50), ("cur-100", 50)]


def test_pages_yields_each_response_and_merged_keeps_the_last_cursor() -> None:
    groups = [{"GroupId": f"g{i}"} for i in range(25)]
    server = Double(next_server(groups, "GroupIdList", end=0))
    responses = list(paging.pages(client(server), APP_GROUPS, {"Limit": 10}))
    assert [len(r["GroupIdList"]) for r in responses] == [10, 10, 5]
    assert [r["Next"] for r in responses] == [7_000_010, 7_000_020, 0]
    result = paging.merged(client(Double(next_server(groups, "GroupIdList", end=0))),
                           APP_GROUPS, {"Limit": 10})
    assert result["GroupIdList"] == groups and result["Next"] == 0
    assert result["ActionStatus"] == "OK" and result["TotalCount"] == 25


def test_merged_with_a_limit_holds_only_that_many_items() -> None:
    groups = [{"GroupId": f"g{i}"} for i in range(25)]
    server = Double(next_server(groups, "GroupIdList", end=0))
    result = paging.merged(client(server), APP_GROUPS, {"Limit": 10}, limit=12)
    assert result["GroupIdList"] == groups[:12] and len(server.received) == 2


# ------------------------------------------------------------------------------ flag + two carries


def test_roam_messages_carry_max_time_and_last_msg_key_until_complete() -> None:
    msgs = roam_messages()
    server = Double(roam_server(msgs))
    body = {"Operator_Account": "a", "Peer_Account": "b", "MaxCnt": 3, "MinTime": 0,
            "MaxTime": 2000}
    got = list(paging.items(client(server), ROAM, body))
    assert got == msgs  # every message once, though up to four share a second
    carried = [(b["MaxTime"], b.get("LastMsgKey")) for b in server.received]
    assert carried == [(2000, None), (1005, "key-2"), (1003, "key-5"), (1002, "key-8")]
    assert all(b["MinTime"] == 0 and b["MaxCnt"] == 3 for b in server.received)


def test_max_seq_paging_continues_above_the_highest_seq_until_the_flag() -> None:
    # get_key_values: CompleteFlag ends it; StartSeq = highest Seq + 1 in between.
    server = Double(key_value_server([1, 2, 4, 7, 8, 9, 15], size=3))
    body = {"To_Account": "b", "MsgKey": "m"}
    got = [e["Seq"] for e in paging.items(client(server), KEY_VALUES, body)]
    assert got == [1, 2, 4, 7, 8, 9, 15]
    assert [b.get("StartSeq") for b in server.received] == [None, 5, 10]


def test_alternative_items_list_is_read_and_merged_under_its_own_name() -> None:
    readers = [{"Member_Account": f"r{i}"} for i in range(5)]

    def answer(body: dict[str, Any]) -> dict[str, Any]:
        start = int(body["Cursor"] or 0)
        page = readers[start:start + body["Count"]]
        done = start + body["Count"] >= len(readers)
        return ok(IsFinished=int(done), Cursor="" if done else str(start + body["Count"]),
                  UnreadList=page)

    server = Double(answer)
    body = {"GroupId": "g", "MsgSeq": 9, "Filter": 1, "Cursor": "", "Count": 2}
    result = paging.merged(client(server), RECEIPTS, body)
    assert result["UnreadList"] == readers and "ReadList" not in result
    assert result["IsFinished"] == 1
    assert [b["Cursor"] for b in server.received] == ["", "2", "4"]


# ------------------------------------------------------------------------------ @min / @max


def test_group_history_pages_backwards_from_the_lowest_seq_until_zero() -> None:
    server = Double(group_msg_server(list(range(1, 46))))
    got = [m["MsgSeq"] for m in paging.items(client(server), GROUP_MSGS, {"GroupId": "g"})]
    assert got == list(range(45, 0, -1))
    assert [(b.get("ReqMsgSeq"), b["ReqMsgNumber"]) for b in server.received] == [
        (None, 20), (25, 20), (5, 20)]


def test_group_history_with_expired_start_ends_on_an_empty_page() -> None:
    # Seq 1-9 expired: the walk asks once more below 10, gets nothing, and stops.
    server = Double(group_msg_server(list(range(10, 31))))
    got = [m["MsgSeq"] for m in paging.items(client(server), GROUP_MSGS,
                                             {"GroupId": "g", "ReqMsgNumber": 20})]
    assert got == list(range(30, 9, -1))
    assert [b.get("ReqMsgSeq") for b in server.received] == [None, 10, 9]


def test_group_history_with_gaps_in_seq() -> None:
    seqs = [1, 2, 3, 10, 11, 30, 31, 32, 50]
    server = Double(group_msg_server(seqs))
    got = [m["MsgSeq"] for m in paging.items(client(server), GROUP_MSGS,
                                             {"GroupId": "g", "ReqMsgNumber": 4})]
    assert got == sorted(seqs, reverse=True)
    assert [b.get("ReqMsgSeq") for b in server.received] == [None, 29, 1]


# ------------------------------------------------------------------------------ guards


def test_a_server_that_repeats_its_cursor_is_stopped_with_one_line() -> None:
    def stuck(body: dict[str, Any]) -> dict[str, Any]:
        return ok(Next=555, GroupIdList=[{"GroupId": "same"}])

    server = Double(stuck)
    with pytest.raises(NetworkError) as exc:
        list(paging.items(client(server), APP_GROUPS, {}))
    assert len(server.received) == 2  # Next 0 (absent), then 555, which answers 555 again
    text = str(exc.value)
    assert text.startswith("group_open_http_svc/get_appid_group_list: ")
    assert "Next=555" in text and "\n" not in text and exc.value.exit_code == 7


def test_a_server_that_cycles_between_cursors_is_stopped() -> None:
    def cycling(body: dict[str, Any]) -> dict[str, Any]:
        nxt = {"": "a", "a": "b", "b": "a"}[body["StartCursor"]]
        return ok(NextCursor=nxt, FollowItem=[{"To_Account": nxt}])

    server = Double(cycling)
    body = {"From_Account": "u", "FollowType": 1, "StartCursor": ""}
    with pytest.raises(NetworkError, match="page 2"):
        list(paging.items(client(server), spec("follow/follow_get"), body))
    assert [b["StartCursor"] for b in server.received] == ["", "a", "b"]


def test_a_flag_endpoint_that_never_advances_is_stopped() -> None:
    def stuck(body: dict[str, Any]) -> dict[str, Any]:
        return ok(CompleteFlag=0, ExtensionList=[])

    server = Double(stuck)
    with pytest.raises(NetworkError, match="no @max:Seq to continue from"):
        list(paging.items(client(server), KEY_VALUES, {"To_Account": "b", "MsgKey": "m"}))
    assert len(server.received) == 1


def test_a_missing_cursor_on_a_page_that_is_not_the_last_is_an_error() -> None:
    def no_cursor(body: dict[str, Any]) -> dict[str, Any]:
        return ok(Complete=0, MsgList=[{"MsgKey": "k"}])

    server = Double(no_cursor)
    body = {"Operator_Account": "a", "Peer_Account": "b", "MaxCnt": 1, "MinTime": 0,
            "MaxTime": 9}
    with pytest.raises(NetworkError, match="LastMsgTime, LastMsgKey"):
        list(paging.items(client(server), ROAM, body))
    assert len(server.received) == 1


def test_items_field_that_is_not_a_list_is_an_error() -> None:
    server = Double(lambda body: ok(GroupIdList={"oops": 1}, Next=0))
    with pytest.raises(NetworkError, match="GroupIdList in the answer is not a list"):
        list(paging.items(client(server), APP_GROUPS, {}))


def test_an_endpoint_without_paging_is_a_usage_error_before_sending() -> None:
    server = Double(lambda body: ok())
    with pytest.raises(UsageError, match="does not page"):
        list(paging.items(client(server), "im_open_login_svc/account_check", {}))
    assert server.received == []


def test_a_retried_page_does_not_duplicate_items() -> None:
    # The second page is processed, its answer lost; the client asks again (a read is safe).
    groups = [{"GroupId": f"g{i}"} for i in range(12)]
    server = Double(offset_server(groups, "GroupIdList"), lose=[2])
    got = list(paging.items(client(server), JOINED, {"Member_Account": "u", "Limit": 5}))
    assert got == groups
    assert [b.get("Offset") for b in server.received] == [None, 5, 5, 10]


def test_an_api_error_mid_walk_ends_it_with_that_error() -> None:
    def answer(body: dict[str, Any]) -> dict[str, Any]:
        if body.get("Next"):
            return {"ActionStatus": "FAIL", "ErrorCode": 10004, "ErrorInfo": "bad"}
        return ok(Next=7, GroupIdList=[{"GroupId": "g0"}])

    seen: list[Any] = []
    with pytest.raises(ApiError):
        for item in paging.items(client(Double(answer)), APP_GROUPS, {}):
            seen.append(item)
    assert seen == [{"GroupId": "g0"}]


# ------------------------------------------------------------------------------ spec rules


def test_every_paged_row_names_fields_the_pager_can_use() -> None:
    rows = [e for e in endpoints.ENDPOINTS if e.paging is not None]
    assert len(rows) >= 22
    for ep in rows:
        p = ep.paging
        assert p is not None and p.carry, ep.name
        assert ep.retry == "safe", ep.name  # a retried page must be harmless
        if p.done == "flag":
            assert p.done_field, ep.name
        if p.done == "short_page":
            assert p.page_size, ep.name
        for _, source in p.carry:
            assert not source.startswith("@") or source == "@count" or \
                source.startswith(("@min:", "@max:")), (ep.name, source)


def test_first_request_on_a_made_up_spec() -> None:
    ep = Endpoint("svc", "list", "x", retry="safe",
                  paging=Paging("L", carry=(("Off", "@count"),), done="short_page",
                                page_size=("N", 10)))
    assert paging.first_request(ep, {}) == {"N": 10}
    assert paging.first_request(ep, {}, limit=4) == {"N": 4}
    assert paging.first_request(ep, {"N": 50}) == {"N": 10}
    assert paging.first_request(ep, {"N": 6}, limit=2) == {"N": 6}


# ------------------------------------------------------------------------------ --limit / --all


@click.command()
@limit_options
@pass_app
def members(app: Any, limit: int | None) -> None:
    rows = collect(app, MEMBERS, {"GroupId": "g"}, limit)
    if rows is not None:
        click.echo(json.dumps(rows))


@pytest.fixture
def members_env() -> Iterator[tuple[Double, dict[str, str]]]:
    from timctl.emulator.server import make_server

    server = Double(offset_server([{"Member_Account": f"m{i}"} for i in range(450)],
                                  "MemberList"))
    httpd = make_server(server, "127.0.0.1", 0)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    env = {"TIMCTL_ENDPOINT": f"http://127.0.0.1:{httpd.server_port}",
           "TIMCTL_SDKAPPID": "1400000001", "TIMCTL_SECRET_KEY": KEY}
    try:
        yield server, env
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_list_helper_pages_through_everything_by_default(members_env) -> None:  # type: ignore[no-untyped-def]
    server, env = members_env
    for args in ([], ["--all"]):
        server.received.clear()
        r = CliRunner().invoke(members, args, env=env)
        assert r.exit_code == 0, r.output
        assert len(json.loads(r.stdout)) == 450 and len(server.received) == 3


def test_list_helper_limit_stops_after_n(members_env) -> None:  # type: ignore[no-untyped-def]
    server, env = members_env
    r = CliRunner().invoke(members, ["--limit", "250"], env=env)
    assert r.exit_code == 0, r.output
    assert [m["Member_Account"] for m in json.loads(r.stdout)] == [f"m{i}" for i in range(250)]
    assert len(server.received) == 2


def test_list_helper_rejects_limit_with_all_and_nonpositive_limits(members_env) -> None:  # type: ignore[no-untyped-def]
    server, env = members_env
    for args in (["--limit", "5", "--all"], ["--limit", "0"], ["--limit", "x"]):
        r = CliRunner().invoke(members, args, env=env)
        assert r.exit_code == 2, (args, r.output)
    assert server.received == []


def test_list_helper_dry_run_prints_the_first_request(members_env) -> None:  # type: ignore[no-untyped-def]
    from timctl.cli.context import AppContext

    server, env = members_env
    r = CliRunner().invoke(members, ["--limit", "5"], env=env, obj=AppContext(dry_run=True))
    assert r.exit_code == 0, r.output
    plan = json.loads(r.stdout)
    assert plan["body"] == {"GroupId": "g", "Limit": 5} and server.received == []

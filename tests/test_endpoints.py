"""The endpoint table and the error-code catalog are consistent and keep documented limits."""

from __future__ import annotations

import pytest

from timctl import endpoints, error_codes
from timctl.endpoints import ENDPOINTS, PAGINATION_STYLES, get, services


def test_enough_rows() -> None:
    assert len(ENDPOINTS) >= 145


def test_names_unique() -> None:
    names = [e.name for e in ENDPOINTS]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("e", ENDPOINTS, ids=lambda e: e.name)
def test_every_name_resolves(e: endpoints.Endpoint) -> None:
    assert get(e.name) is e
    assert get(f"v4/{e.name}") is e
    assert get(f"/v4/{e.name}") is e
    assert get(f"  {e.path}  ") is e
    assert e.path == f"/v4/{e.service}/{e.command}"


def test_unknown_name() -> None:
    assert get("nosuch_svc/nosuch_command") is None


@pytest.mark.parametrize("e", ENDPOINTS, ids=lambda e: e.name)
def test_row_is_well_formed(e: endpoints.Endpoint) -> None:
    assert e.service and e.command and "/" not in e.command
    assert e.summary and len(e.summary) <= 60 and not e.summary.endswith(".")
    assert e.rate > 0
    assert e.pagination in PAGINATION_STYLES
    if e.pagination == "cursor":
        assert e.cursor is not None and len(e.cursor) == 2 and all(e.cursor)
    else:
        assert e.cursor is None
    if e.batch_max is not None:
        assert e.batch_max > 0
        assert e.batch_field
    assert isinstance(e.rate_note, str)


def test_services_sorted_and_complete() -> None:
    svcs = services()
    assert svcs == sorted(svcs)
    assert set(svcs) == {e.service for e in ENDPOINTS}
    for svc in ("im_open_login_svc", "openim", "sns", "group_open_http_svc", "timpush"):
        assert svc in svcs


def test_documented_account_limits() -> None:
    imp = get("im_open_login_svc/multiaccount_import")
    assert imp is not None
    assert imp.rate == 100
    assert (imp.batch_field, imp.batch_max) == ("AccountList", 100)
    delete = get("im_open_login_svc/account_delete")
    assert delete is not None and delete.rate == 100
    assert (delete.batch_field, delete.batch_max) == ("DeleteItem", 100)
    check = get("im_open_login_svc/account_check")
    assert check is not None and (check.batch_field, check.batch_max) == ("CheckItem", 100)
    online = get("openim/query_online_status")
    assert online is not None
    assert (online.batch_field, online.batch_max) == ("To_Account", 500)


def test_documented_rates() -> None:
    assert get("open_msg_svc/get_history").rate == 10
    assert get("user_search/search").rate == 2
    assert get("group_open_http_svc/get_appid_group_list").rate == 1
    assert get("group_open_http_svc/send_broadcast_msg").rate == 1
    assert get("im_open_login_svc/account_import").rate == endpoints.DEFAULT_RATE


def test_documented_quotas_in_rate_note() -> None:
    for name in ("all_member_push/im_push", "timpush/push"):
        e = get(name)
        assert e is not None and e.rate == 1 and "/day" in e.rate_note
    assert "per group" in get("group_open_http_svc/send_group_msg").rate_note
    assert "per group" in get("group_open_http_svc/modify_group_attr").rate_note


def test_documented_batches() -> None:
    batch = get("openim/batchsendmsg")
    assert (batch.batch_field, batch.batch_max) == ("To_Account", 500)
    friends = get("sns/friend_delete")
    assert (friends.batch_field, friends.batch_max) == ("To_Account", 1000)
    recall = get("group_open_http_svc/group_msg_recall")
    assert (recall.batch_field, recall.batch_max) == ("MsgSeqList", 10)


def test_documented_pagination() -> None:
    groups = get("group_open_http_svc/get_appid_group_list")
    assert groups.pagination == "cursor" and groups.cursor == ("Next", "Next")
    assert get("group_open_http_svc/get_group_member_info").pagination == "offset"
    assert get("openim/admin_getroammsg").pagination == "time"
    assert get("group_open_http_svc/group_msg_get_simple").pagination == "sequence"


def test_aliases_are_not_rows() -> None:
    assert get("openim/querystate") is None
    assert get("group_open_http_svc/get_group_shutted_uin") is None


def test_permission_group_command_is_named() -> None:
    assert get("group_open_http_svc/get_permission_group") is not None
    assert not any("(" in e.command or " " in e.command for e in ENDPOINTS)


def test_common_codes() -> None:
    assert error_codes.COMMON
    for code, text in error_codes.COMMON.items():
        assert type(code) is int
        assert isinstance(text, str) and text and len(text) <= 80
        assert not text.endswith(".")
    assert list(error_codes.COMMON) == sorted(error_codes.COMMON)
    for code in (60002, 60007, 70001, 70107, 10010, 90001, 91000, 130001):
        assert code in error_codes.COMMON
    for code in range(1001, 1006):
        assert code not in error_codes.COMMON


def test_by_endpoint_codes() -> None:
    for name, table in error_codes.BY_ENDPOINT.items():
        assert get(name) is not None, name
        assert "/" in name and not name.startswith(("/", "v4/"))
        assert table
        for code, text in table.items():
            assert type(code) is int
            assert isinstance(text, str) and text and len(text) <= 80
        assert list(table) == sorted(table)
    assert set(error_codes.BY_ENDPOINT["open_msg_svc/get_history"]) == {1001, 1002, 1003,
                                                                        1004, 1005}

"""The endpoint table: invariants every row keeps, and documented facts it must not lose."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from timctl import endpoints, error_codes
from timctl.endpoints import ENDPOINTS, RETRY_CLASSES, adhoc, canonical_name, get, services
from timctl.endpoints.spec import Batch, Dedup, Endpoint, Field, Paging

NAMES = {e.name for e in ENDPOINTS}
FAMILY_MODULES = ("accounts", "sns", "messages", "groups", "communities", "push", "other")
COMPUTED_SOURCES = ("@min:", "@max:")


def ep(name: str) -> Endpoint:
    found = get(name)
    assert found is not None, name
    return found


def batch_of(name: str) -> Batch:
    found = ep(name).batch
    assert found is not None, name
    return found


def paging_of(name: str) -> Paging:
    found = ep(name).paging
    assert found is not None, name
    return found


def dedup_of(name: str) -> Dedup:
    found = ep(name).dedup
    assert found is not None, name
    return found


# --- row checks, also run on deliberately broken rows below --------------------------------


def field_problems(f: Field) -> list[str]:
    out = []
    if f.max_items is not None and (f.type != "array" or f.max_items <= 0):
        out.append(f"{f.name}: max_items needs a positive array")
    if f.max_bytes is not None and (f.type != "string" or f.max_bytes <= 0):
        out.append(f"{f.name}: max_bytes needs a positive string")
    if f.items is not None and f.type != "array":
        out.append(f"{f.name}: items on a non-array")
    if f.user_id and f.type not in ("string", "array"):
        out.append(f"{f.name}: user_id on a {f.type}")
    if f.user_id and f.type == "array" and f.items != "string":
        out.append(f"{f.name}: UserID arrays hold strings")
    if f.minimum is not None and f.maximum is not None and f.minimum > f.maximum:
        out.append(f"{f.name}: minimum > maximum")
    if f.choices and f.type == "string" and not all(isinstance(c, str) for c in f.choices):
        out.append(f"{f.name}: non-string choice")
    return out


def paging_problems(e: Endpoint, p: Paging, fields: set[str]) -> list[str]:
    out = []
    if not p.items:
        out.append("paging without an items list")
    if not p.carry:
        out.append("paging without a carry")
    if p.done == "flag" and not p.done_field:
        out.append("flag rule without done_field")
    if p.done != "flag" and p.done_field is not None:
        out.append("done_field on a non-flag rule")
    for request_field, source in p.carry:
        if not request_field or not source:
            out.append("empty carry")
        elif source.startswith("@"):
            if source != "@count" and not (source.startswith(COMPUTED_SOURCES)
                                           and len(source) > 5):
                out.append(f"unknown carry source {source!r}")
        elif not source[0].isalpha():
            out.append(f"carry source {source!r} is not a response field")
        if fields and request_field not in fields:
            out.append(f"carry field {request_field} not in the request schema")
    if p.page_size is not None:
        size_field, size_max = p.page_size
        if size_max <= 0:
            out.append("page size not positive")
        if fields and size_field not in fields:
            out.append(f"page size field {size_field} not in the request schema")
    if p.done == "short_page" and p.page_size is None:
        out.append("short_page needs a page_size")
    if any(source == "@count" for _, source in p.carry) and p.done == "cursor_empty":
        out.append("@count never empties: offset paging ends on a short or empty page")
    return out


def batch_problems(b: Batch, fields: set[str]) -> list[str]:
    out = []
    if not b.field:
        out.append("batch without a field")
    if b.max is not None and b.max <= 0:
        out.append("batch max not positive")
    if fields and b.field not in fields:
        out.append(f"batch field {b.field} not in the request schema")
    if b.result_key and not (b.result or b.rows):
        out.append("result_key without result or rows")
    if b.failed_list and (not b.result or b.result_key):
        out.append("a failed list is a bare list of IDs: result, no result_key")
    if not b.ok_codes:
        out.append("no ok_codes")
    return out


def row_problems(e: Endpoint) -> list[str]:
    out = []
    names = [f.name for f in e.request]
    fields = set(names)
    if len(names) != len(fields):
        out.append("a request field twice")
    if not e.service or not e.command or "/" in e.command or " " in e.command:
        out.append("bad service/command")
    if not e.summary or len(e.summary) > 60 or e.summary.endswith("."):
        out.append("summary empty, long or ending with a period")
    if e.rate <= 0 or e.rate_period <= 0:
        out.append("rate not positive")
    if e.rate_unit == "items" and (e.batch is None or not e.batch.max):
        out.append("items-metered without a bounded batch")
    if e.retry not in RETRY_CLASSES:
        out.append(f"unknown retry class {e.retry}")
    if (e.retry == "dedup") != (e.dedup is not None):
        out.append("dedup rows, and only they, carry a Dedup")
    if e.dedup is not None:
        if e.dedup.window <= 0:
            out.append("dedup window not positive")
        key = (e.dedup.field, *e.dedup.also)
        if fields and not set(key) <= fields:
            out.append(f"dedup fields {key} not in the request schema")
    if e.gone_codes and e.retry != "safe":
        out.append("gone codes on a row that is not safe")
    if any(type(c) is not int or c <= 0 for c in e.gone_codes):
        out.append("gone codes are positive ints")
    if e.batch is not None:
        out += batch_problems(e.batch, fields)
    if e.paging is not None:
        out += paging_problems(e, e.paging, fields)
    for f in e.request:
        out += field_problems(f)
    for old, new in e.legacy_fields:
        if not old or old == new or (fields and new not in fields):
            out.append(f"legacy field ({old}, {new}) does not map to a current field")
    for old in e.legacy_paths:
        if canonical_name(old) != old or old.count("/") != 1:
            out.append(f"legacy path {old!r} not written service/command")
    if e.adhoc:
        out.append("table rows are not adhoc")
    return out


# --- invariants over the whole table -------------------------------------------------------


def test_table_size() -> None:
    assert len(ENDPOINTS) >= 180


def test_names_unique_and_spelled_once() -> None:
    counts = Counter(e.name for e in ENDPOINTS)
    assert [n for n, c in counts.items() if c > 1] == []
    folded = Counter(e.name.lower() for e in ENDPOINTS)
    assert [n for n, c in folded.items() if c > 1] == []
    legacy = Counter(old for e in ENDPOINTS for old in e.legacy_paths)
    assert [n for n, c in legacy.items() if c > 1] == []


def test_legacy_names_never_shadow_real_ones() -> None:
    for e in ENDPOINTS:
        for old in e.legacy_paths:
            assert old not in NAMES, old
            assert old.lower() not in {n.lower() for n in NAMES}, old
            assert get(old) is e
            assert get(f"/v4/{old}") is e


@pytest.mark.parametrize("e", ENDPOINTS, ids=lambda e: e.name)
def test_row_is_coherent(e: Endpoint) -> None:
    assert row_problems(e) == []


@pytest.mark.parametrize("e", ENDPOINTS, ids=lambda e: e.name)
def test_every_name_resolves(e: Endpoint) -> None:
    assert get(e.name) is e
    assert get(f"v4/{e.name}") is e
    assert get(f"  {e.path}  ") is e
    assert e.path == f"/v4/{e.service}/{e.command}"


def test_the_checks_catch_broken_rows() -> None:
    bad = [
        Endpoint("s", "a", "x", retry="dedup"),  # dedup without a Dedup
        Endpoint("s", "b", "x", retry="unsafe", gone_codes=frozenset({70107})),
        Endpoint("s", "c", "x", paging=Paging("L", carry=(("A", "B"),), done="flag")),
        Endpoint("s", "d", "x", paging=Paging("L", carry=(("A", "@sum:X"),))),
        Endpoint("s", "e", "x", paging=Paging("L", carry=(("A", "B"),), page_size=("N", 0))),
        Endpoint("s", "f", "x", batch=Batch("F", 0)),
        Endpoint("s", "g", "x", request=(Field("F", "string", max_items=3),)),
        Endpoint("s", "h", "x", batch=Batch("F", 10), request=(Field("G", "array"),)),
        Endpoint("s", "i", "x", legacy_fields=(("Old", "New"),), request=(Field("Other"),)),
        Endpoint("s", "j", "x", paging=Paging("L", carry=(("Offset", "@count"),))),
        Endpoint("s", "k", "x", retry="dedup", dedup=Dedup("R", 120, also=("S",)),
                 request=(Field("R"),)),
    ]
    for row in bad:
        assert row_problems(row), row.command


def test_services_sorted_and_complete() -> None:
    svcs = services()
    assert svcs == sorted(svcs)
    assert set(svcs) == {e.service for e in ENDPOINTS}


def test_retry_classes_all_used() -> None:
    assert {e.retry for e in ENDPOINTS} == set(RETRY_CLASSES)


def test_family_modules_stay_small_and_each_row_lives_once() -> None:
    pkg = Path(endpoints.__file__).parent
    seen: list[str] = []
    for name in FAMILY_MODULES:
        path = pkg / f"{name}.py"
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 400, name
        module = __import__(f"timctl.endpoints.{name}", fromlist=["ENDPOINTS"])
        seen += [e.name for e in module.ENDPOINTS]
    assert seen == [e.name for e in ENDPOINTS]
    assert not (pkg / "table.py").exists()


def test_package_imports_nothing_else_of_timctl() -> None:
    code = ("import sys, timctl.endpoints; "
            "print(sorted(m for m in sys.modules if m.startswith('timctl')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    loaded = eval(out)  # a printed list of module names
    assert all(m == "timctl" or m.startswith("timctl.endpoints") for m in loaded), loaded


# --- get() and adhoc() ---------------------------------------------------------------------


def test_unknown_name() -> None:
    assert get("nosuch_svc/nosuch_command") is None
    assert get("openim") is None


def test_legacy_paths_resolve_to_current_rows() -> None:
    assert ep("openim/querystate").name == "openim/query_online_status"
    assert ep("/v4/group_open_http_svc/get_group_shutted_uin/").command == \
        "get_group_muted_account"


def test_adhoc_is_unsafe_and_marked() -> None:
    spec = adhoc("/v4/new_svc/new_command/")
    assert spec.name == "new_svc/new_command"
    assert spec.adhoc and spec.retry == "unsafe" and spec.dedup is None
    assert spec.rate == endpoints.DEFAULT_RATE and spec.batch is None and spec.paging is None
    assert get(spec.name) is None  # not added to the table
    for bad in ("", "onlyservice", "a/b/c", "/v4//cmd"):
        with pytest.raises(ValueError):
            adhoc(bad)


# --- documented facts ----------------------------------------------------------------------


def test_account_limits_and_results() -> None:
    imp = ep("im_open_login_svc/multiaccount_import")
    assert imp.rate == 100 and imp.retry == "safe"
    assert imp.batch == Batch("AccountList", 100, item_key="UserID", result="FailAccounts",
                              failed_list=True)
    assert ("Accounts", "AccountList") in imp.legacy_fields
    delete = ep("im_open_login_svc/account_delete")
    assert delete.rate == 100 and delete.destructive and delete.gone_codes == {70107}
    assert (delete.batch_field, delete.batch_max) == ("DeleteItem", 100)
    deleted = batch_of(delete.name)
    assert (deleted.item_key, deleted.result, deleted.result_key) == \
        ("UserID", "ResultItem", "UserID")
    assert ep("im_open_login_svc/account_check").batch_max == 100
    assert ("Identifier", "UserID") in ep("im_open_login_svc/account_import").legacy_fields
    online = ep("openim/query_online_status")
    assert (online.batch_field, online.batch_max, batch_of(online.name).result) == \
        ("To_Account", 500, "ErrorList")
    assert ep("profile/portrait_get").batch_max == 100


def test_documented_rates() -> None:
    assert ep("open_msg_svc/get_history").rate == 10
    assert ep("user_search/search").rate == 2
    assert ep("group_open_http_svc/get_appid_group_list").rate == 1
    assert ep("group_open_http_svc/send_broadcast_msg").rate == 1
    assert ep("openim_console_http_svc/desk_get_robot_list").rate == 5
    for name in ("add_sched_task", "get_sched_task", "modify_sched_task",
                 "delete_sched_task", "list_sched_task"):
        assert ep(f"timpush/{name}").rate == 5, name
    assert ep("im_open_login_svc/account_import").rate == endpoints.DEFAULT_RATE
    assert all(e.rate_unit == "calls" for e in ENDPOINTS
               if e.name not in ("openim/batchsendmsg", "timpush/batch"))


def test_recipient_metered_rates() -> None:
    batch = ep("openim/batchsendmsg")
    assert (batch.rate, batch.rate_unit, batch.rate_period) == (12000, "items", 60)
    assert batch.calls_per_second == pytest.approx(0.4)  # 200 recipients/s, 500 per call
    assert "200 calls/s" in batch.rate_note
    push = ep("timpush/batch")
    assert (push.rate, push.rate_unit, push.batch_max) == (30, "items", 500)
    assert push.retry == "unsafe"  # MsgRandom only dedups within one second


def test_dedup_fields_and_windows() -> None:
    send = ep("openim/sendmsg")
    assert send.dedup == Dedup("MsgRandom", 120, also=("MsgSeq",))
    assert ep("openim/batchsendmsg").dedup == Dedup("MsgRandom", 120, also=("MsgSeq",))
    for name in ("group_open_http_svc/send_group_msg", "group_open_http_svc/send_broadcast_msg",
                 "official_account_open_http_svc/send_official_account_msg"):
        assert ep(name).dedup == Dedup("Random", 300), name
    for name in ("all_member_push/im_push", "timpush/push"):
        assert ep(name).dedup == Dedup("MsgRandom", 7 * 86400), name
    assert dedup_of("openim/importmsg").field == "MsgSeq"


def test_documented_retry_classes() -> None:
    unsafe = ("group_open_http_svc/create_group", "group_open_http_svc/update_group_counter",
              "group_open_http_svc/send_group_system_notification",
              "group_open_http_svc/import_group_msg", "sns/friend_add",
              "openim_robot_http_svc/send_stream_msg", "timpush/add_sched_task")
    for name in unsafe:
        assert ep(name).retry == "unsafe", name
    safe = ("group_open_http_svc/add_group_member", "group_open_http_svc/delete_group_member",
            "group_open_http_svc/set_group_attr", "sns/friend_delete_all",
            "openim/c2c_msg_read_receipt", "im_msg_audit/batch_content_moderation")
    for name in safe:
        assert ep(name).retry == "safe", name


def test_gone_codes_and_destructive_rows() -> None:
    assert ep("group_open_http_svc/destroy_group").gone_codes == {10010}
    assert ep("openim/admin_msgwithdraw").gone_codes == {20023}
    assert ep("sns/friend_delete").gone_codes == {31704}
    assert ep("group_open_http_svc/delete_group_attr").gone_codes == {10050}
    assert ep("timpush/revoke").gone_codes == {90050}
    for name in ("im_open_login_svc/account_delete", "group_open_http_svc/destroy_group",
                 "group_open_http_svc/clear_group_msg", "sns/friend_delete_all",
                 "group_open_http_svc/delete_group_member", "openim/admin_msgwithdraw",
                 "group_open_http_svc/group_msg_recall", "timpush/clear_all_tags"):
        assert ep(name).destructive, name
    assert not ep("im_open_login_svc/account_check").destructive


def test_documented_batches() -> None:
    assert (ep("openim/batchsendmsg").batch_field, ep("openim/batchsendmsg").batch_max) == \
        ("To_Account", 500)
    assert ep("sns/friend_delete").batch_max == 1000
    recall = batch_of("group_open_http_svc/group_msg_recall")
    assert (recall.field, recall.max, recall.result, recall.result_code) == \
        ("MsgSeqList", 10, "RecallRetList", "RetCode")
    add = batch_of("group_open_http_svc/add_group_member")
    assert (add.field, add.max, add.result_code, add.ok_codes) == \
        ("MemberList", 20, "Result", (1, 2, 3))
    attrs = batch_of("group_open_http_svc/set_group_attr")
    assert attrs.max == 16 and not attrs.splittable
    assert batch_of("group_open_http_svc/import_group_msg").ordered
    assert ep("official_account_open_http_svc/add_subscriber").batch_max == 100
    deleted = batch_of("im_msg_audit_mgr/delete_cloud_audit_keywords")
    assert (deleted.max, deleted.result_code, deleted.ok_codes) == (10, "Deleted", (True,))


def test_documented_paging() -> None:
    groups = paging_of("group_open_http_svc/get_appid_group_list")
    assert groups == Paging("GroupIdList", carry=(("Next", "Next"),), done="cursor_empty",
                            page_size=("Limit", 10000))
    roam = paging_of("openim/admin_getroammsg")
    assert roam.carry == (("MaxTime", "LastMsgTime"), ("LastMsgKey", "LastMsgKey"))
    assert (roam.done, roam.done_field, roam.done_value, roam.items) == \
        ("flag", "Complete", 1, "MsgList")
    history = paging_of("group_open_http_svc/group_msg_get_simple")
    assert history.items == "RspMsgList" and history.carry == (("ReqMsgSeq", "@min:MsgSeq"),)
    assert history.page_size == ("ReqMsgNumber", 20)
    assert history.done_field != "IsFinished"  # 1 only means "this page came back whole"
    members = paging_of("group_open_http_svc/get_group_member_info")
    assert members.carry == (("Offset", "@count"),) and members.done == "short_page"
    receipts = paging_of("group_open_http_svc/get_group_msg_receipt_detail")
    assert (receipts.done_field, receipts.page_size, receipts.items_alt) == \
        ("IsFinished", ("Count", 200), ("UnreadList",))
    assert paging_of("openim_msg_ext_http_svc/get_key_values").carry == \
        (("StartSeq", "@max:Seq"),)
    assert paging_of("sns/friend_get").carry == (("StartIndex", "NextStartIndex"),)
    assert paging_of("group_open_http_svc/get_group_ban_member").page_size == ("Limit", 100)
    assert ep("user_search/search").paging is None  # response cursor key not documented


def test_documented_legacy_fields() -> None:
    roam = ep("openim/admin_getroammsg")
    assert ("From_Account", "Operator_Account") in roam.legacy_fields
    for name in ("forbid_send_msg", "modify_group_member_info"):
        assert ("ShutUpTime", "MuteTime") in ep(f"group_open_http_svc/{name}").legacy_fields
    assert ("ShutUpAllMember", "MuteAllMember") in \
        ep("group_open_http_svc/modify_group_base_info").legacy_fields


def test_request_schemas() -> None:
    fields = {f.name: f for f in ep("openim/sendmsg").request}
    assert fields["To_Account"].required and fields["To_Account"].user_id
    assert fields["MsgLifeTime"].maximum == 604800
    create = {f.name: f for f in ep("group_open_http_svc/create_group").request}
    assert create["Type"].choices == ("Public", "Private", "ChatRoom", "AVChatRoom",
                                      "Community")
    assert create["Name"].required and create["Name"].max_bytes == 100
    assert create["GroupId"].max_bytes == 48
    mute = {f.name: f for f in ep("group_open_http_svc/forbid_send_msg").request}
    assert mute["Members_Account"].max_items == 500 and mute["MuteTime"].maximum == 4294967295
    delete = {f.name: f for f in ep("im_open_login_svc/account_delete").request}
    assert delete["DeleteItem"].max_items == 100
    assert sum(1 for e in ENDPOINTS if e.request) >= 150


def test_added_endpoints_are_present() -> None:
    added = (
        "official_account_open_http_svc/destroy_official_account",
        "official_account_open_http_svc/get_official_account_info",
        "official_account_open_http_svc/get_subscriber_info",
        "official_account_open_http_svc/add_subscriber",
        "official_account_open_http_svc/delete_subscriber",
        "official_account_open_http_svc/modify_subscriber_info",
        "official_account_open_http_svc/get_subscribed_official_account_list",
        "official_account_open_http_svc/official_account_msg_recall",
        "official_account_open_http_svc/official_account_msg_get_simple",
        "openim/c2c_msg_read_receipt", "openim_robot_http_svc/send_stream_msg",
        "im_msg_audit/batch_content_moderation",
        "im_msg_audit_mgr/add_cloud_audit_keywords",
        "im_msg_audit_mgr/delete_cloud_audit_keywords",
        "im_msg_audit_mgr/get_cloud_audit_keywords",
        "im_msg_audit_mgr/get_cloud_audit_keywords_ids",
        "timpush/modify_sched_task", "timpush/delete_sched_task", "timpush/list_sched_task",
    )
    assert [n for n in added if get(n) is None] == []


def test_documented_quotas_in_rate_note() -> None:
    for name in ("all_member_push/im_push", "timpush/push"):
        e = ep(name)
        assert e.rate == 1 and "/day" in e.rate_note
    assert "per group" in ep("group_open_http_svc/send_group_msg").rate_note
    assert "per group" in ep("group_open_http_svc/modify_group_attr").rate_note
    assert "2 broadcasts/hour" in \
        ep("official_account_open_http_svc/send_official_account_msg").rate_note


# --- the error-code catalog stays consistent with the table ---------------------------------


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


def test_service_index_matches_the_rows() -> None:
    """get() loads only the families SERVICE_FAMILIES names: it must name every one."""
    import importlib

    from timctl import endpoints as eps

    found: dict[str, set[str]] = {}
    for fam in eps.FAMILIES:
        for e in importlib.import_module(f"timctl.endpoints.{fam}").ENDPOINTS:
            for name in (e.name, *e.legacy_paths):
                found.setdefault(name.split("/")[0], set()).add(fam)
    assert {k: set(v) for k, v in eps.SERVICE_FAMILIES.items()} == found


def test_a_lookup_loads_only_its_family() -> None:
    import subprocess
    import sys

    probe = ("import sys\nfrom timctl import endpoints\n"
             "assert endpoints.get('im_open_login_svc/account_check') is not None\n"
             "print(sorted(m for m in sys.modules if m.startswith('timctl.endpoints.')))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "['timctl.endpoints._fields', 'timctl.endpoints.accounts', " \
                          "'timctl.endpoints.spec']"

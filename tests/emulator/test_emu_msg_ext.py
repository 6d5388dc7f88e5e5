"""Message extensions in the emulator: one-to-one and group key-value pairs on messages sent
with SupportMessageExtension 1 (set, delete, clear; Seq versions, LatestSeq and ClearSeq;
paging from StartSeq), the documented limits and codes, and the cascades."""

from __future__ import annotations

from typing import Any

import pytest

from timctl import msgbody
from timctl.emulator.apps import set_edition

EXT = "openim_msg_ext_http_svc/"
G = "group_open_http_svc/"


@pytest.fixture(autouse=True)
def users(api: Any) -> None:
    api.import_users("alice", "bob")


def c2c(api: Any, random: int, **extra: Any) -> str:
    return str(api.ok("openim/sendmsg", {"From_Account": "alice", "To_Account": "bob",
                                         "MsgRandom": random,
                                         "MsgBody": msgbody.build(text=["x"]),
                                         **extra})["MsgKey"])


def c2c_set(api: Any, key: str, op: int, *pairs: tuple[str, str]) -> dict[str, Any]:
    body: dict[str, Any] = {"From_Account": "alice", "To_Account": "bob", "MsgKey": key,
                            "OperateType": op}
    if pairs:
        body["ExtensionList"] = [{"Key": k, "Value": v, "Seq": 0} for k, v in pairs]
    return dict(api.call(EXT + "set_key_values", body))


def c2c_get(api: Any, key: str, start: int | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"From_Account": "alice", "To_Account": "bob", "MsgKey": key}
    if start is not None:
        body["StartSeq"] = start
    return dict(api.ok(EXT + "get_key_values", body))


def test_set_get_delete_clear(api: Any) -> None:
    key = c2c(api, 1, SupportMessageExtension=1)
    doc = c2c_set(api, key, 1, ("k1", "v1"), ("k2", "v2"))
    assert doc["ErrorCode"] == 0
    assert doc["ExtensionList"] == [
        {"ErrorCode": 0, "Extension": {"Key": "k1", "Value": "v1", "Seq": 1}},
        {"ErrorCode": 0, "Extension": {"Key": "k2", "Value": "v2", "Seq": 1}}]
    c2c_set(api, key, 1, ("k3", "v3"))
    got = c2c_get(api, key)
    assert got["ExtensionList"] == [{"Key": "k1", "Value": "v1", "Seq": 1},
                                    {"Key": "k2", "Value": "v2", "Seq": 1},
                                    {"Key": "k3", "Value": "v3", "Seq": 2}]
    assert (got["CompleteFlag"], got["LatestSeq"], got["ClearSeq"]) == (1, 2, 0)
    assert [e["Key"] for e in c2c_get(api, key, 2)["ExtensionList"]] == ["k3"]
    c2c_set(api, key, 1, ("k1", "new"))
    c2c_set(api, key, 2, ("k2", ""))
    got = c2c_get(api, key)
    assert got["ExtensionList"] == [{"Key": "k3", "Value": "v3", "Seq": 2},
                                    {"Key": "k1", "Value": "new", "Seq": 3}]
    assert got["LatestSeq"] == 4
    assert c2c_set(api, key, 3)["ErrorCode"] == 0
    got = c2c_get(api, key)
    assert (got["ExtensionList"], got["LatestSeq"], got["ClearSeq"]) == ([], 5, 5)


def test_codes(api: Any) -> None:
    plain = c2c(api, 1)
    assert c2c_set(api, plain, 1, ("k", "v"))["ErrorCode"] == 23002
    assert c2c_set(api, "1_2_3", 1, ("k", "v"))["ErrorCode"] == 23004
    assert api.code(EXT + "get_key_values", {"From_Account": "alice", "To_Account": "bob",
                                             "MsgKey": "1_2_3"}) == 23004
    key = c2c(api, 2, SupportMessageExtension=1)
    assert c2c_set(api, key, 1, ("k" * 101, "v"))["ErrorCode"] == 10004
    assert c2c_set(api, key, 1, ("k", "v" * 1001))["ErrorCode"] == 10004
    assert c2c_set(api, key, 1, *[(f"k{i}", "v") for i in range(21)])["ErrorCode"] == 10004
    assert c2c_set(api, key, 4, ("k", "v"))["ErrorCode"] == 10004
    assert c2c_set(api, key, 1)["ErrorCode"] == 10004
    assert c2c_get(api, key)["ExtensionList"] == []  # refusals wrote nothing


def test_at_most_300_pairs_and_paging(api: Any) -> None:
    key = c2c(api, 1, SupportMessageExtension=1)
    for start in range(0, 300, 20):
        assert c2c_set(api, key, 1, *[(f"k{i:03}", "v") for i in
                                      range(start, start + 20)])["ErrorCode"] == 0
    assert c2c_set(api, key, 1, ("one-more", "v"))["ErrorCode"] == 10004
    assert c2c_set(api, key, 1, ("k000", "again"))["ErrorCode"] == 0  # a rewrite fits
    first = c2c_get(api, key)
    # a page ends on a whole Seq (at most 200 pairs), so StartSeq = its last Seq + 1 resumes
    assert first["CompleteFlag"] == 0 and 180 <= len(first["ExtensionList"]) <= 200
    nxt = c2c_get(api, key, max(e["Seq"] for e in first["ExtensionList"]) + 1)
    assert nxt["CompleteFlag"] == 1
    keys = [e["Key"] for e in first["ExtensionList"] + nxt["ExtensionList"]]
    assert sorted(keys) == [f"k{i:03}" for i in range(300)]


def test_200_writes_a_minute(api: Any, clock: Any) -> None:
    key = c2c(api, 1, SupportMessageExtension=1)
    for i in range(200):  # 50 s: under the API's own 200 calls/s
        assert c2c_set(api, key, 1, ("k", str(i)))["ErrorCode"] == 0
        clock.advance(0.25)
    assert c2c_set(api, key, 1, ("k", "late"))["ErrorCode"] == 23003
    clock.advance(61)
    assert c2c_set(api, key, 1, ("k", "later"))["ErrorCode"] == 0


def test_ultimate_only(api: Any, store: Any, info: Any) -> None:
    key = c2c(api, 1, SupportMessageExtension=1)
    set_edition(store, info.sdkappid, "pro")
    assert c2c_set(api, key, 1, ("k", "v"))["ErrorCode"] == 10008


def test_group_extensions(api: Any) -> None:
    gid = api.ok(G + "create_group", {"Type": "Public", "Name": "g", "Owner_Account": "alice",
                                      "MemberList": [{"Member_Account": "bob"}]})["GroupId"]

    def send(random: int, **extra: Any) -> int:
        return int(api.ok(G + "send_group_msg", {"GroupId": gid, "Random": random,
                                                 "MsgBody": msgbody.build(text=["x"]),
                                                 **extra})["MsgSeq"])

    seq, plain = send(1, SupportMessageExtension=1), send(2)
    body = {"GroupId": gid, "MsgSeq": seq, "OperateType": 1,
            "ExtensionList": [{"Key": "vote", "Value": "yes", "Seq": 0}]}
    assert api.ok(EXT + "group_set_key_values", body)["ExtensionList"][0]["Extension"] == {
        "Key": "vote", "Value": "yes", "Seq": 1}
    got = api.ok(EXT + "group_get_key_values", {"GroupId": gid, "MsgSeq": seq})
    assert got["ExtensionList"] == [{"Key": "vote", "Value": "yes", "Seq": 1}]
    assert api.code(EXT + "group_set_key_values", {**body, "MsgSeq": plain}) == 23002
    assert api.code(EXT + "group_set_key_values", {**body, "MsgSeq": 99}) == 23004
    api.ok(G + "destroy_group", {"GroupId": gid})
    assert api.code(EXT + "group_get_key_values", {"GroupId": gid, "MsgSeq": seq}) == 23004

"""One-to-one read receipts in the emulator: c2c_msg_read_receipt marks messages sent with
IsNeedReadReceipt 1 as read by the peer (IsPeerRead 1 in admin_getroammsg, both sides), and
refuses mismatched accounts, unknown keys and messages without receipts before marking any."""

from __future__ import annotations

from typing import Any

import pytest

from timctl import msgbody

SEND, ROAM = "openim/sendmsg", "openim/admin_getroammsg"
RECEIPT = "openim/c2c_msg_read_receipt"


@pytest.fixture(autouse=True)
def users(api: Any) -> None:
    api.import_users("alice", "bob", "carol")


def send(api: Any, random: int, **extra: Any) -> str:
    return str(api.ok(SEND, {"From_Account": "alice", "To_Account": "bob", "MsgRandom": random,
                             "MsgBody": msgbody.build(text=[f"m{random}"]),
                             **extra})["MsgKey"])


def peer_read(api: Any, viewer: str, peer: str) -> dict[str, int]:
    doc = api.ok(ROAM, {"Operator_Account": viewer, "Peer_Account": peer, "MaxCnt": 100,
                        "MinTime": 0, "MaxTime": 2**32 - 1})
    return {m["MsgKey"]: m["IsPeerRead"] for m in doc["MsgList"]}


def receipt(api: Any, *keys: str, frm: str = "alice", to: str = "bob") -> dict[str, Any]:
    return dict(api.call(RECEIPT, {
        "Operator_Account": "bob", "Peer_Account": "alice",
        "C2CMsgInfo": [{"From_Account": frm, "To_Account": to, "MsgKey": k} for k in keys]}))


def test_receipt_sets_is_peer_read(api: Any) -> None:
    first = send(api, 1, IsNeedReadReceipt=1)
    second = send(api, 2, IsNeedReadReceipt=1)
    assert peer_read(api, "alice", "bob") == {first: 0, second: 0}
    assert receipt(api, first)["ErrorCode"] == 0
    assert receipt(api, first)["ErrorCode"] == 0  # a repeat changes nothing
    assert peer_read(api, "alice", "bob") == {first: 1, second: 0}
    assert peer_read(api, "bob", "alice") == {first: 1, second: 0}


def test_refusals_mark_nothing(api: Any) -> None:
    wanted = send(api, 1, IsNeedReadReceipt=1)
    plain = send(api, 2)
    assert receipt(api, wanted, plain)["ErrorCode"] == 20001
    assert receipt(api, wanted, "1_2_3")["ErrorCode"] == 20022
    assert receipt(api, wanted, frm="carol")["ErrorCode"] == 20001
    assert receipt(api, wanted, to="alice")["ErrorCode"] == 20001
    assert api.code(RECEIPT, {"Operator_Account": "bob", "Peer_Account": "alice",
                              "C2CMsgInfo": []}) == 20001
    assert api.code(RECEIPT, {"Operator_Account": "ghost", "Peer_Account": "alice",
                              "C2CMsgInfo": [{"From_Account": "alice", "To_Account": "ghost",
                                              "MsgKey": wanted}]}) == 90008
    assert peer_read(api, "alice", "bob") == {wanted: 0, plain: 0}
    assert api.code(SEND, {"From_Account": "alice", "To_Account": "bob", "MsgRandom": 9,
                           "MsgBody": msgbody.build(text=["x"]),
                           "IsNeedReadReceipt": 3}) == 90003

"""openim/c2c_msg_read_receipt: the receiver of one-to-one messages sends read receipts.

Page: cloud.tencent 269/104121 (en trtc.io/document/77776): Operator_Account is the reader,
Peer_Account the other side; each C2CMsgInfo item names a message by MsgKey, its
From_Account must equal Peer_Account and its To_Account Operator_Account; 20001 an invalid
request. admin_getroammsg then lists the message with IsPeerRead 1 (rest-api yaml: "IsPeerRead
is 1 only after the receiver sent a message read receipt").
Inferred: receipts apply only to messages sent with IsNeedReadReceipt 1, another message is
20001 (an invalid request); a MsgKey naming no message of the conversation 20022 (as recall
and modify answer); every item is checked before any is marked; a repeat changes nothing.
"""

from __future__ import annotations

from typing import Any

from timctl.emulator.services import ApiFail, Context, handler
from timctl.emulator.services.c2c_messages import queries as store
from timctl.emulator.services.c2c_messages.handlers import _peer, _sender

BAD_REQUEST = 20001


@handler("openim/c2c_msg_read_receipt")
def c2c_msg_read_receipt(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    reader = _sender(ctx, {"From_Account": body.get("Operator_Account")}, required=True)
    peer = _peer(ctx, body, "Peer_Account")
    items = body.get("C2CMsgInfo")
    if not isinstance(items, list) or not items:
        raise ApiFail(BAD_REQUEST, "C2CMsgInfo is required: a non-empty array")
    found = []
    for item in items:
        if not isinstance(item, dict):
            raise ApiFail(BAD_REQUEST, "C2CMsgInfo items are objects")
        if item.get("From_Account") != peer or item.get("To_Account") != reader:
            raise ApiFail(BAD_REQUEST, "C2CMsgInfo: From_Account must be Peer_Account and"
                                       " To_Account Operator_Account")
        key = item.get("MsgKey")
        if not isinstance(key, str) or not key:
            raise ApiFail(BAD_REQUEST, "C2CMsgInfo: MsgKey is required")
        msg = store.find_by_key(ctx.db, ctx.sdkappid, peer, reader, key)
        if msg is None:
            raise ApiFail(20022, f"no message {key!r} from {peer!r} to {reader!r}")
        if not msg.need_receipt:
            raise ApiFail(BAD_REQUEST, f"message {key!r} was sent without IsNeedReadReceipt 1")
        found.append(msg)
    for msg in found:
        store.set_peer_read(ctx.db, msg.row_id)
    return {}

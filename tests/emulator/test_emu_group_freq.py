"""The per-group send frequency control in the emulator: 40 messages a second per group, all
senders together; the excess is answered OK with MsgDropReason MsgFreqCtrl and neither stored
nor given a MsgSeq; other groups and the next second are unaffected; a retry of an accepted
message still answers its first copy."""

from __future__ import annotations

from typing import Any

from timctl import msgbody

G = "group_open_http_svc/"
SEND = G + "send_group_msg"


def make(api: Any, name: str) -> str:
    return str(api.ok(G + "create_group", {"Type": "Public", "Name": name,
                                           "Owner_Account": "alice"})["GroupId"])


def send(api: Any, gid: str, random: int, sender: str = "alice") -> dict[str, Any]:
    return dict(api.ok(SEND, {"GroupId": gid, "Random": random, "From_Account": sender,
                              "MsgBody": msgbody.build(text=[f"m{random}"])}))


def test_41st_message_in_a_second_is_dropped(api: Any, clock: Any) -> None:
    api.import_users("alice", "bob")
    gid, other = make(api, "a"), make(api, "b")
    seqs = [send(api, gid, i, "alice" if i % 2 else "bob")["MsgSeq"] for i in range(40)]
    assert len(set(seqs)) == 40 and 0 not in seqs
    dropped = send(api, gid, 100)
    assert dropped["MsgDropReason"] == "MsgFreqCtrl" and dropped["MsgSeq"] == 0
    assert send(api, gid, 5)["MsgSeq"] == seqs[5]  # a repeat is no new message
    assert "MsgDropReason" not in send(api, other, 1)
    history = api.ok(G + "group_msg_get_simple", {"GroupId": gid, "ReqMsgNumber": 20})
    assert max(m["MsgSeq"] for m in history["RspMsgList"]) == max(seqs)
    clock.advance(1)
    later = send(api, gid, 101)
    assert "MsgDropReason" not in later and later["MsgSeq"] == max(seqs) + 1


def test_online_only_sends_count_too(api: Any, clock: Any) -> None:
    api.import_users("alice")
    gid = make(api, "a")
    for i in range(40):
        api.ok(SEND, {"GroupId": gid, "Random": i, "OnlineOnlyFlag": 1,
                      "MsgBody": msgbody.build(text=["x"])})
    assert send(api, gid, 99)["MsgDropReason"] == "MsgFreqCtrl"

"""One-to-one messages, their extensions, conversations, operations and file moderation.

Services: openim (C2C), openim_msg_ext_http_svc (C2C extensions), recentcontact,
openconfigsvr (getappinfo), open_msg_svc, ConfigSvc, im_cos_msg, user_search.
Facts: ../shared/reference/rest-api-accounts-c2c-sns-ops.yaml sections D and E, and the pages
they cite; c2c_msg_read_receipt from cloud.tencent.com/document/product/269/104121.
"""

from __future__ import annotations

from timctl.endpoints._fields import (
    MSG_LIFETIME_MAX,
    SEVEN_DAYS,
    array,
    choice,
    flag,
    integer,
    msg_body,
    obj,
    once,
    read,
    text,
    u32,
    uid,
    uids,
    write,
)
from timctl.endpoints.spec import Batch, Dedup, Endpoint, Field, Paging

IM = "openim"
EXT = "openim_msg_ext_http_svc"
RC = "recentcontact"
TRIAL_QUOTA = "Trial/Developer editions: at most 1000 REST-sent messages/day"
EXT_QUOTA = "at most 200 extension writes/min per message (23003)"

# Fields shared by sendmsg and batchsendmsg (openim pages 1047/34919, 1047/34920).
_SEND_COMMON: tuple[Field, ...] = (
    uid("From_Account", required=False), u32("MsgRandom", True), u32("MsgSeq"),
    msg_body(), integer("MsgLifeTime", False, 0, MSG_LIFETIME_MAX),
    choice("SyncOtherMachine", 1, 2), text("CloudCustomData"),
    array("SendMsgControl", items="string"), obj("OfflinePushInfo"),
    flag("IsNeedReadReceipt"),
)

ENDPOINTS: tuple[Endpoint, ...] = (
    # --- one-to-one messages (openim) ---------------------------------------------------------
    # The server drops a repeat with the same sender, MsgSeq, MsgRandom and content within
    # 120 s (269/2282, 2026). An absent MsgSeq is drawn by the server per attempt, so the
    # client fixes both before the first attempt.
    Endpoint(IM, "sendmsg", "Send a one-to-one message", retry="dedup",
             dedup=Dedup("MsgRandom", 120, also=("MsgSeq",)),
             request=(uid("To_Account"), *_SEND_COMMON, flag("SupportMessageExtension"),
                      array("ForbidCallbackControl", items="string")),
             rate_note=TRIAL_QUOTA + "; body at most 12 KB (93000)"),
    # Two limits (269/1612, 2026-02): 200 calls/s and 12,000 messages/min counted per
    # recipient (500 recipients = 500 messages); the tighter one, in items, is metered.
    Endpoint(IM, "batchsendmsg", "Send one message to up to 500 users", retry="dedup",
             rate=12000, rate_unit="items", rate_period=60,
             dedup=Dedup("MsgRandom", 120, also=("MsgSeq",)),
             batch=Batch("To_Account", 500, result="ErrorList", result_key="To_Account",
                         result_code="ErrorCode"),
             request=(uids("To_Account", 500), *_SEND_COMMON),
             rate_note="also 200 calls/s; " + TRIAL_QUOTA),
    # The server treats two imports with the same MsgSeq, MsgRandom and MsgTimeStamp in one
    # conversation as the same message and keeps the first (1047/35014). MsgRandom and
    # MsgTimeStamp are required, but an absent MsgSeq is drawn at random per attempt, so this
    # is "dedup" on MsgSeq rather than "safe". No window is documented: the first copy wins
    # for as long as it is stored, and roaming keeps messages at least 7 days on every edition.
    Endpoint(IM, "importmsg", "Import a historical one-to-one message", retry="dedup",
             dedup=Dedup("MsgSeq", SEVEN_DAYS),
             request=(choice("SyncFromOldSystem", 2, 5, required=True), uid("From_Account"),
                      uid("To_Account"), u32("MsgSeq"), u32("MsgRandom", True),
                      integer("MsgTimeStamp", True, 0), msg_body(), text("CloudCustomData"))),
    # Pages backwards: next MaxTime = LastMsgTime and LastMsgKey until Complete == 1. Until
    # 2022-06 the page named the two sides From_Account/To_Account (intlcloud-documents).
    read(IM, "admin_getroammsg", "Query one-to-one message history",
         paging=Paging("MsgList", carry=(("MaxTime", "LastMsgTime"),
                                         ("LastMsgKey", "LastMsgKey")),
                       done="flag", done_field="Complete"),
         request=(uid("Operator_Account"), uid("Peer_Account"), integer("MaxCnt", True, 1),
                  integer("MinTime", True, 0), integer("MaxTime", True, 0),
                  text("LastMsgKey")),
         legacy_fields=(("From_Account", "Operator_Account"), ("To_Account", "Peer_Account"))),
    # Recalling a recalled message answers 20023 "already recalled": done on a retry.
    write(IM, "admin_msgwithdraw", "Recall a one-to-one message",
          gone_codes=frozenset({20023}), destructive=True,
          request=(uid("From_Account"), uid("To_Account"), text("MsgKey", 50, True))),
    write(IM, "admin_set_msg_read", "Mark a one-to-one conversation as read",
          request=(uid("Report_Account"), uid("Peer_Account"))),
    # Marking messages read is idempotent. C2CMsgInfo: {From_Account, To_Account, MsgKey};
    # no per-call maximum documented (269/104121; en: trtc.io/document/77776).
    write(IM, "c2c_msg_read_receipt", "Send read receipts for one-to-one messages",
          batch=Batch("C2CMsgInfo", item_key="MsgKey"),
          request=(uid("Operator_Account"), uid("Peer_Account"),
                   array("C2CMsgInfo", required=True, items="object"))),
    read(IM, "get_c2c_unread_msg_num", "Get a user's one-to-one unread counts",
         batch=Batch("Peer_Account", 10, result="ErrorList", result_key="Peer_Account",
                     result_code="ErrorCode"),
         request=(uid("To_Account"), uids("Peer_Account", 10, required=False))),
    # Provided fields replace the stored ones: a repeat writes the same values.
    write(IM, "modify_c2c_msg", "Modify a stored one-to-one message",
          request=(uid("From_Account"), uid("To_Account"), text("MsgKey", 50, True),
                   msg_body(required=False), text("CloudCustomData"))),
    # One-sided and irreversible; deleting deleted messages again changes nothing. Page:
    # cloud.tencent.com/document/product/269/101439 (private error codes not captured).
    write(IM, "delete_c2c_msg_ramble", "Delete one-to-one messages for one side",
          destructive=True, batch=Batch("MsgKeyList", 30),
          request=(uid("Operator_Account"), uid("Peer_Account"),
                   array("MsgKeyList", 30, True, "string"))),
    # --- one-to-one message extensions (openim_msg_ext_http_svc), Ultimate ------------------
    # OperateType 1 set / 2 delete keys / 3 clear: the admin skips the Seq check, so a repeat
    # writes the same values. Per-key outcomes: ExtensionList[{ErrorCode, Extension{Key}}],
    # the key nested, so no result_key.
    write(EXT, "set_key_values", "Set key-value extensions of a message",
          batch=Batch("ExtensionList", 20, item_key="Key", result="ExtensionList",
                      result_code="ErrorCode"),
          request=(uid("From_Account", required=False), uid("To_Account"),
                   text("MsgKey", 50, True), choice("OperateType", 1, 2, 3, required=True),
                   array("ExtensionList", 20, items="object")),
          rate_note=EXT_QUOTA),
    # At most 200 pairs per page, sorted by Seq; continue from the highest Seq + 1.
    read(EXT, "get_key_values", "Get key-value extensions of a message",
         paging=Paging("ExtensionList", carry=(("StartSeq", "@max:Seq"),), done="flag",
                       done_field="CompleteFlag"),
         request=(uid("From_Account", required=False), uid("To_Account"),
                  text("MsgKey", 50, True), integer("StartSeq", False, 0))),
    # --- conversations (recentcontact) --------------------------------------------------------
    # Pinned and normal conversations page separately; all four cursors are echoed back.
    read(RC, "get_list", "Page through a user's conversations",
         paging=Paging("SessionItem", carry=(("TimeStamp", "TimeStamp"),
                                             ("StartIndex", "StartIndex"),
                                             ("TopTimeStamp", "TopTimeStamp"),
                                             ("TopStartIndex", "TopStartIndex")),
                       done="flag", done_field="CompleteFlag"),
         request=(uid("From_Account"), integer("TimeStamp", True, 0),
                  integer("StartIndex", True, 0), integer("TopTimeStamp", True, 0),
                  integer("TopStartIndex", True, 0), integer("AssistFlags", True, 0))),
    # Deleting a deleted conversation changes nothing; with ClearRamble=1 the user's roaming
    # messages go too, irreversibly.
    write(RC, "delete", "Delete one conversation of a user", destructive=True,
          request=(uid("From_Account"), choice("Type", 1, 2, required=True),
                   uid("To_Account", required=False), text("ToGroupid"),
                   flag("ClearRamble"))),
    # Creating a group whose name exists: outcome not documented, so not retried.
    once(RC, "create_contact_group", "Create a conversation group",
         request=(uid("From_Account"), array("GroupContactItem", 1, True, "object"))),
    write(RC, "update_contact_group", "Rename or change a conversation group",
          request=(uid("From_Account"), choice("UpdateType", 1, required=True),
                   obj("UpdateGroup", True))),
    # A retry finds the group gone: 51009 (conversation group does not exist).
    write(RC, "del_contact_group", "Delete a conversation group",
          gone_codes=frozenset({51009}),
          request=(uid("From_Account"), array("GroupName", 1, True, "string"))),
    write(RC, "mark_contact", "Set marks on up to 100 conversations",
          batch=Batch("MarkItem", 100, item_key="ContactItem", result="ResultItem",
                      result_key="ContactItem"),
          request=(uid("From_Account"), array("MarkItem", 100, True, "object"))),
    read(RC, "search_contact_group", "Get group and mark data of conversations",
         batch=Batch("ContactItem", 300),
         request=(uid("From_Account"), array("ContactItem", 300, True, "object"))),
    read(RC, "get_contact_group", "Page through conversation group and mark data",
         paging=Paging("ContactItem", carry=(("StartIndex", "NextStartIndex"),),
                       done="flag", done_field="CompleteFlag"),
         request=(uid("From_Account"), integer("StartIndex", True, 0))),
    # --- operations (openconfigsvr, open_msg_svc, ConfigSvc) ----------------------------------
    read("openconfigsvr", "getappinfo", "Get daily operations statistics",
         request=(array("RequestField", items="string"),)),
    read("open_msg_svc", "get_history", "Get download URLs of hourly message archives",
         rate=10,
         request=(choice("ChatType", "C2C", "Group", required=True),
                  text("MsgTime", 10, True))),
    # nettype (0-6) goes in the query string, not the body; the body is {}.
    read("ConfigSvc", "GetIPList", "List Chat server IP addresses"),
    # --- rich-media file moderation (im_cos_msg), 269/74775-74777; no rate stated ----------
    write("im_cos_msg", "forbid_illegal_object", "Ban a rich-media file",
          request=(text("RawURL", required=True),)),
    write("im_cos_msg", "allow_banned_object", "Lift the ban on a rich-media file",
          request=(text("RawURL", required=True),)),
    read("im_cos_msg", "get_cos_sig", "Get pre-signed URLs of message files",
         batch=Batch("RawURLs", item_key="ResourceID", result="PreSigURLs",
                     result_key="ResourceID", result_code="Code"),
         request=(array("RawURLs", required=True, items="object"),)),
    # --- user search (user_search), China and Singapore only -----------------------------------
    # Request Cursor: "" first, then the value from the previous response; the response key
    # holding it and the end rule (IsFinish) are not spelled out, so no paging here.
    read("user_search", "search", "Search users by nickname or UserID", rate=2,
         request=(array("Keywords", required=True, items="string"),
                  choice("KeywordMatchType", 0, 1),
                  choice("UserGenderType", "Gender_Type_Female", "Gender_Type_Male"),
                  integer("Count", True, 1), text("Cursor"))),  # Count > 100 is served as 100
)

"""Groups: management, members, mute, messages, receipts, pins, live groups, attributes, counters.

Services: group_open_http_svc, group_open_avchatroom_http_svc, group_open_attr_http_svc,
openim (modify_group_msg), openim_msg_ext_http_svc (group extensions). Communities and
permission groups are in communities.py.
Facts: ../shared/reference/rest-api-groups.yaml and the pages it cites.

Group text limits disagree: the 2023 REST pages say Name 30, Introduction 240, Notification
300, FaceUrl 100 bytes; the 2024+ SDK pages say 100, 400, 400, 500. The newer values are used.
"""

from __future__ import annotations

from timctl.endpoints._fields import (
    FIVE_MINUTES,
    U32_MAX,
    array,
    choice,
    flag,
    group_id,
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

G = "group_open_http_svc"
LIVE = "group_open_avchatroom_http_svc"
EXT = "openim_msg_ext_http_svc"
GROUP_TYPES = ("Public", "Private", "ChatRoom", "AVChatRoom", "Community")
ATTR_QUOTA = "5 attribute writes/s per group (set/modify/delete/clear combined)"
EXT_QUOTA = "at most 200 extension writes/min per message (23003)"

_PROFILE: tuple[Field, ...] = (
    text("Introduction", 400), text("Notification", 400), text("FaceUrl", 500),
    choice("ApplyJoinOption", "FreeAccess", "NeedPermission", "DisableApply"),
    array("AppDefinedData", items="object"),
)
_MSG_SEQ_LIST = array("MsgSeqList", required=True, items="object")

ENDPOINTS: tuple[Endpoint, ...] = (
    # --- management and profile ---------------------------------------------------------------
    # Next starts at 0 and comes back 0 after the last page (a uint64: never an index).
    read(G, "get_appid_group_list", "List all group IDs of the app", rate=1,
         paging=Paging("GroupIdList", carry=(("Next", "Next"),), done="cursor_empty",
                       page_size=("Limit", 10000)),
         request=(integer("Limit", False, 1, 10000), integer("Next", False, 0),
                  choice("GroupType", *GROUP_TYPES, "BChatRoom"))),
    # Not retried: without GroupId a repeat creates a second group; with one, it fails with
    # 10021/10025 and the outcome of the first attempt stays unknown.
    once(G, "create_group", "Create a group",
         request=(choice("Type", *GROUP_TYPES, required=True), text("Name", 100, True),
                  text("GroupId", 48), uid("Owner_Account", required=False), *_PROFILE,
                  integer("MaxMemberCount", False, 1),
                  choice("InviteJoinOption", "FreeAccess", "NeedPermission", "DisableInvite"),
                  array("MemberList", 100, items="object"), flag("SupportTopic"))),
    read(G, "get_group_info", "Get profiles of up to 50 groups",
         batch=Batch("GroupIdList", 50, result="GroupInfo", result_key="GroupId",
                     result_code="ErrorCode"),
         request=(array("GroupIdList", 50, True, "string"), obj("ResponseFilter"))),
    # Only the given fields change. MuteAllMember was ShutUpAllMember until 2022-07.
    write(G, "modify_group_base_info", "Modify a group's profile",
          request=(group_id(), text("Name", 100), *_PROFILE, integer("MaxMemberNum", False, 1),
                   choice("InviteJoinOption", "FreeAccess", "NeedPermission", "DisableInvite"),
                   choice("MuteAllMember", "On", "Off"), uid("From_Account", required=False)),
          legacy_fields=(("ShutUpAllMember", "MuteAllMember"),)),
    # Later calls on a dismissed group answer 10010: done on a retry.
    write(G, "destroy_group", "Dismiss a group", gone_codes=frozenset({10010}),
          destructive=True, request=(group_id(),)),
    read(G, "get_joined_group_list", "List the groups a user has joined",
         paging=Paging("GroupIdList", carry=(("Offset", "@count"),), done="short_page",
                       page_size=("Limit", 5000)),
         request=(uid("Member_Account"), integer("Limit", False, 1, 5000),
                  integer("Offset", False, 0), choice("GroupType", *GROUP_TYPES),
                  flag("WithHugeGroups"), flag("WithNoActiveGroups"), flag("SupportTopic"))),
    write(G, "change_group_owner", "Transfer group ownership",
          request=(group_id(), uid("NewOwner_Account"))),
    # Same as create_group: a repeat duplicates the group or fails with 10021.
    once(G, "import_group", "Import a group with its creation time",
         request=(choice("Type", "Public", "Private", "ChatRoom", "Community", required=True),
                  text("Name", 100, True), text("GroupId", 48),
                  uid("Owner_Account", required=False), *_PROFILE,
                  integer("MaxMemberCount", False, 1, 6000), integer("CreateTime", False, 0),
                  flag("SupportTopic"))),
    # --- members ------------------------------------------------------------------------------
    # Limit: 200 on the 2025 pages (6000 in 2023). Communities page with Next ("" first and
    # last, Limit <= 100) instead of Offset; one paging style per row, so Offset is described.
    read(G, "get_group_member_info", "Page through a group's members",
         paging=Paging("MemberList", carry=(("Offset", "@count"),), done="short_page",
                       page_size=("Limit", 200)),
         request=(group_id(), integer("Limit", False, 1), integer("Offset", False, 0),
                  text("Next"), array("MemberInfoFilter", items="string"),
                  array("MemberRoleFilter", items="string"))),
    read(G, "get_specified_group_member_info", "Get profiles of given members",
         batch=Batch("Member_List_Account", 50),
         request=(group_id(), uids("Member_List_Account", 50))),
    # Existing members come back with Result 2, so a repeat is harmless. 300 per call on the
    # intl/trtc pages (2023-24) and 20 on the China page (2026-02): the newer figure is used.
    write(G, "add_group_member", "Add members to a group",
          batch=Batch("MemberList", 20, item_key="Member_Account", result="MemberList",
                      result_key="Member_Account", result_code="Result", ok_codes=(1, 2, 3)),
          request=(group_id(), array("MemberList", 20, True, "object"), flag("Silence"))),
    # Removing a user who is not a member succeeds, so no gone code is needed.
    write(G, "delete_group_member", "Remove members from a group", destructive=True,
          batch=Batch("MemberToDel_Account", 100),
          request=(group_id(), uids("MemberToDel_Account", 100), flag("Silence"),
                   text("Reason"))),
    # MuteTime was ShutUpTime until 2022-07.
    write(G, "modify_group_member_info", "Modify one member's group profile",
          request=(group_id(), uid("Member_Account"), choice("Role", "Admin", "Member"),
                   choice("MsgFlag", "AcceptAndNotify", "AcceptNotNotify", "Discard"),
                   text("NameCard", 50), array("AppMemberDefinedData", items="object"),
                   integer("MuteTime", False, 0, U32_MAX)),
          legacy_fields=(("ShutUpTime", "MuteTime"),)),
    read(G, "get_role_in_group", "Get roles of users in a group",
         batch=Batch("User_Account", 500),
         request=(group_id(), uids("User_Account", 500))),
    # Existing members come back with Result 2 (1 imported, 0 failed).
    write(G, "import_group_member", "Import members with join times",
          batch=Batch("MemberList", 300, item_key="Member_Account", result="MemberList",
                      result_key="Member_Account", result_code="Result", ok_codes=(1, 2)),
          request=(group_id(), array("MemberList", 300, True, "object"))),
    write(G, "set_unread_msg_num", "Set a member's unread count (migration)",
          request=(group_id(), uid("Member_Account"), integer("UnreadMsgNum", True, 0))),
    # --- mute ---------------------------------------------------------------------------------
    # Sets the mute end to now + MuteTime: a repeat sets it again. ShutUpTime until 2022-07.
    write(G, "forbid_send_msg", "Mute or unmute group members",
          batch=Batch("Members_Account", 500),
          request=(group_id(), uids("Members_Account", 500),
                   integer("MuteTime", True, 0, U32_MAX), text("TopicId")),
          legacy_fields=(("ShutUpTime", "MuteTime"),)),
    # Old name get_group_shutted_uin (answers ShuttedUinList/ShuttedUntil).
    read(G, "get_group_muted_account", "List muted members of a group",
         request=(group_id(), text("TopicId")),
         legacy_paths=(f"{G}/get_group_shutted_uin",)),
    # --- messages -----------------------------------------------------------------------------
    # Same Random and content within 5 minutes: the later one is dropped (1047/34959).
    Endpoint(G, "send_group_msg", "Send a group message", retry="dedup",
             dedup=Dedup("Random", FIVE_MINUTES),
             request=(group_id(), u32("Random", True), msg_body(),
                      uid("From_Account", required=False),
                      choice("MsgPriority", "High", "Normal", "Low"), flag("OnlineOnlyFlag"),
                      array("SendMsgControl", items="string"), text("CloudCustomData"),
                      obj("OfflinePushInfo"), uids("To_Account", 50, required=False),
                      array("GroupAtInfo", 30, items="object"), text("TopicId"),
                      flag("SupportMessageExtension"), flag("NeedReadReceipt")),
             rate_note="40 messages/s per group across all senders; excess dropped "
                       "(MsgDropReason MsgFreqCtrl); body at most 12 KB"),
    # No duplicate check documented: a repeat notifies the members twice.
    once(G, "send_group_system_notification", "Send a group system notice",
         batch=Batch("ToMembers_Account", 500),  # absent = every member
         request=(group_id(), text("Content", required=True),
                  uids("ToMembers_Account", 500, required=False), text("TopicId"))),
    # Recalling is idempotent; the code a recalled message answers is not documented.
    write(G, "group_msg_recall", "Recall up to 10 group messages", destructive=True,
          batch=Batch("MsgSeqList", 10, item_key="MsgSeq", result="RecallRetList",
                      result_key="MsgSeq", result_code="RetCode"),
          request=(group_id(), array("MsgSeqList", 10, True, "object"), text("TopicId"),
                   text("Reason", 100))),
    # Each MsgList[].Random dedups for 5 minutes, but it is optional and nested, and every
    # SendTime must be newer than the group's latest message: a repeat after a lost answer
    # fails per item (10004) or duplicates, so it is not re-sent. Chunks go in order.
    once(G, "import_group_msg", "Import historical group messages",
         batch=Batch("MsgList", 7, result="ImportMsgResult", result_code="Result",
                     ordered=True),
         request=(group_id(), array("MsgList", 7, True, "object"), flag("RecentContactFlag"),
                  text("TopicId"))),
    write(G, "delete_group_msg_by_sender", "Recall a sender's recent messages",
          destructive=True,
          request=(group_id(), uid("Sender_Account"), text("TopicId"))),
    # Newest first; next ReqMsgSeq = lowest MsgSeq - 1, done when that reaches 0. IsFinished
    # is not an end flag: 1 means this page's range came back whole (0: cut short, 2: the
    # rest has expired), so a full page of older history also says 1.
    read(G, "group_msg_get_simple", "Page through a group's message history",
         paging=Paging("RspMsgList", carry=(("ReqMsgSeq", "@min:MsgSeq"),),
                       done="cursor_empty", page_size=("ReqMsgNumber", 20)),
         request=(group_id(), integer("ReqMsgNumber", True, 1, 20), u32("ReqMsgSeq"),
                  flag("WithRecalledMsg"), text("TopicId"))),
    # Hosted on openim (openim error codes). Provided fields replace the stored ones.
    write("openim", "modify_group_msg", "Modify a stored group message",
          request=(group_id(), u32("MsgSeq", True), msg_body(required=False),
                   text("CloudCustomData"), text("TopicId"))),
    # Hides history up to MsgSeq (all when absent) from SDK users; repeating changes nothing.
    write(G, "clear_group_msg", "Clear a group's message history", destructive=True,
          request=(group_id(), u32("MsgSeq"))),
    # Every AVChatRoom of the app; same Random and content within 5 minutes is dropped.
    Endpoint(G, "send_broadcast_msg", "Broadcast a message to all AVChatRooms", rate=1,
             retry="dedup", dedup=Dedup("Random", FIVE_MINUTES),
             request=(u32("Random", True), msg_body(), uid("From_Account", required=False),
                      text("CloudCustomData"))),
    # --- read receipts (Ultimate; groups of at most 200 members) -------------------------------
    write(G, "group_msg_receipt", "Send read receipts for group messages",
          batch=Batch("MsgSeqList", 50, item_key="MsgSeq"),
          request=(group_id(), uid("From_Account"),
                   array("MsgSeqList", 50, True, "object"))),
    read(G, "get_group_msg_receipt", "Get read counts of group messages",
         batch=Batch("MsgSeqList", item_key="MsgSeq", result="GroupMsgReceiptList",
                     result_key="MsgSeq", result_code="Code"),
         request=(group_id(), _MSG_SEQ_LIST)),
    read(G, "get_group_msg_receipt_detail", "Page through readers of a message",
         paging=Paging("ReadList", items_alt=("UnreadList",), carry=(("Cursor", "Cursor"),),
                       done="flag", done_field="IsFinished", page_size=("Count", 200)),
         request=(group_id(), u32("MsgSeq", True), choice("Filter", 0, 1, required=True),
                  text("Cursor", required=True), integer("Count", True, 1, 200))),
    # --- message extensions (openim_msg_ext_http_svc), Ultimate --------------------------------
    read(EXT, "group_get_key_values", "Get key-value extensions of a group message",
         paging=Paging("ExtensionList", carry=(("StartSeq", "@max:Seq"),), done="flag",
                       done_field="CompleteFlag"),
         request=(group_id(), u32("MsgSeq", True), integer("StartSeq", False, 0))),
    # The admin skips the Seq check, so a repeat writes the same values (see set_key_values).
    write(EXT, "group_set_key_values", "Set key-value extensions of a group message",
          batch=Batch("ExtensionList", 20, item_key="Key", result="ExtensionList",
                      result_code="ErrorCode"),
          request=(group_id(), u32("MsgSeq", True),
                   choice("OperateType", 1, 2, 3, required=True),
                   array("ExtensionList", 20, items="object")),
          rate_note=EXT_QUOTA),
    # --- pinned messages (Ultimate / Enterprise; at most 10 per group) -------------------------
    # Pinning a pinned message answers 10071 "already pinned": done on a retry.
    write(G, "pin_message", "Pin a group message", gone_codes=frozenset({10071}),
          request=(group_id(), u32("MsgSeq", True), text("TopicId"),
                   uid("Pinner_Account", required=False))),
    write(G, "unpin_message", "Unpin a group message",
          request=(group_id(), u32("MsgSeq", True), text("TopicId"),
                   uid("UnPinner_Account", required=False))),
    read(G, "get_pinned_messages", "List pinned messages of a group",
         request=(group_id(), text("TopicId"))),
    # --- live groups (AVChatRoom) -------------------------------------------------------------
    read(G, "get_online_member_num", "Get a live group's online headcount",
         request=(group_id(),)),
    # Timestamp 0 first, then NextTimestamp; 0 = complete. Page size is the server's.
    read(LIVE, "get_members", "List online members of a live group",
         paging=Paging("MemberList", carry=(("Timestamp", "NextTimestamp"),),
                       done="cursor_empty"),
         request=(group_id(), integer("Timestamp", True, 0), integer("Mark", False, 0))),
    # CommandType 1 sets, 2 removes marks: a repeat leaves the same marks.
    write(LIVE, "modify_user_info", "Set or clear marks on live members",
          batch=Batch("MemberList", 500, item_key="Member_Account"),
          request=(group_id(), choice("CommandType", 1, 2, required=True),
                   array("MemberList", 500, True, "object"))),
    # At most 5 live admins per group overall; no per-call maximum documented.
    write(LIVE, "modify_admin", "Appoint or remove live-group admins",
          batch=Batch("Admin_Account"),
          request=(group_id(), choice("CommandType", 1, 2, required=True),
                   uids("Admin_Account"))),
    read(LIVE, "get_admin_list", "List live-group admins", request=(group_id(),)),
    read(LIVE, "check_members", "Check which users are in a live group",
         batch=Batch("Member_Account"), request=(group_id(), uids("Member_Account"))),
    # Offset 0 first, then NextOffset; NextOffset 0 = finished.
    read(G, "get_group_ban_member", "Page through banned live-group members",
         paging=Paging("BannedAccountList", carry=(("Offset", "NextOffset"),),
                       done="cursor_empty", page_size=("Limit", 100)),
         request=(group_id(), integer("Limit", False, 1, 100), integer("Offset", True, 0))),
    # Sets the ban end to now + Duration: a repeat sets it again.
    write(G, "ban_group_member", "Ban users from a live group",
          batch=Batch("Members_Account", 20),
          request=(group_id(), uids("Members_Account", 20), u32("Duration", True),
                   text("Description", 1000))),
    write(G, "unban_group_member", "Lift bans in a live group",
          batch=Batch("Members_Account", 20), request=(group_id(), uids("Members_Account", 20))),
    # --- attributes (at most 16 keys; lowercase key/value) -------------------------------------
    read("group_open_attr_http_svc", "get_group_attr", "Get all attributes of a group",
         request=(group_id(),)),
    write(G, "modify_group_attr", "Add or update group attributes",
          batch=Batch("GroupAttr", 16, item_key="key"),
          request=(group_id(), array("GroupAttr", 16, True, "object")), rate_note=ATTR_QUOTA),
    write(G, "clear_group_attr", "Remove all attributes of a group", destructive=True,
          request=(group_id(),), rate_note=ATTR_QUOTA),
    # Replaces the whole set: keys left out are dropped, so the list goes in one call.
    write(G, "set_group_attr", "Replace all attributes of a group",
          batch=Batch("GroupAttr", 16, item_key="key", splittable=False),
          request=(group_id(), array("GroupAttr", 16, True, "object")), rate_note=ATTR_QUOTA),
    # Deleting a missing key answers 10050: done on a retry. Page 1047/59499.
    write(G, "delete_group_attr", "Delete group attribute keys",
          gone_codes=frozenset({10050}), batch=Batch("GroupAttr", item_key="key"),
          request=(group_id(), array("GroupAttr", required=True, items="object")),
          rate_note=ATTR_QUOTA),
    # --- counters (Ultimate; not for Communities) ----------------------------------------------
    read(G, "get_group_counter", "Get group counters",
         request=(group_id(), array("GroupCounterKeys", items="string"))),
    # Mode Set would be safe to repeat, but Increase/Decrease add again: not re-sent.
    once(G, "update_group_counter", "Set, increase or decrease group counters",
         batch=Batch("GroupCounter", 20, item_key="Key"),
         request=(group_id(), array("GroupCounter", 20, True, "object"),
                  choice("Mode", "Set", "Increase", "Decrease"))),
    write(G, "delete_group_counter", "Delete group counters", destructive=True,
          request=(group_id(), array("GroupCounterKeys", items="string"))),
)

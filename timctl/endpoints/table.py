"""The endpoint rows (being split into one module per service family).

Transitional: rows are written with `_e(...)` in the foundation's flat form and converted to
`spec.Endpoint` here.
"""

from __future__ import annotations

from typing import Any

from timctl.endpoints.spec import Batch, Endpoint, Paging

_CURSOR_DONE = {"offset": "short_page", "time": "flag", "sequence": "flag"}


def _e(name: str, summary: str, *, batch_field: str | None = None,
       batch_max: int | None = None, pagination: str = "none",
       cursor: tuple[str, str] | None = None, **kw: Any) -> Endpoint:
    service, command = name.split("/")
    batch = Batch(batch_field, batch_max) if batch_field else None
    paging = None
    if pagination != "none":
        paging = Paging(items="", carry=(cursor,) if cursor else (),
                        done=_CURSOR_DONE.get(pagination, "cursor_empty"))  # type: ignore[arg-type]
    return Endpoint(service, command, summary, batch=batch, paging=paging, **kw)


ENDPOINTS: tuple[Endpoint, ...] = (
    # Rows follow the catalogs in ../shared/reference (accounts/c2c/sns/ops, groups, push and
    # other_services). Aliases (openim/querystate, get_group_shutted_uin) are not separate rows.
    # --- accounts (im_open_login_svc, openim) -----------------------------------------------
    _e("im_open_login_svc/account_import", "Import one account", rate=200),
    _e("im_open_login_svc/multiaccount_import", "Import up to 100 accounts", rate=100,
       batch_field="AccountList", batch_max=100),  # old form: Accounts (bare ids), also 100
    _e("im_open_login_svc/account_delete", "Delete up to 100 accounts", rate=100,
       batch_field="DeleteItem", batch_max=100),
    _e("im_open_login_svc/account_check", "Check whether accounts are imported", rate=100,
       batch_field="CheckItem", batch_max=100),
    _e("im_open_login_svc/kick", "Invalidate one account's login state", rate=200),
    _e("openim/query_online_status", "Query online status of up to 500 accounts",
       batch_field="To_Account", batch_max=500),  # legacy alias: openim/querystate
    # --- profile -----------------------------------------------------------------------------
    _e("profile/portrait_set", "Set profile fields of one account"),
    _e("profile/portrait_get", "Get profile fields of accounts",
       batch_field="To_Account", batch_max=100),  # advised maximum (response size)
    # --- relationship chain: friends, friend lists, blocklist (sns) --------------------------
    _e("sns/friend_add", "Add friends for a user", batch_field="AddFriendItem"),
    _e("sns/friend_import", "Import friend records without verification",
       batch_field="AddFriendItem", batch_max=1000),  # usage-limits page
    _e("sns/friend_update", "Update remarks, lists or custom friend fields",
       batch_field="UpdateItem"),
    _e("sns/friend_delete", "Delete friends of a user",
       batch_field="To_Account", batch_max=1000),
    _e("sns/friend_delete_all", "Delete all friends of a user"),
    _e("sns/friend_check", "Check friendship with up to 1000 users",
       batch_field="To_Account", batch_max=1000),
    _e("sns/friend_get", "Page through all friends of a user",
       pagination="cursor", cursor=("StartIndex", "NextStartIndex")),  # until CompleteFlag
    _e("sns/friend_get_list", "Get chosen fields of specific friends",
       batch_field="To_Account", batch_max=100),  # advised maximum
    _e("sns/black_list_add", "Add users to a user's blocklist",
       batch_field="To_Account", batch_max=1000),
    _e("sns/black_list_delete", "Remove users from a user's blocklist",
       batch_field="To_Account", batch_max=1000),
    _e("sns/black_list_get", "Page through a user's blocklist",
       pagination="cursor", cursor=("StartIndex", "StartIndex")),  # page size MaxLimited
    _e("sns/black_list_check", "Check blocklist relation with up to 1000 users",
       batch_field="To_Account", batch_max=1000),
    _e("sns/group_add", "Create friend lists for a user", batch_field="GroupName"),
    _e("sns/group_delete", "Delete friend lists of a user", batch_field="GroupName"),
    _e("sns/group_get", "List a user's friend lists"),
    # --- relationship chain: follow / followers (follow) --------------------------------------
    _e("follow/follow_add", "Follow up to 20 users",
       batch_field="FollowItem", batch_max=20),
    _e("follow/follow_delete", "Unfollow users",  # 200/s confirmed on trtc.io/document/70346
       batch_field="To_Account"),
    _e("follow/follow_check", "Check follow relation with up to 100 users",
       batch_field="To_Account", batch_max=100),
    _e("follow/follow_get", "Page through followers, followings or mutuals",
       pagination="cursor", cursor=("StartCursor", "NextCursor")),  # WantNum <= 1000
    _e("follow/follow_get_info", "Get follow counts of up to 20 users",
       batch_field="To_Account", batch_max=20),
    # --- one-to-one messages (openim) ---------------------------------------------------------
    _e("openim/sendmsg", "Send a one-to-one message",
       rate_note="Trial/Developer editions: at most 1000 REST-sent messages/day"),
    _e("openim/batchsendmsg", "Send one message to up to 500 users",
       batch_field="To_Account", batch_max=500,
       rate_note="Trial/Developer editions: at most 1000 REST-sent messages/day"),
    _e("openim/importmsg", "Import a historical one-to-one message"),
    _e("openim/admin_getroammsg", "Query one-to-one message history",
       pagination="time"),  # MaxTime=LastMsgTime + LastMsgKey until Complete == 1
    _e("openim/admin_msgwithdraw", "Recall a one-to-one message"),
    _e("openim/admin_set_msg_read", "Mark a one-to-one conversation as read"),
    _e("openim/get_c2c_unread_msg_num", "Get a user's one-to-one unread counts",
       batch_field="Peer_Account", batch_max=10),
    _e("openim/modify_c2c_msg", "Modify a stored one-to-one message"),
    _e("openim/delete_c2c_msg_ramble", "Delete one-to-one messages for one side",
       batch_field="MsgKeyList", batch_max=30),
    # --- one-to-one message extensions (openim_msg_ext_http_svc) ------------------------------
    _e("openim_msg_ext_http_svc/set_key_values", "Set key-value extensions of a message",
       batch_field="ExtensionList", batch_max=20,
       rate_note="at most 200 extension writes/min per message (23003)"),
    # <= 200 KVs per call; continue with StartSeq until CompleteFlag == 1 (no generic style)
    _e("openim_msg_ext_http_svc/get_key_values", "Get key-value extensions of a message"),
    # --- conversations (recentcontact) --------------------------------------------------------
    # get_list echoes TimeStamp/StartIndex/TopTimeStamp/TopStartIndex until CompleteFlag == 1
    _e("recentcontact/get_list", "Page through a user's conversations", pagination="time"),
    _e("recentcontact/delete", "Delete one conversation of a user"),
    _e("recentcontact/create_contact_group", "Create a conversation group"),
    _e("recentcontact/update_contact_group", "Rename or change a conversation group"),
    _e("recentcontact/del_contact_group", "Delete a conversation group"),
    _e("recentcontact/mark_contact", "Set marks on up to 100 conversations",
       batch_field="MarkItem", batch_max=100),
    _e("recentcontact/search_contact_group", "Get group and mark data of conversations",
       batch_field="ContactItem", batch_max=300),
    _e("recentcontact/get_contact_group", "Page through conversation group and mark data",
       pagination="cursor", cursor=("StartIndex", "NextStartIndex")),  # until CompleteFlag
    # --- global mute and operations (openconfigsvr, open_msg_svc, ConfigSvc) ------------------
    _e("openconfigsvr/setnospeaking", "Set an account's global mute"),
    _e("openconfigsvr/getnospeaking", "Get an account's global mute"),
    _e("openconfigsvr/getappinfo", "Get daily operations statistics"),
    _e("open_msg_svc/get_history", "Get download URLs of hourly message archives", rate=10),
    _e("ConfigSvc/GetIPList", "List Chat server IP addresses"),
    # --- rich-media file moderation (im_cos_msg); rate not stated, default assumed ------------
    _e("im_cos_msg/forbid_illegal_object", "Ban a rich-media file"),
    _e("im_cos_msg/allow_banned_object", "Lift the ban on a rich-media file"),
    _e("im_cos_msg/get_cos_sig", "Get pre-signed URLs of message files",
       batch_field="RawURLs"),
    # --- user search (user_search) ------------------------------------------------------------
    _e("user_search/search", "Search users by nickname or UserID", rate=2,
       pagination="cursor", cursor=("Cursor", "Cursor")),  # response Cursor name inferred
    # --- groups: management and profile (group_open_http_svc) ---------------------------------
    _e("group_open_http_svc/get_appid_group_list", "List all group IDs of the app", rate=1,
       pagination="cursor", cursor=("Next", "Next")),  # Limit <= 10000; Next is uint64
    _e("group_open_http_svc/create_group", "Create a group"),
    _e("group_open_http_svc/get_group_info", "Get profiles of up to 50 groups",
       batch_field="GroupIdList", batch_max=50),
    _e("group_open_http_svc/modify_group_base_info", "Modify a group's profile"),
    _e("group_open_http_svc/destroy_group", "Dismiss a group"),
    _e("group_open_http_svc/get_joined_group_list", "List the groups a user has joined",
       pagination="offset"),  # Offset + Limit (<= 5000)
    _e("group_open_http_svc/change_group_owner", "Transfer group ownership"),
    _e("group_open_http_svc/import_group", "Import a group with its creation time"),
    # --- groups: members ----------------------------------------------------------------------
    # get_group_member_info: Offset + Limit (<= 200 in 2025 docs, 6000 in 2023); Community
    # groups page with Next ('' first, '' when done, Limit <= 100) instead.
    _e("group_open_http_svc/get_group_member_info", "Page through a group's members",
       pagination="offset"),
    _e("group_open_http_svc/get_specified_group_member_info", "Get profiles of given members",
       batch_field="Member_List_Account", batch_max=50),
    # add_group_member: 300 per call on intl/trtc pages (2023-2024), 20 on the China page
    # (2026-02); the newer figure is used.
    _e("group_open_http_svc/add_group_member", "Add members to a group",
       batch_field="MemberList", batch_max=20),
    _e("group_open_http_svc/delete_group_member", "Remove members from a group",
       batch_field="MemberToDel_Account", batch_max=100),
    _e("group_open_http_svc/modify_group_member_info", "Modify one member's group profile"),
    _e("group_open_http_svc/get_role_in_group", "Get roles of users in a group",
       batch_field="User_Account", batch_max=500),
    _e("group_open_http_svc/import_group_member", "Import members with join times",
       batch_field="MemberList", batch_max=300),
    _e("group_open_http_svc/set_unread_msg_num", "Set a member's unread count (migration)"),
    # --- groups: mute -------------------------------------------------------------------------
    _e("group_open_http_svc/forbid_send_msg", "Mute or unmute group members",
       batch_field="Members_Account", batch_max=500),
    # legacy alias: group_open_http_svc/get_group_shutted_uin
    _e("group_open_http_svc/get_group_muted_account", "List muted members of a group"),
    # --- groups: messages ---------------------------------------------------------------------
    _e("group_open_http_svc/send_group_msg", "Send a group message",
       rate_note="40 messages/s per group across all senders; excess dropped (MsgFreqCtrl)"),
    _e("group_open_http_svc/send_group_system_notification", "Send a group system notice",
       batch_field="ToMembers_Account", batch_max=500),  # absent = every member
    _e("group_open_http_svc/group_msg_recall", "Recall up to 10 group messages",
       batch_field="MsgSeqList", batch_max=10),
    _e("group_open_http_svc/import_group_msg", "Import historical group messages",
       batch_field="MsgList", batch_max=7),
    _e("group_open_http_svc/delete_group_msg_by_sender", "Recall a sender's recent messages"),
    _e("group_open_http_svc/group_msg_get_simple", "Page through a group's message history",
       pagination="sequence"),  # ReqMsgNumber <= 20
    _e("openim/modify_group_msg", "Modify a stored group message"),
    _e("group_open_http_svc/clear_group_msg", "Clear a group's message history"),
    _e("group_open_http_svc/send_broadcast_msg", "Broadcast a message to all AVChatRooms",
       rate=1),
    # --- groups: read receipts ----------------------------------------------------------------
    _e("group_open_http_svc/group_msg_receipt", "Send read receipts for group messages",
       batch_field="MsgSeqList", batch_max=50),
    _e("group_open_http_svc/get_group_msg_receipt", "Get read counts of group messages",
       batch_field="MsgSeqList"),
    _e("group_open_http_svc/get_group_msg_receipt_detail", "Page through readers of a message",
       pagination="cursor", cursor=("Cursor", "Cursor")),  # Count <= 200; until IsFinished
    # --- groups: message extensions (openim_msg_ext_http_svc) ---------------------------------
    # <= 200 KVs per call; continue with StartSeq until CompleteFlag == 1 (no generic style)
    _e("openim_msg_ext_http_svc/group_get_key_values", "Get key-value extensions of a message"),
    _e("openim_msg_ext_http_svc/group_set_key_values", "Set key-value extensions of a message",
       batch_field="ExtensionList", batch_max=20,
       rate_note="at most 200 extension writes/min per message (23003)"),
    # --- groups: pinned messages --------------------------------------------------------------
    _e("group_open_http_svc/pin_message", "Pin a group message"),
    _e("group_open_http_svc/unpin_message", "Unpin a group message"),
    _e("group_open_http_svc/get_pinned_messages", "List pinned messages of a group"),
    # --- groups: live groups (AVChatRoom) -----------------------------------------------------
    _e("group_open_http_svc/get_online_member_num", "Get a live group's online headcount"),
    _e("group_open_avchatroom_http_svc/get_members", "List online members of a live group",
       pagination="cursor", cursor=("Timestamp", "NextTimestamp")),
    _e("group_open_avchatroom_http_svc/modify_user_info", "Set or clear marks on live members",
       batch_field="MemberList", batch_max=500),
    _e("group_open_avchatroom_http_svc/modify_admin", "Appoint or remove live-group admins",
       batch_field="Admin_Account"),  # at most 5 admins per group overall
    _e("group_open_avchatroom_http_svc/get_admin_list", "List live-group admins"),
    _e("group_open_avchatroom_http_svc/check_members", "Check which users are in a live group",
       batch_field="Member_Account"),
    _e("group_open_http_svc/get_group_ban_member", "Page through banned live-group members",
       pagination="cursor", cursor=("Offset", "NextOffset")),  # Limit <= 100
    _e("group_open_http_svc/ban_group_member", "Ban users from a live group",
       batch_field="Members_Account", batch_max=20),
    _e("group_open_http_svc/unban_group_member", "Lift bans in a live group",
       batch_field="Members_Account", batch_max=20),
    # --- groups: attributes (max 16 keys; 5 writes/s per group) -------------------------------
    _e("group_open_attr_http_svc/get_group_attr", "Get all attributes of a group"),
    _e("group_open_http_svc/modify_group_attr", "Add or update group attributes",
       batch_field="GroupAttr", batch_max=16,
       rate_note="5 attribute writes/s per group (set/modify/delete/clear combined)"),
    _e("group_open_http_svc/clear_group_attr", "Remove all attributes of a group",
       rate_note="5 attribute writes/s per group (set/modify/delete/clear combined)"),
    # set_group_attr replaces the whole set (<= 16 keys), so it must not be split into chunks
    _e("group_open_http_svc/set_group_attr", "Replace all attributes of a group",
       rate_note="5 attribute writes/s per group (set/modify/delete/clear combined)"),
    _e("group_open_http_svc/delete_group_attr", "Delete group attribute keys",
       batch_field="GroupAttr",
       rate_note="5 attribute writes/s per group (set/modify/delete/clear combined)"),
    # --- groups: counters (Ultimate edition) --------------------------------------------------
    _e("group_open_http_svc/get_group_counter", "Get group counters"),
    _e("group_open_http_svc/update_group_counter", "Set, increase or decrease group counters",
       batch_field="GroupCounter", batch_max=20),
    _e("group_open_http_svc/delete_group_counter", "Delete group counters"),
    # --- communities: topics (million_group_open_http_svc; import_topic elsewhere) -----------
    _e("million_group_open_http_svc/create_topic", "Create a topic in a community"),
    _e("million_group_open_http_svc/get_topic", "Get topic profiles of a community"),
    _e("million_group_open_http_svc/modify_topic", "Modify a topic's profile"),
    _e("million_group_open_http_svc/destroy_topic", "Dismiss topics of a community",
       batch_field="TopicIdList"),
    _e("group_open_http_svc/import_topic", "Import a topic with its creation time"),
    # --- communities: permission groups (request fields mostly unverified) -------------------
    _e("group_open_http_svc/create_permission_group", "Create a permission group"),
    _e("group_open_http_svc/destroy_permission_group", "Delete permission groups",
       batch_field="PermissionGroupIdList", batch_max=20),
    _e("group_open_http_svc/modify_permission_group", "Modify a permission group"),
    # command confirmed on trtc.io/document/61235 and tencentcloud.com/.../1047/61235
    _e("group_open_http_svc/get_permission_group", "Get permission group information"),
    _e("group_open_http_svc/add_topic_permission_group", "Add topic permissions to a group"),
    _e("group_open_http_svc/set_topic_permission_group", "Modify topic permissions"),
    _e("group_open_http_svc/delete_topic_permission_group", "Remove topic permissions"),
    _e("group_open_http_svc/get_topic_permission_group", "Get topic permissions"),
    _e("group_open_http_svc/add_permission_group_member", "Add members to a permission group"),
    _e("group_open_http_svc/delete_permission_group_member",
       "Remove members from a permission group"),
    # paging fields of get_permission_group_member_list not captured
    _e("group_open_http_svc/get_permission_group_member_list",
       "List members of a permission group"),
    # --- all-member push, legacy (all_member_push) --------------------------------------------
    _e("all_member_push/im_push", "Push to all users or by tag/attribute", rate=1,
       rate_note="100 pushes/day (all/tag/attribute combined); > 1 s between pushes"),
    _e("all_member_push/im_set_attr_name", "Name the app's push attributes", rate=100),
    _e("all_member_push/im_get_attr_name", "Get the app's push attribute names", rate=100),
    _e("all_member_push/im_get_attr", "Get push attributes of up to 100 users", rate=100,
       batch_field="To_Account", batch_max=100),
    _e("all_member_push/im_set_attr", "Set push attributes of up to 100 users", rate=100,
       batch_field="UserAttrs", batch_max=100),
    _e("all_member_push/im_remove_attr", "Delete push attributes of up to 100 users",
       rate=100, batch_field="UserAttrs", batch_max=100),
    _e("all_member_push/im_get_tag", "Get tags of up to 100 users", rate=100,
       batch_field="To_Account", batch_max=100),
    _e("all_member_push/im_add_tag", "Add tags to up to 100 users", rate=100,
       batch_field="UserTags", batch_max=100),
    _e("all_member_push/im_remove_tag", "Remove tags from up to 100 users", rate=100,
       batch_field="UserTags", batch_max=100),
    _e("all_member_push/im_remove_all_tags", "Remove all tags of up to 100 users", rate=100,
       batch_field="To_Account", batch_max=100),
    # --- push service (timpush); rates per cloud.tencent.com/document/product/269/137903 -------
    _e("timpush/push", "Push to all users or by tag/attribute", rate=1,
       rate_note="100 pushes/day (free/trial editions 10/day); > 1 s between pushes"),
    # batch: 30 calls/s per 269/108906; the newer 269/137903 table counts users/s instead
    _e("timpush/batch", "Push to a list of up to 500 users", rate=30,
       batch_field="To_Account", batch_max=500,
       rate_note="269/137903: free/trial 30 users/s, standard 500, advanced 800"),
    _e("timpush/set_attr_name", "Name the app's push attributes", rate=100),
    _e("timpush/get_attr_name", "Get the app's push attribute names", rate=100),
    _e("timpush/set_attr", "Set push attributes of up to 100 users", rate=100,
       batch_field="UserAttrs", batch_max=100),
    _e("timpush/get_attr", "Get push attributes of up to 100 users", rate=100,
       batch_field="To_Account", batch_max=100),
    _e("timpush/remove_attr", "Delete push attributes of users", rate=100,
       batch_field="UserAttrs"),
    _e("timpush/add_tag", "Add tags to up to 100 users", rate=100,
       batch_field="UserTags", batch_max=100),
    _e("timpush/get_tag", "Get tags of up to 100 users", rate=100,
       batch_field="To_Account", batch_max=100),
    _e("timpush/remove_tag", "Remove tags from up to 100 users", rate=100,
       batch_field="UserTags", batch_max=100),
    _e("timpush/clear_all_tags", "Remove all tags of up to 100 users", rate=100,
       batch_field="To_Account", batch_max=100),
    _e("timpush/revoke", "Recall a push task", rate=1),
    _e("timpush/all_member_push_statistics", "Get delivery statistics of push tasks", rate=1),
    _e("timpush/all_member_push_trace", "Trace a push task's delivery to one user", rate=1),
    _e("timpush/all_member_push_loss", "Get loss analysis of push tasks", rate=1,
       batch_field="TaskID", batch_max=5),  # empty list = overall
    _e("timpush/add_sched_task", "Create a scheduled push task", rate=5),
    _e("timpush/get_sched_task", "Get a scheduled push task", rate=5),
    # --- other services (catalog part 3, other_services) --------------------------------------
    _e("openim_robot_http_svc/create_robot", "Create a robot account"),
    _e("openim_robot_http_svc/delete_robot", "Delete robot accounts"),
    _e("openim_robot_http_svc/get_all_robots", "List all robot accounts"),
    _e("official_account_open_http_svc/create_official_account", "Create an official account"),
    # command confirmed on tencentcloud.com/document/product/1047/60757 (catalog: "assumed")
    _e("official_account_open_http_svc/modify_official_account_base_info",
       "Modify an official account's profile"),
    _e("official_account_open_http_svc/send_official_account_msg",
       "Send a message to an official account's subscribers",
       rate_note="per official account: 1 msg/s and at most 2 broadcasts/hour"),
    _e("im_msg_audit/content_moderation", "Submit content for cloud moderation"),
    # legacy custom sensitive-word service (old docs 269/2396-2398)
    _e("openim_dirty_words/get", "List custom sensitive words", rate=100),
    _e("openim_dirty_words/add", "Add custom sensitive words"),  # <= 50 words in total
    _e("openim_dirty_words/delete", "Delete custom sensitive words"),
    _e("openim_console_http_svc/desk_get_robot_list", "List Desk customer-service robots",
       rate=5),
)

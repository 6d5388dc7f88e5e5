"""Relationship chain: friends, friend lists, blocklist (sns) and follow / followers (follow).

Facts: ../shared/reference/rest-api-accounts-c2c-sns-ops.yaml section C and the pages it
cites (tencentcloud.com/document/product/1047/349xx; follow: cloud.tencent.com 269/1189xx).
"""

from __future__ import annotations

from timctl.endpoints._fields import array, choice, integer, once, read, text, uid, uids, write
from timctl.endpoints.spec import Batch, Endpoint, Paging

SNS = "sns"
FOLLOW = "follow"

ENDPOINTS: tuple[Endpoint, ...] = (
    # --- friends (sns) ------------------------------------------------------------------------
    # Not retried: without ForceAddFlags a repeat can send the target a second friend request
    # notice and fires the after-add webhook again. No per-call maximum is documented.
    once(SNS, "friend_add", "Add friends for a user",
         batch=Batch("AddFriendItem", item_key="To_Account", result="ResultItem",
                     result_key="To_Account"),
         request=(uid("From_Account"), array("AddFriendItem", required=True, items="object"),
                  choice("AddType", "Add_Type_Single", "Add_Type_Both"),
                  choice("ForceAddFlags", 0, 1))),
    # One-way records written without verification or notices: re-importing rewrites them.
    # 1000 per request: usage-limits page.
    write(SNS, "friend_import", "Import friend records without verification",
          batch=Batch("AddFriendItem", 1000, item_key="To_Account", result="ResultItem",
                      result_key="To_Account"),
          request=(uid("From_Account"), array("AddFriendItem", 1000, True, "object"))),
    write(SNS, "friend_update", "Update remarks, lists or custom friend fields",
          batch=Batch("UpdateItem", item_key="To_Account", result="ResultItem",
                      result_key="To_Account"),
          request=(uid("From_Account"), array("UpdateItem", required=True, items="object"))),
    # A retry finds the friend already gone: 31704 (To_Account is not a friend) per item.
    write(SNS, "friend_delete", "Delete friends of a user",
          gone_codes=frozenset({31704}), destructive=True,
          batch=Batch("To_Account", 1000, result="ResultItem", result_key="To_Account"),
          request=(uid("From_Account"), uids("To_Account", 1000),
                   choice("DeleteType", "Delete_Type_Single", "Delete_Type_Both"))),
    # Deleting everything twice leaves nothing either way.
    write(SNS, "friend_delete_all", "Delete all friends of a user", destructive=True,
          request=(uid("From_Account"),
                   choice("DeleteType", "Delete_Type_Single", "Delete_Type_Both"))),
    read(SNS, "friend_check", "Check friendship with up to 1000 users",
         batch=Batch("To_Account", 1000, result="InfoItem", result_key="To_Account"),
         request=(uid("From_Account"), uids("To_Account", 1000),
                  choice("CheckType", "CheckResult_Type_Single", "CheckResult_Type_Both",
                         required=True))),
    # Page size is chosen by the server (undocumented); CompleteFlag non-zero = all pulled.
    read(SNS, "friend_get", "Page through all friends of a user",
         paging=Paging("UserDataItem", carry=(("StartIndex", "NextStartIndex"),),
                       done="flag", done_field="CompleteFlag"),
         request=(uid("From_Account"), integer("StartIndex", True, 0))),
    # 100 is the advised maximum (response size).
    read(SNS, "friend_get_list", "Get chosen fields of specific friends",
         batch=Batch("To_Account", 100, result="InfoItem", result_key="To_Account"),
         request=(uid("From_Account"), uids("To_Account", 100),
                  array("TagList", required=True, items="string"))),
    # --- blocklist (sns) ----------------------------------------------------------------------
    # Blocking is a set membership: a repeat leaves the same state (the repeated items come
    # back as 30001 Err_SNS_BlackListAdd_Already_Exist, a general code, so not a gone code).
    write(SNS, "black_list_add", "Add users to a user's blocklist",
          batch=Batch("To_Account", 1000, result="ResultItem", result_key="To_Account"),
          request=(uid("From_Account"), uids("To_Account", 1000))),
    # The code for removing a user who is not blocked is not documented: no gone code.
    write(SNS, "black_list_delete", "Remove users from a user's blocklist",
          batch=Batch("To_Account", 1000, result="ResultItem", result_key="To_Account"),
          request=(uid("From_Account"), uids("To_Account", 1000))),
    # The response StartIndex is the next page's start, 0 when finished; MaxLimited (page
    # size) is required but its maximum is not documented. LastSequence: send 0.
    read(SNS, "black_list_get", "Page through a user's blocklist",
         paging=Paging("BlackListItem", carry=(("StartIndex", "StartIndex"),),
                       done="cursor_empty"),
         request=(uid("From_Account"), integer("StartIndex", True, 0),
                  integer("MaxLimited", True, 1), integer("LastSequence", True, 0))),
    read(SNS, "black_list_check", "Check blocklist relation with up to 1000 users",
         batch=Batch("To_Account", 1000, result="BlackListCheckItem", result_key="To_Account"),
         request=(uid("From_Account"), uids("To_Account", 1000),
                  choice("CheckType", "BlackCheckResult_Type_Single",
                         "BlackCheckResult_Type_Both", required=True))),
    # --- friend lists (sns) -------------------------------------------------------------------
    # Creating a list whose name exists: outcome not documented, so not retried. Names are
    # 1-30 bytes, at most 32 lists per user.
    once(SNS, "group_add", "Create friend lists for a user",
         batch=Batch("GroupName"),
         request=(uid("From_Account"), array("GroupName", 32, True, "string"),
                  uids("To_Account", required=False))),
    write(SNS, "group_delete", "Delete friend lists of a user",
          batch=Batch("GroupName"),
          request=(uid("From_Account"), array("GroupName", 32, True, "string"))),
    read(SNS, "group_get", "List a user's friend lists",
         request=(uid("From_Account"), choice("NeedFriend", "Need_Friend_Type_Yes"))),
    # --- follow / followers (follow), Pro Plus / Enterprise with the console switch on -------
    # Following is a set membership: a repeat leaves the same state.
    write(FOLLOW, "follow_add", "Follow up to 20 users",
          batch=Batch("FollowItem", 20, item_key="To_Account", result="ResultItem",
                      result_key="To_Account"),
          request=(uid("From_Account"), array("FollowItem", 20, True, "object"))),
    # Page tencentcloud.com/document/product/1047/70346 (rate 200/s); no per-call maximum
    # is documented for REST.
    write(FOLLOW, "follow_delete", "Unfollow users",
          batch=Batch("To_Account", result="ResultItem", result_key="To_Account"),
          request=(uid("From_Account"), uids("To_Account"))),
    read(FOLLOW, "follow_check", "Check follow relation with up to 100 users",
         batch=Batch("To_Account", 100, result="ResultItem", result_key="To_Account"),
         request=(uid("From_Account"), uids("To_Account", 100))),
    # StartCursor "" first, then NextCursor; an empty NextCursor at the end is inferred.
    read(FOLLOW, "follow_get", "Page through followers, followings or mutuals",
         paging=Paging("FollowItem", carry=(("StartCursor", "NextCursor"),),
                       done="cursor_empty", page_size=("WantNum", 1000)),
         request=(uid("From_Account"), choice("FollowType", 1, 2, 3, required=True),
                  text("StartCursor", required=True), integer("WantNum", True, 1, 1000))),
    read(FOLLOW, "follow_get_info", "Get follow counts of up to 20 users",
         batch=Batch("To_Account", 20, result="FollowInfo", result_key="To_Account"),
         request=(uid("From_Account"), uids("To_Account", 20))),
)

"""Robots, official accounts, content moderation, custom sensitive words and Desk.

Facts: ../shared/reference/rest-api-push-msgformat-callbacks.yaml (other_services:) and the
official pages named on each row (cloud.tencent.com/document/product/269/...,
tencentcloud.com/document/product/1047/...; trtc.io/document/N is 1047/N).
"""

from __future__ import annotations

from timctl.endpoints._fields import (
    FIVE_MINUTES,
    array,
    choice,
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
from timctl.endpoints.spec import Batch, Dedup, Endpoint, Paging

BOT = "openim_robot_http_svc"
OA = "official_account_open_http_svc"
AUDIT = "im_msg_audit"
AUDIT_MGR = "im_msg_audit_mgr"
_OA_ID = text("Official_Account", required=True)
_AUDIT_NAME = text("AuditName", required=True)  # C2C / Group / UserInfo / ... or a config ID

ENDPOINTS: tuple[Endpoint, ...] = (
    # --- robots (openim_robot_http_svc); UserIDs start with @RBT# -----------------------------
    # Creating an existing robot UserID creates only one robot (269/89991): an upsert.
    write(BOT, "create_robot", "Create a robot account",
          request=(text("UserID", 32, True), text("Nick"), text("FaceUrl"),
                   text("SelfSignature", 500))),
    # Marks the robot invalid (the UserID itself stays): 269/89992, one robot per call.
    write(BOT, "delete_robot", "Deactivate a robot account", destructive=True,
          request=(text("Robot_Account", 32, True),)),
    read(BOT, "get_all_robots", "List all robot accounts"),
    # Each call appends a chunk to one streaming message (MsgKey from the first answer,
    # Finish=1 on the last): a repeat would show the chunk twice. 269/104537 (en 1047/71131).
    once(BOT, "send_stream_msg", "Send a chunk of a robot's streaming reply",
         request=(uid("From_Account"), uid("To_Account"), text("Chunk", required=True),
                  text("MsgKey", 50), choice("Finish", 1))),
    # --- official accounts (official_account_open_http_svc), 200 calls/s each -----------------
    # Text limits from the client docs (269/102483): ID <= 48 bytes with prefix @TOA#_, Name
    # 150, FaceUrl 500, Organization 500, Introduction 400, CustomString 3000. Without a
    # custom OfficialAccountUserID a repeat creates a second account.
    once(OA, "create_official_account", "Create an official account",
         request=(text("OfficialAccountUserID", 48), uid("Owner_Account", required=False),
                  text("Name", 150), text("FaceUrl", 500), text("Introduction", 400),
                  text("Organization", 500), text("CustomString", 3000),
                  integer("MaxSubscriberNum", False, 1))),
    # Page 1047/60756. The code a second call answers is not documented: no gone code.
    write(OA, "destroy_official_account", "Destroy an official account", destructive=True,
          request=(_OA_ID,)),
    # Command confirmed on 1047/60757 (the catalog had it as assumed).
    write(OA, "modify_official_account_base_info", "Modify an official account's profile",
          request=(_OA_ID, text("Name", 150), text("FaceUrl", 500), text("Introduction", 400),
                   text("Organization", 500), text("CustomString", 3000))),
    # Page 1047/60758; its request table was not in the excerpt read.
    read(OA, "get_official_account_info", "Get official account profiles"),
    # Two messages with the same content within 5 minutes: the later is dropped (269/102298,
    # 1047/60810); Random is part of the body, so it is filled once and kept on retries.
    Endpoint(OA, "send_official_account_msg", "Send a message to an official account's "
             "subscribers", retry="dedup", dedup=Dedup("Random", FIVE_MINUTES),
             request=(_OA_ID, u32("Random", True), msg_body(), text("CloudCustomData"),
                      obj("OfflinePushInfo")),
             rate_note="per official account: 1 msg/s and at most 2 broadcasts/hour"),
    # 269/102306 (en 1047/60759): Next "" first, "" when finished; Limit <= 200.
    read(OA, "get_subscriber_info", "Page through an official account's subscribers",
         paging=Paging("SubscriberList", carry=(("Next", "Next"),), done="cursor_empty",
                       page_size=("Limit", 200)),
         request=(_OA_ID, integer("Limit", False, 1, 200), text("Next", required=True))),
    # 269/102308 (en 1047/60760): at most 100 per call; Result 0 failed, 1 subscribed,
    # 2 already subscribed, so a repeat is harmless.
    write(OA, "add_subscriber", "Subscribe users to an official account",
          batch=Batch("SubscriberList", 100, item_key="Subscriber_Account",
                      result="SubscriberList", result_key="Subscriber_Account",
                      result_code="Result", ok_codes=(1, 2)),
          request=(_OA_ID, array("SubscriberList", 100, True, "object"))),
    # 1047/60761: per-user SubscriberList[{Subscriber_Account, Result}] comes back, but the
    # Result values are not in the excerpt read, so outcomes are not read per item; no
    # per-call maximum is documented.
    write(OA, "delete_subscriber", "Unsubscribe users from an official account",
          batch=Batch("SubscriberToDel_Account"),
          request=(_OA_ID, uids("SubscriberToDel_Account"))),
    # 269/102310 (en 1047/60762): CustomString is overwritten.
    write(OA, "modify_subscriber_info", "Modify a subscriber's custom data",
          request=(_OA_ID, uid("Subscriber_Account"), text("CustomString", required=True))),
    # 269/102311 (en 1047/60763): Offset paging, Limit <= 200 (default 200). The response
    # list name (OfficialAccountInfoList) is cut from the excerpt; taken from the doocs SDK.
    read(OA, "get_subscribed_official_account_list", "List official accounts a user follows",
         paging=Paging("OfficialAccountInfoList", carry=(("Offset", "@count"),),
                       done="short_page", page_size=("Limit", 200)),
         request=(uid("Subscriber_Account"), integer("Limit", False, 1, 200),
                  integer("Offset", False, 0), obj("ResponseFilter"))),
    # 269/102327 (en 1047/60811): up to 10 MsgKeys, Reason <= 100 bytes, no time limit.
    # Recalling is idempotent; the code for an already recalled message is not documented.
    write(OA, "official_account_msg_recall", "Recall official account messages",
          destructive=True, batch=Batch("MsgKeyList", 10),
          request=(_OA_ID, array("MsgKeyList", 10, True, "string"), text("Reason", 100))),
    # 269/102299 (en 1047/60812): newest first; continue with the returned LastMsgKey. The
    # end is not spelled out: an empty or missing LastMsgKey is taken as the end (IsFinished
    # means "this page's range came back whole", as for group_msg_get_simple).
    read(OA, "official_account_msg_get_simple", "Page through official account messages",
         paging=Paging("RspMsgList", carry=(("LastMsgKey", "LastMsgKey"),),
                       done="cursor_empty"),
         request=(_OA_ID, integer("ReqMsgNumber", True, 1), text("LastMsgKey"),
                  choice("WithRecalledMsg", 0, 1))),
    # --- content moderation (im_msg_audit); China, Singapore and Seoul only ---------------
    # A check with no stored effect: a repeat is billed again (audio/video answer by webhook).
    read(AUDIT, "content_moderation", "Submit content for cloud moderation",
         request=(_AUDIT_NAME, choice("ContentType", "Text", "Image", "Audio", "Video",
                                      required=True),
                  text("Content", 8192, True), text("ExtSender"), text("ExtReceiver"))),
    # 269/100243 (en trtc.io/document/77828): at most 10 text/image items, each with a
    # ContentId unique in the call; the per-item results key is not in the excerpt read.
    read(AUDIT, "batch_content_moderation", "Submit up to 10 items for cloud moderation",
         batch=Batch("Contents", 10, item_key="ContentId"),
         request=(_AUDIT_NAME, array("Contents", 10, True, "object"), text("ExtSender"),
                  text("ExtReceiver"))),
    # --- cloud moderation keyword libraries (im_msg_audit_mgr) ----------------------------------
    # 269/94303 (en trtc.io/document/77831): keywords get their own IDs, and adding one twice
    # is not documented as a no-op, so not re-sent. No per-call maximum documented.
    once(AUDIT_MGR, "add_cloud_audit_keywords", "Add keywords to a cloud moderation library",
         batch=Batch("UserKeywords", item_key="Content"),
         request=(integer("SdkAppId", True, 1), text("LibID", required=True),
                  array("UserKeywords", required=True, items="object"))),
    # 269/94304 (en trtc.io/document/77832): at most 10 per call; Details[{Keyword, Deleted}].
    write(AUDIT_MGR, "delete_cloud_audit_keywords", "Delete keywords from a cloud library",
          batch=Batch("Keywords", 10, result="Details", result_key="Keyword",
                      result_code="Deleted", ok_codes=(True,)),
          request=(integer("SdkAppId", True, 1), text("LibID", required=True),
                   array("Keywords", 10, True, "string"))),
    # 269/94302 (en 1047/77830): Offset paging, Limit <= 100; Content filters fuzzily.
    read(AUDIT_MGR, "get_cloud_audit_keywords", "Page through keywords of a cloud library",
         paging=Paging("Infos", carry=(("Offset", "@count"),), done="short_page",
                       page_size=("Limit", 100)),
         request=(integer("SdkAppId", True, 1), integer("Offset", True, 0),
                  integer("Limit", True, 1, 100), text("LibID", required=True),
                  text("Content"))),
    # 269/94301: the app's keyword libraries (their IDs are the LibID above).
    read(AUDIT_MGR, "get_cloud_audit_keywords_ids", "Page through cloud keyword libraries",
         paging=Paging("Infos", carry=(("Offset", "@count"),), done="short_page",
                       page_size=("Limit", 100)),
         request=(integer("SdkAppId", True, 1), integer("Offset", True, 0),
                  integer("Limit", True, 1, 100))),
    # --- custom sensitive words, legacy (openim_dirty_words), old docs 269/2396-2398 --------
    read("openim_dirty_words", "get", "List custom sensitive words", rate=100),
    # At most 50 words in total, each <= 200 bytes. What adding a present word does is not
    # documented, so not re-sent.
    once("openim_dirty_words", "add", "Add custom sensitive words"),
    write("openim_dirty_words", "delete", "Delete custom sensitive words"),
    # --- Desk (openim_console_http_svc), 269/133252 -------------------------------------------
    read("openim_console_http_svc", "desk_get_robot_list", "List Desk customer-service robots",
         rate=5),
)

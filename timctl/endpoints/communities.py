"""Communities: topics (million_group_open_http_svc, import_topic) and permission groups.

Facts: ../shared/reference/rest-api-groups.yaml (create_topic .. permission groups) and the
pages it cites; permission-group member pages read on cloud.tencent.com 269/103974, 103976.
Topic text limits: TopicName 30, Introduction 240, Notification 300, FaceUrl 100,
CustomString 3000 bytes; topic IDs at most 96 bytes.
"""

from __future__ import annotations

from timctl.endpoints._fields import array, choice, group_id, integer, once, read, text, uid, write
from timctl.endpoints.spec import Batch, Endpoint, Field, Paging

TOPIC = "million_group_open_http_svc"
G = "group_open_http_svc"

_TOPIC_PROFILE: tuple[Field, ...] = (
    uid("From_Account", required=False), text("CustomString", 3000), text("FaceUrl", 100),
    text("Notification", 300), text("Introduction", 240),
)
_PMG = text("PermissionGroupId", required=True)

ENDPOINTS: tuple[Endpoint, ...] = (
    # --- topics of a topic-enabled community ---------------------------------------------------
    # Without TopicId a repeat creates a second topic; with one it fails with 10021.
    once(TOPIC, "create_topic", "Create a topic in a community",
         request=(group_id(), text("TopicId", 96), text("TopicName", 30, True),
                  *_TOPIC_PROFILE)),
    # Per-topic ErrorCode in TopicAndSelfInfo; absent TopicIdList = every topic.
    read(TOPIC, "get_topic", "Get topic profiles of a community",
         batch=Batch("TopicIdList"),
         request=(group_id(), uid("From_Account"), array("TopicIdList", items="string"),
                  array("ResponseFilter", items="string"))),
    write(TOPIC, "modify_topic", "Modify a topic's profile",
          request=(group_id(), text("TopicId", 96, True), text("TopicName", 30),
                   *_TOPIC_PROFILE, choice("MuteAllMember", "On", "Off"))),
    # A dismissed topic answers 110003 "already dismissed" per item: done on a retry.
    write(TOPIC, "destroy_topic", "Dismiss topics of a community",
          gone_codes=frozenset({110003}), destructive=True,
          batch=Batch("TopicIdList", result="DestroyResultItem", result_key="TopicId",
                      result_code="ErrorCode"),
          request=(group_id(), array("TopicIdList", required=True, items="string"))),
    # Lives on group_open_http_svc. Same as create_topic: a repeat duplicates or fails.
    once(G, "import_topic", "Import a topic with its creation time",
         request=(group_id(), text("TopicId", 96), text("TopicName", 30, True),
                  *_TOPIC_PROFILE, integer("CreateTime", False, 0),
                  choice("Type", "Community"))),
    # --- permission groups (communities with EnablePermission) ---------------------------------
    # Without PermissionGroupId a repeat creates a second group. Pages trtc.io/document/612xx
    # and cloud.tencent.com 269/1039xx; only these rows' fields were read.
    once(G, "create_permission_group", "Create a permission group",
         request=(group_id(), text("PermissionGroupId"),
                  text("PermissionGroupName", 150, True), integer("Permission", True, 0),
                  text("CustomString", 3000))),
    # Per-ID results; the code for an already deleted ID is not documented.
    write(G, "destroy_permission_group", "Delete permission groups", destructive=True,
          batch=Batch("PermissionGroupIdList", 20, result="PermissionGroupResultList",
                      result_key="PermissionGroupId", result_code="ErrorCode"),
          request=(group_id(), array("PermissionGroupIdList", 20, True, "string"))),
    write(G, "modify_permission_group", "Modify a permission group",
          request=(group_id(), _PMG, text("PermissionGroupName", 150),
                   integer("Permission", False, 0), text("CustomString", 3000))),
    # Command confirmed on trtc.io/document/61235; request fields beyond GroupId not read.
    read(G, "get_permission_group", "Get permission group information",
         request=(group_id(),)),
    # Topic permissions of a permission group (trtc.io/document/61236-61239): per-topic
    # results in TopicPermissionResultList {TopicId, ErrorCode, ErrorInfo}. Add and set send
    # TopicPermissionList [{TopicId, Permission}] (at most 50 per call on 61236; the same cap
    # is assumed for set); get sends an optional TopicIdList (absent: every topic). Delete's
    # field is TopicIdList by the get page and the SDK's topicIDList (inferred).
    once(G, "add_topic_permission_group", "Add topic permissions to a permission group",
         batch=Batch("TopicPermissionList", 50, item_key="TopicId",
                     result="TopicPermissionResultList", result_key="TopicId",
                     result_code="ErrorCode"),
         request=(group_id(), _PMG, array("TopicPermissionList", 50, True, "object"))),
    write(G, "set_topic_permission_group", "Modify topic permissions of a permission group",
          batch=Batch("TopicPermissionList", 50, item_key="TopicId",
                      result="TopicPermissionResultList", result_key="TopicId",
                      result_code="ErrorCode"),
          request=(group_id(), _PMG, array("TopicPermissionList", 50, True, "object"))),
    write(G, "delete_topic_permission_group", "Remove topic permissions from a permission group",
          batch=Batch("TopicIdList", 50, result="TopicPermissionResultList",
                      result_key="TopicId", result_code="ErrorCode"),
          request=(group_id(), _PMG, array("TopicIdList", 50, True, "string"))),
    read(G, "get_topic_permission_group", "Get topic permissions of a permission group",
         batch=Batch("TopicIdList", result="TopicPermissionResultList", result_key="TopicId",
                     result_code="ErrorCode"),
         request=(group_id(), _PMG, array("TopicIdList", items="string"))),
    # At most 100 members per call; MemberList[{Member_Account, Result}] comes back. The
    # Result table is cut in the excerpt read: values taken as for add_group_member (1 added,
    # 2 already a member), so a repeat is harmless.
    write(G, "add_permission_group_member", "Add members to a permission group",
          batch=Batch("MemberList", 100, item_key="Member_Account", result="MemberList",
                      result_key="Member_Account", result_code="Result", ok_codes=(1, 2)),
          request=(group_id(), _PMG, array("MemberList", 100, True, "object"))),
    # trtc.io/document/61241: request fields beyond the IDs were not read.
    write(G, "delete_permission_group_member", "Remove members from a permission group",
          request=(group_id(), _PMG)),
    # Next "" first and "" after the last page, like get_group_member_info for communities;
    # Limit at most 50 (269/103976).
    read(G, "get_permission_group_member_list", "List members of a permission group",
         paging=Paging("MemberList", carry=(("Next", "Next"),), done="cursor_empty",
                       page_size=("Limit", 50)),
         request=(group_id(), _PMG, integer("Limit", False, 1, 50), text("Next"))),
)

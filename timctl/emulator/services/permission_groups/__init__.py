"""Permission groups of communities: create/destroy/modify/get_permission_group and
add/delete_permission_group_member, get_permission_group_member_list (group_open_http_svc;
pages trtc.io/document/61232-61242, cloud.tencent.com 269/103966-103976), and the topic
permissions of permission groups: add/set/delete/get_topic_permission_group (61236-61239,
topic_permissions.py)."""

from __future__ import annotations

from timctl.emulator.services import Service, deferred
from timctl.emulator.services.groups import GROUP_SPECS
from timctl.emulator.services.permission_groups.schema import MIGRATIONS

SERVICE = Service(
    name="permission_groups",
    specs={"group_open_http_svc": GROUP_SPECS["group_open_http_svc"]},
    migrations=MIGRATIONS,
    on_account_deleted=deferred(f"{__name__}.queries:on_account_deleted"),
    on_group_destroyed=deferred(f"{__name__}.queries:on_group_destroyed"),
    on_topic_destroyed=deferred(f"{__name__}.queries:on_topic_destroyed"),
)

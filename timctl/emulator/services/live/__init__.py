"""Live groups (AVChatRoom): group_open_avchatroom_http_svc get_members, modify_user_info,
modify_admin, get_admin_list, check_members (pages 1047/50293, 50294; trtc.io 60523-60525).

Who is online in a live group is the SDK's business (users join from the client): the
control route POST /_emulator/live {"SDKAppID", "GroupId", "UserID", "Online": true|false}
stands in for that join, as /_emulator/online does for logins.
"""

from __future__ import annotations

from timctl.emulator.services import ControlRoute, Service, deferred
from timctl.emulator.services.groups import GROUP_SPECS
from timctl.emulator.services.live.schema import MIGRATIONS

SERVICE = Service(
    name="live",
    specs={"group_open_avchatroom_http_svc": GROUP_SPECS["group_open_avchatroom_http_svc"]},
    migrations=MIGRATIONS,
    on_account_deleted=deferred(f"{__name__}.queries:on_account_deleted"),
    on_group_destroyed=deferred(f"{__name__}.queries:on_group_destroyed"),
    control={"live": ControlRoute(("POST",), deferred(f"{__name__}.control:set_presence"))},
)

"""Group notices and live broadcasts (group_open_http_svc): send_group_system_notification
(1047/34958) and send_broadcast_msg (1047/49440).

Neither is stored as a group message: a system notice reaches online members only and is
never roamed; a broadcast goes to every AVChatRoom, whose messages are never stored. The only
table remembers broadcasts for the documented 5-minute Random dedup and their MsgSeq.
"""

from __future__ import annotations

from timctl.emulator.services import Service
from timctl.emulator.services.group_notices.schema import MIGRATIONS
from timctl.emulator.services.groups import GROUP_SPECS

SERVICE = Service(
    name="group_notices",
    specs={"group_open_http_svc": GROUP_SPECS["group_open_http_svc"]},
    migrations=MIGRATIONS,
)

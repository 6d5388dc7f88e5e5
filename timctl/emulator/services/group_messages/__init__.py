"""Group messages (group_open_http_svc): send_group_msg, group_msg_get_simple,
group_msg_recall, delete_group_msg_by_sender.

Pages: tencentcloud 1047/34959 (send), 34971 (history), 34965 (recall), 34970 (by sender).
Messages and the groups package's tips share one MsgSeq per group (groups.next_msg_seq).
"""

from __future__ import annotations

from timctl.emulator.services import Service, deferred
from timctl.emulator.services.group_messages.schema import MIGRATIONS
from timctl.emulator.services.groups import GROUP_SPECS

SERVICE = Service(
    name="group_messages",
    specs={"group_open_http_svc": GROUP_SPECS["group_open_http_svc"]},
    migrations=MIGRATIONS,
    on_group_destroyed=deferred(f"{__name__}.queries:on_group_destroyed"),
    on_topic_destroyed=deferred(f"{__name__}.queries:on_topic_destroyed"),
    on_account_deleted=deferred(f"{__name__}.queries:on_account_deleted"),
)

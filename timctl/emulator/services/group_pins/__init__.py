"""Pinned group messages (group_open_http_svc): pin_message, unpin_message,
get_pinned_messages (cloud.tencent 269/133874, 134119, 134120; 2026 pages).

Documented: at most 10 pins per group (10070), pinning a pinned message 10071, AVChatRoom not
supported, the list newest pin first with MsgSeq and Pinner_Account. Topic pins are not
implemented (the emulator keeps no topic messages).
"""

from __future__ import annotations

from timctl.emulator.services import Service, deferred
from timctl.emulator.services.group_pins.schema import MIGRATIONS
from timctl.emulator.services.groups import GROUP_SPECS

SERVICE = Service(
    name="group_pins",
    specs={"group_open_http_svc": GROUP_SPECS["group_open_http_svc"]},
    migrations=MIGRATIONS,
    on_group_destroyed=deferred(f"{__name__}.queries:on_group_destroyed"),
)

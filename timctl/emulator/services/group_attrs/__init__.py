"""Group attributes and counters: get_group_attr (group_open_attr_http_svc), modify/set/
delete/clear_group_attr and get/update/delete_group_counter (group_open_http_svc).

Pages (intl docs, 2023-24): attributes 1047/44187 (get), 44188 (modify), 44189 (clear),
44190 (set), 59499 (delete); counters 1047/53427 (get), 53428 (update), 53429 (delete).
The REST services' specs are the groups package's (GROUP_SPECS): one spec per REST service.
"""

from __future__ import annotations

from timctl.emulator.services import Service, deferred
from timctl.emulator.services.group_attrs.schema import MIGRATIONS
from timctl.emulator.services.groups import GROUP_SPECS

SERVICE = Service(
    name="group_attrs",
    specs={name: GROUP_SPECS[name]
           for name in ("group_open_http_svc", "group_open_attr_http_svc")},
    migrations=MIGRATIONS,
    on_group_destroyed=deferred(f"{__name__}.queries:on_group_destroyed"),
)

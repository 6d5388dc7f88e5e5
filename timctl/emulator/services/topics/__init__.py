"""Community topics: million_group_open_http_svc create_topic, get_topic, modify_topic,
destroy_topic (pages 1047/49471, 49469, 49468, 49470), and import_topic on group_open_http_svc
(1047/53448). Topics live in topic-enabled
communities (create_group SupportTopic=1) and go with their community (on_group_destroyed)."""

from __future__ import annotations

from timctl.emulator.services import Service, deferred
from timctl.emulator.services.groups import GROUP_SPECS
from timctl.emulator.services.topics.schema import MIGRATIONS

SERVICE = Service(
    name="topics",
    specs={name: GROUP_SPECS[name]  # import_topic lives on group_open_http_svc
           for name in ("million_group_open_http_svc", "group_open_http_svc")},
    migrations=MIGRATIONS,
    on_group_destroyed=deferred(f"{__name__}.queries:on_group_destroyed"),
)

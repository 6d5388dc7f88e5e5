"""Community topics: million_group_open_http_svc create_topic, get_topic, modify_topic,
destroy_topic (pages 1047/49471, 49469, 49468, 49470). Topics live in topic-enabled
communities (create_group SupportTopic=1) and go with their community (on_group_destroyed)."""

from __future__ import annotations

from timctl.emulator.services import Service
from timctl.emulator.services.groups import GROUP_SPECS
from timctl.emulator.services.topics import queries
from timctl.emulator.services.topics.schema import MIGRATIONS

SERVICE = Service(
    name="topics",
    specs={"million_group_open_http_svc": GROUP_SPECS["million_group_open_http_svc"]},
    migrations=MIGRATIONS,
    on_group_destroyed=queries.on_group_destroyed,
)

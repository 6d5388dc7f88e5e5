"""Message extensions (openim_msg_ext_http_svc): set_key_values, get_key_values (one-to-one
messages, tencentcloud 1047/51195, 51194), group_set_key_values, group_get_key_values (group
messages, 1047/52170, 52169).

Key-value pairs hang on a stored message sent with SupportMessageExtension 1; they go with the
message's conversation (account deletion, group destruction).
Inferred spec: admin code 10007 and parameter code 10004 (the pages' 10004 "invalid
parameter"; no admin or JSON code is documented for this service).
"""

from __future__ import annotations

from timctl.emulator.services import Service, ServiceSpec, deferred
from timctl.emulator.services.msg_ext.schema import MIGRATIONS

SERVICE = Service(
    name="msg_ext",
    specs={"openim_msg_ext_http_svc": ServiceSpec(admin_code=10007, param_code=10004,
                                                  bad_json_code=10004)},
    migrations=MIGRATIONS,
    on_account_deleted=deferred(f"{__name__}.queries:on_account_deleted"),
    on_group_destroyed=deferred(f"{__name__}.queries:on_group_destroyed"),
)

"""Push to all users: the legacy all_member_push service (im_push and the im_* attribute and
tag APIs, 1047/37165-37175) and the newer push service timpush (push, batch, attributes,
tags, revoke, reports and scheduled tasks; trtc.io 60561-60571, 67551-67824, 71893-71895,
78839-78843; cloud.tencent.com 269/45933, 117847, 130277-130281).

One audience store serves both: timpush is the newer API of the same feature (its tag and
attribute pages describe the im_* APIs' rules - 10 slots, names <= 50 bytes, <= 10 tags per
user per call, <= 100 per user - and its push takes the same Condition), so attributes named
or tags added through one are seen by the other, as a user migrating between them expects.
Pushes of both APIs also share the 1 s interval and the daily count (pushing.py).

Only imported accounts receive (1047/37165). Delivery is online-only here: a push writes no
message history, and a task records its resolved audience and who was logged in at push
time. GET/POST /_emulator/pushes lists tasks with their recipients (`timctl emulator pushes`).
Codes: every push API answers 90009 for a non-admin and 90001 for a body that is not JSON;
the pages name no generic parameter code, so other malformed fields answer 90001 too.
"""

from __future__ import annotations

from timctl.emulator.services import ControlRoute, Service, ServiceSpec, deferred
from timctl.emulator.services.push.schema import MIGRATIONS

PUSH_SPEC = ServiceSpec(admin_code=90009, param_code=90001, bad_json_code=90001,
                        bad_json_info="JSON parse failure")

SERVICE = Service(
    name="push",
    specs={"all_member_push": PUSH_SPEC, "timpush": PUSH_SPEC},
    migrations=MIGRATIONS,
    on_account_deleted=deferred(f"{__name__}.audience:on_account_deleted"),
    control={"pushes": ControlRoute(("GET", "POST"), deferred(f"{__name__}.control:list_pushes"))},
)

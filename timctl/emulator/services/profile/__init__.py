"""Profiles: portrait_set / portrait_get of standard Tag_Profile_IM_* and custom fields."""

from __future__ import annotations

from timctl.emulator.services import Service, ServiceSpec, deferred
from timctl.emulator.services.profile.schema import MIGRATIONS

SERVICE = Service(
    name="profile",
    specs={
        # ErrorInfo "Err_Profile_Comm_Decode_Fail" is the documented 40001 sample: the
        # profile service's own word for a body it cannot decode (inferred).
        "profile": ServiceSpec(admin_code=40004, param_code=40001, bad_json_code=40001,
                               bad_json_info="Err_Profile_Comm_Decode_Fail",
                               error_display=True),
    },
    migrations=MIGRATIONS,
    on_account_deleted=deferred(f"{__name__}.queries:on_account_deleted"),
)

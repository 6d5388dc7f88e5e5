"""Global mute ("no-speaking"): openconfigsvr/setnospeaking and getnospeaking.

Pages: https://www.tencentcloud.com/document/product/1047/34923 (set) and .../34924 (get);
the same text at cloud.tencent.com/document/product/269/4230 and 4229 (2025-12).

The pages list 130001 (bad JSON), 130002-130005 (Get_/Set_Account missing or invalid) and
130008 (neither time given). They document no admin-permission, unknown-account or bad-value
code; the choices here (inferred) are the common ones: 60010 "requires App Admin
permission", 70107 "UserID not imported", and 130001 for a time that is not a uint32 (it
cannot be decoded into the documented type).

openconfigsvr also answers getappinfo: a package that implements it must declare this same
spec (the registry refuses two different specs for one REST service).
"""

from __future__ import annotations

from timctl.emulator.services import Service, ServiceSpec, deferred
from timctl.emulator.services.mute.schema import MIGRATIONS

SERVICE = Service(
    name="mute",
    specs={
        "openconfigsvr": ServiceSpec(admin_code=60010, param_code=130001,
                                     bad_json_code=130001,
                                     bad_json_info="Failed to parse the JSON request packet"),
    },
    migrations=MIGRATIONS,
    on_account_deleted=deferred(f"{__name__}.queries:on_account_deleted"),
)

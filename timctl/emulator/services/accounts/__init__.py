"""Accounts: import, delete, check, kick (im_open_login_svc) and online status
(openim/query_online_status, also answered at its legacy path openim/querystate)."""

from __future__ import annotations

from timctl.emulator.services import ControlRoute, Service, ServiceSpec, deferred
from timctl.emulator.services.accounts.schema import MIGRATIONS

SERVICE = Service(
    name="accounts",
    specs={
        "im_open_login_svc": ServiceSpec(admin_code=70403, param_code=70402),
        # openim documents its own parse failure; also the service of C2C messages
        "openim": ServiceSpec(admin_code=90009, param_code=90003, bad_json_code=90001,
                              bad_json_info="Fail to Parse json data of body, Please check it"),
    },
    migrations=MIGRATIONS,
    on_account_deleted=deferred(f"{__name__}.queries:on_account_deleted"),
    on_admin_added=deferred(f"{__name__}.queries:on_admin_added"),
    control={"online": ControlRoute(("POST",), deferred(f"{__name__}.control:set_online"))},
)

"""Groups: create/import, profiles, lifecycle, members, roles, mutes and live-group bans
(group_open_http_svc and its sibling REST services).

Facts: /work/shared/reference/rest-api-groups.yaml (group_model and each endpoint), from the
intl docs' group pages (www.tencentcloud.com/document/product/1047/...), cited per module.
Handlers: create (create_group), imports (import_group, import_group_member), lifecycle
(destroy, transfer, app group list, online count), info (get_group_info,
modify_group_base_info, get_joined_group_list), members, mutes (member mutes and live-group
bans). Emulator settings (text and call limits where the
docs disagree): settings, at /_emulator/groups.

GROUP_SPECS holds the one spec of each REST service group APIs live on; every package
answering one of them declares exactly that spec (the registry refuses two).
"""

from __future__ import annotations

from timctl.emulator.services import ControlRoute, Service, ServiceSpec, deferred
from timctl.emulator.services.groups.schema import MIGRATIONS

# Documented group-service codes: 10007 no permission (also "not an App admin"), 10004
# invalid parameter, 10011 JSON parse failure.
_GROUP_SPEC = ServiceSpec(admin_code=10007, param_code=10004, bad_json_code=10011,
                          bad_json_info="parse json failed")

GROUP_SPECS: dict[str, ServiceSpec] = {
    name: _GROUP_SPEC
    for name in ("group_open_http_svc", "group_open_attr_http_svc",
                 "group_open_avchatroom_http_svc", "million_group_open_http_svc")
}

SERVICE = Service(
    name="groups",
    specs={"group_open_http_svc": GROUP_SPECS["group_open_http_svc"]},
    migrations=MIGRATIONS,
    keep_on_reset=frozenset({"group_settings"}),
    on_account_deleted=deferred(f"{__name__}.hooks:on_account_deleted"),
    control={"groups": ControlRoute(("GET", "POST"), deferred(f"{__name__}.settings:control"))},
)

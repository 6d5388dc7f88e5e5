"""Groups: create/import, profiles, lifecycle, members, roles, mutes and live-group bans
(group_open_http_svc and its sibling REST services).

Facts: /work/shared/reference/rest-api-groups.yaml (group_model and each endpoint), from the
intl docs' group pages (www.tencentcloud.com/document/product/1047/...: 34895 create_group,
34897 modify_group_base_info, 34896 destroy_group, 34916 get_group_info, 34960
get_appid_group_list, 34925 get_joined_group_list, 34899 change_group_owner, 34919
get_group_member_info, 34921 add_group_member, 34949 delete_group_member, 34901
modify_group_member_info, 34926 get_role_in_group, 34950 forbid_send_msg, 34951
get_group_muted_account, 44192 get_online_member_num).

GROUP_SPECS holds the one spec of each REST service group APIs live on; every package
answering one of them declares exactly that spec (the registry refuses two).
"""

from __future__ import annotations

from timctl.emulator.services import Service, ServiceSpec
from timctl.emulator.services.groups import queries
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
    on_account_deleted=queries.on_account_deleted,
)

"""Service packages: a package dropped into services/ is found by the scan, its tables are
migrated, its handlers answered under its spec, and its hook joins the account-deletion
cascade, with nothing else touched. Also the registry's own checks."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from timctl import endpoints
from timctl.emulator import services
from timctl.emulator.app import EmulatorApp
from timctl.emulator.apps import ensure_app
from timctl.emulator.store import Store

PACKAGE = "demofriends"
CHECK = "sns/friend_check"

INIT = '''
from timctl.emulator.schema import Migration
from timctl.emulator.services import Service, ServiceSpec


def forget(db, sdkappid, user_id):
    db.execute("DELETE FROM demo_friends WHERE sdkappid = ? AND (owner = ? OR friend = ?)",
               (sdkappid, user_id, user_id))


SERVICE = Service(
    name="demofriends",
    specs={"sns": ServiceSpec(admin_code=30004, param_code=30001, error_display=True)},
    migrations=(Migration(1, "CREATE TABLE demo_friends (sdkappid INTEGER, owner TEXT,"
                             " friend TEXT)"),),
    on_account_deleted=forget,
)
'''

HANDLERS = '''
from timctl.emulator.services import handler


@handler("sns/friend_check")
def friend_check(ctx, body):
    if not isinstance(body.get("From_Account"), str):
        raise ctx.bad_param("From_Account is required")
    rows = ctx.db.execute("SELECT friend FROM demo_friends WHERE sdkappid = ? AND owner = ?"
                          " ORDER BY friend", (ctx.sdkappid, body["From_Account"]))
    return {"Friends": [r[0] for r in rows]}
'''


@pytest.fixture
def dropped_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """services/demofriends/ as a new service would add it; the registry rescans."""
    pkg = tmp_path / PACKAGE
    pkg.mkdir()
    (pkg / "__init__.py").write_text(textwrap.dedent(INIT))
    (pkg / "handlers.py").write_text(textwrap.dedent(HANDLERS))
    services.lookup(CHECK)  # the real registry is loaded: keep copies to restore
    monkeypatch.setattr(services, "__path__", [*services.__path__, str(tmp_path)])
    for name in ("_REGISTRY", "_SERVICES", "_SPECS"):
        monkeypatch.setattr(services, name, dict(getattr(services, name)))
    monkeypatch.setattr(services, "_state", {"services": False, "handlers": False})
    yield f"{services.__name__}.{PACKAGE}"
    for name in [m for m in sys.modules if m.startswith(f"{services.__name__}.{PACKAGE}")]:
        del sys.modules[name]


def test_a_dropped_in_service_package_works_end_to_end(dropped_in, tmp_path, clock, api_for):
    store = Store(tmp_path / "emu.db")
    assert store.versions()["demofriends"] == 1
    info = ensure_app(store, 1400000000)
    api = api_for(EmulatorApp(store, clock=clock, debug=True), info)
    api.import_users("a", "b", "c")
    with store.tx() as db:
        db.executemany("INSERT INTO demo_friends VALUES (?, ?, ?)",
                       [(info.sdkappid, o, f) for o, f in
                        [("a", "b"), ("b", "a"), ("b", "c"), ("c", "b")]])

    doc = api.call(CHECK, {"From_Account": "b"})
    assert doc == {"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": "", "ErrorDisplay": "",
                   "Friends": ["a", "c"]}
    assert api.code(CHECK, {}) == 30001  # the package's parameter code
    assert api.code(CHECK, {"From_Account": "b"}, identifier="a") == 30004  # its admin code

    api.ok("im_open_login_svc/account_delete", {"DeleteItem": [{"UserID": "a"}]})
    assert api.call(CHECK, {"From_Account": "b"})["Friends"] == ["c"]
    with store.tx() as db:
        assert db.execute("SELECT owner, friend FROM demo_friends ORDER BY owner").fetchall() \
            == [("b", "c"), ("c", "b")]
    store.close()


def test_every_handler_is_a_row_of_the_endpoint_table():
    names = services.implemented()
    assert {"im_open_login_svc/account_import", "im_open_login_svc/multiaccount_import",
            "im_open_login_svc/account_delete", "im_open_login_svc/account_check",
            "im_open_login_svc/kick", "openim/query_online_status",
            "profile/portrait_set", "profile/portrait_get"} <= set(names)
    assert all(endpoints.get(n) is not None and endpoints.get(n).name == n for n in names)
    with pytest.raises(ValueError):
        services.handler("no_such_service/no_such_command")
    with pytest.raises(ValueError):  # a legacy name is not a handler name
        services.handler("openim/querystate")


def test_every_service_package_owns_its_tables():
    names = [s.name for s in services.all_services()]
    assert {"accounts", "profile"} <= set(names) and names == sorted(names)
    for service in services.all_services():
        assert service.schema.version >= 1 and service.specs


def test_two_packages_may_not_disagree_on_a_rest_services_spec(monkeypatch):
    services.all_services()
    monkeypatch.setattr(services, "_SPECS", dict(services._SPECS))
    other = services.Service(name="other", specs={
        "profile": services.ServiceSpec(admin_code=1, param_code=2)})
    with pytest.raises(ValueError, match="two different specs"):
        services._add(type("M", (), {"SERVICE": other, "__name__": "x.other"}), "other")

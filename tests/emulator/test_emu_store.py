"""The store: apps, persistence across app instances, reset, the schema extension point, the
handler registry, and a cheap `import timctl.emulator`."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from timctl import endpoints
from timctl.emulator import DEFAULT_SDKAPPID, open_app, services
from timctl.emulator import store as store_mod
from timctl.emulator.app import EmulatorApp
from timctl.emulator.store import Store

IMPORT = "im_open_login_svc/account_import"


def test_ensure_app_creates_then_returns_the_same_app(store):
    first = store.ensure_app(1400000005)
    assert re.fullmatch(r"[0-9a-f]{64}", first.secret_key)
    assert (first.admins, first.edition, first.allow_account_delete) == (
        ("administrator",), "developer", False)
    assert store.ensure_app(1400000005) == first
    assert store.apps() == [first]


def test_ensure_app_updates_key_and_adds_admins(store):
    store.ensure_app(1400000005, secret_key="k1")
    info = store.ensure_app(1400000005, admin="ops", secret_key="k2")
    assert (info.secret_key, info.admins) == ("k2", ("administrator", "ops"))
    assert store.ensure_app(1400000005).secret_key == "k2"  # no key given: kept
    assert store.account_exists(1400000005, "ops")  # admins are accounts


def test_ensure_app_refuses_bad_input(store):
    for kwargs in ({"sdkappid": 0}, {"sdkappid": 1, "edition": "gold"},
                   {"sdkappid": 1, "admin": "x" * 33}):
        with pytest.raises(ValueError):
            store.ensure_app(**kwargs)
    for i in range(10):
        store.ensure_app(7, admin=f"admin{i}")
    with pytest.raises(ValueError):  # documented: at most 10 admins
        store.ensure_app(7, admin="one-too-many")


def test_store_creates_parent_directories(tmp_path):
    path = tmp_path / "a" / "b" / "emu.db"
    Store(path).close()
    assert path.exists()


def test_state_persists_across_app_instances_on_one_file(db_path, clock, api_for):
    emu1, info = open_app(db_path)
    assert info.sdkappid == DEFAULT_SDKAPPID
    first = api_for(emu1, info)
    first.ok(IMPORT, {"UserID": "alice", "Nick": "Alice"})

    emu2, info2 = open_app(db_path)  # a second connection while the first is open
    assert info2 == info
    second = api_for(emu2, info2)
    assert second.imported("alice") == {"alice": True}
    second.ok(IMPORT, {"UserID": "bob"})
    assert first.imported("bob") == {"bob": True}

    emu1.store.close()
    emu2.store.close()
    emu3 = EmulatorApp(Store(db_path), clock=clock)  # reopened from disk
    third = api_for(emu3, info)
    doc = third.ok("profile/portrait_get",
                   {"To_Account": ["alice"], "TagList": ["Tag_Profile_IM_Nick"]})
    assert doc["UserProfileItem"][0]["ProfileItem"] == [
        {"Tag": "Tag_Profile_IM_Nick", "Value": "Alice"}]
    emu3.store.close()


def test_reset_keeps_apps_keys_and_admins(store, info, api):
    api.import_users("alice")
    store.set_edition(info.sdkappid, "pro", allow_account_delete=True)
    store.reset()
    assert store.get_app(info.sdkappid) == store.apps()[0]
    assert store.get_app(info.sdkappid).secret_key == info.secret_key
    assert api.imported("alice", "administrator") == {"alice": False, "administrator": True}


def test_account_delete_clears_tables_registered_by_services(store, info, api, monkeypatch):
    monkeypatch.setattr(store_mod, "_EXTRA_DDL", list(store_mod._EXTRA_DDL))
    monkeypatch.setattr(store_mod, "_USER_COLUMNS", list(store_mod._USER_COLUMNS))
    store_mod.register_schema(
        "CREATE TABLE IF NOT EXISTS test_friends (sdkappid INTEGER, owner TEXT, friend TEXT);",
        [("test_friends", "owner"), ("test_friends", "friend")])
    api.import_users("a", "b", "c")
    with store.tx() as db:
        db.executemany("INSERT INTO test_friends VALUES (?, ?, ?)",
                       [(info.sdkappid, "a", "b"), (info.sdkappid, "b", "a"),
                        (info.sdkappid, "b", "c"), (info.sdkappid, "c", "b")])
    api.ok("im_open_login_svc/account_delete", {"DeleteItem": [{"UserID": "a"}]})
    with store.tx() as db:
        rows = db.execute("SELECT owner, friend FROM test_friends ORDER BY owner").fetchall()
    assert rows == [("b", "c"), ("c", "b")]


def test_every_handler_is_a_row_of_the_endpoint_table():
    names = services.implemented()
    assert {"im_open_login_svc/account_import", "im_open_login_svc/multiaccount_import",
            "im_open_login_svc/account_delete", "im_open_login_svc/account_check",
            "im_open_login_svc/kick", "openim/query_online_status",
            "profile/portrait_set", "profile/portrait_get"} <= set(names)
    assert all(endpoints.get(n) is not None for n in names)
    with pytest.raises(ValueError):
        services.handler("no_such_service/no_such_command")


def test_import_is_cheap():
    code = ("import sys, timctl.emulator; "
            "print(sorted(m for m in ('sqlite3', 'requests', 'wsgiref', 'TLSSigAPIv2')"
            " if m in sys.modules))")
    repo = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=repo)
    assert out.stdout.strip() == "[]"

"""Apps (the console's side): create, update, editions, reset; persistence across app
instances on one file; open_app's choice of app."""

from __future__ import annotations

import re

import pytest

from timctl.emulator import DEFAULT_SDKAPPID, open_app
from timctl.emulator.app import EmulatorApp
from timctl.emulator.apps import ensure_app, get_app, list_apps, reset, set_edition
from timctl.emulator.services.accounts import queries as accounts
from timctl.emulator.store import Store

IMPORT = "im_open_login_svc/account_import"


def test_ensure_app_creates_then_returns_the_same_app(store):
    first = ensure_app(store, 1400000005)
    assert re.fullmatch(r"[0-9a-f]{64}", first.secret_key)
    assert (first.admins, first.edition, first.allow_account_delete) == (
        ("administrator",), "developer", False)
    assert ensure_app(store, 1400000005) == first
    assert list_apps(store) == [first]


def test_ensure_app_updates_key_and_adds_admins(store):
    ensure_app(store, 1400000005, secret_key="k1")
    info = ensure_app(store, 1400000005, admin="ops", secret_key="k2")
    assert (info.secret_key, info.admins) == ("k2", ("administrator", "ops"))
    assert ensure_app(store, 1400000005).secret_key == "k2"  # no key given: kept
    with store.tx() as db:
        assert accounts.exists(db, 1400000005, "ops")  # admins are accounts


def test_ensure_app_refuses_bad_input(store):
    for kwargs in ({"sdkappid": 0}, {"sdkappid": 1, "edition": "gold"},
                   {"sdkappid": 1, "admin": "x" * 33}):
        with pytest.raises(ValueError):
            ensure_app(store, **kwargs)
    for i in range(10):
        ensure_app(store, 7, admin=f"admin{i}")
    with pytest.raises(ValueError):  # documented: at most 10 admins
        ensure_app(store, 7, admin="one-too-many")


def test_set_edition(store, info):
    assert set_edition(store, info.sdkappid, "pro", allow_account_delete=True).edition == "pro"
    with pytest.raises(ValueError):
        set_edition(store, info.sdkappid, "gold")
    with pytest.raises(KeyError):
        set_edition(store, 99, "pro")


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

    emu1.close()
    emu2.close()
    emu3 = EmulatorApp(Store(db_path), clock=clock)  # reopened from disk
    third = api_for(emu3, info)
    doc = third.ok("profile/portrait_get",
                   {"To_Account": ["alice"], "TagList": ["Tag_Profile_IM_Nick"]})
    assert doc["UserProfileItem"][0]["ProfileItem"] == [
        {"Tag": "Tag_Profile_IM_Nick", "Value": "Alice"}]
    emu3.close()


def test_open_app_without_sdkappid_takes_the_files_app(db_path):
    app, info = open_app(db_path, sdkappid=1400000555)
    app.close()
    app, again = open_app(db_path)  # not a second app with the default id
    assert again.sdkappid == 1400000555
    assert [a.sdkappid for a in list_apps(app.store)] == [1400000555]
    app.close()


def test_reset_keeps_apps_keys_and_admins(store, info, api):
    api.import_users("alice")
    set_edition(store, info.sdkappid, "pro", allow_account_delete=True)
    api.ok("im_open_login_svc/account_check", {"CheckItem": [{"UserID": "a"}]})
    reset(store)
    assert get_app(store, info.sdkappid) == list_apps(store)[0]
    assert get_app(store, info.sdkappid).secret_key == info.secret_key
    with store.tx() as db:  # stats are data too
        assert db.execute("SELECT COUNT(*) FROM stats").fetchone() == (0,)
    assert api.imported("alice", "administrator") == {"alice": False, "administrator": True}

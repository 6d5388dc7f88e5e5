"""Thread-safety: concurrent clients against one app, in-process and over the threaded server."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from timctl.emulator.services.accounts import queries as accounts

THREADS = 8
PER_THREAD = 50  # 400 accounts in all


def _import_concurrently(api) -> list[int]:
    def worker(t: int) -> list[int]:
        return [api.code("im_open_login_svc/account_import", {"UserID": f"t{t}-u{i}"})
                for i in range(PER_THREAD)]

    with ThreadPoolExecutor(THREADS) as pool:
        return [c for codes in pool.map(worker, range(THREADS)) for c in codes]


def _expected() -> list[str]:
    return [f"t{t}-u{i}" for t in range(THREADS) for i in range(PER_THREAD)]


def test_400_concurrent_imports_in_process(api, faults, store, info):
    faults.rate_limit = False  # 400 calls in one frozen second would exceed 200/s
    assert set(_import_concurrently(api)) == {0}
    assert all(api.imported(*_expected()).values())
    with store.tx() as db:
        assert accounts.count(db, info.sdkappid, exclude=info.admins) == THREADS * PER_THREAD


def test_400_concurrent_imports_over_http(http_api, faults, store, info):
    faults.rate_limit = False
    assert set(_import_concurrently(http_api)) == {0}
    assert all(http_api.imported(*_expected()).values())


def test_concurrent_mixed_writes_keep_profiles_consistent(api, faults):
    faults.rate_limit = False
    users = [f"u{i}" for i in range(40)]
    api.import_users(*users)

    def worker(user: str) -> int:
        return api.code("profile/portrait_set", {"From_Account": user, "ProfileItem": [
            {"Tag": "Tag_Profile_IM_Nick", "Value": f"nick-{user}"},
            {"Tag": "Tag_Profile_Custom_Owner", "Value": user}]})

    with ThreadPoolExecutor(THREADS) as pool:
        assert set(pool.map(worker, users)) == {0}
    doc = api.ok("profile/portrait_get", {"To_Account": users, "TagList": [
        "Tag_Profile_IM_Nick", "Tag_Profile_Custom_Owner"]})
    for item in doc["UserProfileItem"]:
        user = item["To_Account"]
        assert item["ProfileItem"] == [
            {"Tag": "Tag_Profile_IM_Nick", "Value": f"nick-{user}"},
            {"Tag": "Tag_Profile_Custom_Owner", "Value": user}]

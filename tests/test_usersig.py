"""UserSig tools and the emulator refuse bad tokens with the documented codes."""

from __future__ import annotations

import time

import pytest

from timctl import usersig

KEY = "a" * 64
OTHER_KEY = "b" * 64


def gen_at(sdkappid: int, key: str, user: str, expire: int, issued: float) -> str:
    """A real TLSSigAPIv2 token issued at `issued` (the library reads time.time)."""
    import TLSSigAPIv2

    real = time.time
    TLSSigAPIv2.time.time = lambda: issued  # type: ignore[attr-defined]
    try:
        return usersig.generate(sdkappid, key, user, expire)
    finally:
        TLSSigAPIv2.time.time = real  # type: ignore[attr-defined]


def flip(sig: str) -> str:
    i = len(sig) // 2
    return sig[:i] + ("A" if sig[i] != "A" else "B") + sig[i + 1:]


def test_generated_sig_decodes_and_verifies() -> None:
    sig = usersig.generate(1400000001, KEY, "alice", 3600)
    d, err = usersig.verify(sig, secret_key=KEY, sdkappid=1400000001, user_id="alice")
    assert err is None
    assert (d.identifier, d.sdkappid, d.expire) == ("alice", 1400000001, 3600)
    assert abs(d.issued_at - time.time()) < 5


@pytest.mark.parametrize("case,expected", [
    ("flipped", usersig.SigError.UNREADABLE),
    ("other_key", usersig.SigError.MISMATCH),
    ("other_app", usersig.SigError.WRONG_APP),
    ("other_user", usersig.SigError.WRONG_USER),
    ("expired", usersig.SigError.EXPIRED),
])
def test_verify_refuses(case: str, expected: usersig.SigError) -> None:
    sig = {
        "flipped": lambda: flip(usersig.generate(1400000001, KEY, "alice")),
        "other_key": lambda: usersig.generate(1400000001, OTHER_KEY, "alice"),
        "other_app": lambda: usersig.generate(1400000002, KEY, "alice"),
        "other_user": lambda: usersig.generate(1400000001, KEY, "mallory"),
        "expired": lambda: gen_at(1400000001, KEY, "alice", 86400, time.time() - 2 * 86400),
    }[case]()
    _, err = usersig.verify(sig, secret_key=KEY, sdkappid=1400000001, user_id="alice")
    assert err is expected


def test_parse_duration() -> None:
    assert usersig.parse_duration("180d") == 180 * 86400
    assert usersig.parse_duration("90") == 90
    with pytest.raises(ValueError):
        usersig.parse_duration("soon")


# ---------------------------------------------------------------- the CLI


def key_env(tmp_path, sdkappid: int = 1400000001, key: str = KEY) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {"TIMCTL_SDKAPPID": str(sdkappid), "TIMCTL_SECRET_KEY": key,
            "TIMCTL_ENDPOINT": "http://127.0.0.1:9"}


def test_cli_gen_then_verify(run, tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = key_env(tmp_path)
    r = run("usersig", "gen", "alice", "--expire", "2h", env=env)
    assert r.code == 0, r.err
    sig = r.out.strip()
    d = usersig.decode(sig)
    assert (d.identifier, d.sdkappid, d.expire) == ("alice", 1400000001, 7200)
    r = run("-o", "json", "usersig", "verify", sig, "--user", "alice", env=env)
    assert r.code == 0 and r.json()["Valid"] is True


@pytest.mark.parametrize("case,exit_code", [
    ("flipped", 10), ("other_key", 11), ("other_app", 12), ("other_user", 13), ("expired", 14),
])
def test_cli_verify_exit_code_says_which_check_failed(run, tmp_path, case, exit_code) -> None:  # type: ignore[no-untyped-def]
    sig = {
        "flipped": lambda: flip(usersig.generate(1400000001, KEY, "alice")),
        "other_key": lambda: usersig.generate(1400000001, OTHER_KEY, "alice"),
        "other_app": lambda: usersig.generate(1400000002, KEY, "alice"),
        "other_user": lambda: usersig.generate(1400000001, KEY, "mallory"),
        "expired": lambda: gen_at(1400000001, KEY, "alice", 60, time.time() - 3600),
    }[case]()
    r = run("-o", "json", "usersig", "verify", sig, "--user", "alice", env=key_env(tmp_path))
    assert r.code == exit_code, (r.out, r.err)
    assert r.json()["Valid"] is False
    assert r.err.startswith("timctl: ")


def test_cli_decode_needs_no_key(run) -> None:  # type: ignore[no-untyped-def]
    sig = usersig.generate(1400000009, KEY, "zoe", 600)
    r = run("-o", "json", "usersig", "decode", sig)
    assert r.code == 0
    assert r.json()["UserID"] == "zoe" and r.json()["SDKAppID"] == 1400000009
    assert r.json()["Expired"] is False
    r = run("usersig", "decode", "not-a-sig")
    assert r.code == 10 and "cannot decode" in r.err


# ---------------------------------------------------------------- the emulator refuses them too


@pytest.mark.parametrize("case,code", [
    ("flipped", 70003), ("other_key", 70009), ("other_app", 70014), ("other_user", 70013),
    ("expired", 70001),
])
def test_emulator_refuses_bad_admin_sigs(served, case, code) -> None:  # type: ignore[no-untyped-def]
    import requests

    app_id, key, admin = served.sdkappid, served.secret_key, served.admin
    sig = {
        "flipped": lambda: flip(usersig.generate(app_id, key, admin)),
        "other_key": lambda: usersig.generate(app_id, OTHER_KEY, admin),
        "other_app": lambda: usersig.generate(app_id + 1, key, admin),
        "other_user": lambda: usersig.generate(app_id, key, "someone_else"),
        "expired": lambda: gen_at(app_id, key, admin, 60, time.time() - 3600),
    }[case]()
    url = (f"{served.url}/v4/im_open_login_svc/account_check?sdkappid={app_id}"
           f"&identifier={admin}&usersig={sig}&random=42&contenttype=json")
    body = requests.post(url, json={"CheckItem": [{"UserID": "a"}]}, timeout=5).json()
    assert body["ActionStatus"] == "FAIL"
    assert body["ErrorCode"] == code


def test_client_with_wrong_key_exits_auth(run, served, tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = {"TIMCTL_ENDPOINT": served.url, "TIMCTL_SDKAPPID": str(served.sdkappid),
           "TIMCTL_ADMIN": served.admin, "TIMCTL_SECRET_KEY": OTHER_KEY}
    r = run("users", "check", "alice", env=env)
    assert r.code == 4
    assert "70009" in r.err and "secret key" in r.err
    assert len(r.err.strip().splitlines()) == 1


def test_gen_and_verify_on_the_embedded_profile(run) -> None:  # type: ignore[no-untyped-def]
    r = run("-p", "local", "usersig", "gen", "app_user", "--expire", "1d")
    assert r.code == 0, r.err
    sig = r.out.strip()
    assert run("-p", "local", "usersig", "verify", sig, "--user", "app_user").code == 0
    assert run("-p", "local", "usersig", "verify", sig, "--user", "other").code == 13

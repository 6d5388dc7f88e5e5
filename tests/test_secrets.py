"""The secret key and UserSigs never appear in output, errors, logs or dry runs."""

from __future__ import annotations

import re

from timctl import usersig

SIG_LIKE = re.compile(r"eJ[A-Za-z0-9*_\-]{40,}")  # zlib+base64 UserSig shape


def test_no_secret_in_any_output(run, served_profile) -> None:  # type: ignore[no-untyped-def]
    key = served_profile.secret_key
    seen: list[str] = []

    def go(*args: str, **kw) -> None:  # type: ignore[no-untyped-def]
        r = run(*args, **kw)
        seen.append(r.out + r.err)

    go("-vv", "-p", "emu", "users", "import", "s1", "s2")
    go("-vv", "-p", "emu", "users", "check", "s1")
    go("-vv", "-p", "emu", "--dry-run", "users", "delete", "s1")
    go("-vv", "-p", "emu", "api", "im_open_login_svc/kick", "-d", '{"UserID": "ghost"}')
    go("-vv", "-p", "emu", "--dry-run", "api", "profile/portrait_get", "-d", "{}")
    go("-p", "emu", "-o", "json", "config", "show", "--show-origin")
    go("-p", "emu", "-o", "yaml", "config", "list")
    go("-p", "emu", "-o", "json", "usersig", "verify", usersig.generate(
        served_profile.sdkappid, key, "someone"), "--user", "someone")
    go("-o", "json", "emulator", "info", "--db", str(served_profile.db))
    served_profile.app.faults.fail_next = 1
    go("-vv", "-p", "emu", "users", "check", "s2")
    # wrong key: the auth failure must not echo the sig either
    go("-vv", "users", "check", "s1", env={
        "TIMCTL_ENDPOINT": served_profile.url, "TIMCTL_SDKAPPID": str(served_profile.sdkappid),
        "TIMCTL_ADMIN": served_profile.admin, "TIMCTL_SECRET_KEY": "z" * 64})
    # unreachable endpoint: requests' message would carry the URL with usersig=
    go("-vv", "users", "check", "s1", env={
        "TIMCTL_ENDPOINT": "http://127.0.0.1:1", "TIMCTL_SDKAPPID": "1",
        "TIMCTL_SECRET_KEY": key, "TIMCTL_MAX_ATTEMPTS": "1"})

    text = "\n".join(seen)
    assert "POST " in text and "attempt" in text  # the logs were really produced
    assert key not in text
    assert "z" * 64 not in text
    assert not SIG_LIKE.search(text), SIG_LIKE.search(text)
    assert "usersig=REDACTED" in text


def test_settings_repr_masks_the_secret_key() -> None:
    from timctl import config

    s = config.resolve({}, None, env={"TIMCTL_SDKAPPID": "1400000001",
                                      "TIMCTL_ENDPOINT": "http://127.0.0.1:1",
                                      "TIMCTL_SECRET_KEY": "super-secret-key-123"})
    assert "super-secret-key-123" not in repr(s) and "***" in repr(s)


def test_emulator_app_info_repr_hides_the_key() -> None:
    from timctl.emulator.apps import AppInfo

    assert "k3y-secret" not in repr(AppInfo(1400000001, "k3y-secret", ("administrator",)))

"""Gateway authentication: the common query parameters, the admin UserSig, App Admin rights,
and UserSig revocation by kick.

Checks run in the order the gateway documents its codes: sdkappid (60012 missing, 60006 not a
number, 70020 unknown app), the other parameters (60002; 70002 for an empty usersig), the
signature (70003/70014/70013/70009/70001), then the identifier must be an App Admin (each
service documents its own code for that: ServiceSpec.admin_code). All reads happen inside
the request's transaction.
"""

from __future__ import annotations

import functools
import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass

from timctl import usersig
from timctl.emulator.apps import AppInfo
from timctl.emulator.services import ApiFail, ServiceSpec

UINT32_MAX = 2**32 - 1


@dataclass(frozen=True)
class Caller:
    app: AppInfo
    identifier: str


def first(params: Mapping[str, list[str]], name: str) -> str | None:
    values = params.get(name)
    return values[0] if values else None


def authenticate(db: sqlite3.Connection, params: Mapping[str, list[str]], spec: ServiceSpec,
                 now: float) -> Caller:
    """The app and admin behind a request, or ApiFail with the gateway's code."""
    app, kicked = _app(db, params)
    identifier, sig = _common_params(params)
    decoded, problem = _verified(sig, app.secret_key, app.sdkappid, identifier)
    if problem is None and decoded is not None and now > decoded.expires_at:
        problem = usersig.SigError.EXPIRED
    if problem is not None:
        raise ApiFail(problem.code, usersig.SIG_ERROR_TEXT[problem])
    assert decoded is not None
    if kicked is not None and decoded.issued_at < kicked:
        # documented: kick invalidates UserSigs issued before it
        raise ApiFail(70001, "UserSig was issued before the account was kicked; sign a new one")
    if identifier not in app.admins:
        raise ApiFail(spec.admin_code,
                      f"identifier {identifier!r} is not an App Admin: admin permission required")
    return Caller(app, identifier)


@functools.lru_cache(maxsize=512)
def _verified(sig: str, secret_key: str, sdkappid: int,
              identifier: str) -> tuple[usersig.DecodedSig | None, usersig.SigError | None]:
    """Every check but expiry (it depends on the clock), cached: scripts send one sig for
    thousands of calls."""
    return usersig.verify(sig, secret_key=secret_key, sdkappid=sdkappid, user_id=identifier,
                          now=float("-inf"))


def revoke_sigs(db: sqlite3.Connection, sdkappid: int, user_id: str, now: float) -> None:
    """Invalidate the user's sigs issued before now (whole seconds, the unit of TLS.time)."""
    db.execute("INSERT OR REPLACE INTO kicks (sdkappid, user_id, kicked_at) VALUES (?, ?, ?)",
               (sdkappid, user_id, int(now)))


def kicked_at(db: sqlite3.Connection, sdkappid: int, user_id: str) -> int | None:
    row = db.execute("SELECT kicked_at FROM kicks WHERE sdkappid = ? AND user_id = ?",
                     (sdkappid, user_id)).fetchone()
    return None if row is None else int(row[0])


def _app(db: sqlite3.Connection, params: Mapping[str, list[str]]) -> tuple[AppInfo, int | None]:
    """The app, and when the identifier (checked later) was last kicked: one query."""
    raw = first(params, "sdkappid")
    if raw is None or raw == "":
        raise ApiFail(60012, "sdkappid is missing from the URL")
    if not raw.isascii() or not raw.isdigit() or int(raw) > UINT32_MAX:
        raise ApiFail(60006, f"SDKAppID invalid: {raw!r}")
    row = db.execute(_APP_AND_KICK, (first(params, "identifier") or "", int(raw))).fetchone()
    if row is None:
        raise ApiFail(70020, f"SDKAppID {raw} not found")
    return _app_info(*row[:5]), None if row[5] is None else int(row[5])


# apps.load's row plus the caller's kick, read in one statement per request
_APP_AND_KICK = (
    "SELECT a.sdkappid, a.secret_key, a.admins, a.edition, a.allow_account_delete,"
    " (SELECT k.kicked_at FROM kicks k WHERE k.sdkappid = a.sdkappid AND k.user_id = ?)"
    " FROM apps a WHERE a.sdkappid = ?")


@functools.lru_cache(maxsize=64)
def _app_info(sdkappid: int, secret_key: str, admins: str, edition: str,
              allow_account_delete: int) -> AppInfo:
    """AppInfo of an apps row (as apps.load), cached by the row's values: a changed row is
    a new key, so no stale entry is ever served."""
    return AppInfo(sdkappid, secret_key, tuple(json.loads(admins)), edition,
                   bool(allow_account_delete))


def _common_params(params: Mapping[str, list[str]]) -> tuple[str, str]:
    identifier, sig = first(params, "identifier"), first(params, "usersig")
    if not identifier:
        raise ApiFail(60002, "HTTP parse Error: identifier is missing from the URL")
    if sig is None:
        raise ApiFail(60002, "HTTP parse Error: usersig is missing from the URL")
    if sig == "":
        raise ApiFail(70002, usersig.SIG_ERROR_TEXT[usersig.SigError.EMPTY])
    random = first(params, "random")
    if random is None or not random.isascii() or not random.isdigit() \
            or int(random) > UINT32_MAX:
        raise ApiFail(60002, "HTTP parse Error: random must be a 32-bit unsigned integer")
    if first(params, "contenttype") != "json":
        raise ApiFail(60002, "HTTP parse Error: contenttype must be json")
    return identifier, sig

"""UserSig (TLS v2): generate with Tencent's TLSSigAPIv2, decode and verify here.

The official library only generates; verification recomputes the same HMAC-SHA256 over the
same lines. Both the client (`usersig verify`) and the emulator's gateway use `verify()`.
"""

from __future__ import annotations

import base64
import binascii
import enum
import hashlib
import hmac
import json
import time
import zlib
from dataclasses import dataclass

DEFAULT_EXPIRE = 180 * 86400  # the official libraries' default
MAX_EXPIRE = 100 * 365 * 86400  # longer than any app will live; bounds TLS.expire sanely


class SigError(enum.Enum):
    """Why a UserSig was refused, with the REST error code the server answers."""

    EMPTY = 70002
    UNREADABLE = 70003
    EXPIRED = 70001
    MISMATCH = 70009
    WRONG_USER = 70013
    WRONG_APP = 70014

    @property
    def code(self) -> int:
        return self.value


SIG_ERROR_TEXT = {
    SigError.EMPTY: "UserSig is empty",
    SigError.UNREADABLE: "UserSig cannot be decoded",
    SigError.EXPIRED: "UserSig has expired",
    SigError.MISMATCH: "UserSig signature does not match the secret key",
    SigError.WRONG_USER: "UserSig was issued for another UserID",
    SigError.WRONG_APP: "UserSig was issued for another SDKAppID",
}


@dataclass(frozen=True)
class DecodedSig:
    version: str
    identifier: str
    sdkappid: int
    issued_at: int
    expire: int
    sig: str
    userbuf: str | None = None

    @property
    def expires_at(self) -> int:
        return self.issued_at + self.expire


def generate(sdkappid: int, secret_key: str, user_id: str, expire: int = DEFAULT_EXPIRE) -> str:
    """A UserSig for `user_id`, valid `expire` seconds from now."""
    from TLSSigAPIv2 import TLSSigAPIv2  # lazy: only commands that sign need it

    return TLSSigAPIv2(int(sdkappid), secret_key).gen_sig(user_id, int(expire))


def decode(usersig: str) -> DecodedSig:
    """Parse a UserSig without checking it. Raises ValueError when it cannot be read."""
    if not usersig:
        raise ValueError("empty UserSig")
    std = usersig.replace("*", "+").replace("-", "/").replace("_", "=")
    try:
        raw = zlib.decompress(base64.b64decode(std, validate=True))
        doc = json.loads(raw)
        return DecodedSig(
            version=str(doc["TLS.ver"]),
            identifier=str(doc["TLS.identifier"]),
            sdkappid=int(doc["TLS.sdkappid"]),
            issued_at=int(doc["TLS.time"]),
            expire=int(doc["TLS.expire"]),
            sig=str(doc["TLS.sig"]),
            userbuf=doc.get("TLS.userbuf"),
        )
    except (binascii.Error, zlib.error, ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"not a TLS v2 UserSig ({exc.__class__.__name__})") from None


def _expected_sig(d: DecodedSig, secret_key: str) -> str:
    content = (
        f"TLS.identifier:{d.identifier}\n"
        f"TLS.sdkappid:{d.sdkappid}\n"
        f"TLS.time:{d.issued_at}\n"
        f"TLS.expire:{d.expire}\n"
    )
    if d.userbuf is not None:
        content += f"TLS.userbuf:{d.userbuf}\n"
    digest = hmac.new(secret_key.encode(), content.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def verify(
    usersig: str,
    *,
    secret_key: str,
    sdkappid: int | None = None,
    user_id: str | None = None,
    now: float | None = None,
) -> tuple[DecodedSig | None, SigError | None]:
    """Check a UserSig the way the server does: decode, app, user, signature, expiry.

    Returns the decoded sig (when readable) and the first failed check, or None when valid.
    """
    if not usersig:
        return None, SigError.EMPTY
    try:
        d = decode(usersig)
    except ValueError:
        return None, SigError.UNREADABLE
    if sdkappid is not None and d.sdkappid != int(sdkappid):
        return d, SigError.WRONG_APP
    if user_id is not None and d.identifier != user_id:
        return d, SigError.WRONG_USER
    if not hmac.compare_digest(_expected_sig(d, secret_key), d.sig):
        return d, SigError.MISMATCH
    current = time.time() if now is None else now
    if current > d.expires_at:
        return d, SigError.EXPIRED
    return d, None


def parse_duration(text: str) -> int:
    """'180d', '12h', '30m', '45s' or plain seconds -> seconds."""
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400, "y": 365 * 86400}
    t = text.strip().lower()
    try:
        value = int(t[:-1]) * units[t[-1]] if t and t[-1] in units else int(t)
    except ValueError:
        raise ValueError(f"invalid duration {text!r} (use e.g. 180d, 12h, 30m, 3600)") from None
    if value <= 0:
        raise ValueError(f"duration must be positive: {text!r}")
    if value > MAX_EXPIRE:
        raise ValueError(f"duration {text!r} is longer than 100 years")
    return value

"""Reading what users hand in (IDs from arguments and stdin, JSON bodies) and checking it by
the documented rules before anything is sent. Problems name their place: `source:line: why`.
"""

from __future__ import annotations

import json
import sys
import unicodedata
from typing import IO, Any

from timctl.errors import UsageError

MAX_USER_ID_BYTES = 32  # documented: a UserID is at most 32 bytes
BOM = "\ufeff"
MAX_BODY_BYTES = 16 * 1024 * 1024  # far above any documented request; stops a runaway file


def user_id_problem(user_id: str) -> str | None:
    """Why `user_id` is not a valid UserID, or None."""
    if not user_id:
        return "empty UserID"
    size = len(user_id.encode("utf-8", "surrogatepass"))
    if size > MAX_USER_ID_BYTES:
        return f"UserID is {size} bytes (at most {MAX_USER_ID_BYTES})"
    for ch in user_id:
        if unicodedata.category(ch) in ("Cc", "Cs"):
            return f"UserID contains a control character (U+{ord(ch):04X})"
    return None


def check_user_id(user_id: str, where: str) -> str:
    problem = user_id_problem(user_id)
    if problem:
        raise UsageError(f"{where}: {problem}: {user_id!r}")
    return user_id


def read_json_body(data: str | None, stdin: IO[bytes] | None = None) -> dict[str, Any]:
    """A request body from inline JSON, `@FILE` or `-` (stdin): a JSON object, UTF-8, without
    NaN/Infinity (not JSON, though Python accepts them)."""
    if data is None:
        return {}
    if data == "-":
        source = "-"
        raw = (stdin if stdin is not None else sys.stdin.buffer).read(MAX_BODY_BYTES + 1)
    elif data.startswith("@"):
        source = data[1:]
        try:
            with open(source, "rb") as fh:
                raw = fh.read(MAX_BODY_BYTES + 1)
        except OSError as exc:
            raise UsageError(f"{source}: {exc.strerror}") from None
    else:
        source, raw = "-d", data.encode("utf-8", "surrogateescape")
    if len(raw) > MAX_BODY_BYTES:
        raise UsageError(f"{source}: larger than {MAX_BODY_BYTES // (1024 * 1024)} MiB; "
                         "not a request body")
    try:
        text = raw.decode("utf-8").removeprefix(BOM)
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise UsageError(f"{source}:{line}: not UTF-8 text (byte {raw[exc.start]:#04x})") from None
    if not text.strip():
        return {}
    try:
        body = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise UsageError(f"{source}:{exc.lineno}: invalid JSON: {exc.msg}") from None
    except _NotJson as exc:
        raise UsageError(f"{source}: invalid JSON: {exc} is not a JSON value") from None
    except RecursionError:
        raise UsageError(f"{source}: invalid JSON: nested too deeply") from None
    if not isinstance(body, dict):
        raise UsageError(f"{source}: the body must be a JSON object")
    return body


class _NotJson(ValueError):
    pass


def _no_constant(name: str) -> Any:
    raise _NotJson(name)

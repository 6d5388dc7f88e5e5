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


def load_json_arg(data: str, *, inline: str, stdin_name: str, file_prefix: str, limit: int,
                  what: str, stdin: IO[bytes] | None = None) -> tuple[str, Any]:
    """(where, value) of a JSON argument given inline, as `@FILE` or as `-` (stdin): UTF-8, a
    leading BOM dropped, no NaN/Infinity (not JSON, though Python accepts them), at most
    `limit` bytes. `where` names the source in messages; value is None for empty input."""
    if data == "-":
        where = stdin_name
        raw = (stdin if stdin is not None else sys.stdin.buffer).read(limit + 1)
    elif data.startswith("@"):
        where = data[1:]
        try:
            with open(where, "rb") as fh:
                raw = fh.read(limit + 1)
        except OSError as exc:
            raise UsageError(f"{file_prefix}{where}: {exc.strerror}") from None
    else:
        where, raw = inline, data.encode("utf-8", "surrogateescape")
    if len(raw) > limit:
        size = f"{limit // (1024 * 1024)} MiB" if limit >= 1024 * 1024 else f"{limit // 1024} KiB"
        raise UsageError(f"{where}: larger than {size}; not {what}")
    try:
        text = raw.decode("utf-8").removeprefix(BOM)
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise UsageError(f"{where}:{line}: not UTF-8 text (byte {raw[exc.start]:#04x})") from None
    if not text.strip():
        return where, None
    try:
        return where, json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise UsageError(f"{where}:{exc.lineno}: invalid JSON: {exc.msg}") from None
    except _NotJson as exc:
        raise UsageError(f"{where}: invalid JSON: {exc} is not a JSON value") from None
    except RecursionError:
        raise UsageError(f"{where}: invalid JSON: nested too deeply") from None


def read_json_body(data: str | None, stdin: IO[bytes] | None = None) -> dict[str, Any]:
    """A request body from inline JSON, `@FILE` or `-` (stdin): a JSON object."""
    if data is None:
        return {}
    where, body = load_json_arg(data, inline="-d", stdin_name="-", file_prefix="",
                                limit=MAX_BODY_BYTES, what="a request body", stdin=stdin)
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise UsageError(f"{where}: the body must be a JSON object")
    return body


class _NotJson(ValueError):
    pass


def _no_constant(name: str) -> Any:
    raise _NotJson(name)

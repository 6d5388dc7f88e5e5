"""MsgBody checks shared by the one-to-one and group message services.

The rules are timctl.msgbody's, the same the CLI refuses bodies with (one place knows them).
"""

from __future__ import annotations

from typing import Any

from timctl import msgbody


def problem(value: Any) -> tuple[str, str] | None:
    """None for a valid body, else (kind, info): kind "array" (not an array), "size" (over
    the 12 KB limit) or "format" (an element breaks a documented rule)."""
    if not isinstance(value, list):
        return "array", "MsgBody is missing or not an array"
    limit = int(msgbody.MAX_BODY_BYTES)
    if msgbody.body_size(value) > limit:
        return "size", f"the message is over {limit} bytes (12 KB)"
    found: list[str] = msgbody.problems(value)
    if found:
        return "format", "MsgBody is not in message format: " + "; ".join(found[:3])
    return None

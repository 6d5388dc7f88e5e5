"""Small request checks shared by the services."""

from __future__ import annotations

from typing import Any, TypeGuard


def utf8_len(text: str) -> int:
    return len(text.encode("utf-8"))


def is_user_id(value: Any) -> TypeGuard[str]:
    """A documented UserID: a non-empty string of at most 32 bytes."""
    return isinstance(value, str) and 0 < utf8_len(value) <= 32


def is_int(value: Any) -> TypeGuard[int]:
    """A JSON integer (JSON true/false are not numbers here)."""
    return isinstance(value, int) and not isinstance(value, bool)

"""Scrub secrets (secret key, UserSigs) from anything timctl prints or logs."""

from __future__ import annotations

import re
import threading

REDACTED = "REDACTED"
_USERSIG_PARAM = re.compile(r"(usersig=)[^&\s'\"]+", re.IGNORECASE)


class Redactor:
    """Knows every secret this process has seen and blanks it out of text."""

    def __init__(self) -> None:
        self._secrets: set[str] = set()
        self._lock = threading.Lock()

    def add(self, secret: str | None) -> None:
        if secret and len(secret) >= 6:
            with self._lock:
                self._secrets.add(secret)

    def __call__(self, text: str) -> str:
        text = _USERSIG_PARAM.sub(r"\1" + REDACTED, text)
        with self._lock:
            secrets = sorted(self._secrets, key=len, reverse=True)
        for secret in secrets:
            if secret in text:
                text = text.replace(secret, REDACTED)
        return text


REDACT = Redactor()

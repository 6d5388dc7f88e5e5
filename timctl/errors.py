"""Errors the client raises, each carrying its documented exit code."""

from __future__ import annotations

from typing import Any

from timctl import exit_codes

# Rejected before processing (throttling): safe to retry whatever the endpoint does.
THROTTLE_CODES = frozenset({
    60007, 60011, 60018, 60019,  # REST frequency limits
    10049,  # group attribute writes over 5/s per group: refused, nothing written
})

# "Server timeout / busy, retry": the request may or may not have been applied, so only
# endpoints whose retry class allows repeating are retried. 70500 (internal error) is not
# here: repeating a request that crashed the server rarely helps.
TRANSIENT_CODES = frozenset({
    60014,  # account exchange timed out
    70169, 70202,  # account service timeout
    20004, 20005,  # message service network / internal error, retry
    30007, 50005,  # relationship / conversation timeout
    90992, 90994, 90995, 91000,  # message service internal, "retry"
    10002,  # group service internal error, retry
})

SIG_EXPIRED_CODE = 70001  # the admin UserSig expired: sign a new one and try once more

# Codes that mean the admin identity or its UserSig was refused.
# 10007 is not here: the group services answer it for any refusal (a group type that does
# not allow the operation, a non-member), not only for a non-admin identifier.
AUTH_CODES = frozenset({
    60004, 60005, 60006, 60010, 60012, 60016, 60020, 60021,
    70001, 70002, 70003, 70005, 70009, 70013, 70014, 70016, 70020, 70050, 70114,
    70403, 90009, 40004, 30004, 50003,
})

HINTS: dict[int, str] = {
    60006: "check the profile's sdkappid and region",
    60007: "lower --rate or let retries (--max-attempts) absorb it",
    60010: "the admin (identifier) must be an App Admin configured in the console",
    60011: "lower --rate or let retries (--max-attempts) absorb it",
    70001: "the admin UserSig expired: check the machine clock",
    70003: "the UserSig is garbled",
    70009: "the secret key does not belong to this SDKAppID: check the profile's secret key",
    70013: "the UserSig was made for another identifier",
    70014: "the UserSig was made for another SDKAppID",
    70016: "the app lives in another data center: check --region",
    70020: "the app lives in another data center, or the SDKAppID is wrong: check --region",
    70403: "the admin (identifier) must be an App Admin configured in the console",
    # the push services' own codes (1047/37166, trtc.io/document/74196)
    90024: "another push went out less than 1 s before: pushes must be more than 1 second "
           "apart (documented); nothing was pushed, wait a second and run it again",
    90047: "the app's daily push quota is used up (100 a day by default, all, tag and "
           "attribute pushes together); it resets the next day",
    90045: "this push service is not enabled for the app (all_member_push needs an edition "
           "that includes it, timpush the push plugin): enable it in the console, or try "
           "--service",
    90033: "an attribute name is not one of the app's (see: timctl push attr-names get)",
    90039: "tag and attribute conditions cannot be combined",
}


class TimError(Exception):
    """Any failure timctl reports as one line on stderr with a documented exit code."""

    exit_code = exit_codes.ERROR

    def __init__(self, message: str, *, exit_code: int | None = None) -> None:
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code


class UsageError(TimError):
    exit_code = exit_codes.USAGE


class ConfigError(TimError):
    exit_code = exit_codes.CONFIG


class NetworkError(TimError):
    exit_code = exit_codes.NETWORK


class OutcomeUnknown(TimError):
    """A write may or may not have been applied: no answer came, and the endpoint is not
    safe to repeat, so it was not re-sent."""

    exit_code = exit_codes.UNKNOWN


class Declined(TimError):
    """The user answered no at a confirmation prompt: nothing was done."""

    exit_code = exit_codes.DECLINED


def meaning(code: int, endpoint: str | None = None) -> str:
    """The documented meaning of an ErrorCode, per endpoint first, then common."""
    from timctl import error_codes

    if endpoint and code in error_codes.BY_ENDPOINT.get(endpoint, {}):
        return error_codes.BY_ENDPOINT[endpoint][code]
    return error_codes.COMMON.get(code, "")


class ApiError(TimError):
    """The API answered ErrorCode != 0."""

    def __init__(self, code: int, info: str, endpoint: str | None = None,
                 response: dict[str, Any] | None = None, *, hint: str | None = None) -> None:
        self.code = code
        self.info = info
        self.endpoint = endpoint
        self.response = response or {}
        self.meaning = meaning(code, endpoint)
        self.hint = hint if hint is not None else HINTS.get(code, "")
        super().__init__(self._text())

    @property
    def exit_code(self) -> int:  # type: ignore[override]
        return exit_codes.AUTH if self.code in AUTH_CODES else exit_codes.API

    @property
    def throttled(self) -> bool:
        return self.code in THROTTLE_CODES

    @property
    def transient(self) -> bool:
        return self.code in TRANSIENT_CODES

    def _text(self) -> str:
        where = f"{self.endpoint}: " if self.endpoint else ""
        parts = [f"{where}error {self.code}"]
        if self.meaning:
            parts.append(self.meaning)
        if self.info and self.info.lower() not in self.meaning.lower():
            parts.append(f"({self.info})")
        text = " ".join([parts[0] + ":", *parts[1:]]) if len(parts) > 1 else parts[0]
        return f"{text}; hint: {self.hint}" if self.hint else text

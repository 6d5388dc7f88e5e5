"""The documented exit codes. `timctl help exit-codes` prints this table."""

OK = 0
ERROR = 1  # unexpected failure (a bug: please report it)
USAGE = 2  # bad flags, arguments or input data
CONFIG = 3  # missing or invalid configuration or credentials
AUTH = 4  # the server refused the admin identity or its UserSig
API = 5  # the API answered with ErrorCode != 0
PARTIAL = 6  # a bulk or multi-item command: some items failed
NETWORK = 7  # endpoint unreachable, timed out, or answered non-JSON
UNKNOWN = 8  # a write may have been applied: no answer, and not safe to re-send
DECLINED = 9  # a confirmation prompt was answered no: nothing was done
PIPE = 141  # stdout was closed early (`| head`): 128 + SIGPIPE, as shell tools do
INTERRUPTED = 130  # Ctrl-C

# `timctl usersig verify` says which check failed.
SIG_UNREADABLE = 10
SIG_MISMATCH = 11
SIG_WRONG_APP = 12
SIG_WRONG_USER = 13
SIG_EXPIRED = 14

TABLE: list[tuple[int, str, str]] = [
    (OK, "ok", "success"),
    (ERROR, "error", "unexpected failure (a bug: please report it)"),
    (USAGE, "usage", "bad flags, arguments or input data"),
    (CONFIG, "config", "missing or invalid configuration or credentials"),
    (AUTH, "auth", "the server refused the admin identity or its UserSig (60xxx/70xxx auth codes)"),
    (API, "api", "the API answered with ErrorCode != 0"),
    (PARTIAL, "partial", "some items of a multi-item command failed; the rest succeeded"),
    (NETWORK, "network", "endpoint unreachable, timed out, or answered with something not JSON"),
    (UNKNOWN, "unknown-outcome", "a write may or may not have been applied: no answer came and "
     "the endpoint is not safe to re-send; check its state before running it again"),
    (DECLINED, "declined", "a confirmation prompt was answered no; nothing was done"),
    (SIG_UNREADABLE, "sig-unreadable", "usersig verify: the UserSig cannot be decoded"),
    (SIG_MISMATCH, "sig-mismatch", "usersig verify: signature does not match the secret key"),
    (SIG_WRONG_APP, "sig-wrong-app", "usersig verify: issued for another SDKAppID"),
    (SIG_WRONG_USER, "sig-wrong-user", "usersig verify: issued for another UserID"),
    (SIG_EXPIRED, "sig-expired", "usersig verify: expired"),
    (INTERRUPTED, "interrupted", "interrupted (Ctrl-C)"),
    (PIPE, "closed-pipe", "stdout was closed early (e.g. `| head`); ends quietly"),
]

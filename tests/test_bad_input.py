"""Bad input is a product feature: every row is a command a user may well type, the exit
code it must give, the one line it must print, and that nothing reached the server.

The default profile points at an emulator served on 127.0.0.1 behind a counter of /v4
requests, so "nothing sent" is measured, not assumed.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent


class Counting:
    """WSGI middleware counting the REST requests that reach the app."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.count = 0
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        if environ.get("PATH_INFO", "").startswith("/v4/"):
            with self.lock:
                self.count += 1
        return self.app(environ, start_response)


@pytest.fixture
def sink(serve_app: Any, run: Any) -> Counting:
    served = serve_app("sink", 1400054321, wrap=Counting)
    r = run("users", "import", "keeper")
    assert r.code == 0, r.err
    served.wsgi.count = 0
    return served.wsgi


def files(tmp_path: Path) -> dict[str, Path]:
    binary = tmp_path / "binary.json"
    binary.write_bytes(b'{"UserID": "\xff\xfe"}')
    nested = tmp_path / "nested.json"
    nested.write_text("[" * 200_000 + "]" * 200_000)
    huge = tmp_path / "huge.json"
    with huge.open("wb") as fh:
        fh.truncate(17 * 1024 * 1024)
    nan = tmp_path / "nan.json"
    nan.write_text('{"UserID": NaN}')
    return {"binary": binary, "nested": nested, "huge": huge, "nan": nan}


CHECK = "im_open_login_svc/account_check"

# (id, argv, stdin bytes, exit code, the stderr line (regex, whole line))
CASES: list[tuple[str, list[str], bytes | None, int, str]] = [
    ("binary -d @file", ["api", CHECK, "-d", "@{binary}"], None, 2,
     r".*binary\.json:1: not UTF-8 text \(byte 0xff\)"),
    ("binary -d -", ["api", CHECK, "-d", "-"], b"\x00\xff\xfe", 2, r"-:1: not UTF-8 text.*"),
    ("nested body", ["api", CHECK, "-d", "@{nested}"], None, 2,
     r".*nested\.json: invalid JSON: nested too deeply"),
    ("huge body", ["api", CHECK, "-d", "@{huge}"], None, 2,
     r".*huge\.json: larger than 16 MiB; not a request body"),
    ("NaN body", ["api", CHECK, "-d", "@{nan}"], None, 2,
     r".*nan\.json: invalid JSON: NaN is not a JSON value"),
    ("body not an object", ["api", CHECK, "-d", "[1]"], None, 2,
     r"-d: the body must be a JSON object"),
    ("timeout nan", ["users", "check", "a", "--timeout", "nan"], None, 2,
     r"Invalid value for '--timeout': 'nan' must be a finite number greater than 0.*"),
    ("timeout inf", ["--timeout", "inf", "users", "check", "a"], None, 2,
     r"Invalid value for '--timeout': 'inf' must be a finite number greater than 0.*"),
    ("rate nan", ["users", "check", "a", "--rate", "nan"], None, 2,
     r"Invalid value for '--rate'.*"),
    ("max attempts 0", ["users", "check", "a", "--max-attempts", "0"], None, 2,
     r"Invalid value for '--max-attempts'.*"),
    ("endpoint not a url", ["--endpoint", "notaurl", "users", "check", "a"], None, 2,
     r"Invalid value for '--endpoint': 'notaurl' is not an http\(s\):// URL.*"),
    ("endpoint ftp", ["users", "check", "a", "--endpoint", "ftp://example.com"], None, 2,
     r"Invalid value for '--endpoint': 'ftp://example.com' is not an http\(s\):// URL.*"),
    ("endpoint bad port", ["users", "check", "a", "--endpoint", "http://h:99999"], None, 2,
     r"Invalid value for '--endpoint'.*"),
    ("bad query before a delete", ["users", "delete", "keeper", "--yes", "--query", "[?"],
     None, 2, r"Invalid value for '--query'.*"),
    ("unknown --fields before a delete",
     ["users", "delete", "keeper", "--yes", "-o", "csv", "--fields", "NoSuchColumn"], None, 2,
     r"--fields: no column 'NoSuchColumn' \(columns: UserID, Status, ResultCode, "
     r"ResultInfo\)"),
    ("33-byte UserID", ["users", "delete", "--yes", "keeper", "x" * 33], None, 2,
     r"argument 2: UserID is 33 bytes \(at most 32\): 'x{33}'"),
    ("empty UserID", ["users", "check", ""], None, 2, r"argument 1: empty UserID"),
    ("control char in UserID", ["users", "check", "a\tb"], None, 2,
     r"argument 1: UserID contains a control character \(U\+0009\): 'a\\tb'"),
    ("4-byte chars over 32 bytes", ["users", "check", "\U0001F600" * 9], None, 2,
     r"argument 1: UserID is 36 bytes \(at most 32\).*"),
    ("usersig expire overflow", ["usersig", "gen", "alice", "--expire", "9" * 20], None, 2,
     r"--expire: duration '9{20}' is longer than 100 years"),
    ("usersig expire garbage", ["usersig", "gen", "alice", "--expire", "soon"], None, 2,
     r"--expire: invalid duration 'soon' \(use e\.g\. 180d, 12h, 30m, 3600\)"),
    ("usersig binary stdin", ["usersig", "decode", "-"], b"\xff\xfe", 2,
     r"-: a UserSig is text; stdin holds binary data"),
    ("typo'd flag", ["users", "check", "a", "--fast"], None, 2,
     r"No such option '--fast'.*\(see: timctl users check --help\)"),
    ("unknown command", ["users", "chekc"], None, 2, r"No such command 'chekc'.*"),
    ("refuses without --yes", ["users", "delete", "keeper"], None, 2,
     r"Delete 1 account\(s\) and all their data: refusing without --yes "
     r"\(not running on a terminal\)"),
    ("empty secret on stdin", ["config", "set", "secret_key", "-"], b"\n", 2,
     r"-: expected the secret key on one line; got nothing"),
    ("secret on argv", ["config", "set", "secret_key", "abc"], None, 2,
     r"secret_key is not accepted on the command line.*"),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_bad_input(case: tuple[str, list[str], bytes | None, int, str], sink: Counting,
                   run: Any, tmp_path: Path) -> None:
    _, argv, stdin, code, line = case
    paths = files(tmp_path)
    argv = [a.format(**paths) if "{" in a else a for a in argv]
    r = run(*argv, input=stdin)
    assert r.code == code, r.err
    assert r.out == ""
    lines = r.err.splitlines()
    assert len(lines) == 1, r.err
    assert re.fullmatch(r"timctl: error: " + line, lines[0]), lines[0]
    assert "Traceback" not in r.err
    assert sink.count == 0, "a request was sent"
    assert run("-o", "json", "users", "check", "keeper").json()[0]["AccountStatus"] == \
        "Imported"


@pytest.mark.parametrize("line,reason", [
    (b"\xff\xfebinary", r"not UTF-8 text \(byte 0xff at column 1\)"),
    (b"y" * 33, r"UserID is 33 bytes \(at most 32\): 'y{33}'"),
    (b"a\x01b", r"UserID contains a control character \(U\+0001\): 'a\\x01b'"),
])
def test_bad_line_on_stdin_is_skipped_and_the_rest_goes_on(sink: Counting, run: Any,
                                                           line: bytes, reason: str) -> None:
    r = run("-o", "json", "users", "import", "-", input=b"good1\n" + line + b"\ngood2\n")
    assert r.code == 6, r.err
    assert re.fullmatch(r"timctl: -:2: " + reason + r" \(skipped\)", r.err.splitlines()[0])
    assert [row["Status"] for row in r.json()] == ["imported", "skipped", "imported"]  # as read
    assert sink.count == 1  # one call for the two good lines


def test_bom_at_the_start_of_stdin_is_dropped(sink: Counting, run: Any) -> None:
    r = run("-o", "json", "users", "check", "-", input="\ufeffkeeper\n".encode())
    assert r.code == 0, r.err
    assert r.json()[0] == {"UserID": "keeper", "AccountStatus": "Imported", "ResultCode": 0,
                           "ResultInfo": ""}


def test_binary_config_file_is_a_config_error(run: Any, isolated: Path) -> None:
    cfg = isolated / "config" / "config.yaml"
    cfg.parent.mkdir(parents=True, exist_ok=True)
    cfg.write_bytes(b"\x00\xff\xfe\x89PNG")
    r = run("users", "check", "a")
    assert r.code == 3
    assert re.fullmatch(r"timctl: error: .*config\.yaml: cannot read config: not UTF-8 text "
                        r"\(byte 0xff at offset 1\)\n", r.err), r.err


@pytest.mark.parametrize("text", ["profiles: [1, 2]\n", "profiles:\n  a: 3\n", "- x\n",
                                  "default_profile: [x]\nprofiles: {}\n", "a: b: c\n"])
def test_malformed_config_is_a_config_error(run: Any, isolated: Path, text: str) -> None:
    cfg = isolated / "config" / "config.yaml"
    cfg.parent.mkdir(parents=True, exist_ok=True)
    cfg.write_text(text)
    r = run("users", "check", "a")
    assert r.code == 3 and len(r.err.splitlines()) == 1, r.err
    assert r.err.startswith("timctl: error: ") and "config.yaml" in r.err


@pytest.mark.parametrize("var,value", [("TIMCTL_ENDPOINT", "notaurl"),
                                       ("TIMCTL_TIMEOUT", "nan"), ("TIMCTL_RATE", "inf"),
                                       ("TIMCTL_MAX_ATTEMPTS", "0"), ("TIMCTL_SDKAPPID", "x"),
                                       ("TIMCTL_OUTPUT", "xml")])
def test_bad_environment_is_a_config_error(run: Any, var: str, value: str) -> None:
    r = run("users", "check", "a", env={"TIMCTL_SDKAPPID": "1400000001", var: value})
    assert r.code == 3, r.err
    assert len(r.err.splitlines()) == 1 and r.err.startswith("timctl: error: ")


def test_deleted_default_profile_never_falls_back_to_the_emulator(sink: Counting,
                                                                   run: Any) -> None:
    r = run("config", "init", "other", "--endpoint", "http://127.0.0.1:9", "--sdkappid", "1")
    assert r.code == 0, r.err
    assert run("config", "delete", "sink", "--yes").code == 0
    r = run("users", "check", "keeper")
    assert r.code == 3 and r.out == ""
    assert r.err == ("timctl: error: no default profile (profiles: other): choose one with "
                     "-p NAME or `timctl config use NAME` (-p local: the embedded emulator)\n")


def test_declining_a_prompt_exits_9_and_does_nothing(sink: Counting, run: Any) -> None:
    r = run("users", "delete", "keeper", input=b"n\n", env={"TIMCTL_FORCE_TTY": "1"})
    assert r.code == 9
    assert r.err.splitlines()[-1] == "timctl: error: not confirmed: nothing was done"
    assert sink.count == 0


def test_closed_stdout_ends_quietly(isolated: Path) -> None:
    env = {**os.environ, "TIMCTL_CONFIG_DIR": str(isolated / "config"),
           "TIMCTL_DATA_DIR": str(isolated / "data"), "PYTHONPATH": str(ROOT)}
    ids = "".join(f"user{i}\n" for i in range(5000)).encode()  # far more than a pipe buffers
    proc = subprocess.Popen([sys.executable, "-m", "timctl", "-p", "local", "-o", "jsonl",
                             "users", "check", "-"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert proc.stdin and proc.stdout is not None and proc.stderr is not None
    proc.stdin.write(ids)
    proc.stdin.close()
    first = proc.stdout.readline()
    proc.stdout.close()  # like `| head -1`
    err = proc.stderr.read()
    assert proc.wait(30) == 141
    assert first.startswith(b"{") and err == b""

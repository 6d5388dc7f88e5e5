"""`timctl emulator serve | reset | info` as a user runs them."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.fixture
def serve_process(tmp_path: Path):  # type: ignore[no-untyped-def]
    """`timctl emulator serve --port 0` in a real process; yields its banner fields."""
    env = {**os.environ, "TIMCTL_DATA_DIR": str(tmp_path / "data")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "timctl", "emulator", "serve", "--port", "0",
         "--db", str(tmp_path / "srv.db"), "--sdkappid", "1400000555"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    banner = ""
    assert proc.stdout is not None
    for line in proc.stdout:
        banner += line
        if "Ctrl-C" in line:
            break
    fields = dict(re.findall(r"^  (endpoint|SDKAppID|admin|secret key)\s+(\S+)", banner, re.M))
    try:
        yield fields
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_serve_prints_credentials_and_serves_http(serve_process, run, tmp_path) -> None:  # type: ignore[no-untyped-def]
    f = serve_process
    assert f["endpoint"].startswith("http://127.0.0.1:") and f["SDKAppID"] == "1400000555"
    assert f["admin"] == "administrator" and re.fullmatch(r"[0-9a-f]{64}", f["secret key"])
    r = run("config", "init", "srv", "--endpoint", f["endpoint"], "--sdkappid", f["SDKAppID"],
            "--secret-key-stdin", input=f["secret key"] + "\n")
    assert r.code == 0, r.err
    r = run("-p", "srv", "-o", "json", "users", "import", "viaHTTP")
    assert r.code == 0, r.err
    r = run("-p", "srv", "-o", "json", "users", "check", "viaHTTP")
    assert r.json()[0]["AccountStatus"] == "Imported"


def test_cli_retries_injected_failures_over_http(run, served_profile) -> None:  # type: ignore[no-untyped-def]
    served_profile.app.faults.fail_next = 2
    r = run("-v", "-p", "emu", "-o", "json", "users", "check", "zed")
    assert r.code == 0, r.err
    assert r.err.count("error 70169") == 2 and r.err.count("retrying") == 2
    assert r.json()[0]["AccountStatus"] == "NotImported"
    served_profile.app.faults.fail_next = 5
    r = run("-p", "emu", "--max-attempts", "2", "users", "check", "zed")
    assert r.code == 5 and "70169" in r.err


def test_reset_empties_the_embedded_database(run) -> None:  # type: ignore[no-untyped-def]
    run("-p", "local", "users", "import", "keepme")
    assert run("emulator", "reset").code == 2  # needs --yes off a terminal
    r = run("emulator", "reset", "--yes")
    assert r.code == 0, r.err
    r = run("-p", "local", "-o", "json", "users", "check", "keepme")
    assert r.json()[0]["AccountStatus"] == "NotImported"
    # the app and its key survive a reset: the local profile still authenticates
    assert r.code == 0


def test_info_masks_the_key_unless_asked(run) -> None:  # type: ignore[no-untyped-def]
    run("-p", "local", "users", "check", "a")
    r = run("-o", "json", "emulator", "info")
    [app] = r.json()
    assert app["SDKAppID"] == 1400000000 and app["secret_key"] == "****"
    r = run("-o", "json", "emulator", "info", "--show-key")
    assert re.fullmatch(r"[0-9a-f]{64}", r.json()[0]["secret_key"])


def test_interactive_init_prompts_on_a_terminal(run) -> None:  # type: ignore[no-untyped-def]
    from timctl import config

    r = run("config", "init", "tty", input="1400000999\nseoul\nhidden-key\n",
            env={"TIMCTL_FORCE_TTY": "1"})
    assert r.code == 0, r.err
    p = config.ConfigFile.load().profiles["tty"]
    assert (p["sdkappid"], p["region"], p["secret_key"]) == (1400000999, "seoul", "hidden-key")
    assert "hidden-key" not in r.out + r.err

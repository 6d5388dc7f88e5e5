"""Global options work before or after the subcommand; dry runs open nothing; one DB open."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


@pytest.mark.parametrize("argv", [
    ["-p", "emu", "-o", "json", "users", "check", "alice"],
    ["users", "check", "alice", "-p", "emu", "-o", "json"],
    ["users", "-p", "emu", "check", "alice", "--output", "json"],
    ["--timeout", "3", "users", "check", "alice", "-p", "emu", "-o", "json", "--max-attempts",
     "2", "--rate", "50"],
])
def test_global_options_before_or_after(run: Any, served_profile: Any, argv: list[str]) -> None:
    r = run(*argv)
    assert r.code == 0, r.err
    assert r.json() == [{"UserID": "alice", "ResultCode": 0, "ResultInfo": "",
                         "AccountStatus": "NotImported"}]


def test_later_option_wins(run: Any) -> None:
    r = run("-o", "csv", "-p", "local", "users", "check", "alice", "-o", "json")
    assert r.code == 0 and r.out.startswith("[")


def test_profile_after_the_subcommand_selects_it(run: Any, served_profile: Any) -> None:
    run("-p", "emu", "users", "import", "zed")
    r = run("users", "check", "zed", "-p", "emu", "-o", "json")
    assert r.json()[0]["AccountStatus"] == "Imported"
    r = run("users", "check", "zed", "-p", "local", "-o", "json")  # another app entirely
    assert r.json()[0]["AccountStatus"] == "NotImported"


def test_verbose_after_the_subcommand_logs(run: Any) -> None:
    r = run("-p", "local", "users", "check", "alice", "-v")
    assert r.code == 0 and "account_check -> ErrorCode 0" in r.err


def test_user_is_an_alias_of_users(run: Any) -> None:
    r = run("-p", "local", "-o", "json", "user", "check", "alice")
    assert r.code == 0 and r.json()[0]["UserID"] == "alice"


def test_dry_run_needs_neither_secret_nor_database(run: Any, isolated: Path) -> None:
    r = run("-p", "local", "--dry-run", "users", "import", "frank", "gina")
    assert r.code == 0, r.err
    assert "multiaccount_import" in r.out and "usersig=REDACTED" in r.out
    assert not (isolated / "data" / "emulator.db").exists()

    # a profile with no secret key at all
    r = run("config", "init", "nokey", "--sdkappid", "1400000009", "--region", "singapore")
    assert r.code == 0, r.err
    r = run("-p", "nokey", "--dry-run", "users", "delete", "frank")
    assert r.code == 0, r.err
    assert "https://adminapisgp.im.qcloud.com/v4/im_open_login_svc/account_delete?" in r.out
    r = run("-p", "nokey", "users", "check", "frank")
    assert r.code == 3 and "no secret key for profile 'nokey'" in r.err


def test_one_database_open_per_command(run: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import timctl.emulator as emulator

    opened: list[str] = []
    real = emulator.open_app

    def counting(db: Any, **kw: Any) -> Any:
        opened.append(str(db))
        return real(db, **kw)

    monkeypatch.setattr(emulator, "open_app", counting)
    r = run("-p", "local", "users", "import", "a", "b", "c")
    assert r.code == 0, r.err
    assert len(opened) == 1


def test_embedded_path_does_not_import_requests(isolated: Path) -> None:
    import os
    import subprocess
    import sys

    probe = ("import sys\nfrom timctl.cli import cli\n"
             "try:\n    cli.main(['-p', 'local', '-o', 'json', 'users', 'check', 'alice'])\n"
             "except SystemExit as e:\n    assert e.code == 0, e.code\n"
             "print('requests' in sys.modules, file=sys.stderr)\n")
    env = {**os.environ, "TIMCTL_CONFIG_DIR": str(isolated / "c"),
           "TIMCTL_DATA_DIR": str(isolated / "d")}
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          env=env, check=True)
    assert done.stderr.strip().splitlines()[-1] == "False"

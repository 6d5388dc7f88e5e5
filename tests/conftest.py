"""Shared fixtures: an isolated config/data dir per test, a CLI runner, a served emulator."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import timctl.cli.context as cli_context
from timctl.cli import cli


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test gets its own config dir and emulator data dir, and a clean environment."""
    import os

    for var in list(os.environ):
        if var.startswith("TIMCTL_"):
            monkeypatch.delenv(var)
    monkeypatch.setenv("TIMCTL_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("TIMCTL_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr(cli_context, "_local_notice_shown", False)
    # Retries back off for real; keep them short in tests.
    monkeypatch.setattr("timctl.rest.retry.BACKOFF_BASE", 0.01)
    monkeypatch.setattr("timctl.rest.bulk.ROUND_PAUSE", 0.01)
    return tmp_path


@dataclass
class Run:
    result: Result

    @property
    def code(self) -> int:
        return self.result.exit_code

    @property
    def out(self) -> str:
        return self.result.stdout

    @property
    def err(self) -> str:
        return self.result.stderr

    def json(self):  # type: ignore[no-untyped-def]
        return json.loads(self.out)


@pytest.fixture
def run() -> Iterator:
    """run("users", "check", "alice", input=...) -> Run (stdout/stderr kept apart)."""

    def _run(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Run:
        runner = CliRunner()
        result = runner.invoke(cli, list(args), input=input, env=env, catch_exceptions=False,
                               prog_name="timctl")
        return Run(result)

    yield _run


@dataclass
class Served:
    url: str
    sdkappid: int
    admin: str
    secret_key: str
    app: object
    db: Path


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    """`timctl emulator serve` equivalent on 127.0.0.1, on its own database."""
    from timctl.emulator import open_app
    from timctl.emulator.server import make_server

    db = tmp_path / "served.db"
    app, info = open_app(db, sdkappid=1400012345, admin="ops_admin")
    server = make_server(app, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Served(f"http://127.0.0.1:{server.server_port}", info.sdkappid, "ops_admin",
                     info.secret_key, app, db)
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def served_profile(served: Served, run, tmp_path: Path) -> Served:  # type: ignore[no-untyped-def]
    """A profile `emu` pointing at the served emulator, key in a 0600 file."""
    key_file = tmp_path / "emu.key"
    key_file.write_text(served.secret_key + "\n")
    r = run("config", "init", "emu", "--endpoint", served.url, "--sdkappid",
            str(served.sdkappid), "--admin", served.admin, "--secret-key-file", str(key_file))
    assert r.code == 0, r.err
    return served

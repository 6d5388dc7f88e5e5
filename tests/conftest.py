"""Shared fixtures: an isolated config/data dir per test, a CLI runner, a served emulator."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


@pytest.fixture(params=["embedded", "http"])
def either_profile(request: pytest.FixtureRequest) -> tuple[str, ...]:
    """The global options of a test run twice: on the embedded emulator (`-p local`), then
    on one served over HTTP on 127.0.0.1 (`-p emu`)."""
    if request.param == "http":
        request.getfixturevalue("served_profile")
        return ("-p", "emu")
    return ("-p", "local")


@dataclass
class ServedApp:
    """An emulator served on 127.0.0.1 with a profile named `name` pointing at it."""

    name: str
    url: str
    app: Any  # the EmulatorApp (faults, store)
    info: Any  # its AppInfo
    db: Path
    wsgi: Any  # what the server calls: the app, or a wrapper of it (counters, recorders)
    clock: FrozenClock | None = None  # the app's clock, when the test moves it by hand


class FrozenClock:
    """An emulator app clock: frozen at its start (now) until a test advances it."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def serve_app(tmp_path: Path, run: Any) -> Iterator[Any]:
    """serve_app(name, sdkappid, faults=None, wrap=None, admin="administrator",
    frozen_clock=False) -> ServedApp:
    the emulator on its own DB, served over HTTP on 127.0.0.1 (optionally behind a WSGI
    wrapper), with a profile `name` made by `timctl config init`; stopped after the test."""
    from timctl.emulator import open_app
    from timctl.emulator.server import make_server

    started: list[tuple[Any, Any]] = []

    def start(name: str, sdkappid: int, *, faults: Any = None, wrap: Any = None,
              admin: str = "administrator", frozen_clock: bool = False) -> ServedApp:
        db = tmp_path / f"{name}.db"
        app, info = open_app(db, sdkappid=sdkappid, admin=admin, faults=faults)
        clock = FrozenClock() if frozen_clock else None
        if clock is not None:
            app.clock = clock
        wsgi = wrap(app) if wrap is not None else app
        server = make_server(wsgi, "127.0.0.1", 0)
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        started.append((server, app))
        key = tmp_path / f"{name}.key"
        key.write_text(info.secret_key + "\n")
        url = f"http://127.0.0.1:{server.server_port}"
        r = run("config", "init", name, "--endpoint", url, "--sdkappid", str(sdkappid),
                "--admin", admin, "--secret-key-file", str(key))
        assert r.code == 0, r.err
        return ServedApp(name, url, app, info, db, wsgi, clock)

    yield start
    for server, app in started:
        server.shutdown()
        server.server_close()
        app.store.close()

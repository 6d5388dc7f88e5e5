"""The store: the file (created 0600, errors as one-line DatabaseError), transactions and
savepoints, a cheap open, a cheap `import timctl.emulator`, and requests only in adapter.py."""

from __future__ import annotations

import ast
import os
import re
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from timctl.emulator import store as store_mod
from timctl.emulator.store import DatabaseError, Store
from timctl.errors import ConfigError

EMULATOR = Path(__file__).resolve().parents[2] / "timctl" / "emulator"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def one_line_error(path: Path) -> str:
    with pytest.raises(DatabaseError) as caught:
        Store(path).close()
    text = str(caught.value)
    assert "\n" not in text and str(path) in text
    return text


def test_database_error_is_a_config_error_exit_3():
    assert issubclass(DatabaseError, ConfigError)
    assert DatabaseError("x").exit_code == 3


def test_store_creates_parent_directories(tmp_path):
    path = tmp_path / "a" / "b" / "emu.db"
    Store(path).close()
    assert path.exists()


def test_new_files_and_their_wal_and_shm_are_0600(tmp_path):
    path = tmp_path / "emu.db"
    old = os.umask(0o022)
    try:
        s = Store(path)
        with s.tx() as db:  # a write while open: -wal and -shm exist now
            db.execute("INSERT INTO stats VALUES ('x', 0, 1)")
        sidecars = [Path(f"{path}-wal"), Path(f"{path}-shm")]
        assert all(p.exists() for p in sidecars)
        assert [mode(p) for p in [path, *sidecars]] == [0o600] * 3
        s.close()
    finally:
        os.umask(old)


def test_existing_files_are_made_0600_on_open(tmp_path):
    path = tmp_path / "emu.db"
    Store(path).close()
    path.chmod(0o644)
    wal = Path(f"{path}-wal")
    wal.write_bytes(b"")
    wal.chmod(0o644)
    Store(path).close()
    assert mode(path) == 0o600
    if wal.exists():
        assert mode(wal) == 0o600


def test_random_bytes_are_refused_in_one_line(tmp_path):
    path = tmp_path / "junk.db"
    path.write_bytes(os.urandom(8192))
    assert "not an emulator database" in one_line_error(path)


def test_another_programs_database_is_refused(tmp_path):
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE invoices (id INTEGER)")
    assert "not an emulator database" in one_line_error(path)
    with sqlite3.connect(path) as db:  # and nothing was added to it
        assert [r[0] for r in db.execute("SELECT name FROM sqlite_master")] == ["invoices"]


def test_a_directory_that_cannot_be_made_is_one_line(tmp_path):
    (tmp_path / "file").write_text("not a directory")
    assert "cannot open" in one_line_error(tmp_path / "file" / "emu.db")


def test_a_path_that_cannot_be_opened_as_a_file_is_one_line(tmp_path):
    # (a read-only file would do too, but tests may run as root, which ignores modes)
    path = tmp_path / "emu.db"
    path.mkdir()
    assert "cannot open" in one_line_error(path)


def test_nested_tx_joins_and_an_error_rolls_everything_back(store):
    with pytest.raises(RuntimeError), store.tx() as db:
        db.execute("INSERT INTO stats VALUES ('a', 0, 1)")
        with store.tx() as inner:
            inner.execute("INSERT INTO stats VALUES ('b', 0, 1)")
        raise RuntimeError
    with store.tx() as db:
        assert db.execute("SELECT COUNT(*) FROM stats").fetchone() == (0,)


def test_a_savepoint_undoes_only_its_part(store):
    with store.tx() as db:
        db.execute("INSERT INTO stats VALUES ('kept', 0, 1)")
        with pytest.raises(KeyError), store.savepoint():
            db.execute("INSERT INTO stats VALUES ('undone', 0, 1)")
            raise KeyError("x")
    with store.tx() as db:
        assert db.execute("SELECT endpoint FROM stats").fetchall() == [("kept",)]


def test_opening_an_up_to_date_file_is_one_query(db_path, monkeypatch):
    Store(db_path).close()
    seen: list[str] = []
    real_connect = sqlite3.connect

    def traced(*args, **kwargs):  # type: ignore[no-untyped-def]
        db = real_connect(*args, **kwargs)
        db.set_trace_callback(seen.append)
        return db

    monkeypatch.setattr(store_mod.sqlite3, "connect", traced)
    Store(db_path).close()
    queries = [s for s in seen if not s.upper().startswith("PRAGMA")]
    assert len(queries) == 1 and "FROM meta" in queries[0]


def test_import_is_cheap():
    code = ("import sys, timctl.emulator; "
            "print(sorted(m for m in ('sqlite3', 'requests', 'wsgiref', 'TLSSigAPIv2')"
            " if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=EMULATOR.parents[1])
    assert out.stdout.strip() == "[]"


def test_the_emulator_runs_without_requests():
    """Only adapter.py may import requests: the CLI runs the emulator in-process without it."""
    importers = [str(p.relative_to(EMULATOR)) for p in EMULATOR.rglob("*.py")
                 if re.search(r"^\s*(import requests|from requests)", p.read_text(), re.M)]
    assert importers == ["adapter.py"]
    script = (
        "import sys, tempfile, os\n"
        "sys.modules['requests'] = None\n"
        "from timctl.emulator import open_app, server, control\n"
        "app, info = open_app(os.path.join(tempfile.mkdtemp(), 'e.db'))\n"
        "print(info.sdkappid)\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         cwd=EMULATOR.parents[1])
    assert out.returncode == 0, out.stderr


def test_the_emulator_imports_only_its_allowed_layers():
    """errors, usersig and endpoints; never the client (rest) or the CLI."""
    allowed = {"timctl.errors", "timctl.usersig", "timctl.endpoints", "timctl.msgbody"}
    for path in EMULATOR.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module == "timctl":
                names = [f"timctl.{a.name}" for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = [node.module]
            else:
                continue
            for name in names:
                if name.startswith("timctl"):
                    assert name.startswith("timctl.emulator") or name in allowed, (path, name)

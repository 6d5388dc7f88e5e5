"""Helpers shared by the bench scripts: a served emulator on a free loopback port, timctl as a
child process measured with wait4 (wall time and peak RSS), input files.

Standard library only; the scripts run from a checkout (`python bench/<script>.py`).
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SDKAPPID = "1400000000"
ADMIN = "administrator"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def timctl(*args: str) -> list[str]:
    """The timctl command: the installed console script next to this Python, as a user runs
    it, else `python -m timctl`."""
    script = Path(sys.executable).with_name("timctl")
    return [str(script), *args] if script.exists() else [sys.executable, "-m", "timctl", *args]


def base_env(work: Path) -> dict[str, str]:
    """An isolated home for timctl: its own config and data dirs under `work`. Bytecode is
    written and reused as in any installed tool: with PYTHONDONTWRITEBYTECODE set (some
    sandboxes and CI images set it) every run would recompile timctl's ~100 modules, about
    60 ms that no user pays."""
    env = {**os.environ, "TIMCTL_CONFIG_DIR": str(work / "config"),
           "TIMCTL_DATA_DIR": str(work / "data"), "PYTHONPATH": str(ROOT)}
    for name in ("TIMCTL_PROFILE", "TIMCTL_ENDPOINT", "TIMCTL_SDKAPPID", "TIMCTL_SECRET_KEY",
                 "PYTHONDONTWRITEBYTECODE"):
        env.pop(name, None)
    return env


@dataclass
class Served:
    env: dict[str, str]  # base env plus TIMCTL_ENDPOINT/SDKAPPID/ADMIN/SECRET_KEY
    db: Path
    port: int


@contextlib.contextmanager
def served(work: Path, *flags: str, name: str = "emu") -> Iterator[Served]:
    """`timctl emulator serve` on a fresh database in `work`, stopped on exit."""
    env = base_env(work)
    db, port = work / f"{name}.db", free_port()
    proc = subprocess.Popen(timctl("emulator", "serve", "--db", str(db), "--port", str(port),
                                   *flags),
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True)
    try:
        key = ""
        assert proc.stdout is not None
        for line in proc.stdout:
            if "TIMCTL_SECRET_KEY=" in line:
                key = line.rsplit("TIMCTL_SECRET_KEY=", 1)[1].strip()
                break
        if not key:
            raise SystemExit(f"bench: `timctl emulator serve {' '.join(flags)}` did not start")
        env = {**env, "TIMCTL_ENDPOINT": f"http://127.0.0.1:{port}",
               "TIMCTL_SDKAPPID": SDKAPPID, "TIMCTL_ADMIN": ADMIN, "TIMCTL_SECRET_KEY": key}
        yield Served(env, db, port)
    finally:
        proc.terminate()
        proc.wait(10)


@dataclass
class Measured:
    seconds: float
    code: int
    peak_rss_mib: float
    stdout: str
    stderr: str
    # with rows=True: output lines, and seconds from start to the first and the last line
    lines: int = 0
    first_line: float = 0.0
    last_line: float = 0.0
    first_lines: int = 0  # lines that came with the first one (its chunk)

    def sustained(self) -> float:
        """Lines a second from the first result to the last: the steady pace, without the
        start-up and the first call's round trip."""
        span = self.last_line - self.first_line
        return (self.lines - self.first_lines) / span if span > 0 else 0.0


def run(cmd: Sequence[str], env: dict[str, str], *, capture: bool = False,
        rows: bool = False) -> Measured:
    """One child process: wall seconds, exit code, peak RSS (the kernel's ru_maxrss from
    wait4), stderr, and stdout when `capture` (else discarded: a big run writes a row per
    item). `rows`: read stdout as it comes and time its lines (one per item in -o jsonl)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(list(cmd), env=env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE if rows else
                                out if capture else subprocess.DEVNULL, stderr=err)
        timing = _time_lines(proc, started) if rows else (0, 0.0, 0.0, 0)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Measured(elapsed, proc.returncode, usage.ru_maxrss / 1024,
                        out.read().decode(errors="replace"),
                        err.read().decode(errors="replace"), *timing)


def _time_lines(proc: subprocess.Popen[bytes], started: float) -> tuple[int, float, float, int]:
    assert proc.stdout is not None
    count = first_count = 0
    first = last = 0.0
    for _ in proc.stdout:
        now = time.perf_counter() - started
        count += 1
        if count == 1:
            first = now
        if now - first < 0.005:  # the first chunk's rows arrive together
            first_count = count
        last = now
    proc.stdout.close()
    return count, first, last, first_count


def stats(served_: Served) -> list[dict[str, object]]:
    """Calls the emulator answered, per endpoint and ErrorCode."""
    out = subprocess.run(timctl("-o", "json", "emulator", "stats", "--db", str(served_.db)),
                         env=served_.env, capture_output=True, text=True, check=True).stdout
    rows: list[dict[str, object]] = json.loads(out)
    return rows


def calls(rows: list[dict[str, object]], endpoint: str, code: int | None = None) -> int:
    return sum(int(str(r["calls"])) for r in rows if r["endpoint"] == endpoint
               and (code is None or r["ErrorCode"] == code))


def write_ids(path: Path, prefix: str, count: int, header: str | None = None) -> Path:
    with path.open("w") as fh:
        if header:
            fh.write(header + "\n")
        for i in range(count):
            fh.write(f"{prefix}{i:07d}\n")
    return path


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""


@contextlib.contextmanager
def scratch() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="timctl-bench-") as tmp:
        yield Path(tmp)

"""Bulk import against `timctl emulator serve --latency`: calls, sustained calls/s against the
documented limit, and peak memory of the timctl process.

    python bench/bulk.py                      # 100,000 rows, 50 ms per call
    python bench/bulk.py --rows 1000000 --no-rate-limit --rate 2000   # memory at 1M lines

Starts the emulator on a free 127.0.0.1 port with a fresh database, writes a CSV
(UserID,Nick), runs `timctl users import -f FILE -o jsonl` as a child process (its peak RSS
read from the kernel when it exits), then counts the import calls with `timctl emulator
stats` and checks every row with `timctl users check`.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DOCUMENTED_RATE = 100.0  # multiaccount_import: calls/s per app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def timctl(*args: str) -> list[str]:
    return [sys.executable, "-m", "timctl", *args]


def run_measured(cmd: list[str], env: dict[str, str]) -> tuple[float, int, int]:
    """(seconds, exit code, peak RSS in MiB) of one child process."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    err = proc.stderr.read().decode() if proc.stderr else ""
    if err.strip():
        print(err.strip().splitlines()[-1], file=sys.stderr)
    return elapsed, os.waitstatus_to_exitcode(status), usage.ru_maxrss // 1024


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--rate", type=float, help="client --rate (calls/s)")
    parser.add_argument("--no-rate-limit", action="store_true",
                        help="the emulator does not enforce the documented limits")
    parser.add_argument("--skip-check", action="store_true")
    opts = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        csv = work / "users.csv"
        with csv.open("w") as fh:
            fh.write("UserID,Nick\n")
            for i in range(opts.rows):
                fh.write(f"bench{i:07d},User {i}\n")
        db, port = work / "emu.db", free_port()
        env = {**os.environ, "TIMCTL_CONFIG_DIR": str(work / "config"),
               "TIMCTL_DATA_DIR": str(work / "data")}
        serve = subprocess.Popen(
            timctl("emulator", "serve", "--db", str(db), "--port", str(port),
                   "--latency", str(opts.latency),
                   *(["--no-rate-limit"] if opts.no_rate_limit else [])),
            env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            key = ""
            assert serve.stdout is not None
            for line in serve.stdout:
                if "TIMCTL_SECRET_KEY=" in line:
                    key = line.rsplit("TIMCTL_SECRET_KEY=", 1)[1].strip()
                    break
            env.update({"TIMCTL_ENDPOINT": f"http://127.0.0.1:{port}",
                        "TIMCTL_SDKAPPID": "1400000000", "TIMCTL_SECRET_KEY": key})
            rate = ["--rate", str(opts.rate)] if opts.rate else []
            elapsed, code, rss = run_measured(
                timctl("-o", "jsonl", "users", "import", "-f", str(csv),
                       "--concurrency", str(opts.concurrency), *rate), env)
            stats = json.loads(subprocess.run(
                timctl("-o", "json", "emulator", "stats", "--db", str(db)), env=env,
                capture_output=True, text=True, check=True).stdout)
            calls = sum(int(row.get("calls", 0)) for row in stats
                        if row.get("endpoint") == "im_open_login_svc/multiaccount_import")
            throttled = sum(int(row.get("calls", 0)) for row in stats
                            if row.get("ErrorCode") == 60007)
            checked = "skipped"
            if not opts.skip_check:
                done = subprocess.run(timctl("-o", "jsonl", "users", "check", "-f", str(csv)),
                                      env=env, capture_output=True, text=True)
                imported = sum('"Imported"' in line for line in done.stdout.splitlines())
                checked = f"{imported} of {opts.rows} Imported (exit {done.returncode})"
        finally:
            serve.terminate()
            serve.wait(10)
    rate_achieved = calls / elapsed if elapsed else 0.0
    print(f"rows               {opts.rows}")
    print(f"exit code          {code}")
    print(f"import calls       {calls} (60007 answers: {throttled})")
    print(f"elapsed            {elapsed:.1f} s")
    print(f"calls/s            {rate_achieved:.1f} ({rate_achieved / DOCUMENTED_RATE:.0%} of "
          f"the documented {DOCUMENTED_RATE:g})")
    print(f"peak RSS (timctl)  {rss} MiB")
    print(f"check              {checked}")
    return code


if __name__ == "__main__":
    raise SystemExit(main())

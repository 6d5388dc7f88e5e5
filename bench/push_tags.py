"""Tag 50,000 users from a CSV against `timctl emulator serve`: calls, sustained calls/s
against the documented 100 calls/s of im_add_tag, per-user outcomes, peak memory. Prints one
result line.

    python bench/push_tags.py                      # 50,000 users, 100 per call, 100 calls/s
    python bench/push_tags.py --users 5000 --latency 0.05

Starts the emulator on a free 127.0.0.1 port with a fresh database (its documented rate
limits on), imports the users, writes UserID,Tags (every user `beta`, every tenth also
`vip`), runs `timctl push tags add -f FILE -o jsonl` as a child process (peak RSS from the
kernel), counts its calls and 60007 answers with `timctl emulator stats`, and reads a sample
of users' tags back with `timctl push tags get`.
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

DOCUMENTED_RATE = 100.0  # im_add_tag: calls/s per app (1047/37173)
ENDPOINT = "all_member_push/im_add_tag"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def timctl(*args: str) -> list[str]:
    return [sys.executable, "-m", "timctl", *args]


def run_measured(cmd: list[str], env: dict[str, str], out: Path) -> tuple[float, int, int]:
    """(seconds, exit code, peak RSS in MiB) of one child process, stdout to `out`."""
    started = time.perf_counter()
    with out.open("wb") as fh:
        proc = subprocess.Popen(cmd, env=env, stdout=fh, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    err = proc.stderr.read().decode() if proc.stderr else ""
    if err.strip():
        print(err.strip().splitlines()[-1], file=sys.stderr)
    return elapsed, os.waitstatus_to_exitcode(status), usage.ru_maxrss // 1024


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=50_000)
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--concurrency", type=int, default=8)
    opts = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        ids, tags = work / "ids.txt", work / "tags.csv"
        users = [f"bench{i:06d}" for i in range(opts.users)]
        ids.write_text("\n".join(users) + "\n")
        tags.write_text("UserID,Tags\n" + "".join(
            f"{u},beta{';vip' if i % 10 == 0 else ''}\n" for i, u in enumerate(users)))
        db, port = work / "emu.db", free_port()
        env = {**os.environ, "TIMCTL_CONFIG_DIR": str(work / "config"),
               "TIMCTL_DATA_DIR": str(work / "data")}
        serve = subprocess.Popen(
            timctl("emulator", "serve", "--db", str(db), "--port", str(port),
                   "--latency", str(opts.latency)),
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
            subprocess.run(timctl("-o", "jsonl", "users", "import", "-f", str(ids)), env=env,
                           stdout=subprocess.DEVNULL, check=True)
            rows = work / "rows.jsonl"
            elapsed, code, rss = run_measured(
                timctl("-o", "jsonl", "push", "tags", "add", "-f", str(tags),
                       "--concurrency", str(opts.concurrency)), env, rows)
            status: dict[str, int] = {}
            for line in rows.read_text().splitlines():
                got = json.loads(line)["Status"]
                status[got] = status.get(got, 0) + 1
            stats = json.loads(subprocess.run(
                timctl("-o", "json", "emulator", "stats", "--db", str(db)), env=env,
                capture_output=True, text=True, check=True).stdout)
            calls = sum(int(r.get("calls", 0)) for r in stats if r.get("endpoint") == ENDPOINT)
            throttled = sum(int(r.get("calls", 0)) for r in stats
                            if r.get("endpoint") == ENDPOINT and r.get("ErrorCode") == 60007)
            sample = users[::max(1, len(users) // 100)][:100]
            back = json.loads(subprocess.run(
                timctl("-o", "json", "push", "tags", "get", *sample), env=env,
                capture_output=True, text=True, check=True).stdout)
            tagged = sum("beta" in r["Tags"] for r in back)
        finally:
            serve.terminate()
            serve.wait(10)
    rate = calls / elapsed if elapsed else 0.0
    print(f"push_tags users={opts.users} exit={code} calls={calls} (60007: {throttled}) "
          f"elapsed={elapsed:.1f}s calls/s={rate:.1f} ({rate / DOCUMENTED_RATE:.0%} of "
          f"{DOCUMENTED_RATE:g}) done={status.get('done', 0)} "
          f"failed={status.get('failed', 0) + status.get('unknown', 0)} "
          f"sample={tagged}/{len(sample)} tagged rss={rss}MiB")
    return code


if __name__ == "__main__":
    raise SystemExit(main())

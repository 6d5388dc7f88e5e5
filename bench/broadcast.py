"""Measure `timctl messages broadcast` to many recipients against `timctl emulator serve`.

    python bench/broadcast.py [--recipients 100000] [--rate-limit]

Imports the recipients, then broadcasts one text message to all of them from a file and
reports the calls the emulator answered (`emulator stats`), recipients a minute against the
documented 12,000, and the client's peak RSS. With the documented pace 100,000 recipients
take about 8.5 minutes; without --rate-limit the served emulator's limit is off and the
client runs at --rate calls/s, which measures the client rather than the pacing.
Not run by the tests.
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

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTED = 12000  # recipients a minute (batchsendmsg)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--recipients", type=int, default=100000)
    ap.add_argument("--rate-limit", action="store_true",
                    help="keep the served emulator's documented rate limits and the "
                         "client's documented pace (slow: ~8.5 min for 100,000)")
    ap.add_argument("--rate", default="200", help="client calls/s without --rate-limit")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="timctl-bench-"))
    env = {**os.environ, "TIMCTL_CONFIG_DIR": str(tmp / "config"),
           "TIMCTL_DATA_DIR": str(tmp / "data"), "PYTHONPATH": str(ROOT)}
    tm = [sys.executable, "-m", "timctl"]
    db, port = tmp / "bench.db", free_port()
    serve = [*tm, "emulator", "serve", "--db", str(db), "--port", str(port)]
    if not args.rate_limit:
        serve.append("--no-rate-limit")
    server = subprocess.Popen(serve, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True)
    try:
        key = ""
        assert server.stdout is not None
        for line in server.stdout:
            if "TIMCTL_SECRET_KEY=" in line:
                key = line.rsplit("TIMCTL_SECRET_KEY=", 1)[1].strip()
                break
        env.update({"TIMCTL_ENDPOINT": f"http://127.0.0.1:{port}",
                    "TIMCTL_SDKAPPID": "1400000000", "TIMCTL_SECRET_KEY": key})
        ids = tmp / "ids.txt"
        ids.write_text("".join(f"r{i:06d}\n" for i in range(args.recipients)))
        fast = [] if args.rate_limit else ["--rate", args.rate]
        subprocess.run([*tm, *fast, "users", "import", "-f", str(ids)], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        subprocess.run([*tm, "emulator", "stats", "--db", str(db), "--reset"], env=env,
                       check=True, stdout=subprocess.DEVNULL)
        start = time.monotonic()
        proc = subprocess.Popen([*tm, *fast, "-o", "jsonl", "messages", "broadcast", "-f",
                                 str(ids), "--text", "bench", "--no-unread"], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)  # the broadcast's own peak RSS
        elapsed = time.monotonic() - start
        code = os.waitstatus_to_exitcode(status)
        err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        stats = json.loads(subprocess.run([*tm, "-o", "json", "emulator", "stats", "--db",
                                           str(db)], env=env, check=True,
                                          capture_output=True).stdout)
        calls = sum(r["calls"] for r in stats if r["endpoint"] == "openim/batchsendmsg")
        per_min = args.recipients / elapsed * 60
        print(json.dumps({"recipients": args.recipients, "exit": code,
                          "calls": calls, "expected_calls": -(-args.recipients // 500),
                          "seconds": round(elapsed, 1),
                          "recipients_per_minute": round(per_min),
                          "documented_per_minute": DOCUMENTED,
                          "peak_rss_mib": round(usage.ru_maxrss / 1024, 1)}, indent=2))
        if code:
            sys.stderr.write(err[-2000:])
        return code
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    raise SystemExit(main())

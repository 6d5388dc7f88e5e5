"""Start-up time of timctl next to bare Python, measured in the same run (median wall).

    python bench/startup.py [-n 15]

Commands: `python -c pass`, `python -c "import click"`, `timctl --version`, `timctl groups
--help`, and a real command on the embedded emulator (`timctl -p local users check alice`,
the account imported first, so it is a full round trip that finds it). timctl is the console
script next to this Python (as a user runs it). Runs are interleaved, so load drifts hit
every command alike. Prints one line: median ms of each; details per command on stderr.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

LABELS = ["python -c pass", "import click", "timctl --version", "timctl groups --help",
          "timctl users check (embedded)"]


def commands() -> list[list[str]]:
    py = sys.executable
    return [[py, "-c", "pass"], [py, "-c", "import click"], common.timctl("--version"),
            common.timctl("groups", "--help"),
            common.timctl("-p", "local", "users", "check", "alice")]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=15, help="runs of each command [15]")
    runs = ap.parse_args().n
    with common.scratch() as work:
        env = common.base_env(work)
        # the account exists, so the last row is a real round trip that finds it
        subprocess.run(common.timctl("-p", "local", "users", "import", "alice"), env=env,
                       check=True,
                       stdout=subprocess.DEVNULL)
        cmds = commands()
        for cmd in cmds:  # warm-up: bytecode written, as after any first run
            subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           check=True)
        times: list[list[float]] = [[] for _ in cmds]
        for _ in range(runs):
            for i, cmd in enumerate(cmds):
                start = time.perf_counter()
                subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, check=True)
                times[i].append((time.perf_counter() - start) * 1000)
    med = [statistics.median(t) for t in times]
    for label, t, m in zip(LABELS, times, med, strict=True):
        print(f"  {label:<32} median {m:6.1f} ms  min {min(t):6.1f}  max {max(t):6.1f}",
              file=sys.stderr)
    click = med[1]
    print(f"startup (median of {runs}, ms): python -c pass {med[0]:.0f}, import click "
          f"{click:.0f}, timctl --version {med[2]:.0f} ({med[2] - click:+.0f} over click), "
          f"timctl groups --help {med[3]:.0f} ({med[3] - click:+.0f}), "
          f"users check on the embedded emulator {med[4]:.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

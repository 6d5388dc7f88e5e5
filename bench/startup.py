"""Start-up time of timctl vs bare Python (median of N runs, wall clock).

    python bench/startup.py [-n 15]

Prints one row per command: median ms, and ms over `python -c pass`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

COMMANDS = [
    ["-c", "pass"],
    ["-c", "import click"],
    ["-m", "timctl", "--help"],
    ["-m", "timctl", "users", "import", "--help"],
    ["-m", "timctl", "help", "exit-codes"],
    ["-m", "timctl", "-p", "local", "users", "check", "alice"],
]


def median_ms(args: list[str], runs: int, env: dict[str, str]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, *args], env=env, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, check=True)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=15)
    runs = parser.parse_args().n
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "TIMCTL_CONFIG_DIR": tmp, "TIMCTL_DATA_DIR": tmp}
        # the account exists, so the last row is a real round trip that finds it
        subprocess.run([sys.executable, "-m", "timctl", "-p", "local", "users", "import",
                        "alice"], env=env, stdout=subprocess.DEVNULL, check=True)
        base = median_ms(COMMANDS[0], runs, env)
        print(f"{'command':<45} {'median ms':>10} {'over python':>12}")
        for args in COMMANDS:
            ms = median_ms(args, runs, env)
            label = "python " + " ".join(args)
            print(f"{label:<45} {ms:>10.1f} {ms - base:>12.1f}")


if __name__ == "__main__":
    main()

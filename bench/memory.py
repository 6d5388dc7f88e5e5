"""Peak RSS of a streamed `timctl users import` at several input sizes (memory must not grow
with the input).

    python bench/memory.py [--lines 100000,1000000]

For each size: a CSV (UserID,Nick) of that many lines, `timctl emulator serve
--no-rate-limit` on a fresh database, then `timctl --rate 2000 users import -f FILE -o jsonl`
as a child process whose peak RSS comes from wait4 (ru_maxrss). The emulator's limits are
off so the run is short; the client still streams, chunks and paces as usual.
Prints one line: peak RSS per size and the growth from the smallest to the largest.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402


def peak(lines: int, rate: float) -> tuple[float, float, int]:
    """(peak RSS MiB, seconds, exit code) of one import of `lines` users."""
    with common.scratch() as work:
        csv = work / "users.csv"
        with csv.open("w") as fh:
            fh.write("UserID,Nick\n")
            for i in range(lines):
                fh.write(f"m{i:07d},User {i}\n")
        with common.served(work, "--no-rate-limit") as served:
            done = common.run(common.timctl("--rate", str(rate), "-o", "jsonl", "users",
                                            "import", "-f", str(csv)), served.env)
        if done.code:
            print(common.last_line(done.stderr), file=sys.stderr)
        return done.peak_rss_mib, done.seconds, done.code


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", default="100000,1000000", help="comma-separated sizes")
    ap.add_argument("--rate", type=float, default=2000, help="timctl --rate [2000 calls/s]")
    opts = ap.parse_args()
    sizes = [int(n) for n in opts.lines.split(",")]
    results = []
    worst = 0
    for n in sizes:
        rss, seconds, code = peak(n, opts.rate)
        worst = worst or code
        results.append((n, rss))
        print(f"  {n} lines: peak RSS {rss:.1f} MiB in {seconds:.1f} s (exit {code})",
              file=sys.stderr)
    parts = ", ".join(f"{n:,} lines {rss:.0f} MiB" for n, rss in results)
    growth = results[-1][1] - results[0][1]
    print(f"memory users import: {parts} (growth {growth:+.0f} MiB)"
          + ("" if not worst else f"; an import failed (exit {worst})"))
    return worst


if __name__ == "__main__":
    raise SystemExit(main())

"""Run every benchmark and write bench/RESULTS.md (date, machine, figures, commands).

    bench/run [--quick] [--skip broadcast,memory] [--only NAME,...] [--list] [--out FILE]

Full sizes take about 15 minutes (plus the history imports when present), most of it the
100,000-recipient broadcast paced at the documented 12,000 recipients a minute (--skip
broadcast leaves it out); --quick runs small
sizes in about a minute to check the scripts, not to quote figures. Each script prints one
result line, copied into the report with the command that reproduces it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


@dataclass(frozen=True)
class Bench:
    name: str
    what: str
    full: tuple[str, ...]
    quick: tuple[str, ...]
    seconds: tuple[int, int]  # expected (full, quick)
    target: str
    script: str = ""  # file name under bench/, when not the first argument


def benches() -> list[Bench]:
    found = [
        Bench("startup", "start-up: median wall of interleaved runs, next to bare Python",
              ("startup.py", "-n", "15"), ("startup.py", "-n", "5"), (40, 15),
              "`--version` and `groups --help` within 15 ms of `import click`; a real "
              "command on the embedded emulator at most 150 ms"),
        Bench("emulator", "emulator: requests/s, 8 keep-alive clients on loopback, and "
              "in-process through the WSGI app",
              ("emulator_rps.py", "--seconds", "8", "--repeat", "3"),
              ("emulator_rps.py", "--seconds", "2"), (45, 10),
              "at least 2,000 requests/s on loopback"),
        Bench("import", "bulk: 100,000-user import at 50 ms latency, limits enforced, and "
              "the hand-written baseline",
              ("bulk.py", "--task", "import", "--items", "100000", "--baseline"),
              ("bulk.py", "--task", "import", "--items", "3000", "--baseline"), (75, 8),
              "at least 90 % of the documented 100 calls/s; at least 4x the baseline"),
        Bench("group-add", "bulk: 10,000 members added to one group at 50 ms latency, and "
              "the baseline",
              ("bulk.py", "--task", "group-add", "--items", "10000", "--baseline"),
              ("bulk.py", "--task", "group-add", "--items", "1000", "--baseline"), (40, 8),
              "at least 90 % of the documented 200 calls/s; at least 4x the baseline"),
        Bench("broadcast", "bulk: 100,000-recipient broadcast at 50 ms latency, paced at "
              "the documented 12,000 recipients/min, the baseline run alongside",
              ("bulk.py", "--task", "broadcast", "--items", "100000", "--baseline",
               "--parallel"),
              ("bulk.py", "--task", "broadcast", "--items", "1500", "--baseline",
               "--parallel"), (540, 12),
              "at least 90 % of the documented 12,000 recipients/min; at least 4x the "
              "baseline"),
        Bench("memory", "memory: peak RSS of streamed users imports (limits off)",
              ("memory.py", "--lines", "100000,1000000"),
              ("memory.py", "--lines", "2000,20000"), (150, 8),
              "1,000,000 lines under 150 MB, within 20 MB of 100,000 lines"),
    ]
    if (HERE / "history_import.py").exists():  # written with import-history
        target = "1,000,000 lines under 150 MB, within 20 MB of 100,000 lines"
        found += [
            Bench("history", "memory: peak RSS of a streamed 100,000-record history import "
                  "(validate and run)", ("history_import.py", "--records", "100000"),
                  ("history_import.py", "--records", "2000"), (120, 15), target),
            Bench("history-1m", "memory: the same with 1,000,000 records",
                  ("history_import.py", "--records", "1000000"),
                  ("history_import.py", "--records", "20000"), (600, 30), target)]
    return found


def machine() -> list[str]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.1f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip() or "unknown"
    dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--", "timctl"],
                           capture_output=True, text=True).stdout.strip()
    return [f"- machine: {platform.node()}, {platform.system()} {platform.release()}, "
            f"{os.cpu_count()} CPUs ({cpu}){mem}",
            f"- Python {platform.python_version()} ({sys.executable})",
            f"- timctl at commit {commit}" + (" (with uncommitted changes)" if dirty else "")]


def load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sizes (checks the scripts)")
    ap.add_argument("--skip", default="", help="comma-separated names to leave out")
    ap.add_argument("--only", default="", help="comma-separated names to run")
    ap.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    ap.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    opts = ap.parse_args()
    every = benches()
    names = {b.name for b in every}
    skip = {n for n in opts.skip.split(",") if n}
    only = {n for n in opts.only.split(",") if n}
    for n in skip | only:
        if n not in names:
            ap.error(f"unknown benchmark {n!r} (known: {', '.join(sorted(names))})")
    chosen = [b for b in every if b.name not in skip and (not only or b.name in only)]
    if opts.list:
        for b in every:
            print(f"{b.name:<10} ~{b.seconds[0]:>4} s full, ~{b.seconds[1]:>3} s quick  {b.what}")
        return 0
    size = 1 if opts.quick else 0
    total = sum(b.seconds[size] for b in chosen)
    print(f"bench: {len(chosen)} benchmarks, about {total / 60:.0f} min"
          f" ({'quick sizes' if opts.quick else 'full sizes'})", file=sys.stderr)
    started = dt.datetime.now(dt.timezone.utc)
    load_before = load()
    rows: list[tuple[Bench, str, str, float, int]] = []
    for b in chosen:
        args = b.quick if opts.quick else b.full
        cmd = [sys.executable, str(HERE / args[0]), *args[1:]]
        shown = "python bench/" + " ".join(args)
        print(f"bench: {b.name} (about {b.seconds[size]} s): {shown}", file=sys.stderr)
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
        took = time.perf_counter() - t0
        lines = [line for line in proc.stdout.splitlines() if line.strip()]
        result = lines[-1] if lines else f"(no result; exit {proc.returncode})"
        print(f"  {result}", file=sys.stderr)
        rows.append((b, result, shown, took, proc.returncode))
        _DETAILS[b.name] = details = proc.stderr.strip("\n")
        if proc.returncode and details:
            print("  " + details.splitlines()[-1], file=sys.stderr)
        # after each one: an interrupted run keeps what it measured
        write(opts.out, rows, started, load_before, opts.quick, skip)
    print(f"bench: wrote {opts.out}", file=sys.stderr)
    return max((r[4] for r in rows), default=0)


_DETAILS: dict[str, str] = {}


def write(out: Path, rows: list[tuple[Bench, str, str, float, int]], started: dt.datetime,
          load_before: str, quick: bool, skip: set[str]) -> None:
    text = ["# timctl benchmark results", "",
            f"- date: {started:%Y-%m-%d %H:%M} UTC"
            + (" — **quick sizes: checks the scripts, not figures to quote**" if quick else ""),
            *machine(),
            f"- load average (1, 5, 15 min) before: {load_before}, after: {load()}",
            "- written by `bench/run" + (" --quick" if quick else "")
            + (f" --skip {','.join(sorted(skip))}" if skip else "") + "`; how to read and "
            "reproduce: bench/README.md", ""]
    for b, result, shown, took, code in rows:
        text += [f"## {b.name}", "", b.what + ".", "", "```", result, "```", "",
                 f"- target: {b.target}",
                 f"- reproduce: `{shown}`",
                 f"- took {took:.0f} s" + (f", **exit {code}**" if code else ""), ""]
        details = _DETAILS.get(b.name, "")
        if details:
            tail = "\n".join(details.splitlines()[-12:])
            text += ["<details><summary>details (stderr)</summary>", "", "```", tail, "```",
                     "", "</details>", ""]
    out.write_text("\n".join(text))


if __name__ == "__main__":
    raise SystemExit(main())

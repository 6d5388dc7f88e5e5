"""Bulk throughput at injected latency with the documented limits enforced, side by side with
the hand-written baseline (bench/baseline.py: a sequential requests.post loop).

    python bench/bulk.py --task import    [--items 100000]   # multiaccount_import, 100 calls/s
    python bench/bulk.py --task broadcast [--items 100000]   # batchsendmsg, 12,000 recipients/min
    python bench/bulk.py --task group-add [--items 10000]    # add_group_member, 200 calls/s
    add --baseline to run the baseline on the same work (--baseline-items to shorten it)

Each run starts `timctl emulator serve --latency 0.05` (documented rate limits on) on a free
127.0.0.1 port with a fresh database, prepares the work (accounts, a Community group), runs the
timctl command as a child process (its wall time and peak RSS from wait4), and counts the calls
the emulator answered (`timctl emulator stats`). The baseline gets its own fresh emulator.
Prints one line: the rate as a fraction of the documented limit, and timctl / baseline.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402


@dataclass(frozen=True)
class Task:
    endpoint: str
    per_call: int  # documented batch maximum
    limit: float  # documented rate, in `unit`
    unit: str  # "calls/s" or "recipients/min"
    default_items: int


TASKS = {
    "import": Task("im_open_login_svc/multiaccount_import", 100, 100, "calls/s", 100_000),
    "broadcast": Task("openim/batchsendmsg", 500, 12_000, "recipients/min", 100_000),
    "group-add": Task("group_open_http_svc/add_group_member", 20, 200, "calls/s", 10_000),
}
GROUP = "@TGS#_bench"  # a Community: 100,000 members (its ID must start @TGS#_)


def expected_seconds(task: Task, items: int) -> float:
    """At the documented limit, paced evenly from the start (as timctl paces)."""
    if task.unit == "recipients/min":
        return items / task.limit * 60
    return items / task.per_call / task.limit


def rate(task: Task, items: int, calls: int, seconds: float) -> float:
    if task.unit == "recipients/min":
        return items / seconds * 60
    return calls / seconds


def prepare(name: str, served: common.Served, ids: Path) -> None:
    """Accounts for a broadcast or a group add, and the group: not part of the measurement."""
    if name == "import":
        return
    common_run = common.run(common.timctl("users", "import", "-f", str(ids), "-o", "jsonl"),
                            served.env)
    if common_run.code:
        raise SystemExit(f"bench: importing the accounts failed: {common_run.stderr[-500:]}")
    if name == "group-add":
        made = common.run(common.timctl("groups", "create", "--type", "Community", "--name",
                                        "bench", "--id", GROUP, "-o", "json"), served.env)
        if made.code:
            raise SystemExit(f"bench: creating the group failed: {made.stderr[-500:]}")
    common.run(common.timctl("emulator", "stats", "--db", str(served.db), "--reset"),
               served.env)


def command(name: str, ids: Path, concurrency: int | None) -> list[str]:
    extra = ["--concurrency", str(concurrency)] if concurrency else []
    if name == "import":
        return common.timctl("-o", "jsonl", "users", "import", "-f", str(ids), *extra)
    if name == "broadcast":
        return common.timctl("-o", "jsonl", "messages", "broadcast", "-f", str(ids), "--text",
                             "bench", "--no-unread", *extra)
    return common.timctl("-o", "jsonl", "groups", "members", "add", GROUP, "-f", str(ids),
                         *extra)


def run_baseline(name: str, served: common.Served, ids: Path) -> dict[str, Any]:
    out = common.run([sys.executable, str(Path(__file__).with_name("baseline.py")), name,
                      str(ids), GROUP], served.env, capture=True)
    if out.code:
        raise SystemExit(f"bench: the baseline failed: {out.stderr[-500:]}")
    doc: dict[str, Any] = json.loads(common.last_line(out.stdout))
    return doc


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--task", choices=sorted(TASKS), default="import")
    ap.add_argument("--items", type=int, help="users, recipients or members [per task]")
    ap.add_argument("--latency", type=float, default=0.05, help="seconds per call [0.05]")
    ap.add_argument("--concurrency", type=int, help="timctl --concurrency [its default]")
    ap.add_argument("--baseline", action="store_true", help="also run bench/baseline.py")
    ap.add_argument("--baseline-items", type=int, help="baseline work size [--items]")
    ap.add_argument("--parallel", action="store_true",
                    help="run the baseline at the same time (each on its own emulator and "
                         "app): for rate-bound work, where the CPUs are idle")
    ap.add_argument("--no-rate-limit", action="store_true",
                    help="the emulator does not enforce the documented limits")
    ap.add_argument("--rate", type=float, help="timctl --rate (calls/s)")
    opts = ap.parse_args(argv)
    task = TASKS[opts.task]
    items = opts.items or task.default_items
    base_items = min(items, opts.baseline_items or items)
    print(f"bench bulk {opts.task}: {items} items, about "
          f"{expected_seconds(task, items):.0f} s at the documented limit"
          + (f" plus the baseline ({base_items} items)" if opts.baseline else ""),
          file=sys.stderr)
    flags = ["--latency", str(opts.latency), *(["--no-rate-limit"] if opts.no_rate_limit
                                                 else [])]
    with common.scratch() as work, contextlib.ExitStack() as stack:
        ids = common.write_ids(work / "ids.txt", "b", items)
        base: tuple[common.Served, Path] | None = None
        if opts.baseline:
            base_ids = common.write_ids(work / "base.txt", "b", base_items)
            base = stack.enter_context(common.served(work, *flags, name="baseline")), base_ids
            prepare(opts.task, base[0], base_ids)
        pool = stack.enter_context(ThreadPoolExecutor(1))
        later = None
        if base is not None and opts.parallel:
            later = pool.submit(run_baseline, opts.task, *base)
        with common.served(work, *flags, name="timctl") as served:
            prepare(opts.task, served, ids)
            cmd = command(opts.task, ids, opts.concurrency)
            if opts.rate:
                cmd += ["--rate", str(opts.rate)]
            done = common.run(cmd, served.env, rows=True)
            rows = common.stats(served)
        if done.code:
            print(common.last_line(done.stderr), file=sys.stderr)
        ok_calls = common.calls(rows, task.endpoint, 0)
        throttled = common.calls(rows, task.endpoint, 60007)
        achieved = rate(task, items, ok_calls, done.seconds)
        steady = done.sustained() * (60 if task.unit == "recipients/min" else 1 / task.per_call)
        share = (" (limits off)" if opts.no_rate_limit else
                 f" = {achieved / task.limit:.0%} of the documented {task.limit:,g}, "
                 f"sustained {steady:,.1f} = {steady / task.limit:.0%}")
        line = (f"bulk {opts.task}: {items} items, {ok_calls} calls ({throttled} answered "
                f"60007) in {done.seconds:.1f} s: {achieved:,.1f} {task.unit}{share}")
        if base is not None:
            doc = later.result() if later else run_baseline(opts.task, *base)
            base_rate = rate(task, base_items, doc["calls"] - doc["throttled"], doc["seconds"])
            line += (f"; baseline {base_rate:,.1f} {task.unit} ({base_items} items"
                     f"{', run alongside' if later else ''}, {doc['throttled']} answered 60007)"
                     f" -> timctl {achieved / base_rate if base_rate else 0:.1f}x")
    print(f"{line}; timctl peak RSS {done.peak_rss_mib:.0f} MiB, exit {done.code}")
    return done.code


if __name__ == "__main__":
    raise SystemExit(main())

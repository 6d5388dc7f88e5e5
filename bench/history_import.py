"""`timctl import-history validate` and `run` of a generated file against `timctl emulator
serve`: wall time and peak RSS of each (from /usr/bin/time -v when present, else wait4), then
a check that `timctl messages history` returns sampled conversations and groups in their
original order with their original times.

    python bench/history_import.py [--records 100000] [--file F] [--rate-limit] [--rate 2000]

Without --rate-limit the served emulator's limits are off and the client runs at --rate
calls/s per endpoint (the documented 200 calls/s makes 100,000 records take ~5 minutes).
Prints one result line.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
import history_gen  # noqa: E402

SAMPLE = 20  # groups and conversations compared with the file


def measured(cmd: list[str], env: dict[str, str]) -> tuple[float, int, float, str, str]:
    """(seconds, exit code, peak RSS MiB, stdout, stderr) of one child process."""
    gnu_time = shutil.which("time") or ("/usr/bin/time" if Path("/usr/bin/time").exists()
                                        else None)
    if gnu_time is None:
        m = common.run(cmd, env, capture=True)
        return m.seconds, m.code, m.peak_rss_mib, m.stdout, m.stderr
    m = common.run([gnu_time, "-v", *cmd], env, capture=True)
    found = re.search(r"Maximum resident set size \(kbytes\): (\d+)", m.stderr)
    rss = int(found.group(1)) / 1024 if found else m.peak_rss_mib
    return m.seconds, m.code, rss, m.stdout, m.stderr


def expected(path: Path, rng: random.Random) -> tuple[dict[str, list[Any]],
                                                       dict[tuple[str, str], list[Any]]]:
    """The sampled groups' and conversations' messages from the file, in original order."""
    groups: set[str] = set()
    convs: set[tuple[str, str]] = set()
    with path.open(encoding="utf-8") as fh:  # first pass: what exists (a sample of it)
        for line in fh:
            if '"group"' in line and '"type": "group",' in line:
                if len(groups) < SAMPLE or rng.random() < 0.01:
                    groups.add(json.loads(line)["id"])
            elif '"c2c"' in line and len(convs) < SAMPLE:
                rec = json.loads(line)
                convs.add((rec["from"], rec["to"]))
    gmsgs: dict[str, list[Any]] = {g: [] for g in list(groups)[:SAMPLE]}
    cmsgs: dict[tuple[str, str], list[Any]] = {c: [] for c in convs}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if '"group_msg"' in line or '"c2c"' in line:
                rec = json.loads(line)
                if rec["type"] == "group_msg" and rec["group"] in gmsgs:
                    gmsgs[rec["group"]].append((rec["time"], rec["seq"], rec["from"],
                                                rec["text"]))
                elif rec["type"] == "c2c":
                    key = (rec["from"], rec["to"])
                    for k in (key, key[::-1]):
                        if k in cmsgs:
                            cmsgs[k].append((rec["time"], rec["seq"], rec["from"],
                                             rec["text"]))
    for rows in [*gmsgs.values(), *cmsgs.values()]:
        rows.sort()
    return gmsgs, cmsgs


def history(env: dict[str, str], *args: str) -> list[dict[str, Any]]:
    out = subprocess.run(common.timctl("messages", "history", *args, "-o", "jsonl"), env=env,
                         capture_output=True, text=True, check=True).stdout
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def verify(env: dict[str, str], path: Path) -> tuple[int, list[str]]:
    gmsgs, cmsgs = expected(path, random.Random(7))
    problems: list[str] = []
    checked = 0
    for gid, want in gmsgs.items():
        got = sorted(history(env, "--group", gid), key=lambda m: m["MsgSeq"])
        seen = [(m["MsgTimeStamp"], m["From_Account"], m["MsgBody"][0]["MsgContent"]["Text"])
                for m in got if not m.get("IsSystemMsg")]
        if seen != [(t, f, x) for t, _, f, x in want]:
            problems.append(f"group {gid}: {len(seen)} messages, {len(want)} expected or "
                            "out of order")
        checked += 1
    for (a, b), want in cmsgs.items():
        got = history(env, "--user", a, "--peer", b)
        got.sort(key=lambda m: (m["MsgTimeStamp"], m["MsgSeq"]))
        seen = [(m["MsgTimeStamp"], m["From_Account"], m["MsgBody"][0]["MsgContent"]["Text"])
                for m in got]
        if seen != [(t, f, x) for t, _, f, x in want]:
            problems.append(f"conversation {a}/{b}: {len(seen)} messages, {len(want)} "
                            "expected or out of order")
        checked += 1
    return checked, problems


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=100_000)
    ap.add_argument("--file", type=Path, help="an existing history file (else generated)")
    ap.add_argument("--rate-limit", action="store_true", help="keep the documented limits")
    ap.add_argument("--rate", default="2000", help="client calls/s without --rate-limit")
    args = ap.parse_args(argv)
    with common.scratch() as work:
        path = args.file or work / "history.jsonl"
        if args.file is None:
            history_gen.main(["--records", str(args.records), "--out", str(path)])
        flags = [] if args.rate_limit else ["--no-rate-limit"]
        with common.served(work, *flags) as served:
            env = served.env
            v_s, v_code, v_rss, _, v_err = measured(
                common.timctl("import-history", "validate", str(path)), env)
            if v_code:
                print(f"history_import: validate failed ({v_code}): {v_err[-500:]}")
                return 1
            rate = [] if args.rate_limit else ["--rate", args.rate]
            r_s, r_code, r_rss, r_out, r_err = measured(common.timctl(
                *rate, "import-history", "run", str(path), "--checkpoint",
                str(work / "ckpt.db"), "-o", "json"), env)
            if r_code:
                print(f"history_import: run failed ({r_code}): {r_err[-800:]}")
                return 1
            calls = sum(int(p["Calls"]) for p in json.loads(r_out))
            checked, problems = verify(env, path)
    records = sum(1 for _ in path.open()) if args.file else args.records
    print(f"history_import: {records} records; validate {v_s:.1f} s, peak RSS {v_rss:.0f} MiB;"
          f" run {r_s:.1f} s, {calls} calls, peak RSS {r_rss:.0f} MiB; history in original "
          f"order: {checked - len(problems)}/{checked} sampled conversations"
          + (f" ({'; '.join(problems[:3])})" if problems else ""))
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())

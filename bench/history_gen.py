"""Generate a shuffled import-history JSONL file (docs/history.md) of about N records.

    python bench/history_gen.py --records 1000000 --out history.jsonl [--groups 1000] [--seed 1]

Mix: 2% users, `--groups` groups, 10% memberships (some with unread counts), the rest split
between one-to-one and group messages. Every record is valid: members join after their group's
creation, group messages come after their sender joined, and messages carry their original
`seq`, two at a time sharing a second, so same-second order is defined. The file is shuffled
through 64 bucket files (memory: about N/64 lines), so the importer must order it itself.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from pathlib import Path

T0 = 1_600_000_000  # all times well in the past
BUCKETS = 64


def records(n: int, groups: int, rng: random.Random):  # type: ignore[no-untyped-def]
    users = max(10, n // 50)
    groups = max(1, min(groups, n // 20))
    members = n // 10
    messages = max(0, n - users - groups - members)
    c2c, gmsgs = messages // 2, messages - messages // 2
    uid = [f"u{i:07d}" for i in range(users)]
    for i, user in enumerate(uid):
        yield {"type": "user", "id": user, "nick": f"User {i}"}
    per_group = max(0, min(users - 1, members // groups))
    for g in range(groups):
        gid, created = f"g{g:05d}", T0 + g * 1000
        owner = uid[g % users]
        yield {"type": "group", "id": gid, "group_type": "Public", "name": f"Group {g}",
               "owner": owner, "created": created}
        others = _sample(uid, owner, per_group, rng)
        senders = [owner, *others]
        for k, user in enumerate(others):
            rec = {"type": "member", "group": gid, "user": user, "joined": created + 1 + k}
            if k % 10 == 0:
                rec["unread"] = 3
            if k == 0:
                rec["role"] = "Admin"
            yield rec
        count = gmsgs // groups + (1 if g < gmsgs % groups else 0)
        start = created + 1 + per_group + 10
        for i in range(count):
            # two messages a second: same-second order comes from the original seq
            yield {"type": "group_msg", "group": gid, "from": rng.choice(senders),
                   "time": start + i // 2, "seq": i + 1, "text": f"{gid} message {i}"}
    pairs = max(1, min(users * 2, c2c // 10))
    for p in range(pairs):
        a, b = uid[p % users], uid[(p * 7 + 1) % users]
        if a == b:
            b = uid[(p + 1) % users]
        count = c2c // pairs + (1 if p < c2c % pairs else 0)
        start = T0 + 50_000_000 + p * 1000
        for i in range(count):
            frm, to = (a, b) if i % 3 else (b, a)
            rec = {"type": "c2c", "from": frm, "to": to, "time": start + i // 2, "seq": i + 1,
                   "text": f"{a}-{b} message {i}"}
            if i == count - 1 and p % 20 == 0:
                rec["unread"] = True
            yield rec


def _sample(uid: list[str], owner: str, k: int, rng: random.Random) -> list[str]:
    picked: set[str] = set()
    while len(picked) < k:
        user = rng.choice(uid)
        if user != owner:
            picked.add(user)
    return sorted(picked)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=100_000)
    ap.add_argument("--groups", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default="-", help="output file (- for stdout)")
    args = ap.parse_args(argv)
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="history-gen-") as tmp:
        buckets = [open(Path(tmp) / f"{i}.jsonl", "w+", encoding="utf-8")  # noqa: SIM115
                   for i in range(BUCKETS)]
        written = 0
        for rec in records(args.records, args.groups, rng):
            buckets[rng.randrange(BUCKETS)].write(json.dumps(rec, ensure_ascii=False) + "\n")
            written += 1
        out = sys.stdout if args.out == "-" else open(args.out, "w", encoding="utf-8")  # noqa: SIM115
        try:
            for fh in buckets:
                fh.seek(0)
                lines = fh.readlines()
                rng.shuffle(lines)
                out.writelines(lines)
                fh.close()
        finally:
            if out is not sys.stdout:
                out.close()
    print(f"history_gen: {written} records", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""`timctl messages broadcast` to many recipients: bench/bulk.py --task broadcast, with this
script's older flags.

    python bench/broadcast.py [--recipients 100000] [--rate-limit] [--rate 200] [--baseline]

Without --rate-limit the served emulator's limits are off and the client runs at --rate
calls/s, which measures the client rather than the pacing; with it, 100,000 recipients take
about 8.5 minutes at the documented 12,000 a minute. Prints bulk.py's one result line.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bulk  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--recipients", type=int, default=100000)
    ap.add_argument("--rate-limit", action="store_true",
                    help="keep the documented limits (slow: ~8.5 min for 100,000)")
    ap.add_argument("--rate", default="200", help="client calls/s without --rate-limit")
    ap.add_argument("--baseline", action="store_true", help="run the baseline alongside")
    args = ap.parse_args()
    argv = ["--task", "broadcast", "--items", str(args.recipients)]
    if not args.rate_limit:
        argv += ["--no-rate-limit", "--rate", args.rate]
    if args.baseline:
        argv += ["--baseline", "--parallel"]
    return bulk.main(argv)


if __name__ == "__main__":
    raise SystemExit(main())

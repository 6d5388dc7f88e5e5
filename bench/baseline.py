"""The hand-written baseline: what a user writes without timctl, a sequential loop of
requests.post with a TLSSigAPIv2 UserSig, full documented batches, a one-second pause and a
retry on 60007 (over the rate limit). Run side by side with timctl by bench/bulk.py.

    python bench/baseline.py import IDS_FILE
    python bench/baseline.py broadcast IDS_FILE
    python bench/baseline.py group-add IDS_FILE GROUP_ID

Reads TIMCTL_ENDPOINT, TIMCTL_SDKAPPID, TIMCTL_ADMIN, TIMCTL_SECRET_KEY. Prints one JSON line:
{"items", "calls", "throttled", "failed_items", "seconds"}.
"""

from __future__ import annotations

import json
import os
import random
import sys
import time

import requests
import TLSSigAPIv2


def main() -> int:
    task, ids_file = sys.argv[1], sys.argv[2]
    base = os.environ["TIMCTL_ENDPOINT"]
    sdkappid = int(os.environ["TIMCTL_SDKAPPID"])
    admin = os.environ.get("TIMCTL_ADMIN", "administrator")
    sig = TLSSigAPIv2.TLSSigAPIv2(sdkappid, os.environ["TIMCTL_SECRET_KEY"]).gen_sig(admin)
    with open(ids_file) as fh:
        ids = [line.strip() for line in fh if line.strip()]

    if task == "import":
        path, size = "im_open_login_svc/multiaccount_import", 100

        def body(chunk: list[str]) -> dict:
            return {"AccountList": [{"UserID": u} for u in chunk]}
    elif task == "broadcast":
        path, size = "openim/batchsendmsg", 500

        def body(chunk: list[str]) -> dict:
            return {"SyncOtherMachine": 2, "To_Account": chunk,
                    "MsgRandom": random.randint(0, 2**32 - 1),
                    "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "bench"}}]}
    elif task == "group-add":
        path, size, group = "group_open_http_svc/add_group_member", 20, sys.argv[3]

        def body(chunk: list[str]) -> dict:
            return {"GroupId": group, "MemberList": [{"Member_Account": u} for u in chunk]}
    else:
        raise SystemExit(f"unknown task {task!r}")

    calls = throttled = failed = 0
    started = time.perf_counter()
    for i in range(0, len(ids), size):
        chunk = ids[i:i + size]
        while True:
            url = (f"{base}/v4/{path}?sdkappid={sdkappid}&identifier={admin}&usersig={sig}"
                   f"&random={random.randint(0, 2**32 - 1)}&contenttype=json")
            doc = requests.post(url, json=body(chunk), timeout=10).json()
            calls += 1
            if doc.get("ErrorCode") == 60007:
                throttled += 1
                time.sleep(1)
                continue
            if doc.get("ErrorCode") != 0:
                failed += len(chunk)
            break
    print(json.dumps({"items": len(ids), "calls": calls, "throttled": throttled,
                      "failed_items": failed,
                      "seconds": round(time.perf_counter() - started, 2)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

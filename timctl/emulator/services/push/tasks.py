"""SQL of push tasks and the audience each one resolved. Every function takes the request's
connection first."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Reach:
    """How a recipient was reachable at push time."""

    channel: str  # online | push | "" (no login)
    devices: tuple[tuple[str, str], ...] = ()  # (platform, status)

    @property
    def online(self) -> bool:
        return self.channel == "online"


@dataclass(frozen=True)
class Task:
    task_id: str
    api: str
    msg_random: int | None
    created_at: float
    from_account: str
    audience: str
    condition: dict[str, Any] | None
    request: dict[str, Any]
    sched_task: int | None
    revoked_at: float | None


_COLUMNS = ("task_id, api, msg_random, created_at, from_account, audience, condition, request,"
            " sched_task, revoked_at")


def _task(row: tuple[Any, ...]) -> Task:
    return Task(row[0], row[1], row[2], float(row[3]), row[4], row[5],
                None if row[6] is None else json.loads(row[6]), json.loads(row[7]), row[8],
                None if row[9] is None else float(row[9]))


def next_seq(db: sqlite3.Connection) -> int:
    row = db.execute("SELECT seq FROM sqlite_sequence WHERE name = 'push_tasks'").fetchone()
    return (int(row[0]) if row else 0) + 1


def add(db: sqlite3.Connection, sdkappid: int, task_id: str, api: str, *, counted: bool,
        msg_random: int | None, now: float, from_account: str, audience: str,
        condition: Mapping[str, Any] | None, request: Mapping[str, Any],
        recipients: Mapping[str, Reach], sched_task: int | None = None) -> None:
    db.execute("INSERT INTO push_tasks (sdkappid, task_id, api, counted, msg_random, created_at,"
               " from_account, audience, condition, request, sched_task)"
               " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
               (sdkappid, task_id, api, int(counted), msg_random, now, from_account, audience,
                None if condition is None else json.dumps(condition, ensure_ascii=False),
                json.dumps(request, ensure_ascii=False), sched_task))
    db.executemany("INSERT INTO push_recipients (sdkappid, task_id, user_id, online, channel,"
                   " devices) VALUES (?, ?, ?, ?, ?, ?)",
                   [(sdkappid, task_id, u, int(r.online), r.channel,
                     json.dumps([list(d) for d in r.devices])) for u, r in recipients.items()])


def by_random(db: sqlite3.Connection, sdkappid: int, apis: Iterable[str], msg_random: int,
              since: float) -> Task | None:
    wanted = list(apis)
    row = db.execute(
        f"SELECT {_COLUMNS} FROM push_tasks WHERE sdkappid = ? AND msg_random = ? AND"
        f" created_at > ? AND api IN ({','.join('?' * len(wanted))})"
        " ORDER BY seq DESC LIMIT 1", (sdkappid, msg_random, since, *wanted)).fetchone()
    return None if row is None else _task(row)


def find(db: sqlite3.Connection, sdkappid: int, task_id: str) -> Task | None:
    row = db.execute(f"SELECT {_COLUMNS} FROM push_tasks WHERE sdkappid = ? AND task_id = ?",
                     (sdkappid, task_id)).fetchone()
    return None if row is None else _task(row)


def all_tasks(db: sqlite3.Connection, sdkappid: int) -> list[Task]:
    return [_task(r) for r in db.execute(
        f"SELECT {_COLUMNS} FROM push_tasks WHERE sdkappid = ? ORDER BY seq", (sdkappid,))]


def last_counted(db: sqlite3.Connection, sdkappid: int) -> float | None:
    row = db.execute("SELECT MAX(created_at) FROM push_tasks WHERE sdkappid = ? AND counted = 1",
                     (sdkappid,)).fetchone()
    return None if row is None or row[0] is None else float(row[0])


def counted_since(db: sqlite3.Connection, sdkappid: int, since: float) -> int:
    row = db.execute("SELECT COUNT(*) FROM push_tasks WHERE sdkappid = ? AND counted = 1 AND"
                     " created_at >= ?", (sdkappid, since)).fetchone()
    return int(row[0])


def recipients(db: sqlite3.Connection, sdkappid: int, task_id: str) -> dict[str, Reach]:
    """user -> how they were reachable when pushed, in user order."""
    return {r[0]: Reach(r[1], tuple((p, s) for p, s in json.loads(r[2]))) for r in db.execute(
        "SELECT user_id, channel, devices FROM push_recipients WHERE sdkappid = ? AND"
        " task_id = ? ORDER BY user_id", (sdkappid, task_id))}


def revoke(db: sqlite3.Connection, sdkappid: int, task_id: str, now: float) -> None:
    db.execute("UPDATE push_tasks SET revoked_at = ? WHERE sdkappid = ? AND task_id = ?",
               (now, sdkappid, task_id))


def last_revoke(db: sqlite3.Connection, sdkappid: int) -> float | None:
    row = db.execute("SELECT MAX(revoked_at) FROM push_tasks WHERE sdkappid = ?",
                     (sdkappid,)).fetchone()
    return None if row is None or row[0] is None else float(row[0])

"""SQL of the push audience: attribute slot names, users' attribute values and tags, and the
set of users a condition selects. Every function takes the request's connection first."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence

_CHUNK = 500  # bound on SQL variables per statement


def _chunks(items: Sequence[str]) -> Iterator[Sequence[str]]:
    for i in range(0, len(items), _CHUNK):
        yield items[i:i + _CHUNK]


# --- attribute names ------------------------------------------------------------------------

def attr_names(db: sqlite3.Connection, sdkappid: int) -> dict[int, tuple[str, int | None]]:
    """slot -> (name, account type or None)."""
    return {r[0]: (r[1], r[2]) for r in db.execute(
        "SELECT slot, name, account_type FROM push_attr_names WHERE sdkappid = ? ORDER BY slot",
        (sdkappid,))}


def slot_of(db: sqlite3.Connection, sdkappid: int) -> dict[str, int]:
    """name -> slot."""
    return {name: slot for slot, (name, _) in attr_names(db, sdkappid).items()}


def set_attr_name(db: sqlite3.Connection, sdkappid: int, slot: int, name: str,
                  account_type: int | None) -> None:
    db.execute("INSERT INTO push_attr_names (sdkappid, slot, name, account_type)"
               " VALUES (?, ?, ?, ?) ON CONFLICT (sdkappid, slot) DO UPDATE SET"
               " name = excluded.name,"
               " account_type = COALESCE(push_attr_names.account_type, excluded.account_type)",
               (sdkappid, slot, name, account_type))


# --- attribute values ----------------------------------------------------------------------

def attrs_of(db: sqlite3.Connection, sdkappid: int,
             user_ids: Sequence[str]) -> dict[str, dict[int, str]]:
    """user -> {slot: value} for users with any value."""
    out: dict[str, dict[int, str]] = {}
    for chunk in _chunks(list(dict.fromkeys(user_ids))):
        for user, slot, value in db.execute(
                "SELECT user_id, slot, value FROM push_attrs WHERE sdkappid = ? AND user_id IN"
                f" ({','.join('?' * len(chunk))}) ORDER BY slot", (sdkappid, *chunk)):
            out.setdefault(user, {})[slot] = value
    return out


def set_attrs(db: sqlite3.Connection, sdkappid: int, user_id: str,
              values: Mapping[int, str]) -> None:
    db.executemany("INSERT OR REPLACE INTO push_attrs (sdkappid, user_id, slot, value)"
                   " VALUES (?, ?, ?, ?)",
                   [(sdkappid, user_id, slot, v) for slot, v in values.items()])


def remove_attrs(db: sqlite3.Connection, sdkappid: int, user_id: str,
                 slots: Iterable[int]) -> None:
    db.executemany("DELETE FROM push_attrs WHERE sdkappid = ? AND user_id = ? AND slot = ?",
                   [(sdkappid, user_id, s) for s in slots])


# --- tags ------------------------------------------------------------------------------------

def tags_of(db: sqlite3.Connection, sdkappid: int,
            user_ids: Sequence[str]) -> dict[str, list[str]]:
    """user -> tags in the order they were added."""
    out: dict[str, list[str]] = {}
    for chunk in _chunks(list(dict.fromkeys(user_ids))):
        for user, tag in db.execute(
                "SELECT user_id, tag FROM push_tags WHERE sdkappid = ? AND user_id IN"
                f" ({','.join('?' * len(chunk))}) ORDER BY added_at, tag",
                (sdkappid, *chunk)):
            out.setdefault(user, []).append(tag)
    return out


def add_tags(db: sqlite3.Connection, sdkappid: int, user_id: str, tags: Iterable[str],
             now: float) -> None:
    db.executemany("INSERT OR IGNORE INTO push_tags (sdkappid, user_id, tag, added_at)"
                   " VALUES (?, ?, ?, ?)", [(sdkappid, user_id, t, now) for t in tags])


def remove_tags(db: sqlite3.Connection, sdkappid: int, user_id: str,
                tags: Iterable[str] | None = None) -> None:
    """Remove the given tags, or every tag of the user (None)."""
    if tags is None:
        db.execute("DELETE FROM push_tags WHERE sdkappid = ? AND user_id = ?",
                   (sdkappid, user_id))
        return
    db.executemany("DELETE FROM push_tags WHERE sdkappid = ? AND user_id = ? AND tag = ?",
                   [(sdkappid, user_id, t) for t in tags])


def distinct_tags(db: sqlite3.Connection, sdkappid: int) -> set[str]:
    return {r[0] for r in db.execute("SELECT DISTINCT tag FROM push_tags WHERE sdkappid = ?",
                                     (sdkappid,))}


# --- audience --------------------------------------------------------------------------------

def _select(db: sqlite3.Connection, sql: str, args: Sequence[object]) -> set[str]:
    return {r[0] for r in db.execute(sql, args)}


def imported(db: sqlite3.Connection, sdkappid: int) -> list[str]:
    """Every imported account, in import order: only they receive pushes (1047/37165)."""
    return [r[0] for r in db.execute(
        "SELECT user_id FROM accounts WHERE sdkappid = ? ORDER BY id", (sdkappid,))]


def with_tags(db: sqlite3.Connection, sdkappid: int, tags: Sequence[str],
              every: bool) -> set[str]:
    """Users holding every tag (every=True) or any of them."""
    marks = ",".join("?" * len(tags))
    having = f" HAVING COUNT(DISTINCT tag) = {len(set(tags))}" if every else ""
    return _select(db, f"SELECT user_id FROM push_tags WHERE sdkappid = ? AND tag IN ({marks})"
                       f" GROUP BY user_id{having}", (sdkappid, *tags))


def with_attrs(db: sqlite3.Connection, sdkappid: int, pairs: Mapping[int, str],
               every: bool) -> set[str]:
    """Users whose slot values match every pair (every=True) or any of them."""
    sets = [_select(db, "SELECT user_id FROM push_attrs WHERE sdkappid = ? AND slot = ? AND"
                        " value = ?", (sdkappid, slot, value)) for slot, value in pairs.items()]
    if not sets:
        return set()
    return set.intersection(*sets) if every else set.union(*sets)


def on_account_deleted(db: sqlite3.Connection, sdkappid: int, user_id: str) -> None:
    for table in ("push_attrs", "push_tags"):
        db.execute(f"DELETE FROM {table} WHERE sdkappid = ? AND user_id = ?",
                   (sdkappid, user_id))

"""The on-disk index of a history file: every record in SQLite, checked across records, and
read back in the order the import needs, so memory stays flat however large the file is.

    index = Index(path)              # a checkpoint file, or a temporary one
    for problem in index.build(lines, now): ...   # (line, reason) of every bad record
    index.users() / groups() / members() / c2c() / group_ids() / group_msgs(gid) / unread()

Each table keeps a record's line number, the keys the checks and the order need, and the
line's text (re-parsed when its request is built). `bad` holds the reason a record cannot be
imported; `done` marks what an import finished (the checkpoint).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from typing import Any

from timctl.history.records import Bad, conversation, derived_u32, message_body, parse_line

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS bad (line INTEGER PRIMARY KEY, reason TEXT, raw TEXT);
CREATE TABLE IF NOT EXISTS users (line INTEGER PRIMARY KEY, id TEXT, profile INTEGER,
    raw TEXT, bad TEXT, done INTEGER DEFAULT 0, profile_done INTEGER DEFAULT 0);
CREATE TABLE IF NOT EXISTS groups (line INTEGER PRIMARY KEY, id TEXT, gtype TEXT, owner TEXT,
    created INTEGER, raw TEXT, bad TEXT, done INTEGER DEFAULT 0);
CREATE TABLE IF NOT EXISTS members (line INTEGER PRIMARY KEY, grp TEXT, usr TEXT, role TEXT,
    joined INTEGER, unread INTEGER, raw TEXT, bad TEXT, done INTEGER DEFAULT 0,
    unread_done INTEGER DEFAULT 0);
CREATE TABLE IF NOT EXISTS c2c (line INTEGER PRIMARY KEY, conv TEXT, time INTEGER,
    seq INTEGER, random INTEGER, chash INTEGER, raw TEXT, bad TEXT, done INTEGER DEFAULT 0);
CREATE TABLE IF NOT EXISTS gmsg (line INTEGER PRIMARY KEY, grp TEXT, frm TEXT, time INTEGER,
    seq INTEGER, random INTEGER, chash INTEGER, raw TEXT, bad TEXT);
CREATE TABLE IF NOT EXISTS gdone (grp TEXT PRIMARY KEY, last_line INTEGER, finished INTEGER);
-- progress of the running import, appended (an UPDATE per record would rewrite pages all
-- over the big tables, and a WAL cannot be checkpointed under the streaming reads);
-- folded into the tables' done columns when the next run starts
CREATE TABLE IF NOT EXISTS marks (tbl TEXT, col TEXT, line INTEGER);
"""
INDEXES = """
CREATE INDEX IF NOT EXISTS users_id ON users (id, line);
CREATE INDEX IF NOT EXISTS groups_id ON groups (id, line);
CREATE INDEX IF NOT EXISTS members_key ON members (grp, usr, line);
CREATE INDEX IF NOT EXISTS c2c_order ON c2c (time, seq, line);
CREATE INDEX IF NOT EXISTS gmsg_order ON gmsg (grp, time, seq, line);
"""
BATCH = 5000  # rows per INSERT batch and per commit
PAGE = 500  # rows read at a time


class Index:
    def __init__(self, path: str) -> None:
        self.path = path
        self.lock = threading.RLock()  # one connection, shared by the import's threads
        self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("PRAGMA cache_size=-4000")  # 4 MB: flat memory, sorts spill to disk
        self.db.execute("PRAGMA temp_store=FILE")
        self.db.executescript(SCHEMA)

    def close(self) -> None:
        self.db.close()

    # ------------------------------------------------------------------ meta

    def meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: Any) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, str(value)))

    @property
    def built(self) -> bool:
        return self.meta("built") == "1"

    # ------------------------------------------------------------------ building

    def build(self, lines: Iterable[tuple[int, str]], now: int) -> str:
        """Index every line (number, text); returns the input's SHA-256. Problems are read
        with problems() afterwards."""
        digest = hashlib.sha256()
        rows: dict[str, list[tuple[Any, ...]]] = {k: [] for k in _INSERT}
        self.db.execute("BEGIN")
        for number, text in lines:
            digest.update(text.encode("utf-8", "surrogateescape") + b"\n")
            stripped = text.strip()
            if not stripped or stripped.startswith("#"):
                continue
            try:
                stripped.encode("utf-8")
            except UnicodeEncodeError as exc:  # undecodable bytes, kept as surrogates
                reason = f"not UTF-8 text (column {exc.start + 1})"
                rows["bad"].append((number, reason, text.encode(
                    "utf-8", "surrogateescape").decode("utf-8", "replace")))
                continue
            try:
                rec = parse_line(stripped, now)
            except Bad as exc:
                rows["bad"].append((number, str(exc), text))
            else:
                rows[rec["type"]].append(_row(number, rec, stripped))
            if sum(len(r) for r in rows.values()) >= BATCH:
                self._flush(rows)
        self._flush(rows)
        self.db.execute("COMMIT")
        self.db.executescript(INDEXES)
        self._derive()
        self._check()
        self.set_meta("sha256", digest.hexdigest())
        self.set_meta("built", 1)
        return digest.hexdigest()

    def _flush(self, rows: dict[str, list[tuple[Any, ...]]]) -> None:
        for kind, batch in rows.items():
            if batch:
                self.db.executemany(_INSERT[kind], batch)
                batch.clear()
        self.db.execute("COMMIT")
        self.db.execute("BEGIN")

    def _derive(self) -> None:
        """Duplicate keys the records leave out, the same on every run of the same file:
        a c2c message's MsgSeq is its position among the conversation's messages of that
        second (file order); MsgRandom/Random come from the content and its occurrence."""
        self.db.create_function("u32", 2, lambda h, n: derived_u32(h, n), deterministic=True)
        self.db.executescript("""
        BEGIN;
        UPDATE c2c SET seq = d.n FROM (SELECT line AS l, ROW_NUMBER() OVER (
            PARTITION BY conv, time ORDER BY line) AS n FROM c2c WHERE seq IS NULL) AS d
            WHERE d.l = c2c.line;
        UPDATE c2c SET random = u32(chash, d.n) FROM (SELECT line AS l, ROW_NUMBER() OVER (
            PARTITION BY chash ORDER BY line) AS n FROM c2c WHERE random IS NULL) AS d
            WHERE d.l = c2c.line;
        UPDATE gmsg SET random = u32(chash, d.n) FROM (SELECT line AS l, ROW_NUMBER() OVER (
            PARTITION BY chash ORDER BY line) AS n FROM gmsg WHERE random IS NULL) AS d
            WHERE d.l = gmsg.line;
        COMMIT;
        """)

    def _check(self) -> None:
        """The rules across records; the first reason found for a record is kept."""
        self.db.execute("BEGIN")
        for table, sql in _CHECKS:
            self.db.execute(f"UPDATE {table} SET bad = p.reason FROM ({sql}) AS p "
                            f"WHERE p.line = {table}.line AND {table}.bad IS NULL")
        self.db.execute("COMMIT")

    def problems(self) -> Iterator[tuple[int, str]]:
        """(line, reason) of every bad record, in file order."""
        yield from self.db.execute(
            "SELECT line, reason FROM bad UNION ALL "
            + " UNION ALL ".join(f"SELECT line, bad FROM {t} WHERE bad IS NOT NULL"
                                 for t in ("users", "groups", "members", "c2c", "gmsg"))
            + " ORDER BY line")

    def bad_lines(self) -> Iterator[tuple[int, str, str]]:
        """(line, reason, raw) of every bad record, for the failures file."""
        yield from self.db.execute(
            "SELECT line, reason, raw FROM bad UNION ALL "
            + " UNION ALL ".join(f"SELECT line, bad, raw FROM {t} WHERE bad IS NOT NULL"
                                 for t in ("users", "groups", "members", "c2c", "gmsg"))
            + " ORDER BY line")

    def counts(self) -> dict[str, int]:
        out = {}
        for kind, table in TABLES.items():
            out[kind] = self.db.execute(
                f"SELECT COUNT(*) FROM {table} WHERE bad IS NULL").fetchone()[0]
        return out

    # ------------------------------------------------------------------ reading in order

    def users(self, pending: bool = True) -> Iterator[tuple[int, str]]:
        yield from self._rows("SELECT line, raw FROM users WHERE bad IS NULL"
                              + (" AND done = 0" if pending else "") + " ORDER BY line")

    def profiles(self) -> Iterator[tuple[int, str]]:
        yield from self._rows("SELECT line, raw FROM users WHERE bad IS NULL AND profile = 1 "
                              "AND profile_done = 0 ORDER BY line")

    def groups(self) -> Iterator[tuple[int, str]]:
        yield from self._rows("SELECT line, raw FROM groups WHERE bad IS NULL AND done = 0"
                              " ORDER BY line")

    def member_groups(self) -> list[str]:
        """Groups with members still to import."""
        with self.lock:
            return [r[0] for r in self.db.execute(
                "SELECT DISTINCT grp FROM members WHERE bad IS NULL AND done = 0 AND "
                "role IS NOT 'Owner' ORDER BY grp")]

    def members(self, grp: str | None = None) -> Iterator[tuple[int, str]]:
        """Pending members of one group (one import_group_member call holds one group), or
        of all groups (the owner joins with its group: nothing to import)."""
        where = "" if grp is None else " AND grp = ?"
        yield from self._rows("SELECT line, raw FROM members WHERE bad IS NULL AND done = 0"
                              " AND role IS NOT 'Owner'" + where + " ORDER BY grp, line",
                              () if grp is None else (grp,))

    def c2c(self) -> Iterator[tuple[int, str, int, int]]:
        """Pending one-to-one messages in time order, then MsgSeq: (line, raw, seq, random)."""
        yield from self._rows("SELECT line, raw, seq, random FROM c2c WHERE bad IS NULL AND "
                              "done = 0 ORDER BY time, seq, line")

    def group_ids(self) -> list[str]:
        """Groups with messages still to import (a list: a few thousand short strings)."""
        with self.lock:
            return [r[0] for r in self.db.execute(
                "SELECT DISTINCT grp FROM gmsg WHERE bad IS NULL AND grp NOT IN "
                "(SELECT grp FROM gdone WHERE finished = 1) ORDER BY grp")]

    def done_count(self, table: str, column: str = "done") -> int:
        """Records an earlier run finished (group messages: of the groups it finished)."""
        if table == "gmsg":
            sql = ("SELECT COUNT(*) FROM gmsg WHERE bad IS NULL AND grp IN "
                   "(SELECT grp FROM gdone WHERE finished = 1)")
        else:
            sql = f"SELECT COUNT(*) FROM {table} WHERE bad IS NULL AND {column} = 1"
        with self.lock:
            return int(self.db.execute(sql).fetchone()[0])

    def group_count(self, grp: str) -> int:
        with self.lock:
            return int(self.db.execute("SELECT COUNT(*) FROM gmsg WHERE bad IS NULL AND "
                                       "grp = ?", (grp,)).fetchone()[0])

    def group_msgs(self, grp: str, after: int = 0) -> Iterator[tuple[int, str, int]]:
        """A group's messages in time order (then original seq, then line), from position
        `after` on (0-based): (line, raw, random)."""
        yield from self._rows("SELECT line, raw, random FROM gmsg WHERE bad IS NULL AND "
                              "grp = ? ORDER BY time, seq, line LIMIT -1 OFFSET ?", (grp, after))

    def position_of(self, grp: str, time: int, frm: str, random: int) -> int | None:
        """The 0-based position, in import order, of the last of a group's messages with this
        time, sender and Random; None when there is none."""
        with self.lock:
            rows = self.db.execute(
                "SELECT n FROM (SELECT ROW_NUMBER() OVER (ORDER BY time, seq, line) - 1 AS n,"
                " time, frm, random FROM gmsg WHERE bad IS NULL AND grp = ?) "
                "WHERE time = ? AND frm = ? AND random = ? ORDER BY n DESC LIMIT 1",
                (grp, time, frm, random)).fetchone()
        return None if rows is None else int(rows[0])

    def unread(self) -> Iterator[tuple[int, str]]:
        yield from self._rows("SELECT line, raw FROM members WHERE bad IS NULL AND unread IS "
                              "NOT NULL AND unread_done = 0 ORDER BY grp, line")

    def _rows(self, sql: str, args: tuple[Any, ...] = ()) -> Iterator[Any]:
        # a cursor of its own, read a page at a time under the lock: rows stream from disk
        # while other threads read their groups and mark progress
        with self.lock:
            cur = self.db.cursor()
            cur.execute(sql, args)
        try:
            while True:
                with self.lock:
                    page = cur.fetchmany(PAGE)
                if not page:
                    return
                yield from page
        finally:  # a reader left part-way may be collected after the index was closed
            with self.lock, contextlib.suppress(sqlite3.ProgrammingError):
                cur.close()

    def raw(self, table: str, line: int) -> str:
        return str(self.db.execute(f"SELECT raw FROM {table} WHERE line = ?",
                                   (line,)).fetchone()[0])

    # ------------------------------------------------------------------ progress

    def mark(self, table: str, lines: Iterable[int], column: str = "done") -> None:
        with self.lock:
            self.db.execute("BEGIN")
            self.db.executemany("INSERT INTO marks VALUES (?, ?, ?)",
                                ((table, column, n) for n in lines))
            self.db.execute("COMMIT")

    def fold_marks(self) -> None:
        """What an earlier run finished, into the done columns (before any read)."""
        with self.lock:
            kinds = self.db.execute("SELECT DISTINCT tbl, col FROM marks").fetchall()
            self.db.execute("BEGIN")
            for table, column in kinds:
                if table in TABLES.values() and column in ("done", "profile_done",
                                                           "unread_done"):
                    self.db.execute(f"UPDATE {table} SET {column} = 1 WHERE line IN "
                                    "(SELECT line FROM marks WHERE tbl = ? AND col = ?)",
                                    (table, column))
            self.db.execute("DELETE FROM marks")
            self.db.execute("COMMIT")

    def group_finished(self, grp: str) -> None:
        with self.lock:
            self.db.execute("INSERT OR REPLACE INTO gdone VALUES (?, 0, 1)", (grp,))


TABLES = {"user": "users", "group": "groups", "member": "members", "c2c": "c2c",
          "group_msg": "gmsg"}
_INSERT = {
    "bad": "INSERT INTO bad VALUES (?, ?, ?)",
    "user": "INSERT INTO users (line, id, profile, raw) VALUES (?, ?, ?, ?)",
    "group": "INSERT INTO groups (line, id, gtype, owner, created, raw) VALUES (?,?,?,?,?,?)",
    "member": "INSERT INTO members (line, grp, usr, role, joined, unread, raw)"
              " VALUES (?,?,?,?,?,?,?)",
    "c2c": "INSERT INTO c2c (line, conv, time, seq, random, chash, raw) VALUES (?,?,?,?,?,?,?)",
    "group_msg": "INSERT INTO gmsg (line, grp, frm, time, seq, random, chash, raw)"
                 " VALUES (?,?,?,?,?,?,?,?)",
}


def _chash(*parts: Any) -> int:
    text = json.dumps(parts, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big", signed=True)


def _row(line: int, rec: dict[str, Any], raw: str) -> tuple[Any, ...]:
    kind = rec["type"]
    if kind == "user":
        return (line, rec["id"], int("nick" in rec or "face_url" in rec), raw)
    if kind == "group":
        return (line, rec["id"], rec["group_type"], rec.get("owner"), rec["created"], raw)
    if kind == "member":
        return (line, rec["group"], rec["user"], rec.get("role", "Member"), rec["joined"],
                rec.get("unread"), raw)
    body = message_body(rec)
    if kind == "c2c":
        conv = conversation(rec)
        return (line, conv, rec["time"], rec.get("seq"), rec.get("random"),
                _chash(rec["from"], rec["to"], rec["time"], body,
                       rec.get("cloud_custom_data")), raw)
    return (line, rec["group"], rec["from"], rec["time"], rec.get("seq"), rec.get("random"),
            _chash(rec["group"], rec["from"], rec["time"], body), raw)


# (table, query of (line, reason)) - checks across records, in the order they apply.
_FIRST_GROUP = ("(SELECT id, MIN(line) AS gline FROM groups GROUP BY id)")
_CHECKS: list[tuple[str, str]] = [
    ("users", "SELECT u.line, 'user ' || quote(u.id) || ' already given at line ' || "
              "MIN(p.line) AS reason FROM users u JOIN users p ON p.id = u.id AND "
              "p.line < u.line GROUP BY u.line"),
    ("groups", "SELECT g.line, 'group ' || quote(g.id) || ' already given at line ' || "
               "MIN(p.line) AS reason FROM groups g JOIN groups p ON p.id = g.id AND "
               "p.line < g.line GROUP BY g.line"),
    ("members", "SELECT m.line, 'member ' || quote(m.usr) || ' of ' || quote(m.grp) || "
                "' already given at line ' || MIN(p.line) AS reason FROM members m JOIN "
                "members p ON p.grp = m.grp AND p.usr = m.usr AND p.line < m.line "
                "GROUP BY m.line"),
    # a record naming a group: the group's (first) record must exist and be good
    ("members", "SELECT m.line, 'no valid group record for ' || quote(m.grp) AS reason FROM "
                "members m WHERE m.grp NOT IN (SELECT id FROM groups)"),
    ("gmsg", "SELECT m.line, 'no valid group record for ' || quote(m.grp) AS reason FROM "
             "gmsg m WHERE m.grp NOT IN (SELECT id FROM groups)"),
    ("members", "SELECT m.line, 'group ' || quote(m.grp) || ' (line ' || g.line || ') is bad: "
                "its members are skipped' AS reason FROM members m JOIN groups g ON "
                f"g.id = m.grp JOIN {_FIRST_GROUP} f ON f.gline = g.line WHERE g.bad IS NOT "
                "NULL"),
    ("gmsg", "SELECT m.line, 'group ' || quote(m.grp) || ' (line ' || g.line || ') is bad: "
             "its messages are skipped' AS reason FROM gmsg m JOIN groups g ON g.id = m.grp "
             f"JOIN {_FIRST_GROUP} f ON f.gline = g.line WHERE g.bad IS NOT NULL"),
    # import_group_member: JoinTime after the group's CreateTime (1047/34969)
    ("members", "SELECT m.line, 'joined ' || m.joined || ' is not after the creation of ' || "
                "quote(m.grp) || ' (' || g.created || ', line ' || g.line || ')' "
                f"AS reason FROM members m JOIN groups g ON g.id = m.grp JOIN {_FIRST_GROUP} "
                "f ON f.gline = g.line WHERE m.joined <= g.created"),
    ("members", "SELECT m.line, 'role Owner, but the owner of ' || quote(m.grp) || ' is ' || "
                "IFNULL(quote(g.owner), 'not given') || ' (line ' || g.line || ')' AS reason "
                f"FROM members m JOIN groups g ON g.id = m.grp JOIN {_FIRST_GROUP} f ON "
                "f.gline = g.line WHERE m.role = 'Owner' AND m.usr IS NOT g.owner"),
    ("members", "SELECT m.line, 'role Admin: Private groups have no admins' AS reason FROM "
                f"members m JOIN groups g ON g.id = m.grp JOIN {_FIRST_GROUP} f ON "
                "f.gline = g.line WHERE m.role = 'Admin' AND g.gtype = 'Private'"),
    # import_group_msg: SendTime after the group's creation (1047/34968)
    ("gmsg", "SELECT m.line, 'time ' || m.time || ' is not after the creation of ' || "
             "quote(m.grp) || ' (' || g.created || ', line ' || g.line || ')' AS reason "
             f"FROM gmsg m JOIN groups g ON g.id = m.grp JOIN {_FIRST_GROUP} f ON f.gline = g.line "
             "WHERE m.time <= g.created"),
    ("gmsg", "SELECT m.line, 'time ' || m.time || ' is before ' || quote(m.frm) || "
             "' joined ' || quote(m.grp) || ' at ' || b.joined || ' (line ' || b.line || ')' "
             "AS reason FROM gmsg m JOIN members b ON b.grp = m.grp AND b.usr = m.frm "
             "WHERE m.time < b.joined AND b.line = (SELECT MIN(line) FROM members x WHERE "
             "x.grp = m.grp AND x.usr = m.frm)"),
    # per-group ordering: an original seq once per group, never earlier in time than a
    # smaller one
    ("gmsg", "SELECT m.line, 'seq ' || m.seq || ' already given in ' || quote(m.grp) || "
             "' at line ' || MIN(p.line) AS reason FROM gmsg m JOIN gmsg p ON p.grp = m.grp "
             "AND p.seq = m.seq AND p.line < m.line GROUP BY m.line"),
    ("gmsg", "SELECT line, 'seq ' || seq || ' in ' || quote(grp) || ' has time ' || time || "
             "', earlier than seq ' || pseq || ' (line ' || pline || ', time ' || ptime || ')'"
             " AS reason FROM (SELECT line, grp, seq, time, LAG(time) OVER w AS ptime, "
             "LAG(seq) OVER w AS pseq, LAG(line) OVER w AS pline FROM gmsg WHERE seq IS NOT "
             "NULL WINDOW w AS (PARTITION BY grp ORDER BY seq, line)) WHERE time < ptime"),
    ("c2c", "SELECT m.line, 'same seq, random and time as line ' || MIN(p.line) || ' in this "
            "conversation: the server keeps only the first' AS reason FROM c2c m JOIN c2c p "
            "ON p.conv = m.conv AND p.time = m.time AND p.seq = m.seq AND p.random = m.random "
            "AND p.line < m.line GROUP BY m.line"),
]

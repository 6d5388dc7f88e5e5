"""Numbered migrations and the schema of one table owner (the core, or one service).

Each owner keeps its own version in the `meta` table (key `schema:<owner>`). Migration N
brings the owner from version N-1 to N; the store runs the missing ones in order, each in
its own transaction. Never edit a released migration: add the next number.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass

META_PREFIX = "schema:"


@dataclass(frozen=True)
class Migration:
    version: int
    # SQL statements (`;`-separated), or a function given the connection inside the
    # migration's transaction (for data moves SQL alone cannot express).
    apply: str | Callable[[sqlite3.Connection], None]
    note: str = ""

    def run(self, db: sqlite3.Connection) -> None:
        if callable(self.apply):
            self.apply(db)
            return
        for statement in statements(self.apply):
            db.execute(statement)


@dataclass(frozen=True)
class Schema:
    owner: str
    migrations: tuple[Migration, ...] = ()
    keep_on_reset: frozenset[str] = frozenset()  # tables whose rows survive a reset

    def __post_init__(self) -> None:
        if not self.owner.isidentifier():
            raise ValueError(f"schema owner must be an identifier: {self.owner!r}")
        numbers = [m.version for m in self.migrations]
        if numbers != list(range(1, len(numbers) + 1)):
            raise ValueError(f"{self.owner}: migrations must be numbered 1..n in order, "
                             f"got {numbers}")

    @property
    def version(self) -> int:
        return len(self.migrations)

    @property
    def meta_key(self) -> str:
        return META_PREFIX + self.owner


def statements(script: str) -> Iterator[str]:
    """The complete statements of a script, one by one. `executescript` would commit the
    open transaction first, so migrations run their statements with `execute`."""
    buffer = ""
    for piece in script.split(";"):
        buffer += piece + ";"
        if sqlite3.complete_statement(buffer):
            if buffer.strip(" \t\r\n;"):
                yield buffer.strip()
            buffer = ""
    if buffer.strip(" \t\r\n;"):
        raise ValueError(f"incomplete SQL statement: {buffer.strip()[:60]!r}")

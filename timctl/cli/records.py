"""Streamed bulk input: arguments, `-f FILE` or `-` (stdin), as plain IDs (one per line), CSV
with a header, or JSONL objects; detected from the first meaningful line, or forced.

Records come one at a time, so memory does not grow with the input. A line that cannot be
read is yielded as a `BadLine` (`source:line: reason`) and the rest goes on. Each record keeps
its original text, so failed items can be written back out in the input's own format.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from timctl.cli.inputs import BOM, user_id_problem
from timctl.errors import UsageError

FORMATS = ("ids", "csv", "jsonl")


@dataclass(frozen=True)
class Record:
    source: str
    line: int
    key: str  # the item's ID (UserID, ...)
    fields: dict[str, Any] = field(default_factory=dict)
    raw: str = ""  # the line as read, for the failures file

    @property
    def where(self) -> str:
        return f"{self.source}:{self.line}"


@dataclass(frozen=True)
class BadLine:
    source: str
    line: int
    reason: str
    raw: str = ""

    @property
    def where(self) -> str:
        return f"{self.source}:{self.line}"


Item = Record | BadLine
# Checks a record's fields beyond its ID; returns why it is unusable, or None.
Validator = Callable[[dict[str, Any]], str | None]


def decode_line(raw: bytes) -> tuple[str, str | None]:
    """The line as text, or ("", why it is not UTF-8): the one wording of a binary line."""
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        return "", f"not UTF-8 text (byte {raw[exc.start]:#04x} at column {exc.start + 1})"


@dataclass
class Reader:
    """Reads records keyed by `key` (e.g. "UserID") and tells the format it detected."""

    key: str = "UserID"
    fmt: str | None = None  # forced format, else detected per source
    validate: Validator | None = None
    header: list[str] | None = None  # the CSV header seen, for the failures file
    detected: str | None = None

    def read(self, args: Iterable[str], files: Iterable[str] = (),
             stdin: IO[bytes] | None = None) -> Iterator[Item]:
        """Records from `files` (`-` is stdin), then from arguments (`-` among them also
        reads stdin)."""
        for path in files:
            yield from self._source(path, stdin)
        for position, arg in enumerate(args, start=1):
            if arg == "-":
                yield from self._source("-", stdin)
            else:
                key = arg.removeprefix(BOM)
                yield self._record("argument", position, key, {self.key: key}, arg)

    def _source(self, path: str, stdin: IO[bytes] | None) -> Iterator[Item]:
        if path == "-":
            import sys

            yield from self._lines("-", stdin if stdin is not None else sys.stdin.buffer)
            return
        try:
            fh = open(path, "rb")  # noqa: SIM115 - closed below, after the generator is done
        except OSError as exc:
            raise UsageError(f"{path}: {exc.strerror}") from None
        with fh:
            yield from self._lines(path, fh)

    def _lines(self, source: str, stream: IO[bytes]) -> Iterator[Item]:
        fmt = self.fmt
        header: list[str] | None = None
        for number, raw_bytes in enumerate(stream, start=1):
            text, problem = decode_line(raw_bytes)
            if problem:
                yield BadLine(source, number, problem,
                              raw_bytes.decode("utf-8", "replace").rstrip("\r\n"))
                continue
            if number == 1:
                text = text.removeprefix(BOM)
            line = text.rstrip("\r\n")
            stripped = line.strip()
            if not stripped or (fmt != "csv" and stripped.startswith("#")):
                continue
            if fmt is None:
                fmt = self._detect(stripped)
            if fmt == "jsonl":
                yield self._json_line(source, number, line)
            elif fmt == "csv":
                if header is None:
                    header = self._csv_header(source, number, line)
                    continue
                yield self._csv_line(source, number, line, header)
            else:
                yield self._record(source, number, stripped, {self.key: stripped}, line)

    def _detect(self, first: str) -> str:
        if first.startswith("{"):
            found = "jsonl"
        elif "," in first and self.key in next(csv.reader([first])):
            found = "csv"
        else:
            found = "ids"
        self.detected = self.detected or found
        return found

    def _csv_header(self, source: str, number: int, line: str) -> list[str]:
        try:
            header = [h.strip() for h in next(csv.reader([line], strict=True))]
        except csv.Error as exc:
            raise UsageError(f"{source}:{number}: CSV header: {exc}") from None
        if self.key not in header:
            raise UsageError(f"{source}:{number}: CSV header has no {self.key} column "
                             f"(columns: {', '.join(header)})")
        self.header = self.header or header
        return header

    def _csv_line(self, source: str, number: int, line: str, header: list[str]) -> Item:
        try:
            rows = list(csv.reader(io.StringIO(line), strict=True))
        except csv.Error as exc:
            return BadLine(source, number, f"broken CSV: {exc}", line)
        if len(rows) != 1:
            return BadLine(source, number, "broken CSV: a quoted field runs past the line", line)
        values = rows[0]
        if len(values) != len(header):
            return BadLine(source, number, f"{len(values)} CSV fields; the header has "
                                           f"{len(header)}", line)
        fields = {h: v for h, v in zip(header, values, strict=True) if v != ""}
        return self._record(source, number, fields.get(self.key, ""), fields, line)

    def _json_line(self, source: str, number: int, line: str) -> Item:
        try:
            obj = json.loads(line, parse_constant=_reject_constant)
        except (ValueError, RecursionError) as exc:
            reason = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc) or "too deep"
            return BadLine(source, number, f"invalid JSON: {reason}", line)
        if not isinstance(obj, dict):
            return BadLine(source, number, "a JSONL line must be a JSON object", line)
        key = obj.get(self.key)
        if not isinstance(key, str):
            return BadLine(source, number, f"no {self.key} string", line)
        return self._record(source, number, key, obj, line)

    def argument_problem(self, position: int, arg: str) -> str | None:
        """Why argument `position` is not a usable item (the same rules as a line), or None."""
        key = arg.removeprefix(BOM)
        item = self._record("argument", position, key, {self.key: key}, arg)
        return f"argument {position}: {item.reason}" if isinstance(item, BadLine) else None

    def _record(self, source: str, number: int, key: str, fields: dict[str, Any],
                raw: str) -> Item:
        problem = user_id_problem(key) if self.key.endswith("UserID") or self.key.endswith(
            "_Account") else (None if key else f"empty {self.key}")
        if problem is None and self.validate is not None:
            problem = self.validate(fields)
        if problem:
            return BadLine(source, number, f"{problem}: {key!r}" if key else problem, raw)
        return Record(source, number, key, fields, raw)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def csv_line(values: list[str]) -> str:
    """One CSV line (the failures file repeats the input's header this way)."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(values)
    return out.getvalue()

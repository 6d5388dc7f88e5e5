"""Render command results: table | json | yaml | jsonl | csv, with --query and --fields.

JSON and YAML keep the API's own field names. Tables and CSV pick columns: `--fields` first,
else the command's friendly defaults, else every key seen. --query (JMESPath) applies to the
whole result, after every page and chunk has been gathered.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from typing import IO, Any

from timctl.errors import UsageError

FORMATS = ("table", "json", "yaml", "jsonl", "csv")


def default_format(stdout_is_tty: bool) -> str:
    return "table" if stdout_is_tty else "json"


def apply_query(data: Any, query: str | None) -> Any:
    if not query:
        return data
    import jmespath
    from jmespath.exceptions import JMESPathError

    try:
        return jmespath.search(query, data)
    except JMESPathError as exc:
        raise UsageError(f"--query: {str(exc).splitlines()[0]}") from None


def parse_fields(text: str | None) -> list[str] | None:
    if not text:
        return None
    fields = [f.strip() for f in text.split(",") if f.strip()]
    return fields or None


def render(
    data: Any,
    fmt: str,
    *,
    out: IO[str] | None = None,
    query: str | None = None,
    fields: Sequence[str] | None = None,
    columns: Sequence[str] | None = None,
) -> None:
    """Write `data` to `out` (stdout) in `fmt`. `columns`: the command's table defaults."""
    out = out or sys.stdout
    data = apply_query(data, query)
    if fmt == "json":
        out.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    elif fmt == "yaml":
        import yaml

        out.write(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    elif fmt == "jsonl":
        items = data if isinstance(data, list) else [data]
        for item in items:
            out.write(json.dumps(item, ensure_ascii=False) + "\n")
    elif fmt in ("table", "csv"):
        _tabular(data, fmt, out, fields, None if query else columns)
    else:
        raise UsageError(f"unknown output format {fmt!r} (choose from {', '.join(FORMATS)})")


def _tabular(data: Any, fmt: str, out: IO[str], fields: Sequence[str] | None,
             columns: Sequence[str] | None) -> None:
    if data is None:
        return
    if not isinstance(data, (list, dict)):
        out.write(f"{data}\n")
        return
    rows = _rows(data)
    if fields:
        present = set(_all_keys(rows))
        missing = [f for f in fields if f not in present]
        if rows and missing:
            raise UsageError(f"--fields: no column {', '.join(map(repr, missing))} "
                             f"(columns: {', '.join(_all_keys(rows))})")
        cols = list(fields)
    elif columns:
        cols = list(columns)
    else:
        cols = _all_keys(rows)
    cells = [[_cell(row.get(c)) for c in cols] for row in rows]
    if fmt == "csv":
        import csv

        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(cols)
        writer.writerows(cells)
        return
    if not rows:
        return
    from tabulate import tabulate

    out.write(tabulate(cells, headers=cols, tablefmt="simple", disable_numparse=True) + "\n")


def _rows(data: list[Any] | dict[str, Any]) -> list[dict[str, Any]]:
    if isinstance(data, dict):
        return [data]
    return [item if isinstance(item, dict) else {"value": item} for item in data]


def _all_keys(rows: Iterable[dict[str, Any]]) -> list[str]:
    seen: dict[str, None] = {}
    for row in rows:
        for key in row:
            seen.setdefault(key, None)
    return list(seen)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)

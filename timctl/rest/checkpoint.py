"""The bulk runner's checkpoint: chunks started and done, appended to a JSON-lines file.

The first line names the endpoint; then one line per event, flushed as it happens: {"start":
N, "fp": ...} when chunk N leaves, {"done": N, "fp": ..., "items": ..., "bad": [...]} when its
outcomes are in. A line cut short by a kill is ignored. See rest/bulk.py for how a run uses it.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from timctl.rest.bulk import Outcome


class Checkpoint:
    """Chunks started and done, appended to a JSON-lines file, one line per event."""

    def __init__(self, path: str, endpoint: str) -> None:
        self.path = path
        self.endpoint = endpoint
        self.done: dict[int, dict[str, Any]] = {}
        self.started: set[int] = set()
        self._lock = threading.Lock()
        self._load()
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        self._out: IO[str] = os.fdopen(fd, "a", encoding="utf-8")
        if os.fstat(fd).st_size == 0:
            self._write({"checkpoint": 1, "endpoint": endpoint})

    def _load(self) -> None:
        from timctl.errors import UsageError

        try:
            with open(self.path, encoding="utf-8") as fh:
                lines = fh.read().splitlines()
        except FileNotFoundError:
            return
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"{self.path}: cannot read checkpoint: {exc}") from None
        for number, line in enumerate(lines, start=1):
            try:
                event = json.loads(line)
            except ValueError:
                if number == len(lines):
                    break  # a line cut short by a kill: the chunk was not recorded done
                raise UsageError(f"{self.path}:{number}: not a timctl checkpoint") from None
            if number == 1:
                if event.get("endpoint") != self.endpoint:
                    raise UsageError(f"{self.path}: a checkpoint of {event.get('endpoint')!r},"
                                     f" not of {self.endpoint}: use another file")
                continue
            if event.get("done") is not None:
                self.done[int(event["done"])] = event
            elif event.get("start") is not None:
                self.started.add(int(event["start"]))

    def _write(self, event: dict[str, Any]) -> None:
        with self._lock:
            self._out.write(json.dumps(event, ensure_ascii=False) + "\n")
            self._out.flush()

    def start(self, index: int, fingerprint: str) -> None:
        self._write({"start": index, "fp": fingerprint})

    def finish(self, index: int, fingerprint: str, outcomes: list[Outcome]) -> None:
        bad = [[o.item.where, o.status, o.code, o.info] for o in outcomes if o.status != "ok"]
        self._write({"done": index, "fp": fingerprint, "items": len(outcomes), "bad": bad})

    def close(self) -> None:
        self._out.close()


def fingerprint(keys: list[str]) -> str:
    return hashlib.sha1("\n".join(keys).encode("utf-8")).hexdigest()[:16]

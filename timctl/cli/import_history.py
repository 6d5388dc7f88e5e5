"""timctl import-history: validate and import users, groups, members and messages (JSONL).

The format, the order of the import and how resume works: docs/history.md. The work is
timctl/history/ (records, the on-disk index, the importer); this module reads the file, prints
problems and progress, and decides the exit code.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from typing import IO, Any

import click

from timctl import exit_codes
from timctl.cli.bulk import graceful_interrupt
from timctl.cli.context import AppContext, is_tty
from timctl.cli.options import dry_run_option, output_options, pass_app
from timctl.errors import UsageError

FORMAT = "timctl-import-history 1"  # marks a checkpoint file as ours
COLUMNS = ["Phase", "Endpoint", "Records", "Done", "Existed", "Resumed", "Failed", "Unknown",
           "Deferred", "Calls", "Seconds"]
FILE = click.argument("file", metavar="FILE|-", type=click.Path(dir_okay=False,
                                                                 allow_dash=True))


@click.group(name="import-history")
def import_history() -> None:
    """Migrate users, groups, memberships and chat history into an app from JSONL.

    One record a line (user, group, member, c2c, group_msg), in any order; the format is
    described in docs/history.md and packaged as a JSON Schema (timctl/history/schema.json).
    """


@import_history.command("validate")
@FILE
@pass_app
def validate(app: AppContext, file: str) -> None:
    """Check every record; print each problem as FILE:LINE: reason. Nothing is sent.

    Exit 0 when every record can be imported, 2 otherwise.
    """
    with _index(app, file, None) as index:
        count = 0
        for line, reason in index.problems():
            click.echo(f"{file}:{line}: {reason}")
            count += 1
        counts = index.counts()
    total = ", ".join(f"{n} {kind}" for kind, n in counts.items())
    app.log(f"timctl: {file}: {count} problem{'s' if count != 1 else ''}; "
            f"importable: {total}")
    if count:
        raise SystemExit(exit_codes.USAGE)


@import_history.command("run")
@FILE
@click.option("--checkpoint", metavar="FILE", type=click.Path(dir_okay=False),
              help="Keep the index and progress here (SQLite); the same command with the "
                   "same file resumes a killed run.")
@click.option("--failures", metavar="FILE", type=click.Path(dir_okay=False),
              help="Write skipped and failed record lines here, as they were.")
@click.option("--concurrency", type=click.IntRange(1, 64), metavar="N",
              help="Calls in flight per phase [as many as keep the documented rate busy].")
@click.option("--group-workers", type=click.IntRange(1, 64), default=8, show_default=True,
              metavar="N", help="Groups whose messages are imported at the same time (each "
                                "group's calls go one after another, in time order).")
@click.option("--sync-from-old-system", "sync", type=click.Choice(["2", "5"]),
              help="importmsg SyncFromOldSystem for every c2c message: 2 history (read, not "
                   "pushed), 5 real time (counted unread, pushed). Default: 2, or 5 for "
                   "records with \"unread\": true.")
@click.option("--recent-contact", is_flag=True,
              help="Group messages update members' conversation lists (RecentContactFlag 1; "
                   "not for Communities).")
@click.option("--no-portrait-set", "portrait_set", is_flag=True, default=True,
              flag_value=False, help="Send nick/face_url only in multiaccount_import's "
                                     "AccountList, not again with portrait_set.")
@dry_run_option
@output_options(known=COLUMNS)
@pass_app
def run(app: AppContext, file: str, checkpoint: str | None, failures: str | None,
        concurrency: int | None, group_workers: int, sync: str | None, recent_contact: bool,
        portrait_set: bool) -> None:
    """Import FILE: users, groups, members, one-to-one and group messages, unread counts.

    Records that fail the checks of `validate` are reported and skipped (with what depends
    on them); the rest is imported. Re-running a finished import changes nothing.
    """
    from timctl.history.importer import Importer, Options

    options = Options(concurrency=concurrency, group_workers=group_workers,
                      sync=int(sync) if sync else None, recent_contact=recent_contact,
                      portrait_set=portrait_set)
    with _index(app, file, checkpoint) as index, _Failures(failures) as failed:
        skipped = 0
        for line, reason, raw in index.bad_lines():
            app.log(f"timctl: {file}:{line}: {reason} (skipped)")
            failed.add(raw)
            skipped += 1
        client = app.client()
        importer = Importer(client, index, file, options, _reporter(app, failed))
        if app.dry_run:
            plan = {"records": index.counts(), "skipped": skipped,
                    "first_requests": importer.first_requests()}
            click.echo(json.dumps(plan, ensure_ascii=False, indent=2))
            return
        with graceful_interrupt(importer):
            phases = importer.run()
    app.emit([p.row() for p in phases], columns=COLUMNS)
    bad = skipped + sum(p.failed + p.unknown + p.deferred for p in phases)
    good = sum(p.done + p.existed + p.resumed for p in phases)
    if importer.stopped.is_set():
        resume = f"; resume with --checkpoint {checkpoint}" if checkpoint else ""
        app.log(f"timctl: import-history: interrupted{resume}")
        raise SystemExit(exit_codes.INTERRUPTED)
    where = f"; failed lines in {failures}" if failures and failed.count else ""
    app.log(f"timctl: import-history: {good} imported or already there, {bad} not "
            f"({skipped} skipped as invalid){where}")
    if bad:
        raise SystemExit(exit_codes.PARTIAL if good else exit_codes.API)


# ---------------------------------------------------------------------- the index


@contextlib.contextmanager
def _index(app: AppContext, file: str, checkpoint: str | None) -> Iterator[Any]:
    """The file's on-disk index: in `checkpoint` (reused when it holds this input), or in
    a temporary directory removed afterwards."""

    with contextlib.ExitStack() as stack:
        if checkpoint is None:
            tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="timctl-history-"))
            path = os.path.join(tmp, "index.db")
        else:
            path = checkpoint
        index = _open(path)
        stack.callback(index.close)
        lines = _lines(file)
        if index.built:
            digest = _digest(lines)
            if digest != index.meta("sha256"):
                raise UsageError(f"--checkpoint {checkpoint}: made for another input "
                                 "(the file changed): use a new checkpoint file")
            app.log(f"timctl: {file}: resuming from checkpoint {checkpoint}")
        else:
            progress = _Progress(file) if is_tty(sys.stderr) else None
            index.build(progress.wrap(lines) if progress else lines, int(time.time()))
            if progress:
                progress.clear()
        yield index


def _open(path: str) -> Any:
    import sqlite3

    from timctl.history.order import Index

    fresh = not os.path.exists(path) or os.path.getsize(path) == 0
    try:
        index = Index(path)
        mark = index.meta("format")
    except sqlite3.DatabaseError:
        raise UsageError(f"{path}: not a timctl import-history checkpoint") from None
    if fresh:
        index.set_meta("format", FORMAT)
        os.chmod(path, 0o600)
        return index
    if mark != FORMAT:
        index.close()
        raise UsageError(f"{path}: not a timctl import-history checkpoint")
    if not index.built:  # a run killed while indexing: index again from scratch
        index.close()
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.remove(path + suffix)
        return _open(path)
    return index


def _lines(file: str) -> Iterator[tuple[int, str]]:
    """(number, text) of every line; undecodable bytes are kept as surrogates, which the
    index reports as "not UTF-8"."""
    if file == "-":
        yield from _read(sys.stdin.buffer)
        return
    try:
        fh = open(file, "rb")  # noqa: SIM115 - closed when the generator ends
    except OSError as exc:
        raise UsageError(f"{file}: {exc.strerror}") from None
    with fh:
        yield from _read(fh)


def _read(stream: IO[bytes]) -> Iterator[tuple[int, str]]:
    for number, raw in enumerate(stream, start=1):
        text = raw.decode("utf-8", "surrogateescape").rstrip("\r\n")
        yield number, text.removeprefix("\ufeff") if number == 1 else text


def _digest(lines: Iterator[tuple[int, str]]) -> str:
    import hashlib

    digest = hashlib.sha256()
    for _, text in lines:
        digest.update(text.encode("utf-8", "surrogateescape") + b"\n")
    return digest.hexdigest()


# ---------------------------------------------------------------------- reporting


class _Failures:
    """Skipped and failed record lines, as they were, for a corrected re-run."""

    def __init__(self, path: str | None) -> None:
        self.path = path
        self.count = 0
        self._out: IO[str] | None = None
        self._lock = threading.Lock()

    def __enter__(self) -> _Failures:
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._out is not None:
            self._out.close()

    def add(self, raw: str) -> None:
        if self.path is None:
            return
        with self._lock:
            if self._out is None:
                try:
                    self._out = open(self.path, "w", encoding="utf-8",  # noqa: SIM115
                                     errors="surrogateescape")
                except OSError as exc:
                    raise UsageError(f"--failures {self.path}: {exc.strerror}") from None
            self._out.write(raw + "\n")
            self._out.flush()
            self.count += 1


def _reporter(app: AppContext, failed: _Failures) -> Any:
    tty = is_tty(sys.stderr)
    shown = [False]

    def report(kind: str, text: str) -> None:
        if kind == "failed":
            failed.add(text)
        elif kind == "progress":
            if tty:  # one status line, redrawn
                sys.stderr.write(f"\r{text}\x1b[K")
                sys.stderr.flush()
                shown[0] = True
        else:
            if shown[0]:
                sys.stderr.write("\r\x1b[K")
                shown[0] = False
            app.log(f"timctl: {text}")
    return report


class _Progress:
    """Lines indexed so far, on a terminal's stderr."""

    def __init__(self, file: str) -> None:
        self.file = file

    def wrap(self, lines: Iterator[tuple[int, str]]) -> Iterator[tuple[int, str]]:
        last = 0.0
        for number, text in lines:
            now = time.monotonic()
            if now - last > 0.2:
                last = now
                sys.stderr.write(f"\rindexing {self.file}: {number} lines\x1b[K")
                sys.stderr.flush()
            yield number, text

    def clear(self) -> None:
        sys.stderr.write("\r\x1b[K")
        sys.stderr.flush()


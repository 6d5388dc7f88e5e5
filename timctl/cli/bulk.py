"""The CLI side of bulk commands: input options, the plan for --dry-run, streamed result rows,
the failures file, progress and the one summary line. The work itself is rest/bulk.py.

    @bulk_options
    def import_(app, ids, bulk: BulkOptions, ...):
        run_bulk(app, bulk, IMPORT, reader, ids, build_body, to_row)
"""

from __future__ import annotations

import contextlib
import json
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any, TypeVar

import click

from timctl.cli.context import AppContext, is_tty
from timctl.cli.records import FORMATS, BadLine, Reader, Record, csv_line
from timctl.errors import UsageError

F = TypeVar("F", bound=Callable[..., Any])
STREAMED_FORMATS = ("jsonl", "csv")  # printed row by row as chunks finish
MAX_CONCURRENCY = 64  # the HTTP connection pool's size
PLAN_PREVIEW = 2  # requests shown by --dry-run


@dataclass
class BulkOptions:
    files: tuple[str, ...]
    fmt: str | None
    batch_size: int | None
    concurrency: int | None  # None: as many as keep the rate busy (the runner decides)
    failures: str | None
    checkpoint: str | None


def bulk_options(f: F) -> F:
    """-f/--file, --format, --batch-size, --concurrency, --failures, --checkpoint."""
    options = [
        click.option("-f", "--file", "files", multiple=True, metavar="FILE",
                     type=click.Path(dir_okay=False, allow_dash=True),
                     help="Read items from FILE (- for stdin); repeatable."),
        click.option("--format", "fmt", type=click.Choice(FORMATS),
                     help="Input format [detected: ids, csv with a header, or jsonl]."),
        click.option("--batch-size", type=click.IntRange(1), metavar="N",
                     help="Items per call (at most the documented maximum)."),
        click.option("--concurrency", type=click.IntRange(1, MAX_CONCURRENCY), metavar="N",
                     help="At most N calls in flight [as many as keep the documented rate "
                          f"busy at the latency seen, up to {MAX_CONCURRENCY}]; all share "
                          "the rate limit."),
        click.option("--failures", metavar="FILE", type=click.Path(dir_okay=False),
                     help="Write failed and skipped items here, in the input's format, "
                          "for a re-run."),
        click.option("--checkpoint", metavar="FILE", type=click.Path(dir_okay=False),
                     help="Record finished chunks here; the same command with the same "
                          "file resumes, never re-sending a finished chunk."),
    ]
    for opt in reversed(options):
        f = opt(f)
    return f


def bulk_from(kwargs: dict[str, Any]) -> BulkOptions:
    return BulkOptions(kwargs.pop("files"), kwargs.pop("fmt"), kwargs.pop("batch_size"),
                       kwargs.pop("concurrency"), kwargs.pop("failures"),
                       kwargs.pop("checkpoint"))


def run_bulk(app: AppContext, opts: BulkOptions, endpoint_name: str, reader: Reader,
             args: Iterable[str], build: Callable[[list[Any]], dict[str, Any]],
             to_row: Callable[[Any], dict[str, Any]], columns: list[str]) -> None:
    """Run the whole job and exit with the runner's code (0, 5, 6, 8 or 130)."""
    from timctl import endpoints
    from timctl.rest.bulk import BulkRunner, Checkpoint

    reader.fmt = opts.fmt
    args = list(args)
    if not opts.files and not args:
        raise UsageError("no items given: pass IDs, - for stdin, or -f FILE")
    # Arguments were typed by hand: a bad one is a usage error before anything is sent.
    # Lines of files and stdin are data: a bad one is skipped and reported, the rest goes on.
    for position, arg in enumerate(args, start=1):
        problem = reader.argument_problem(position, arg) if arg != "-" else None
        if problem:
            raise UsageError(problem)
    ep = endpoints.get(endpoint_name)
    assert ep is not None, endpoint_name
    if opts.batch_size and ep.batch_max and opts.batch_size > ep.batch_max:
        raise UsageError(f"--batch-size: {endpoint_name} takes at most {ep.batch_max} items "
                         "per call")
    sources: dict[str, int] = {}  # source -> its place in reading order
    items = _noting_sources(reader.read(args, opts.files), sources)
    if app.dry_run:
        _plan(app, ep, opts, items, build)
        return
    client = app.client()
    checkpoint = Checkpoint(opts.checkpoint, ep.name) if opts.checkpoint else None
    runner = BulkRunner(client, ep, build, batch_size=opts.batch_size,
                        concurrency=opts.concurrency, checkpoint=checkpoint)
    out = _Rows(app, columns, sources)
    runner.on_settled = out.flush
    failures = _Failures(opts.failures, reader)
    progress = _Progress(runner.summary) if is_tty(sys.stderr) else None

    def on_outcome(outcome: Any) -> None:
        out.add(to_row(outcome), outcome.item)
        if outcome.status != "ok":
            failures.add(outcome.item)
            if isinstance(outcome.item, BadLine):
                app.log(f"timctl: {outcome.item.where}: {outcome.item.reason} (skipped)")
        if progress is not None:
            progress.tick()

    stopped = True
    try:
        with graceful_interrupt(runner):
            summary = runner.run(items, on_outcome)
        stopped = False
    except KeyboardInterrupt:
        summary = runner.summary
        stopped = False
    finally:  # whatever stops the run, what was done is printed
        if progress is not None:
            progress.clear()
        failures.close()
        if not stopped or out.rows:
            out.finish()
    summary.elapsed = summary.elapsed or time.monotonic() - summary.started
    code = summary.exit_code()
    if code or is_tty(sys.stderr) or app.verbose or summary.resumed:
        where = f"; failed items in {opts.failures}" if opts.failures and failures.count else ""
        resume = (f"; resume with --checkpoint {opts.checkpoint}" if summary.interrupted
                  and opts.checkpoint else "")
        app.log(f"timctl: {ep.command}: {summary.line()}{where}{resume}")
    if code:
        raise SystemExit(code)


@contextlib.contextmanager
def graceful_interrupt(runner: Any) -> Iterator[None]:
    """The first Ctrl-C calls `runner.stop()` (calls in flight finish and are reported); a
    second one interrupts at once."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_sigint(signum: int, frame: Any) -> None:
        runner.stop()
        signal.signal(signal.SIGINT, signal.default_int_handler)
        sys.stderr.write("\ntimctl: stopping after the calls in flight (Ctrl-C again to "
                         "quit now)\n")

    previous = signal.signal(signal.SIGINT, on_sigint)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _noting_sources(items: Iterable[Any], sources: dict[str, int]) -> Iterator[Any]:
    for item in items:
        sources.setdefault(item.source, len(sources))
        yield item


class _Rows:
    """Result rows: printed as they come for jsonl/csv (in the order chunks finish), all at
    once for the others, in input order whatever order concurrent chunks finished in."""

    def __init__(self, app: AppContext, columns: list[str], sources: dict[str, int]) -> None:
        self.app = app
        self.columns = columns
        self.sources = sources
        self._order: list[tuple[int, int]] = []
        self.fmt = app.output_format()
        self.streamed = self.fmt in STREAMED_FORMATS and not app.query
        self.rows: list[dict[str, Any]] = []
        self._csv: Any = None

    def add(self, row: dict[str, Any], item: Any) -> None:
        if not self.streamed:
            self.rows.append(row)
            self._order.append((self.sources.get(item.source, 0), item.line))
        elif self.fmt == "jsonl":
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
        else:
            self._csv_row(row)

    def flush(self) -> None:
        """Rows so far out to the reader (once per chunk)."""
        if self.streamed:
            sys.stdout.flush()

    def _csv_row(self, row: dict[str, Any]) -> None:
        import csv

        fields = self.app.field_list() or self.columns
        if self._csv is None:
            self._csv = csv.writer(sys.stdout, lineterminator="\n")
            self._csv.writerow(fields)
        self._csv.writerow(["" if row.get(c) is None else row.get(c) for c in fields])

    def finish(self) -> None:
        if not self.streamed:
            by_input = sorted(range(len(self.rows)), key=self._order.__getitem__)
            self.app.emit([self.rows[i] for i in by_input], columns=self.columns)
        elif self.fmt == "csv" and self._csv is None:
            self._csv_row({})  # header only: no rows
        self.flush()


class _Failures:
    """Failed and skipped items, written as they come, in the input's format."""

    def __init__(self, path: str | None, reader: Reader) -> None:
        self.path = path
        self.reader = reader
        self.count = 0
        self._out: IO[str] | None = None

    def add(self, item: Record | BadLine) -> None:
        if self.path is None:
            return
        if self._out is None:
            try:
                self._out = open(self.path, "w", encoding="utf-8")  # noqa: SIM115
            except OSError as exc:
                raise UsageError(f"--failures {self.path}: {exc.strerror}") from None
            if (self.reader.detected or self.reader.fmt) == "csv" and self.reader.header:
                self._out.write(csv_line(self.reader.header))
        self._out.write(item.raw + "\n")
        self._out.flush()
        self.count += 1

    def close(self) -> None:
        if self._out is not None:
            self._out.close()


class _Progress:
    """One status line on a terminal's stderr, redrawn at most 10 times a second."""

    def __init__(self, summary: Any) -> None:
        self.summary = summary
        self._last = 0.0

    def tick(self) -> None:
        now = time.monotonic()
        if now - self._last < 0.1:
            return
        self._last = now
        s = self.summary
        elapsed = max(now - s.started, 1e-6)
        sys.stderr.write(f"\r{s.done + s.resumed} done, {s.failed} failed, {s.skipped} skipped"
                         f" - {s.calls / elapsed:.0f} calls/s, {elapsed:.0f} s \x1b[K")
        sys.stderr.flush()

    def clear(self) -> None:
        sys.stderr.write("\r\x1b[K")
        sys.stderr.flush()


def _plan(app: AppContext, ep: Any, opts: BulkOptions, items: Iterator[Any],
          build: Callable[[list[Any]], dict[str, Any]]) -> None:
    """--dry-run: the chunks the run would send, its first requests, and the bad lines."""
    size = min(opts.batch_size or ep.batch_max or 1, ep.batch_max or 1)
    good = bad = chunks = 0
    chunk: list[Any] = []
    previews: list[dict[str, Any]] = []
    client = app.client()
    for item in items:
        if isinstance(item, BadLine):
            bad += 1
            app.log(f"timctl: {item.where}: {item.reason} (would be skipped)")
            continue
        good += 1
        chunk.append(item)
        if len(chunk) == size:
            chunks += 1
            if len(previews) < PLAN_PREVIEW:
                previews.append(client.preview(ep, build(chunk)))
            chunk = []
    if chunk:
        chunks += 1
        if len(previews) < PLAN_PREVIEW:
            previews.append(client.preview(ep, build(chunk)))
    plan = {"endpoint": ep.name, "items": good, "skipped": bad, "calls": chunks,
            "batch_size": size, "concurrency": opts.concurrency or "auto",
            "first_requests": previews}
    click.echo(json.dumps(plan, ensure_ascii=False, indent=2))

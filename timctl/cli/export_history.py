"""timctl export-history: write users, groups, members and messages as import-history JSONL.

The REST API cannot list an app's users or conversations, so the caller names them: users
(--user, --users FILE), conversations (--pairs FILE, or --all-pairs: every pair among the
users) and groups (--group, --groups FILE, or --all-groups: get_appid_group_list). The
export streams (see export_walk): memory holds a page and the UserIDs written, never the
messages. Records come in an order import-history takes line by line: a user before anything
naming it, a group before its members and messages.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from typing import IO, Any

import click

from timctl.cli.context import AppContext
from timctl.cli.messages_history import C2C_PAGE, When
from timctl.cli.options import dry_run_option, pass_app
from timctl.cli.records import decode_line
from timctl.errors import UsageError

USER_FIELDS = ("UserID", "Member_Account")  # JSONL lines: the key naming the user


def _lines(path: str, stdin: IO[bytes] | None = None) -> Iterator[tuple[str, int, bytes]]:
    """(source, line number, bytes) of each line of `path` (- is stdin)."""
    if path == "-":
        stream = stdin if stdin is not None else sys.stdin.buffer
        for number, raw in enumerate(stream, start=1):
            yield "-", number, raw
        return
    try:
        fh = open(path, "rb")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise UsageError(f"{path}: {exc.strerror}") from None
    with fh:
        for number, raw in enumerate(fh, start=1):
            yield path, number, raw


def _ids(text: str, keys: tuple[str, ...]) -> list[str]:
    """The IDs of one line: plain, separated by commas/tabs/spaces, or a JSON object's
    fields named in `keys`."""
    if text.startswith("{"):
        try:
            obj = json.loads(text)
        except ValueError:
            raise ValueError("invalid JSON") from None
        return [obj[k] for k in keys if isinstance(obj, dict) and isinstance(obj.get(k), str)]
    return [part for part in text.replace(",", " ").split() if part]


class Inputs:
    """The users, conversations and groups to export, all read and checked before any call."""

    def __init__(self) -> None:
        self.users: list[str] = []
        self.pairs: list[tuple[str, str]] = []
        self.groups: list[str] = []
        self.problems: list[str] = []

    def add_users(self, path: str) -> None:
        from timctl.cli.inputs import user_id_problem

        for where, ids in self._rows(path, USER_FIELDS):
            if len(ids) != 1:
                self.problems.append(f"{where}: one UserID a line")
                continue
            problem = user_id_problem(ids[0])
            if problem:
                self.problems.append(f"{where}: {problem}: {ids[0]!r}")
            else:
                self.users.append(ids[0])

    def add_pairs(self, path: str) -> None:
        from timctl.cli.inputs import user_id_problem

        for where, ids in self._rows(
                path, ("From_Account", "To_Account", "Operator_Account", "Peer_Account")):
            if len(ids) != 2 or ids[0] == ids[1]:
                self.problems.append(f"{where}: a conversation is two different"
                                     " UserIDs (alice,bob)")
                continue
            bad = [(u, p) for u in ids if (p := user_id_problem(u))]
            if bad:
                self.problems.append(f"{where}: {bad[0][1]}: {bad[0][0]!r}")
            else:
                self.pairs.append((ids[0], ids[1]))

    def add_groups(self, path: str) -> None:
        from timctl.cli.groups_lifecycle import group_id_problem

        for where, ids in self._rows(path, ("GroupId",)):
            if len(ids) != 1:
                self.problems.append(f"{where}: one group ID a line")
                continue
            problem = group_id_problem(ids[0])
            if problem:
                self.problems.append(f"{where}: {problem}: {ids[0]!r}")
            else:
                self.groups.append(ids[0])

    def _rows(self, path: str, keys: tuple[str, ...]) -> Iterator[tuple[str, list[str]]]:
        """(file:line, IDs) of each meaningful line (blank and # lines skipped); a line that
        is not UTF-8 or not valid JSON becomes a problem."""
        for source, number, raw in _lines(path):
            where = f"{source}:{number}"
            text, problem = decode_line(raw)
            text = text.removeprefix("\ufeff").strip()
            if problem:
                self.problems.append(f"{where}: {problem}")
            elif text and not text.startswith("#"):
                try:
                    yield where, _ids(text, keys)
                except ValueError as exc:
                    self.problems.append(f"{where}: {exc}")

    def conversations(self, all_pairs: bool) -> list[tuple[str, str]]:
        """The conversations, each once whatever its direction."""
        pairs = list(self.pairs)
        if all_pairs:
            pairs += list(itertools.combinations(dict.fromkeys(self.users), 2))
        return list(dict.fromkeys(tuple(sorted(p)) for p in pairs))  # type: ignore[misc]


@click.command(name="export-history")
@click.option("--user", "user_args", multiple=True, metavar="USERID",
              help="A user to export (repeatable).")
@click.option("--users", "users_file", metavar="FILE|-",
              help="Users to export: one UserID a line (or JSONL with UserID).")
@click.option("--pairs", "pairs_file", metavar="FILE|-",
              help="One-to-one conversations: two UserIDs a line (alice,bob).")
@click.option("--all-pairs", is_flag=True,
              help="Every conversation among the given users (n·(n-1)/2 walks).")
@click.option("--group", "group_args", multiple=True, metavar="GROUP_ID",
              help="A group to export (repeatable).")
@click.option("--groups", "groups_file", metavar="FILE|-",
              help="Groups to export: one group ID a line.")
@click.option("--all-groups", is_flag=True, help="Every group of the app (get_appid_group_list).")
@click.option("--since", type=When(), default=None,
              help="One-to-one messages from this time (default: the oldest still stored).")
@click.option("--until", type=When(), default=None,
              help="One-to-one messages up to this time (default: now).")
@click.option("--out", "out_file", metavar="FILE",
              type=click.Path(dir_okay=False, writable=True),
              help="Write to FILE (created 0600, complete or not at all) instead of stdout.")
@dry_run_option
@pass_app
def export_history(app: AppContext, user_args: tuple[str, ...], users_file: str | None,
                   pairs_file: str | None, all_pairs: bool, group_args: tuple[str, ...],
                   groups_file: str | None, all_groups: bool, since: int | None,
                   until: int | None, out_file: str | None) -> None:
    """Export users, groups, members and messages as import-history JSONL.

    The API cannot list every user or conversation, so name them: users with --user or
    --users, conversations with --pairs or --all-pairs, groups with --group, --groups or
    --all-groups. Users met as group owners, members, senders or conversation sides are
    exported too. System tips, recalled messages and live groups (AVChatRoom) are left out.
    One-to-one messages default to everything still stored (--since 0) up to now.

    \b
    timctl -p old export-history --users users.txt --all-pairs --all-groups --out h.jsonl
    timctl -p old export-history --group team-1 | timctl -p new import-history run -
    """
    stdin_users = [f for f in (users_file, pairs_file, groups_file) if f == "-"]
    if len(stdin_users) > 1:
        raise UsageError("only one of --users, --pairs and --groups can read stdin (-)")
    if all_groups and (group_args or groups_file):
        raise UsageError("--all-groups already names every group: drop --group/--groups")
    inputs = Inputs()
    for arg in user_args:
        inputs.problems.extend(_arg_problems("--user", arg, inputs))
    if users_file:
        inputs.add_users(users_file)
    if pairs_file:
        inputs.add_pairs(pairs_file)
    for gid in group_args:
        from timctl.cli.messages import check_group

        inputs.groups.append(check_group(gid))
    if groups_file:
        inputs.add_groups(groups_file)
    if inputs.problems:
        for problem in inputs.problems:
            click.echo(problem, err=True)
        raise UsageError(f"{len(inputs.problems)} bad input line(s); nothing was exported")
    if all_pairs and len(set(inputs.users)) < 2:
        raise UsageError("--all-pairs needs at least two users (--user/--users)")
    start = 0 if since is None else since
    end = int(time.time()) if until is None else until
    if start > end:
        raise UsageError("--since is after --until")
    pairs = inputs.conversations(all_pairs)
    if not (inputs.users or pairs or inputs.groups or all_groups):
        raise UsageError("nothing to export: give --user/--users, --pairs, --group/--groups "
                         "or --all-groups")
    if app.dry_run:
        _plan(app, inputs, pairs, all_groups, start, end)
        return
    with _output(out_file) as out:
        code = _export(app, out, inputs, pairs, all_groups, start, end)
    sys.exit(code)


def _arg_problems(flag: str, value: str, inputs: Inputs) -> list[str]:
    from timctl.cli.inputs import user_id_problem

    problem = user_id_problem(value)
    if problem:
        return [f"{flag}: {problem}: {value!r}"]
    inputs.users.append(value)
    return []


def _plan(app: AppContext, inputs: Inputs, pairs: list[tuple[str, str]], all_groups: bool,
          start: int, end: int) -> None:
    """--dry-run: the first request of each walk (the rest depend on the answers)."""
    from timctl.cli import export_walk as walk

    if inputs.users:
        app.call(walk.PORTRAIT, {"To_Account": list(dict.fromkeys(inputs.users))[:100],
                                 "TagList": list(walk.PROFILE_TAGS)})
    if all_groups:
        app.call(walk.ALL_GROUPS, {"Limit": 10000})
    elif inputs.groups:
        app.call(walk.GROUP_INFO, {"GroupIdList": list(dict.fromkeys(inputs.groups))[:50]})
    if pairs:
        a, b = pairs[0]
        app.call(walk.ROAM, {"Operator_Account": a, "Peer_Account": b,
                             "MaxCnt": C2C_PAGE, "MinTime": start, "MaxTime": end})


def _export(app: AppContext, out: IO[str], inputs: Inputs, pairs: list[tuple[str, str]],
            all_groups: bool, start: int, end: int) -> int:
    from timctl.cli import export_walk as walk

    def write(rec: dict[str, Any]) -> None:
        out.write(json.dumps(rec, ensure_ascii=False) + "\n")

    def warn(message: str) -> None:
        click.echo(f"timctl: warning: {message}", err=True)

    exporter = walk.Exporter(app.client(), write, warn)
    exporter.users(inputs.users, given=True)
    out.flush()
    exporter.groups(exporter.all_group_ids() if all_groups else dict.fromkeys(inputs.groups))
    out.flush()
    for a, b in pairs:
        exporter.conversation(a, b, start, end)
        out.flush()
    click.echo(exporter.tally.summary(), err=True)
    return exporter.tally.exit_code


@contextlib.contextmanager
def _output(path: str | None) -> Iterator[IO[str]]:
    """stdout, or a temporary file beside `path` renamed over it once the export ends (a
    failed export leaves no half file). Messages are private: the file is 0600."""
    if path is None:
        yield sys.stdout
        sys.stdout.flush()
        return
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".export-", suffix=".part", dir=folder)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            yield fh
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise

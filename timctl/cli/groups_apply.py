"""timctl groups apply -f FILE|- and groups export ID...|--all: groups as a file, for CI.

apply reads the live state of the file's groups (get_group_info; get_group_member_info paged
through; get_group_attr), asks the planner (timctl.groups_plan) for the calls that converge
them, and sends only those: a second identical run sends no write at all. export writes the
same file format, so `export --all | apply -f -` copies groups to another app.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from typing import Any

import click

from timctl import endpoints, exit_codes
from timctl.cli.context import AppContext
from timctl.cli.groups import groups
from timctl.cli.groups_members import COMMUNITY_PAGE
from timctl.cli.options import dry_run_option, output_options, pass_app
from timctl.errors import ApiError, TimError, UsageError
from timctl.groups_plan import Group, Plan, diff, dump, exported, live_group, load, plan
from timctl.groups_plan.plan import ADD

G = "group_open_http_svc"
INFO = f"{G}/get_group_info"
MEMBERS = f"{G}/get_group_member_info"
LIST = f"{G}/get_appid_group_list"
ATTRS = "group_open_attr_http_svc/get_group_attr"
MISSING = frozenset({10010, 10015})  # dismissed / never existed
COLUMNS = ["group", "type", "result", "changes", "reason"]
PLAN_COLUMNS = ["group", "result", "endpoint", "body"]


# --- reading the live state -------------------------------------------------------------------

def read_infos(client: Any, ids: list[str]) -> dict[str, dict[str, Any] | None | str]:
    """get_group_info item of each group; None when it does not exist; an error text."""
    found: dict[str, dict[str, Any] | None | str] = {}
    info_max = endpoints.batch_max(INFO)
    for start in range(0, len(ids), info_max):
        chunk = ids[start:start + info_max]
        try:
            answer = client.call(INFO, {"GroupIdList": chunk})
        except ApiError as exc:
            if exc.code in MISSING and len(chunk) == 1:
                found[chunk[0]] = None
                continue
            if exc.code in MISSING:  # a server failing the whole call: ask one by one
                found.update(read_infos(client, chunk[:1]))
                found.update(read_infos(client, chunk[1:]))
                continue
            raise
        for item in answer.get("GroupInfo") or []:
            gid, code = str(item.get("GroupId")), int(item.get("ErrorCode") or 0)
            found[gid] = item if code == 0 else None if code in MISSING else \
                f"{INFO}: error {code} ({item.get('ErrorInfo', '')})"
    for gid in ids:
        found.setdefault(gid, None)
    return found


def read_members(client: Any, gid: str, gtype: str) -> list[dict[str, Any]]:
    body: dict[str, Any] = {"GroupId": gid, "MemberInfoFilter": ["Role"]}
    if gtype != "Community":
        from timctl.rest.paging import items

        return list(items(client, MEMBERS, body))
    found: list[dict[str, Any]] = []
    body.update(Limit=COMMUNITY_PAGE, Next="")
    for _ in range(1_000_000):  # Communities page with Next: "" first and after the last page
        answer = client.call(MEMBERS, body)
        found.extend(answer.get("MemberList") or [])
        following = answer.get("Next") or ""
        if not following or following == body["Next"]:
            break
        body["Next"] = following
    return found


def read_live(client: Any, gid: str, info: dict[str, Any], members: bool,
              attributes: bool) -> Group:
    gtype = str(info.get("Type", ""))
    member_list = read_members(client, gid, gtype) if members and gtype != "AVChatRoom" \
        else None
    attrs = None
    if attributes:
        attrs = client.call(ATTRS, {"GroupId": gid}).get("GroupAttrAry") or []
    return live_group(info, member_list, attrs)


# --- apply --------------------------------------------------------------------------------------

def read_source(source: str) -> tuple[str, str]:
    """(text, name for messages) of FILE or `-` (stdin)."""
    name = "<stdin>" if source == "-" else source
    try:
        if source == "-":
            raw = sys.stdin.buffer.read()
        else:
            with open(source, "rb") as f:
                raw = f.read()
    except OSError as exc:
        raise UsageError(f"{name}: {exc.strerror}") from None
    try:
        return raw.decode("utf-8").removeprefix("\ufeff"), name
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise UsageError(f"{name}:{line}: not UTF-8 text") from None


def execute(client: Any, p: Plan) -> Plan:
    """Send a plan's calls in order; the first failure stops the group and says why."""
    for done, call in enumerate(p.calls):
        try:
            answer = client.call(call.endpoint, call.body)
        except TimError as exc:
            return _failed(p, f"{exc}" + (f" (after {done} of {len(p.calls)} calls)"
                                          if done else ""))
        if call.endpoint == ADD:
            refused = [m.get("Member_Account") for m in answer.get("MemberList") or []
                       if m.get("Result") == 0]
            if refused:
                return _failed(p, f"{ADD}: not added: {', '.join(map(str, refused))}")
    return p


def _failed(p: Plan, reason: str) -> Plan:
    return Plan(p.group, "failed", p.calls, p.changes, reason)


def exit_code(results: Iterable[Plan]) -> int:
    outcomes = [r.action for r in results]
    failed = outcomes.count("failed")
    if not failed:
        return exit_codes.OK
    return exit_codes.API if failed == len(outcomes) else exit_codes.PARTIAL


@groups.command("apply")
@click.option("-f", "--file", "source", required=True, metavar="FILE|-",
              help="The groups file (YAML or JSON); - reads stdin.")
@click.option("--prune", is_flag=True,
              help="Also remove members, attributes and app_data keys the file leaves out.")
@click.option("--diff", "show_diff", is_flag=True,
              help="Print a diff of each group (live vs. after apply) and change nothing.")
@dry_run_option
@output_options(known=sorted({*COLUMNS, *PLAN_COLUMNS}))
@pass_app
def apply(app: AppContext, source: str, prune: bool, show_diff: bool) -> int:
    """Make groups, their members, roles and attributes match a file.

    \b
    groups:
      - id: eng
        type: Public            # Work (Private), Public, Meeting (ChatRoom),
        name: Engineering       #   AVChatRoom, Community
        owner: alice
        introduction: Where engineers talk
        members:
          - bob                        # role Member
          - {user: carol, role: Admin}
        attributes: {topic: builds}
        app_data: {Level: "3"}        # keys configured in the console

    Other profile keys: notification, face_url, max_members, apply_join, invite_join,
    mute_all. A key left out is not managed; extra members, attributes and app_data keys
    are removed only with --prune. The whole file is checked first (FILE:LINE: reason,
    exit 2, nothing sent). One row per group: created, updated, unchanged or failed; -v
    prints each change on stderr; --dry-run prints the planned calls; a second identical
    run sends no write. Exit 0 when every group converged, 6 when some failed, 5 when all
    did.

    \b
    Examples:
    timctl groups apply -f groups.yaml --dry-run
    timctl groups export --all -p prod | timctl groups apply -f - -p staging
    """
    text, name = read_source(source)
    desired = load(text, name)
    client = app.client()
    infos = read_infos(client, [g.id for g in desired]) if desired else {}
    results: list[Plan] = []
    lives: dict[str, Group | None] = {}
    for group in desired:
        info = infos.get(group.id)
        try:
            live = None if info is None or isinstance(info, str) else read_live(
                client, group.id, info, group.members is not None or group.owner is not None,
                group.attributes is not None)
        except TimError as exc:
            info = str(exc)
        if isinstance(info, str):
            results.append(Plan(group.id, "failed", reason=info))
            continue
        lives[group.id] = live
        results.append(plan(group, live, prune))
    if show_diff:
        for group in desired:
            if group.id in lives:
                click.echo(diff(group, lives[group.id], prune), nl=False)
        failed = [r for r in results if r.action == "failed"]
        for r in failed:
            app.log(f"timctl: {r.group}: {r.reason}")
        return exit_code(failed) if failed else exit_codes.OK
    types = {g.id: g.type for g in desired}
    if app.dry_run:
        return _dry_run(app, results, types)
    done = []
    for p in results:
        if app.verbose:  # each group's changes just before its calls (and their -v log)
            for change in p.changes:
                app.log(f"{p.group}: {change}")
        done.append(execute(client, p) if p.calls else p)
    app.emit([{"group": p.group, "type": types[p.group], "result": p.action,
               "changes": len(p.changes), "reason": p.reason} for p in done], columns=COLUMNS)
    return exit_code(done)


def _dry_run(app: AppContext, results: list[Plan], types: dict[str, str]) -> int:
    rows: list[dict[str, Any]] = []
    tabular = app.output_format() in ("table", "csv")
    for p in results:
        if app.verbose:
            for change in p.changes:
                app.log(f"{p.group}: {change}")
        if not p.calls:
            rows.append({"group": p.group, "result": p.action, "endpoint": "",
                         "body": p.reason})
        for call in p.calls:
            body: Any = json.dumps(call.body, ensure_ascii=False) if tabular else call.body
            rows.append({"group": p.group, "result": f"would be {p.action}",
                         "endpoint": call.endpoint, "body": body})
    app.emit(rows, columns=PLAN_COLUMNS)
    return exit_code(results)


# --- export -------------------------------------------------------------------------------------

@groups.command("export")
@click.argument("group_ids", nargs=-1, metavar="[GROUPID]...")
@click.option("--all", "all_groups", is_flag=True, help="Every group of the app.")
@click.option("-o", "--output", "fmt", type=click.Choice(["yaml", "json"]),
              help="File format [yaml].")
@pass_app
def export(app: AppContext, group_ids: tuple[str, ...], all_groups: bool,
           fmt: str | None) -> int:
    """Write groups with their profile, owner, members and roles, attributes and app_data
    in the file format of `groups apply` (stable key order, members sorted).

    \b
    Examples:
    timctl groups export eng ops > groups.yaml
    timctl groups export --all -p prod | timctl groups apply -f - -p staging
    """
    if bool(group_ids) == all_groups:
        raise UsageError("give group IDs or --all (not both)")
    fmt = fmt or (app.output if app.output in ("yaml", "json") else "yaml")
    client = app.client()
    if all_groups:
        from timctl.rest.paging import items

        ids = sorted({str(i.get("GroupId")) for i in items(client, LIST, {})})
    else:
        ids = list(dict.fromkeys(group_ids))
    infos = read_infos(client, ids) if ids else {}
    out: list[Group] = []
    failed = 0
    for gid in ids:
        info = infos.get(gid)
        if info is None:
            info = f"{gid}: no such group"
        if isinstance(info, str):
            failed += 1
            app.log(f"timctl: {info}")
            continue
        try:
            live = read_live(client, gid, info, True, False)
            live.attributes = _attributes(client, gid)
        except TimError as exc:
            failed += 1
            app.log(f"timctl: {gid}: {exc}")
            continue
        out.append(exported(live))
    click.echo(dump(out, fmt), nl=False)
    if not failed:
        return exit_codes.OK
    return exit_codes.API if not out else exit_codes.PARTIAL


def _attributes(client: Any, gid: str) -> dict[str, str] | None:
    """A group's attributes; None when its type has none (10007)."""
    try:
        answer = client.call(ATTRS, {"GroupId": gid})
    except ApiError as exc:
        if exc.code == 10007:
            return None
        raise
    return {str(a.get("key")): str(a.get("value", "")) for a in answer.get("GroupAttrAry") or []}

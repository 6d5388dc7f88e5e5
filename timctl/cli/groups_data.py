"""timctl groups: attrs and counters.

Facts (rest-api-groups.yaml; pages 1047/44187-44190 and 59499 attributes, 53427-53429
counters): attribute keys <= 32 bytes, values <= 4000 bytes, <= 16 keys, all values <= 16000
bytes; counter keys <= 128 bytes, values signed 64-bit, <= 20 keys. All of it is checked
before sending (exit 2, nothing sent).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from typing import Any

import click

from timctl.cli.context import AppContext
from timctl.cli.groups import groups
from timctl.cli.groups_lifecycle import check_group_id
from timctl.cli.options import dry_run_option, output_options, pass_app, yes_option
from timctl.errors import UsageError

G = "group_open_http_svc"
ATTR_GET = "group_open_attr_http_svc/get_group_attr"
ATTR_WRITE = {"set": f"{G}/set_group_attr", "modify": f"{G}/modify_group_attr"}
ATTR_DELETE = f"{G}/delete_group_attr"
ATTR_CLEAR = f"{G}/clear_group_attr"
COUNTER_GET = f"{G}/get_group_counter"
COUNTER_UPDATE = f"{G}/update_group_counter"
COUNTER_DELETE = f"{G}/delete_group_counter"

ATTR_KEY_BYTES, ATTR_VALUE_BYTES, ATTR_MAX_KEYS, ATTR_TOTAL_BYTES = 32, 4000, 16, 16000
COUNTER_KEY_BYTES, COUNTER_MAX_KEYS = 128, 20
INT64 = (-(2**63), 2**63 - 1)
ATTR_COLUMNS = ["key", "value", "Status"]
COUNTER_COLUMNS = ["Key", "Value"]

GROUP = click.argument("group_id", metavar="GROUP_ID")


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


# --- attrs -----------------------------------------------------------------------------------

@groups.group("attrs")
def attrs() -> None:
    """Group attributes: up to 16 key/value pairs per group, read and written by the SDK too."""


def _attr_key(key: str, where: str) -> str:
    if not key:
        raise UsageError(f"{where}: empty attribute key")
    if _size(key) > ATTR_KEY_BYTES:
        raise UsageError(f"{where}: key {key[:40]!r} is longer than {ATTR_KEY_BYTES} bytes")
    return key


def _load_map(path: str) -> dict[str, Any]:
    """A JSON or YAML map {key: value} (or the API's [{key, value}] list) from FILE or -."""
    import yaml

    try:
        if path == "-":
            text = sys.stdin.read()
        else:
            with open(path, encoding="utf-8") as fh:
                text = fh.read()
    except OSError as exc:
        raise UsageError(f"{path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path}: not UTF-8 text") from None
    try:
        data = json.loads(text) if text.lstrip()[:1] in ("{", "[") else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise UsageError(f"{path}: not a JSON or YAML map: {str(exc).splitlines()[0]}") from None
    if isinstance(data, list) and all(isinstance(i, dict) and "key" in i for i in data):
        data = {i["key"]: i.get("value") for i in data}
    if not isinstance(data, dict):
        raise UsageError(f"{path}: expected a map of key: value")
    return data


def _attr_pairs(pairs: Iterable[str], from_file: str | None) -> dict[str, str]:
    """KEY=VALUE arguments and --from-file, checked against the documented limits."""
    out: dict[str, str] = {}
    if from_file:
        for key, value in _load_map(from_file).items():
            if isinstance(value, bool) or not isinstance(value, (str, int, float)):
                raise UsageError(f"{from_file}: {key}: a value is a string")
            out[_attr_key(str(key), from_file)] = str(value)
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise UsageError(f"{pair!r}: expected KEY=VALUE")
        out[_attr_key(key, "KEY=VALUE")] = value
    if not out:
        raise UsageError("no attributes given: KEY=VALUE arguments or --from-file")
    for key, value in out.items():
        if _size(value) > ATTR_VALUE_BYTES:
            raise UsageError(f"{key}: value is longer than {ATTR_VALUE_BYTES} bytes")
    if len(out) > ATTR_MAX_KEYS:
        raise UsageError(f"{len(out)} keys given: a group has at most {ATTR_MAX_KEYS}")
    total = sum(_size(v) for v in out.values())
    if total > ATTR_TOTAL_BYTES:
        raise UsageError(f"values total {total} bytes: at most {ATTR_TOTAL_BYTES}")
    return out


@attrs.command("get")
@GROUP
@output_options(known=["key", "value"])
@dry_run_option
@pass_app
def attrs_get(app: AppContext, group_id: str) -> None:
    """Show every attribute of a group.

    \b
    timctl groups attrs get room-1
    timctl groups attrs get room-1 -o json > attrs.json
    """
    answer = app.call(ATTR_GET, {"GroupId": check_group_id(group_id)})
    if answer is not None:
        app.emit(answer.get("GroupAttrAry") or [], columns=["key", "value"])


def _attr_write(mode: str) -> Any:
    doc = {"set": "Replace all attributes of a group with the given ones (keys left out are "
                  "dropped).",
           "modify": "Add or overwrite the given attributes, keeping the others."}[mode]

    @attrs.command(mode, help=f"""{doc}

    \b
    timctl groups attrs {mode} room-1 seat1=alice seat2=bob
    timctl groups attrs {mode} room-1 --from-file attrs.yaml   # key: value map; - for stdin
    """)
    @GROUP
    @click.argument("pairs", nargs=-1, metavar="[KEY=VALUE]...")
    @click.option("--from-file", metavar="FILE", help="A JSON or YAML map of key: value "
                                                      "(- for stdin).")
    @output_options(known=ATTR_COLUMNS)
    @dry_run_option
    @pass_app
    def write(app: AppContext, group_id: str, pairs: tuple[str, ...],
              from_file: str | None) -> None:
        values = _attr_pairs(pairs, from_file)
        body = {"GroupId": check_group_id(group_id),
                "GroupAttr": [{"key": k, "value": v} for k, v in values.items()]}
        if app.call(ATTR_WRITE[mode], body) is not None:
            app.emit([{"key": k, "value": v, "Status": mode} for k, v in values.items()],
                     columns=ATTR_COLUMNS)

    return write


attrs_set = _attr_write("set")
attrs_modify = _attr_write("modify")


@attrs.command("delete")
@GROUP
@click.argument("keys", nargs=-1, required=True, metavar="KEY...")
@output_options(known=["key", "Status"])
@dry_run_option
@pass_app
def attrs_delete(app: AppContext, group_id: str, keys: tuple[str, ...]) -> None:
    """Delete attribute keys. A key the group does not have fails the whole call (10050).

    \b
    timctl groups attrs delete room-1 seat1 seat2
    """
    names = list(dict.fromkeys(_attr_key(k, "KEY") for k in keys))
    body = {"GroupId": check_group_id(group_id), "GroupAttr": [{"key": k} for k in names]}
    if app.call(ATTR_DELETE, body) is not None:
        app.emit([{"key": k, "Status": "deleted"} for k in names], columns=["key", "Status"])


@attrs.command("clear")
@GROUP
@output_options(known=["GroupId", "Status"])
@dry_run_option
@yes_option
@pass_app
def attrs_clear(app: AppContext, group_id: str) -> None:
    """Remove every attribute of a group (not for Communities). Asks first, or needs --yes."""
    body = {"GroupId": check_group_id(group_id)}
    app.confirm(f"Remove every attribute of group {group_id}?")
    if app.call(ATTR_CLEAR, body) is not None:
        app.emit({"GroupId": group_id, "Status": "cleared"}, columns=["GroupId", "Status"])


# --- counters --------------------------------------------------------------------------------

@groups.group("counters")
def counters() -> None:
    """Group counters: up to 20 signed 64-bit values per group (Ultimate; not Communities)."""


def _counter_key(key: str) -> str:
    if not key or _size(key) > COUNTER_KEY_BYTES:
        raise UsageError(f"counter key {key[:40]!r}: 1-{COUNTER_KEY_BYTES} bytes")
    return key


def _counter_args(args: Iterable[str], default: int | None) -> dict[str, int]:
    """KEY=N (or bare KEY when `default` is given) -> {key: N}, checked."""
    out: dict[str, int] = {}
    for arg in args:
        key, sep, text = arg.partition("=")
        if not sep:
            if default is None:
                raise UsageError(f"{arg!r}: expected KEY=N")
            value = default
        else:
            try:
                value = int(text.strip())
            except ValueError:
                raise UsageError(f"{arg!r}: N must be an integer") from None
        if not INT64[0] <= value <= INT64[1]:
            raise UsageError(f"{arg!r}: N is out of the signed 64-bit range")
        out[_counter_key(key)] = value
    if len(out) > COUNTER_MAX_KEYS:
        raise UsageError(f"{len(out)} keys given: a group has at most {COUNTER_MAX_KEYS}")
    return out


@counters.command("get")
@GROUP
@click.argument("keys", nargs=-1, metavar="[KEY]...")
@output_options(known=COUNTER_COLUMNS)
@dry_run_option
@pass_app
def counters_get(app: AppContext, group_id: str, keys: tuple[str, ...]) -> None:
    """Show a group's counters (all, or the given keys).

    \b
    timctl groups counters get room-1
    timctl groups counters get room-1 likes -o json --query '[0].Value'
    """
    body: dict[str, Any] = {"GroupId": check_group_id(group_id)}
    if keys:
        body["GroupCounterKeys"] = list(dict.fromkeys(_counter_key(k) for k in keys))
    answer = app.call(COUNTER_GET, body)
    if answer is not None:
        app.emit(answer.get("GroupCounter") or [], columns=COUNTER_COLUMNS)


def _counter_update(name: str, mode: str, help_text: str, default: int | None) -> Any:
    metavar = "KEY=N..." if default is None else "KEY[=N]..."

    @counters.command(name, help=help_text)
    @GROUP
    @click.argument("args", nargs=-1, required=True, metavar=metavar)
    @output_options(known=COUNTER_COLUMNS)
    @dry_run_option
    @pass_app
    def update(app: AppContext, group_id: str, args: tuple[str, ...]) -> None:
        values = _counter_args(args, default)
        body = {"GroupId": check_group_id(group_id), "Mode": mode,
                "GroupCounter": [{"Key": k, "Value": v} for k, v in values.items()]}
        answer = app.call(COUNTER_UPDATE, body)
        if answer is not None:
            app.emit(answer.get("GroupCounter") or [], columns=COUNTER_COLUMNS)

    return update


counters_set = _counter_update("set", "Set", """Set counters to values.

    \b
    timctl groups counters set room-1 likes=0 gifts=10
    """, None)
counters_incr = _counter_update("incr", "Increase", """Add N (default 1) to counters; a missing
    counter starts from 0. Prints the new values. Not retried after a lost answer.

    \b
    timctl groups counters incr room-1 likes gifts=5
    """, 1)
counters_decr = _counter_update("decr", "Decrease", """Subtract N (default 1) from counters; a
    missing counter starts from 0. Prints the new values. Not retried after a lost answer.

    \b
    timctl groups counters decr room-1 likes
    """, 1)


@counters.command("delete")
@GROUP
@click.argument("keys", nargs=-1, metavar="[KEY]...")
@output_options(known=["GroupId", "Key", "Status"])
@dry_run_option
@yes_option
@pass_app
def counters_delete(app: AppContext, group_id: str, keys: tuple[str, ...]) -> None:
    """Delete the given counters, or every counter when no key is given. Asks first, or
    needs --yes."""
    body: dict[str, Any] = {"GroupId": check_group_id(group_id)}
    names = list(dict.fromkeys(_counter_key(k) for k in keys))
    if names:
        body["GroupCounterKeys"] = names
    app.confirm(f"Delete {'counters ' + ', '.join(names) if names else 'every counter'} of "
                f"group {group_id}?")
    if app.call(COUNTER_DELETE, body) is not None:
        app.emit([{"GroupId": group_id, "Key": k or "*", "Status": "deleted"}
                  for k in (names or [""])], columns=["GroupId", "Key", "Status"])

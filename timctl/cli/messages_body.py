"""Message body flags, shared by every command that sends or imports a message.

    @body_options          --text --image --file-url --sound --video --location --face
                           --custom-data/--custom-desc/--custom-ext, or --body @FILE|-|JSON
    @message_options       --cloud-data, --push-title/--push-desc/--push-ext/--no-push,
                           --no-unread, --no-last-msg
    fields = message_fields(kwargs)   # MsgBody, CloudCustomData, OfflinePushInfo, ...

Element flags repeat, and the elements follow the order they were typed in (`--image U
--text caption`: the image, then its caption), since the documented rules care about which
element may follow which. The body is checked by timctl.msgbody.problems before anything is
sent: a problem is a usage error (exit 2) naming it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from timctl.cli.inputs import load_json_arg
from timctl.errors import UsageError

F = TypeVar("F", bound=Callable[..., Any])
ORDER_KEY = "timctl.body_order"  # ctx.meta: element flags in the order they were given
MAX_BODY_FILE = 1024 * 1024  # far above the 12 KB limit: stops a runaway file early

# flag dest -> msgbody.build keyword; custom_* flags make up one TIMCustomElem together.
ELEMENT_FLAGS = ("text", "image", "file", "sound", "video", "location", "face")
CUSTOM_FLAGS = ("custom_data", "custom_desc", "custom_ext")


class _Ordered(click.Option):
    """An element flag that notes each use in ctx.meta, so elements keep the typed order
    (Click hands each repeated option its own tuple and loses the interleaving)."""

    def add_to_parser(self, parser: Any, ctx: click.Context) -> None:
        super().add_to_parser(parser, ctx)
        table = {**getattr(parser, "_long_opt", {}), **getattr(parser, "_short_opt", {})}
        name = self.name
        for opt in self.opts:
            parsed = table.get(opt)
            if parsed is None or not hasattr(parsed, "process"):
                continue  # another Click: elements then follow the flags' fixed order
            original = parsed.process

            def process(value: Any, state: Any, _orig: Any = original) -> None:
                ctx.meta.setdefault(ORDER_KEY, []).append(name)
                _orig(value, state)

            parsed.process = process


def body_options(f: F) -> F:
    """The element flags and --body."""
    many: dict[str, Any] = {"cls": _Ordered, "multiple": True}
    options = [
        click.option("--text", **many, metavar="TEXT", help="A text element (repeatable)."),
        click.option("--image", **many, metavar="URL", help="An image element."),
        click.option("--file-url", "file", **many, metavar="URL",
                     help="A file element (not -f/--file, which reads input)."),
        click.option("--sound", **many, metavar="URL", help="A sound (voice) element."),
        click.option("--video", **many, metavar="URL", help="A video element."),
        click.option("--location", **many, metavar="LAT,LON[,DESC]",
                     help="A location element."),
        click.option("--face", **many, metavar="INDEX", help="A face (emoji) element."),
        click.option("--custom-data", cls=_Ordered, metavar="TEXT",
                     help="The custom element's Data (one custom element at most)."),
        click.option("--custom-desc", cls=_Ordered, metavar="TEXT",
                     help="The custom element's Desc (its offline push text)."),
        click.option("--custom-ext", cls=_Ordered, metavar="TEXT",
                     help="The custom element's Ext."),
        click.option("--body", "body_source", metavar="@FILE|-|JSON",
                     help="The whole MsgBody: a JSON array of elements (or an object with "
                          "MsgBody) inline, from @FILE, or - for stdin."),
    ]
    for opt in reversed(options):
        f = opt(f)
    return f


def message_options(f: F) -> F:
    """Message-level fields shared by one-to-one and group sends."""
    options = [
        click.option("--cloud-data", metavar="TEXT",
                     help="CloudCustomData: stored with the message, delivered to the peer."),
        click.option("--push-title", metavar="TEXT", help="Offline push title."),
        click.option("--push-desc", metavar="TEXT",
                     help="Offline push text (overrides the elements' push text)."),
        click.option("--push-ext", metavar="TEXT", help="Offline push pass-through (Ext)."),
        click.option("--no-push", is_flag=True, help="No offline push (PushFlag 1)."),
        click.option("--no-unread", is_flag=True,
                     help="Not counted as unread (SendMsgControl NoUnread)."),
        click.option("--no-last-msg", is_flag=True,
                     help="Does not update the conversation (SendMsgControl NoLastMsg)."),
    ]
    for opt in reversed(options):
        f = opt(f)
    return f


def message_fields(kwargs: dict[str, Any], *, stdin: Any = None) -> dict[str, Any]:
    """Pop the body and message flags out of a command's kwargs; the request fields they
    make, the body already checked (UsageError, exit 2, when it breaks a documented rule)."""
    fields: dict[str, Any] = {"MsgBody": body_from(kwargs, stdin=stdin)}
    cloud = kwargs.pop("cloud_data", None)
    if cloud is not None:
        fields["CloudCustomData"] = cloud
    push = {k: v for k, v in (("Title", kwargs.pop("push_title", None)),
                              ("Desc", kwargs.pop("push_desc", None)),
                              ("Ext", kwargs.pop("push_ext", None))) if v is not None}
    if kwargs.pop("no_push", False):
        push["PushFlag"] = 1
    if push:
        fields["OfflinePushInfo"] = push
    control = [name for name, flag in (("NoUnread", "no_unread"), ("NoLastMsg", "no_last_msg"))
               if kwargs.pop(flag, False)]
    if control:
        fields["SendMsgControl"] = control
    return fields


def body_from(kwargs: dict[str, Any], *, stdin: Any = None) -> list[dict[str, Any]]:
    """The MsgBody the flags describe (popped from kwargs), checked by msgbody.problems."""
    from timctl import msgbody

    source = kwargs.pop("body_source", None)
    values = {name: kwargs.pop(name, None) for name in (*ELEMENT_FLAGS, *CUSTOM_FLAGS)}
    given = [name for name, value in values.items() if value not in (None, ())]
    if source is not None and given:
        raise UsageError(f"--body cannot be combined with {flag_name(given[0])}")
    if source is not None:
        body = read_body(source, stdin)
    elif not given:
        raise UsageError("no message body: give --text (or another element flag) or --body")
    else:
        body = _elements(values)
    problems = msgbody.problems(body)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise UsageError(f"message body: {problems[0]}{more}; nothing was sent")
    return body


def _elements(values: dict[str, Any]) -> list[dict[str, Any]]:
    """Elements in the order their flags were typed (fixed flag order when unknown)."""
    from timctl import msgbody

    ctx = click.get_current_context(silent=True)
    order: list[str] = list(ctx.meta.get(ORDER_KEY, [])) if ctx is not None else []
    if not order:
        order = [name for name in (*ELEMENT_FLAGS, *CUSTOM_FLAGS)
                 for _ in (values[name] if isinstance(values[name], tuple)
                           else [values[name]] if values[name] is not None else [])]
    left = {name: list(values[name]) for name in ELEMENT_FLAGS if values[name]}
    custom = {name.removeprefix("custom_"): values[name] for name in CUSTOM_FLAGS
              if values[name] is not None}
    body: list[dict[str, Any]] = []
    custom_placed = False
    for name in order:
        if name in CUSTOM_FLAGS:
            if not custom_placed and custom:
                body.extend(_build(msgbody, custom=custom))
                custom_placed = True
        elif left.get(name):
            body.extend(_build(msgbody, **{name: [left[name].pop(0)]}))
    return body


def _build(msgbody: Any, **one: Any) -> list[dict[str, Any]]:
    try:
        return list(msgbody.build(**one))
    except ValueError as exc:  # a flag value msgbody cannot turn into an element
        raise UsageError(f"{flag_name(next(iter(one)))}: {exc}") from None


def flag_name(dest: str) -> str:
    """The flag a body dest is typed as (the file element is --file-url: -f/--file reads
    the input of bulk commands)."""
    return "--file-url" if dest == "file" else "--" + dest.replace("_", "-")


def read_body(source: str, stdin: Any = None) -> list[dict[str, Any]]:
    """A MsgBody from inline JSON, @FILE or - (stdin): an array of elements, or an object
    holding MsgBody (a request body or a history row)."""
    where, data = load_json_arg(source, inline="--body", stdin_name="--body -",
                                file_prefix="--body ", limit=MAX_BODY_FILE, what="a MsgBody",
                                stdin=stdin)
    if isinstance(data, dict) and "MsgBody" in data:
        data = data["MsgBody"]
    if not isinstance(data, list):
        raise UsageError(f"{where}: expected a JSON array of elements (MsgBody)")
    return data

"""timctl config: profiles in the config file (written 0600), secrets always masked."""

from __future__ import annotations

import sys
from typing import Any

import click

from timctl import config
from timctl.cli.context import AppContext
from timctl.cli.options import output_options, pass_app, yes_option
from timctl.errors import ConfigError, UsageError


@click.group("config")
def config_group() -> None:
    """Manage profiles and settings (file: `timctl config path`)."""



@config_group.command("init")
@click.argument("name", default="default")
@click.option("--sdkappid", type=int, help="The app's SDKAppID.")
@click.option("--admin", help="App Admin UserID [administrator].")
@click.option("--region", type=click.Choice(list(config.REGIONS)), help="Data center.")
@click.option("--endpoint", metavar="URL", help="Base URL instead of a region "
              "(e.g. http://127.0.0.1:9080 for `timctl emulator serve`).")
@click.option("--secret-key-file", metavar="PATH", help="Read the secret key from PATH.")
@click.option("--secret-key-cmd", metavar="CMD", help="Run CMD to print the secret key.")
@click.option("--secret-key-stdin", is_flag=True, help="Read the secret key from stdin "
              "and store it in the (0600) config file.")
@click.option("--default/--no-default", "make_default", default=None,
              help="Make it the default profile [yes when it is the first].")
@pass_app
def init(app: AppContext, name: str, sdkappid: int | None, admin: str | None,
         region: str | None, endpoint: str | None, secret_key_file: str | None,
         secret_key_cmd: str | None, secret_key_stdin: bool, make_default: bool | None) -> None:
    """Create or update profile NAME. Prompts for what is missing, on a terminal only."""
    if name == config.LOCAL_PROFILE:
        raise UsageError("'local' is the built-in emulator profile; choose another name")
    cfg = config.ConfigFile.load()
    profile: dict[str, Any] = dict(cfg.profiles.get(name, {}))
    given = {"sdkappid": sdkappid, "admin": admin, "region": region, "endpoint": endpoint,
             "secret_key_file": secret_key_file, "secret_key_cmd": secret_key_cmd}
    profile.update({k: v for k, v in given.items() if v is not None})
    if secret_key_stdin:
        profile["secret_key"] = _secret_from_stdin()
    interactive = app.can_prompt
    if "sdkappid" not in profile:
        if not interactive:
            raise ConfigError("config init: --sdkappid is required (not on a terminal)")
        profile["sdkappid"] = click.prompt("SDKAppID", type=int)
    if "region" not in profile and "endpoint" not in profile:
        if not interactive:
            raise ConfigError("config init: --region or --endpoint is required")
        profile["region"] = click.prompt("Region", type=click.Choice(list(config.REGIONS)),
                                         default="singapore")
    profile.setdefault("admin", config.DEFAULT_ADMIN)
    if not any(profile.get(k) for k in ("secret_key", "secret_key_file", "secret_key_cmd")):
        if interactive:
            profile["secret_key"] = click.prompt("Secret key (hidden)", hide_input=True)
        else:
            click.echo("timctl: note: no secret key stored; set TIMCTL_SECRET_KEY or "
                       "secret_key_file before calling the API", err=True)
    for key, value in profile.items():
        profile[key] = config.coerce(key, value)
    cfg.profiles[name] = profile
    if make_default or (make_default is None and not cfg.default_profile):
        cfg.default_profile = name
    cfg.save()
    click.echo(f"Saved profile {name!r} to {cfg.path}"
               + (" (default)" if cfg.default_profile == name else ""), err=True)


@config_group.command("list")
@output_options
@pass_app
def list_(app: AppContext) -> None:
    """List profiles (the default is marked)."""
    cfg = config.ConfigFile.load()
    rows = [
        {"profile": name, "default": name == cfg.default_profile, "sdkappid": p.get("sdkappid"),
         "admin": p.get("admin"), "where": p.get("endpoint") or p.get("region")}
        for name, p in cfg.profiles.items()
    ]
    if config.LOCAL_PROFILE not in cfg.profiles:
        rows.append({"profile": config.LOCAL_PROFILE, "default": not cfg.default_profile,
                     "sdkappid": config.LOCAL_SDKAPPID, "admin": config.DEFAULT_ADMIN,
                     "where": "embedded emulator"})
    app.emit(rows, columns=["profile", "default", "sdkappid", "admin", "where"])


@config_group.command("show")
@click.option("--show-origin", is_flag=True, help="Say where each value comes from.")
@output_options
@pass_app
def show(app: AppContext, show_origin: bool) -> None:
    """Show the effective settings of the selected profile (secrets masked)."""
    s = app.settings()
    rows = []
    for key, value in s.values.items():
        shown = _mask(value) if key in config.SECRET_KEYS else value
        row = {"key": key, "value": shown}
        if show_origin:
            row["origin"] = s.origins[key]
        rows.append(row)
    if app.output_format() in ("json", "yaml"):
        data: Any = {"profile": s.profile, **{r["key"]: r["value"] for r in rows}}
        if show_origin:
            data["origins"] = s.origins
        app.emit(data)
    else:
        app.emit(rows)


@config_group.command("use")
@click.argument("name")
def use(name: str) -> None:
    """Make NAME the default profile."""
    cfg = config.ConfigFile.load()
    if name not in cfg.profiles and name != config.LOCAL_PROFILE:
        raise ConfigError(f"no profile named {name!r}")
    cfg.default_profile = name
    cfg.save()
    click.echo(f"Default profile: {name}", err=True)


@config_group.command("set")
@click.argument("key", type=click.Choice(list(config.PROFILE_KEYS)))
@click.argument("value")
@pass_app
def set_(app: AppContext, key: str, value: str) -> None:
    """Set KEY to VALUE in the selected profile (--profile, else the default).

    The secret key is never taken from the command line: use `config set secret_key -`
    to read it from stdin (or a hidden prompt), or set secret_key_file / secret_key_cmd.
    """
    if key in config.SECRET_KEYS:
        if value != "-":
            raise UsageError("secret_key is not accepted on the command line: "
                             "use `timctl config set secret_key -` (stdin or prompt)")
        if app.can_prompt:
            value = click.prompt("Secret key (hidden)", hide_input=True).strip()
            if not value:
                raise UsageError("the secret key is empty")
        else:
            value = _secret_from_stdin()
    cfg, name = _editable_profile(app)
    cfg.profiles[name][key] = config.coerce(key, value)
    cfg.save()
    click.echo(f"{name}: {key} set", err=True)


@config_group.command("unset")
@click.argument("key", type=click.Choice(list(config.PROFILE_KEYS)))
@pass_app
def unset(app: AppContext, key: str) -> None:
    """Remove KEY from the selected profile."""
    cfg, name = _editable_profile(app)
    cfg.profiles[name].pop(key, None)
    cfg.save()
    click.echo(f"{name}: {key} unset", err=True)


@config_group.command("delete")
@click.argument("name")
@yes_option
@pass_app
def delete(app: AppContext, name: str) -> None:
    """Delete profile NAME."""
    cfg = config.ConfigFile.load()
    if name not in cfg.profiles:
        raise ConfigError(f"no profile named {name!r}")
    app.confirm(f"Delete profile {name!r}?")
    del cfg.profiles[name]
    if cfg.default_profile == name:
        cfg.default_profile = None
    cfg.save()
    click.echo(f"Deleted profile {name!r}", err=True)


@config_group.command("path")
def path() -> None:
    """Print the config file's path."""
    click.echo(str(config.config_path()))


def _editable_profile(app: AppContext) -> tuple[config.ConfigFile, str]:
    import os

    cfg = config.ConfigFile.load()
    name = app.profile or os.environ.get("TIMCTL_PROFILE") or cfg.default_profile
    if not name:
        raise ConfigError("no profile selected: use --profile NAME or `timctl config init`")
    if name not in cfg.profiles:
        raise ConfigError(f"no profile named {name!r} (create it: timctl config init {name})")
    return cfg, name


def _secret_from_stdin() -> str:
    raw = sys.stdin.buffer.read(64 * 1024)
    try:
        key = raw.decode("utf-8").strip()
    except UnicodeDecodeError:
        raise UsageError("-: the secret key must be UTF-8 text") from None
    if not key or "\n" in key:
        raise UsageError("-: expected the secret key on one line; got "
                         + ("nothing" if not key else "several lines"))
    return key


def _mask(value: Any) -> str:
    return "****" if value else ""

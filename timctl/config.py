"""Profiles, environment variables and their precedence; secret-key sources.

Precedence for every setting: flags > TIMCTL_* environment > profile in the config file >
defaults. With no profile configured (and no TIMCTL_SDKAPPID / TIMCTL_ENDPOINT in the
environment) timctl uses the built-in `local` profile: the emulator, in-process, on a database
in the user data directory.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from timctl.endpoint_url import EMULATOR_PREFIX, endpoint_problem
from timctl.errors import ConfigError

LOCAL_PROFILE = "local"
LOCAL_SDKAPPID = 1400000000
DEFAULT_ADMIN = "administrator"

# Region name -> (primary domain, standby domain). From the REST API overview page.
REGIONS: dict[str, tuple[str, str | None]] = {
    "china": ("console.tim.qq.com", "adminapi.my-imcloud.com"),
    "singapore": ("adminapisgp.im.qcloud.com", "adminapisgp.my-imcloud.com"),
    "seoul": ("adminapikr.im.qcloud.com", "adminapikr.my-imcloud.com"),
    "tokyo": ("adminapijpn.im.qcloud.com", None),
    "frankfurt": ("adminapiger.im.qcloud.com", "adminapiger.my-imcloud.com"),
    "mumbai": ("adminapiind.im.qcloud.com", "adminapiind.my-imcloud.com"),
    "silicon-valley": ("adminapiusa.im.qcloud.com", "adminapiusa.my-imcloud.com"),
    "jakarta": ("adminapiidn.im.qcloud.com", "adminapiidn.my-imcloud.com"),
}

# Keys a profile may hold, with their types. Secret values are masked when shown.
PROFILE_KEYS: dict[str, type] = {
    "sdkappid": int,
    "admin": str,
    "region": str,
    "endpoint": str,
    "secret_key": str,
    "secret_key_file": str,
    "secret_key_cmd": str,
    "output": str,
    "timeout": float,
    "max_attempts": int,
    "rate": float,
}
SECRET_KEYS = frozenset({"secret_key"})
OUTPUT_FORMATS = ("table", "json", "yaml", "jsonl", "csv")

# Setting -> environment variable.
ENV_VARS: dict[str, str] = {
    "sdkappid": "TIMCTL_SDKAPPID",
    "admin": "TIMCTL_ADMIN",
    "region": "TIMCTL_REGION",
    "endpoint": "TIMCTL_ENDPOINT",
    "secret_key": "TIMCTL_SECRET_KEY",
    "secret_key_file": "TIMCTL_SECRET_KEY_FILE",
    "output": "TIMCTL_OUTPUT",
    "timeout": "TIMCTL_TIMEOUT",
    "max_attempts": "TIMCTL_MAX_ATTEMPTS",
    "rate": "TIMCTL_RATE",
}

DEFAULTS: dict[str, Any] = {"admin": DEFAULT_ADMIN, "timeout": 10.0, "max_attempts": 5}


def config_dir() -> Path:
    env = os.environ.get("TIMCTL_CONFIG_DIR")
    if env:
        return Path(env)
    import click

    return Path(click.get_app_dir("timctl"))


def config_path() -> Path:
    return config_dir() / "config.yaml"


def data_dir() -> Path:
    """Where the embedded emulator keeps its database."""
    env = os.environ.get("TIMCTL_DATA_DIR")
    if env:
        return Path(env)
    if sys.platform.startswith("linux") or os.environ.get("XDG_DATA_HOME"):
        base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
        return Path(base) / "timctl"
    return config_dir()  # macOS / Windows app dirs already hold data


def local_db_path() -> Path:
    return data_dir() / "emulator.db"


def coerce(key: str, value: Any) -> Any:
    """Convert a raw value (from env, flags or YAML) to the key's type, or raise ConfigError."""
    if key not in PROFILE_KEYS:
        known = ", ".join(PROFILE_KEYS)
        raise ConfigError(f"unknown setting {key!r} (known: {known})")
    if value is None or value == "":
        return None
    kind = PROFILE_KEYS[key]
    if isinstance(value, bool) and kind is not str:
        raise ConfigError(f"{key}: expected {kind.__name__}, got {value!r}")
    try:
        value = kind(value)
    except (TypeError, ValueError, OverflowError):
        raise ConfigError(f"{key}: expected {kind.__name__}, got {value!r}") from None
    if key == "region" and value not in REGIONS:
        raise ConfigError(f"region: unknown region {value!r} (known: {', '.join(REGIONS)})")
    if key == "output" and value not in OUTPUT_FORMATS:
        raise ConfigError(f"output: must be one of {', '.join(OUTPUT_FORMATS)}")
    if key == "endpoint":
        problem = endpoint_problem(value)
        if problem:
            raise ConfigError(f"endpoint: {problem}")
    if key in ("timeout", "rate", "max_attempts") and not (0 < value < float("inf")):
        raise ConfigError(f"{key}: must be a finite number greater than 0, got {value!r}")
    if key == "sdkappid" and not 0 < value < 2**32:
        raise ConfigError(f"sdkappid: must be a positive 32-bit integer, got {value!r}")
    if key == "admin" and not 0 < len(value.encode("utf-8")) <= 32:
        raise ConfigError(f"admin: must be a UserID of 1-32 bytes, got {value!r}")
    return value


# ------------------------------------------------------------------------------ the file


@dataclass
class ConfigFile:
    """The YAML config file: a default profile name and named profiles."""

    path: Path
    default_profile: str | None = None
    profiles: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path | None = None) -> ConfigFile:
        path = path or config_path()
        if not path.exists():
            return cls(path)
        import yaml

        try:
            doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except OSError as exc:
            raise ConfigError(f"{path}: cannot read config: {exc.strerror}") from None
        except UnicodeDecodeError as exc:
            raise ConfigError(f"{path}: cannot read config: not UTF-8 text (byte "
                              f"{exc.object[exc.start]:#04x} at offset {exc.start})") from None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"{path}:{mark.line + 1}" if mark else str(path)
            problem = getattr(exc, "problem", None) or "invalid YAML"
            raise ConfigError(f"{where}: cannot read config: {problem}") from None
        if not isinstance(doc, dict) or not isinstance(doc.get("profiles") or {}, dict):
            raise ConfigError(f"{path}: not a timctl config (expected a 'profiles' mapping)")
        profiles: dict[str, dict[str, Any]] = {}
        for name, values in (doc.get("profiles") or {}).items():
            if not isinstance(values or {}, dict):
                raise ConfigError(f"{path}: profile {name!r} is not a mapping")
            profiles[str(name)] = dict(values or {})
        default = doc.get("default_profile")
        if default is not None and not isinstance(default, str):
            raise ConfigError(f"{path}: default_profile must be a profile name")
        return cls(path, default, profiles)

    def save(self) -> None:
        import yaml

        self.path.parent.mkdir(parents=True, exist_ok=True)
        doc = {"default_profile": self.default_profile, "profiles": self.profiles}
        text = yaml.safe_dump(doc, sort_keys=False)
        # Create 0600 from the start: the file may hold a secret key.
        tmp = self.path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(text)
        os.chmod(tmp, 0o600)
        os.replace(tmp, self.path)


# ------------------------------------------------------------------------------ resolution


@dataclass
class Settings:
    """Effective settings for one invocation, with where each value came from."""

    profile: str
    values: dict[str, Any]
    origins: dict[str, str]
    implicit_local: bool = False

    def get(self, key: str) -> Any:
        return self.values.get(key)

    def __repr__(self) -> str:
        shown = {k: "***" if k in SECRET_KEYS else v for k, v in self.values.items()}
        return f"Settings(profile={self.profile!r}, values={shown!r})"

    @property
    def is_local(self) -> bool:
        return self.profile == LOCAL_PROFILE

    @property
    def base_url(self) -> str:
        endpoint = self.values.get("endpoint")
        if endpoint:
            return str(endpoint).rstrip("/")
        region = self.values.get("region")
        if region:
            return f"https://{REGIONS[region][0]}"
        raise ConfigError(
            f"profile {self.profile!r} has no region or endpoint "
            "(set one: timctl config set region singapore)"
        )

    @property
    def sdkappid(self) -> int:
        value = self.values.get("sdkappid")
        if value is None:
            raise ConfigError(
                f"profile {self.profile!r} has no sdkappid "
                "(timctl config set sdkappid N, or TIMCTL_SDKAPPID)"
            )
        return int(value)

    @property
    def admin(self) -> str:
        return str(self.values.get("admin") or DEFAULT_ADMIN)

    @property
    def has_secret_key(self) -> bool:
        """A secret key is configured (env, profile, file or command)."""
        return any(self.values.get(k) for k in ("secret_key", "secret_key_file",
                                                 "secret_key_cmd"))

    def secret_key(self, *, can_prompt: bool = False) -> str:
        """The configured secret key: env or profile, file, command, or a hidden prompt."""
        v = self.values
        if v.get("secret_key"):
            return str(v["secret_key"])
        if v.get("secret_key_file"):
            path = Path(os.path.expanduser(str(v["secret_key_file"])))
            try:
                key = path.read_text(encoding="utf-8").strip()
            except OSError as exc:
                raise ConfigError(f"secret_key_file {path}: {exc.strerror}") from None
            except UnicodeDecodeError:
                raise ConfigError(f"secret_key_file {path}: not UTF-8 text") from None
            if not key:
                raise ConfigError(f"secret_key_file {path}: file is empty")
            return key
        if v.get("secret_key_cmd"):
            return _run_secret_cmd(str(v["secret_key_cmd"]))
        if can_prompt:
            import click

            key = str(click.prompt("Secret key", hide_input=True)).strip()
            if key:
                return key
            raise ConfigError("the secret key is empty")
        raise ConfigError(
            f"no secret key for profile {self.profile!r}: set TIMCTL_SECRET_KEY, "
            "secret_key_file or secret_key_cmd (timctl config set secret_key_file PATH)"
        )


def _run_secret_cmd(cmd: str) -> str:
    import shlex
    import subprocess

    try:
        done = subprocess.run(shlex.split(cmd), capture_output=True, text=True, timeout=30)
    except (OSError, ValueError, subprocess.TimeoutExpired) as exc:
        raise ConfigError(f"secret_key_cmd failed: {exc.__class__.__name__}") from None
    key = done.stdout.strip()
    if done.returncode != 0 or not key:
        raise ConfigError(f"secret_key_cmd exited {done.returncode} without printing a key")
    return key


def local_profile_values() -> dict[str, Any]:
    return {
        "sdkappid": LOCAL_SDKAPPID,
        "admin": DEFAULT_ADMIN,
        "endpoint": EMULATOR_PREFIX + str(local_db_path()),
    }


def resolve(
    flags: dict[str, Any] | None = None,
    profile: str | None = None,
    env: dict[str, str] | None = None,
    config: ConfigFile | None = None,
) -> Settings:
    """Merge flags > environment > profile > defaults into Settings."""
    environ: Mapping[str, str] = os.environ if env is None else env
    flags = {k: v for k, v in (flags or {}).items() if v is not None}
    cfg = config or ConfigFile.load()

    name = profile or environ.get("TIMCTL_PROFILE") or cfg.default_profile
    implicit = False
    if name is None:
        if environ.get("TIMCTL_SDKAPPID") or environ.get("TIMCTL_ENDPOINT"):
            name = "env"
        elif cfg.profiles:
            # Profiles exist but none is the default (it was deleted): never fall back to
            # the emulator silently, which would make a script "succeed" against nothing.
            raise ConfigError(
                f"no default profile (profiles: {', '.join(sorted(cfg.profiles))}): choose one "
                "with -p NAME or `timctl config use NAME` (-p local: the embedded emulator)")
        else:
            name, implicit = LOCAL_PROFILE, True

    if name == LOCAL_PROFILE and LOCAL_PROFILE not in cfg.profiles:
        profile_values = local_profile_values()
    elif name == "env" and name not in cfg.profiles:
        profile_values = {}
    elif name in cfg.profiles:
        profile_values = cfg.profiles[name]
    else:
        known = ", ".join(sorted(cfg.profiles)) or "none; run: timctl config init"
        raise ConfigError(f"no profile named {name!r} (profiles: {known})")

    values: dict[str, Any] = {}
    origins: dict[str, str] = {}
    for key in PROFILE_KEYS:
        for origin, source in (
            ("flag", flags.get(key)),
            (f"env {ENV_VARS[key]}" if key in ENV_VARS else "", _env(environ, key)),
            (f"profile {name}", profile_values.get(key)),
            ("default", DEFAULTS.get(key)),
        ):
            if origin and source not in (None, ""):
                values[key] = coerce(key, source)
                origins[key] = origin
                break
    # An explicit region in a flag or the env outranks an endpoint from a weaker layer.
    if "region" in values and "endpoint" in values:
        rank = ["flag", "env", "profile", "default"]
        if rank.index(origins["region"].split()[0]) < rank.index(origins["endpoint"].split()[0]):
            del values["endpoint"], origins["endpoint"]
    return Settings(name, values, origins, implicit_local=implicit)


def _env(env: Mapping[str, str], key: str) -> str | None:
    var = ENV_VARS.get(key)
    return env.get(var) if var else None

"""Profiles, precedence, secret sources, file permissions, and config errors."""

from __future__ import annotations

import os
import stat

import pytest

from timctl import config
from timctl.errors import ConfigError


def write_profile(run, name="prod", *extra: str) -> None:  # type: ignore[no-untyped-def]
    r = run("config", "init", name, "--sdkappid", "1400000111", "--region", "singapore", *extra)
    assert r.code == 0, r.err


def test_init_writes_0600_and_first_profile_becomes_default(run) -> None:  # type: ignore[no-untyped-def]
    r = run("config", "init", "prod", "--sdkappid", "1400000111", "--region", "singapore",
            "--secret-key-stdin", input="s3cr3t-key-value\n")
    assert r.code == 0, r.err
    path = config.config_path()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    cfg = config.ConfigFile.load()
    assert cfg.default_profile == "prod"
    assert cfg.profiles["prod"]["secret_key"] == "s3cr3t-key-value"
    assert cfg.profiles["prod"]["admin"] == "administrator"


def test_init_without_required_values_fails_cleanly_off_terminal(run) -> None:  # type: ignore[no-untyped-def]
    r = run("config", "init", "prod", "--region", "singapore")
    assert r.code == 3
    assert "--sdkappid is required" in r.err and "Traceback" not in r.err


def test_precedence_flag_over_env_over_profile(run) -> None:  # type: ignore[no-untyped-def]
    write_profile(run, "prod")
    s = config.resolve()
    assert (s.profile, s.get("region"), s.origins["region"]) == ("prod", "singapore",
                                                                 "profile prod")
    s = config.resolve(env={"TIMCTL_REGION": "seoul"})
    assert s.get("region") == "seoul" and s.origins["region"] == "env TIMCTL_REGION"
    s = config.resolve({"region": "tokyo"}, env={"TIMCTL_REGION": "seoul"})
    assert s.get("region") == "tokyo" and s.origins["region"] == "flag"
    assert s.base_url == "https://adminapijpn.im.qcloud.com"


def test_env_region_outranks_profile_endpoint(run) -> None:  # type: ignore[no-untyped-def]
    r = run("config", "init", "emu", "--sdkappid", "1", "--endpoint", "http://127.0.0.1:9080")
    assert r.code == 0
    s = config.resolve(env={"TIMCTL_REGION": "frankfurt"})
    assert s.base_url == "https://adminapiger.im.qcloud.com"
    assert config.resolve(env={}).base_url == "http://127.0.0.1:9080"


def test_every_documented_region_has_a_domain() -> None:
    assert set(config.REGIONS) == {"china", "singapore", "seoul", "tokyo", "frankfurt",
                                   "mumbai", "silicon-valley", "jakarta"}
    for region in config.REGIONS:
        s = config.resolve({"region": region, "sdkappid": 1}, env={"TIMCTL_SDKAPPID": "1"})
        assert s.base_url.startswith("https://") and s.base_url.endswith(".com")


def test_no_profile_means_local_and_env_means_env(run) -> None:  # type: ignore[no-untyped-def]
    s = config.resolve(env={})
    assert s.profile == "local" and s.implicit_local
    assert s.get("endpoint").startswith("emulator:")
    s = config.resolve(env={"TIMCTL_SDKAPPID": "5", "TIMCTL_ENDPOINT": "http://127.0.0.1:1"})
    assert s.profile == "env" and s.sdkappid == 5 and not s.implicit_local


def test_unknown_profile_and_bad_values_are_config_errors(run) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ConfigError, match="no profile named 'nope'"):
        config.resolve(profile="nope", env={})
    with pytest.raises(ConfigError, match="unknown region"):
        config.resolve({"region": "mars"}, env={})
    with pytest.raises(ConfigError, match="sdkappid: expected int"):
        config.resolve(env={"TIMCTL_SDKAPPID": "abc"})


def test_missing_values_exit_config_with_one_line(run) -> None:  # type: ignore[no-untyped-def]
    r = run("users", "check", "a", env={"TIMCTL_ENDPOINT": "http://127.0.0.1:9"})
    assert r.code == 3 and "no sdkappid" in r.err
    assert len(r.err.strip().splitlines()) == 1
    r = run("users", "check", "a", env={"TIMCTL_SDKAPPID": "1", "TIMCTL_ENDPOINT": "http://x"})
    assert r.code == 3 and "no secret key" in r.err
    write_profile(run, "nowhere")
    run("config", "unset", "region")
    r = run("users", "check", "a", env={"TIMCTL_SECRET_KEY": "k" * 32})
    assert r.code == 3 and "no region or endpoint" in r.err


def test_secret_key_sources(run, tmp_path) -> None:  # type: ignore[no-untyped-def]
    key_file = tmp_path / "k"
    key_file.write_text("from-file-key\n")
    s = config.resolve({"secret_key_file": str(key_file)}, env={"TIMCTL_SDKAPPID": "1"})
    assert s.secret_key() == "from-file-key"
    s = config.resolve({"secret_key_cmd": "echo from-cmd-key"}, env={"TIMCTL_SDKAPPID": "1"})
    assert s.secret_key() == "from-cmd-key"
    s = config.resolve({"secret_key_cmd": "false"}, env={"TIMCTL_SDKAPPID": "1"})
    with pytest.raises(ConfigError, match="secret_key_cmd"):
        s.secret_key()
    s = config.resolve(env={"TIMCTL_SDKAPPID": "1", "TIMCTL_SECRET_KEY": "from-env"})
    assert s.secret_key() == "from-env"


def test_secret_key_is_never_taken_from_argv(run) -> None:  # type: ignore[no-untyped-def]
    write_profile(run)
    r = run("config", "set", "secret_key", "plaintext-on-argv")
    assert r.code == 2 and "not accepted on the command line" in r.err
    r = run("config", "set", "secret_key", "-", input="piped-key\n")
    assert r.code == 0
    assert config.ConfigFile.load().profiles["prod"]["secret_key"] == "piped-key"


def test_show_masks_secrets_and_tells_origins(run) -> None:  # type: ignore[no-untyped-def]
    write_profile(run, "prod")
    run("config", "set", "secret_key", "-", input="very-secret-key\n")
    r = run("-o", "json", "config", "show", "--show-origin")
    assert r.code == 0
    data = r.json()
    assert data["secret_key"] == "****" and "very-secret-key" not in r.out
    assert data["origins"]["sdkappid"] == "profile prod"
    assert data["origins"]["timeout"] == "default"


def test_list_use_set_delete(run) -> None:  # type: ignore[no-untyped-def]
    write_profile(run, "a")
    write_profile(run, "b")
    r = run("-o", "json", "config", "list")
    rows = {p["profile"]: p for p in r.json()}
    assert rows["a"]["default"] and not rows["b"]["default"] and "local" in rows
    assert run("config", "use", "b").code == 0
    assert config.ConfigFile.load().default_profile == "b"
    assert run("config", "set", "region", "jakarta").code == 0
    assert config.ConfigFile.load().profiles["b"]["region"] == "jakarta"
    r = run("config", "set", "region", "atlantis")
    assert r.code == 3 and "unknown region" in r.err
    assert run("config", "delete", "b").code == 2  # not a terminal, no --yes
    assert run("config", "delete", "b", "--yes").code == 0
    assert "b" not in config.ConfigFile.load().profiles
    assert run("config", "use", "zzz").code == 3


def test_broken_config_file_is_one_line(run) -> None:  # type: ignore[no-untyped-def]
    path = config.config_path()
    path.parent.mkdir(parents=True)
    path.write_text("profiles: [1, 2\n")
    r = run("users", "check", "a")
    assert r.code == 3 and "cannot read config" in r.err
    assert len(r.err.strip().splitlines()) == 1

"""`timctl emulator serve | reset | info | stats | login | logout` as a user runs them."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.fixture
def serve_process(tmp_path: Path):  # type: ignore[no-untyped-def]
    """`timctl emulator serve --port 0` in a real process; yields its banner fields."""
    env = {**os.environ, "TIMCTL_DATA_DIR": str(tmp_path / "data")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "timctl", "emulator", "serve", "--port", "0",
         "--db", str(tmp_path / "srv.db"), "--sdkappid", "1400000555"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    banner = ""
    assert proc.stdout is not None
    for line in proc.stdout:
        banner += line
        if "Ctrl-C" in line:
            break
    fields = dict(re.findall(r"^  (endpoint|SDKAppID|admin|secret key)\s+(\S+)", banner, re.M))
    try:
        yield fields
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_serve_prints_credentials_and_serves_http(serve_process, run, tmp_path) -> None:  # type: ignore[no-untyped-def]
    f = serve_process
    assert f["endpoint"].startswith("http://127.0.0.1:") and f["SDKAppID"] == "1400000555"
    assert f["admin"] == "administrator" and re.fullmatch(r"[0-9a-f]{64}", f["secret key"])
    r = run("config", "init", "srv", "--endpoint", f["endpoint"], "--sdkappid", f["SDKAppID"],
            "--secret-key-stdin", input=f["secret key"] + "\n")
    assert r.code == 0, r.err
    r = run("-p", "srv", "-o", "json", "users", "import", "viaHTTP")
    assert r.code == 0, r.err
    r = run("-p", "srv", "-o", "json", "users", "check", "viaHTTP")
    assert r.json()[0]["AccountStatus"] == "Imported"


def test_cli_retries_injected_failures_over_http(run, served_profile) -> None:  # type: ignore[no-untyped-def]
    served_profile.app.faults.fail_next = 2
    r = run("-v", "-p", "emu", "-o", "json", "users", "check", "zed")
    assert r.code == 0, r.err
    assert r.err.count("error 70169") == 2 and r.err.count("retrying") == 2
    assert r.json()[0]["AccountStatus"] == "NotImported"
    served_profile.app.faults.fail_next = 7  # more than 3 passes x 2 attempts absorb
    r = run("-p", "emu", "--max-attempts", "2", "users", "check", "zed")
    assert r.code == 5 and "70169" in r.err


def test_reset_empties_the_embedded_database(run) -> None:  # type: ignore[no-untyped-def]
    run("-p", "local", "users", "import", "keepme")
    assert run("emulator", "reset").code == 2  # needs --yes off a terminal
    r = run("emulator", "reset", "--yes")
    assert r.code == 0, r.err
    r = run("-p", "local", "-o", "json", "users", "check", "keepme")
    assert r.json()[0]["AccountStatus"] == "NotImported"
    # the app and its key survive a reset: the local profile still authenticates
    assert r.code == 0


def test_info_masks_the_key_unless_asked(run) -> None:  # type: ignore[no-untyped-def]
    run("-p", "local", "users", "check", "a")
    r = run("-o", "json", "emulator", "info")
    [app] = r.json()
    assert app["SDKAppID"] == 1400000000 and app["secret_key"] == "****"
    r = run("-o", "json", "emulator", "info", "--show-key")
    assert re.fullmatch(r"[0-9a-f]{64}", r.json()[0]["secret_key"])


def test_interactive_init_prompts_on_a_terminal(run) -> None:  # type: ignore[no-untyped-def]
    from timctl import config

    r = run("config", "init", "tty", input="1400000999\nseoul\nhidden-key\n",
            env={"TIMCTL_FORCE_TTY": "1"})
    assert r.code == 0, r.err
    p = config.ConfigFile.load().profiles["tty"]
    assert (p["sdkappid"], p["region"], p["secret_key"]) == (1400000999, "seoul", "hidden-key")
    assert "hidden-key" not in r.out + r.err


def _one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("timctl: error: "), err
    return lines[0]


@pytest.mark.parametrize(("flags", "message"), [
    (["--fail-rate", "2"], "--fail-rate must be between 0 and 1, got 2"),
    (["--lose-response-rate", "-0.5"], "--lose-response-rate must be between 0 and 1"),
    (["--drop-rate", "nan"], "--drop-rate must be a finite number, got nan"),
    (["--latency", "inf"], "--latency must be a finite number, got inf"),
    (["--latency", "-1"], "--latency must be 0 or more, got -1"),
    (["--jitter", "-0.1"], "--jitter must be 0 or more"),
    (["--fail-next", "-3"], "--fail-next must be 0 or more"),
    (["--http-status", "42"], "--http-status must be 100-599, got 42"),
    (["--fail-code", "0"], "--fail-code must be a non-zero ErrorCode"),
    (["--port", "70000"], "--port must be 1-65535 (or 0 for any free port), got 70000"),
    (["--port", "-1"], "--port must be 1-65535"),
    (["--seed", "1.5"], "'1.5' is not a valid integer"),
    (["--control-token", " "], "--control-token must not be empty"),
])
def test_serve_checks_every_flag_before_starting(run, tmp_path, flags, message) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "never.db"
    r = run("emulator", "serve", "--db", str(db), *flags)
    assert r.code == 2
    assert message in _one_line(r.err)
    assert not db.exists()  # nothing was opened, nothing served


@pytest.fixture
def no_serving(monkeypatch):  # type: ignore[no-untyped-def]
    """`emulator serve` up to serve_forever, which returns at once; the app is kept."""
    from timctl.emulator import server

    made: dict[str, object] = {}
    real = server.make_server

    def make(app, host="127.0.0.1", port=0, **kw):  # type: ignore[no-untyped-def]
        srv = real(app, host, 0, **kw)
        srv.serve_forever = lambda *a, **k: None  # type: ignore[method-assign]
        made["app"], made["server"] = app, srv
        return srv

    monkeypatch.setattr(server, "make_server", make)
    return made


def test_serve_refuses_a_second_app_unless_asked(run, tmp_path, no_serving) -> None:  # type: ignore[no-untyped-def]
    from timctl.emulator import apps, open_app

    db = tmp_path / "one.db"
    app, _ = open_app(db, sdkappid=1400000555)
    app.close()
    r = run("emulator", "serve", "--db", str(db), "--sdkappid", "1400000777")
    assert r.code == 2
    assert "holds SDKAppID 1400000555, not 1400000777: pass --add-app" in _one_line(r.err)

    r = run("emulator", "serve", "--db", str(db))  # no --sdkappid: the DB's app
    assert r.code == 0 and "SDKAppID    1400000555" in r.out

    r = run("emulator", "serve", "--db", str(db), "--sdkappid", "1400000777", "--add-app",
            "--control-token", "tok", "--seed", "5", "--lose-response-rate", "0.25")
    assert r.code == 0, r.err
    assert "SDKAppID    1400000777" in r.out
    served = no_serving["app"]
    assert served.log_errors is True and served.control_token == "tok"
    assert (served.faults.seed, served.faults.lose_response_rate) == (5, 0.25)
    app, _ = open_app(db)
    assert [a.sdkappid for a in apps.list_apps(app.store)] == [1400000555, 1400000777]
    app.close()


@pytest.mark.parametrize("command", [["info"], ["reset", "--yes"], ["stats"], ["serve"],
                                     ["login", "alice", "--platform", "Web"],
                                     ["logout", "alice"]])
def test_a_corrupt_database_is_one_line_exit_3(run, tmp_path, command) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "junk.db"
    db.write_bytes(os.urandom(4096))
    r = run("emulator", *command, "--db", str(db))
    assert r.code == 3
    assert "not an emulator database" in _one_line(r.err)


def test_a_newer_database_is_one_line_exit_3(run, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import sqlite3

    from timctl.emulator.store import Store

    db = tmp_path / "new.db"
    Store(db).close()
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema:core'")
    r = run("emulator", "info", "--db", str(db))
    assert r.code == 3
    assert "written by a newer timctl (schema core v99" in _one_line(r.err)


def test_stats_counts_what_was_sent_and_resets(run) -> None:  # type: ignore[no-untyped-def]
    assert run("-p", "local", "users", "import", "a1", "a2").code == 0
    assert run("-p", "local", "users", "check", "a1").code == 0
    r = run("-o", "json", "emulator", "stats")
    assert r.code == 0, r.err
    rows = {(row["endpoint"], row["ErrorCode"]): row["calls"] for row in r.json()}
    assert rows[("im_open_login_svc/account_check", 0)] == 1
    assert sum(n for (ep, _), n in rows.items() if "import" in ep) >= 1
    r = run("-o", "json", "emulator", "stats", "--reset")
    assert r.json() == [{"endpoint": e, "ErrorCode": c, "calls": n}
                        for (e, c), n in sorted(rows.items())]
    assert run("-o", "json", "emulator", "stats").json() == []


def test_stats_needs_an_existing_database(run, tmp_path) -> None:  # type: ignore[no-untyped-def]
    r = run("emulator", "stats", "--db", str(tmp_path / "none.db"))
    assert r.code == 2 and "does not exist" in _one_line(r.err)


# --- login / logout ------------------------------------------------------------------------

def _online(run, *ids: str, profile: tuple[str, ...] = ("-p", "local")):  # type: ignore[no-untyped-def]
    r = run(*profile, "-o", "json", "users", "online", "--detail", *ids)
    assert r.code == 0, r.err
    return {i["UserID"]: (i["Status"], {d["Platform"]: d["Status"] for d in i["Detail"]})
            for i in r.json()}


def test_login_and_logout_show_in_query_online_status(run) -> None:  # type: ignore[no-untyped-def]
    assert run("-p", "local", "users", "import", "alice", "bob").code == 0
    assert _online(run, "alice") == {"alice": ("Offline", {})}

    r = run("emulator", "login", "alice", "--platform", "iOS")  # the docs' name is iPhone
    assert r.code == 0, r.err
    assert r.out == "" and "alice: Online on iPhone" in r.err
    assert run("emulator", "login", "alice", "--platform", "web", "--status",
               "pushonline").code == 0
    assert run("emulator", "login", "bob", "--platform", "Android", "--status",
               "PushOnline").code == 0
    assert _online(run, "alice", "bob") == {
        "alice": ("Online", {"iPhone": "Online", "Web": "PushOnline"}),
        "bob": ("PushOnline", {"Android": "PushOnline"})}

    assert run("emulator", "logout", "alice", "--platform", "iPhone").code == 0
    assert _online(run, "alice") == {"alice": ("PushOnline", {"Web": "PushOnline"})}
    assert run("emulator", "login", "alice", "--platform", "Mac").code == 0
    r = run("emulator", "logout", "alice")  # every platform
    assert r.code == 0, r.err
    assert _online(run, "alice", "bob") == {
        "alice": ("Offline", {}), "bob": ("PushOnline", {"Android": "PushOnline"})}


def test_login_reaches_a_served_emulator_through_its_db(run, served_profile) -> None:  # type: ignore[no-untyped-def]
    db = str(served_profile.db)
    assert run("-p", "emu", "users", "import", "carol").code == 0
    r = run("emulator", "login", "carol", "--platform", "PC", "--db", db)
    assert r.code == 0, r.err
    assert _online(run, "carol", profile=("-p", "emu")) == {
        "carol": ("Online", {"PC": "Online"})}
    assert run("emulator", "logout", "carol", "--platform", "pc", "--db", db).code == 0
    assert _online(run, "carol", profile=("-p", "emu")) == {"carol": ("Offline", {})}


@pytest.mark.parametrize(("args", "message"), [
    (["login", "ghost", "--platform", "Web"], "UserID 'ghost' is not an imported account"),
    (["logout", "ghost"], "UserID 'ghost' is not an imported account"),
    (["logout", "ghost", "--platform", "iPad"], "UserID 'ghost' is not an imported account"),
    (["login", "alice", "--platform", "Nokia"], "--platform 'Nokia': choose from iPhone"),
    (["logout", "alice", "--platform", "x"], "--platform 'x': choose from iPhone"),
    (["login", "alice", "--platform", "Web", "--status", "Offline"], "'Offline' is not one"),
    (["login", "alice"], "Missing option '--platform'"),
    (["login", "alice", "--platform", "Web", "--sdkappid", "1400000001"],
     "SDKAppID must be one of [1400000000]"),
])
def test_login_errors_are_one_line_exit_2(run, args, message) -> None:  # type: ignore[no-untyped-def]
    assert run("-p", "local", "users", "import", "alice").code == 0
    r = run("emulator", *args)
    assert r.code == 2
    assert message in _one_line(r.err)
    assert _online(run, "alice") == {"alice": ("Offline", {})}


def test_login_needs_an_existing_database(run, tmp_path) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "none.db"
    r = run("emulator", "login", "alice", "--platform", "Web", "--db", str(db))
    assert r.code == 2 and "does not exist" in _one_line(r.err)
    assert not db.exists()


def test_login_asks_which_app_when_the_db_holds_several(run, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from timctl.emulator import apps, open_app
    from timctl.emulator.services.accounts import queries

    db = tmp_path / "two.db"
    app, _ = open_app(db, sdkappid=1400000555)
    apps.ensure_app(app.store, 1400000777)
    with app.store.tx() as tx:
        queries.import_account(tx, 1400000777, "dora", 0.0)
    app.close()
    r = run("emulator", "login", "dora", "--platform", "Web", "--db", str(db))
    assert r.code == 2 and "pick one with --sdkappid" in _one_line(r.err)
    r = run("emulator", "login", "dora", "--platform", "Web", "--db", str(db), "--sdkappid",
            "1400000777")
    assert r.code == 0, r.err
    app, _ = open_app(db)
    with app.store.tx() as tx:
        assert queries.online_platforms(tx, 1400000777, ["dora"])["dora"][0][:2] == (
            "Web", "Online")
        assert queries.online_platforms(tx, 1400000555, ["dora"]) == {}
    app.close()


# --- live-join / live-leave ----------------------------------------------------------------

def _live_members(run, gid: str, profile: tuple[str, ...] = ("-p", "local")) -> list[str]:  # type: ignore[no-untyped-def]
    r = run(*profile, "-o", "json", "groups", "live", "members", gid)
    assert r.code == 0, r.err
    return sorted(m["Member_Account"] for m in r.json())


def _live_group(run, profile: tuple[str, ...] = ("-p", "local")) -> str:  # type: ignore[no-untyped-def]
    assert run(*profile, "users", "import", "alice", "bob", "carol").code == 0
    r = run(*profile, "-o", "json", "groups", "create", "--type", "AVChatRoom", "--name",
            "live", "--id", "live-1", "--query", "GroupId")
    assert r.code == 0, r.err
    return r.out.strip()


def test_live_join_and_leave_show_in_live_members(run) -> None:  # type: ignore[no-untyped-def]
    gid = _live_group(run)
    assert _live_members(run, gid) == []
    r = run("emulator", "live-join", gid, "alice", "bob", "alice")
    assert r.code == 0, r.err
    assert r.out == "" and f"{gid}: alice, bob joined (2 online)" in r.err
    assert _live_members(run, gid) == ["alice", "bob"]
    r = run("-p", "local", "-o", "json", "groups", "online-count", gid)
    assert r.code == 0, r.err
    assert r.json() == {"GroupId": gid, "OnlineMemberNum": 2}
    r = run("-p", "local", "-o", "json", "groups", "live", "check", gid, "alice", "carol")
    assert r.json() == [{"UserID": "alice", "InGroup": True},
                        {"UserID": "carol", "InGroup": False}]
    r = run("emulator", "live-leave", gid, "alice")
    assert r.code == 0, r.err
    assert f"{gid}: alice left (1 online)" in r.err
    assert _live_members(run, gid) == ["bob"]


def test_live_join_refuses_a_banned_user_and_changes_nothing(run) -> None:  # type: ignore[no-untyped-def]
    gid = _live_group(run)
    r = run("-p", "local", "groups", "ban", gid, "carol", "--for", "1h")
    assert r.code == 0, r.err
    r = run("emulator", "live-join", gid, "alice", "carol")
    assert r.code == 2
    assert _one_line(r.err).endswith("UserID 'carol' is banned from group 'live-1'")
    assert _live_members(run, gid) == []  # alice's join rolled back with the refusal
    assert run("-p", "local", "groups", "unban", gid, "carol").code == 0
    assert run("emulator", "live-join", gid, "carol").code == 0
    assert _live_members(run, gid) == ["carol"]


def test_live_join_reaches_a_served_emulator_through_its_db(run, served_profile) -> None:  # type: ignore[no-untyped-def]
    profile = ("-p", "emu")
    gid = _live_group(run, profile)
    r = run("emulator", "live-join", gid, "bob", "--db", str(served_profile.db))
    assert r.code == 0, r.err
    assert _live_members(run, gid, profile) == ["bob"]


@pytest.mark.parametrize(("args", "message"), [
    (["live-join", "live-1", "ghost"], "UserID 'ghost' is not an imported account"),
    (["live-join", "nope", "alice"], "GroupId 'nope' is not a live group"),
    (["live-leave", "pub-1", "alice"], "GroupId 'pub-1' is not a live group"),
    (["live-join", "live-1"], "Missing argument 'USERID...'"),
    (["live-join", "live-1", "alice", "--sdkappid", "1400000001"],
     "SDKAppID must be one of [1400000000]"),
])
def test_live_errors_are_one_line_exit_2(run, args, message) -> None:  # type: ignore[no-untyped-def]
    gid = _live_group(run)
    assert run("-p", "local", "groups", "create", "--type", "Public", "--name", "p", "--id",
               "pub-1").code == 0
    r = run("emulator", *args)
    assert r.code == 2
    assert message in _one_line(r.err)
    assert _live_members(run, gid) == []


def test_live_join_needs_an_existing_database(run, tmp_path) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "none.db"
    r = run("emulator", "live-join", "live-1", "alice", "--db", str(db))
    assert r.code == 2 and "does not exist" in _one_line(r.err)
    assert not db.exists()

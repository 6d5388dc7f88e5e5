"""timctl push attr-names | attrs | tags: attribute slots, users' attributes and tags, in bulk
on the runner (100 users a call, a row per user, bad lines skipped and reported, --failures),
against an emulator served on 127.0.0.1; the 50,000-user plan with --dry-run."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

P = ("-p", "au")
FAST = ("--rate", "1000")  # the client's limiter: tests need not wait for 100 calls/s
ATTRS = "[].{UserID: UserID, Attrs: Attrs}"  # the rows without their result codes


@pytest.fixture
def emu(serve_app: Any, run: Any) -> Any:
    from timctl.emulator.faults import Faults

    served = serve_app("au", 1400000092, faults=Faults(rate_limit=False))
    assert run(*P, "users", "import", "ann", "bob", "cat").code == 0
    return served


def ok(run: Any, *args: str, input: str | None = None) -> Any:
    r = run(*P, "-o", "json", *args, input=input)
    assert r.code == 0, (r.out, r.err)
    return json.loads(r.out) if r.out.strip() else None


def calls(run: Any, emu: Any, endpoint: str) -> int:
    r = run("-o", "json", "emulator", "stats", "--db", str(emu.db))
    return sum(s["calls"] for s in json.loads(r.out) if s["endpoint"] == endpoint)


@pytest.mark.parametrize("service", ["all_member_push", "timpush"])
def test_attr_names_set_and_get(run: Any, emu: Any, service: str) -> None:
    s = ("--service", service)
    rows = ok(run, "push", "attr-names", "set", "0=city", "3=tier", *s)
    assert rows == [{"Slot": "0", "Name": "city"}, {"Slot": "3", "Name": "tier"}]
    ok(run, "push", "attr-names", "set", "3=level", *s)  # a slot's name is replaced
    got = ok(run, "push", "attr-names", "get", *s)
    assert [(r["Slot"], r["Name"]) for r in got] == [("0", "city"), ("3", "level")]


def test_attr_names_rules_and_timpush_types(run: Any, emu: Any) -> None:
    for args, words in ((["10=x"], "slot is 0-9"), (["0=" + "n" * 51], "51 bytes"),
                        (["0=a", "1=a"], "same name"), (["0"], "NAME=VALUE"),
                        (["0=a", "--type", "0=registration"], "timpush field"),
                        (["0=a", "--service", "timpush", "--type", "1=userid"], "not named")):
        r = run(*P, "push", "attr-names", "set", *args)
        assert r.code == 2 and words in r.err, (args, r.err)
    r = run(*P, "--dry-run", "push", "attr-names", "set", "0=device", "--service", "timpush",
            "--type", "0=registration")
    assert json.loads(r.out)["body"] == {"AttrNames": {"0": "device"}, "AttrTypes": {"0": 1}}
    rows = ok(run, "push", "attr-names", "set", "0=device", "--service", "timpush", "--type",
              "0=registration")
    assert rows == [{"Slot": "0", "Name": "device", "Type": 1}]
    got = ok(run, "push", "attr-names", "get", "--service", "timpush")
    assert [(r["Slot"], r["Name"]) for r in got] == [("0", "device")]


def test_attrs_set_from_csv_columns_get_and_remove(run: Any, emu: Any, tmp_path: Path) -> None:
    ok(run, "push", "attr-names", "set", "0=city", "1=tier")
    src = tmp_path / "attrs.csv"
    src.write_text("UserID,city,tier\nann,Shenzhen,gold\nbob,Beijing,\n"
                   f"cat,{'x' * 51},gold\n")
    r = run(*P, "-o", "json", "push", "attrs", "set", "-f", str(src))
    assert r.code == 6, r.err  # cat's value is too long: skipped, the rest done
    assert f"{src}:4: value" in r.err
    rows = {row["UserID"]: row["Status"] for row in json.loads(r.out)}
    assert rows == {"ann": "done", "bob": "done", f"cat,{'x' * 51},gold": "skipped"}
    ok(run, "push", "attrs", "set", "cat", "--attr", "city=Shenzhen")
    got = ok(run, "push", "attrs", "get", "ann", "bob", "cat", "dan", "--query", ATTRS)
    assert got == [{"UserID": "ann", "Attrs": {"city": "Shenzhen", "tier": "gold"}},
                   {"UserID": "bob", "Attrs": {"city": "Beijing"}},
                   {"UserID": "cat", "Attrs": {"city": "Shenzhen"}},
                   {"UserID": "dan", "Attrs": {}}]
    jsonl = '{"UserID": "bob", "Attrs": {"tier": "silver"}}\n'
    ok(run, "push", "attrs", "set", "-", input=jsonl)
    ok(run, "push", "attrs", "remove", "ann", "--attr", "tier")
    got = ok(run, "push", "attrs", "get", "ann", "bob", "--query", ATTRS)
    assert got == [{"UserID": "ann", "Attrs": {"city": "Shenzhen"}},
                   {"UserID": "bob", "Attrs": {"city": "Beijing", "tier": "silver"}}]
    r = run(*P, "push", "attrs", "set", "ann", "--attr", "nocolon")
    assert r.code == 2 and "NAME=VALUE" in r.err


def test_tags_get_is_a_bulk_read_with_a_row_per_user(run: Any, emu: Any) -> None:
    """`tags get` runs on the bulk runner: 250 users in 3 calls of 100 at most, a row per
    user in input order, unknown users with their empty list."""
    users = [f"t{i:03d}" for i in range(250)]
    ok(run, "users", "import", *users[:200])
    ok(run, "push", "tags", "add", *users[:120], "--tag", "beta")
    plan = ok(run, "--dry-run", "push", "tags", "get", *users)
    assert (plan["items"], plan["calls"], plan["batch_size"]) == (250, 3, 100)
    rows = ok(run, "push", "tags", "get", *users)
    assert [row["UserID"] for row in rows] == users
    assert {row["UserID"] for row in rows if row["Tags"] == ["beta"]} == set(users[:120])


def test_tags_add_get_remove_clear(run: Any, emu: Any, tmp_path: Path) -> None:
    src = tmp_path / "tags.csv"
    src.write_text("UserID,Tags\nann,beta;vip\nbob,beta\ncat,\n")
    rows = ok(run, "push", "tags", "add", "-f", str(src), "--tag", "all")
    assert [r["Status"] for r in rows] == ["done"] * 3
    got = {r["UserID"]: sorted(r["Tags"]) for r in ok(run, "push", "tags", "get", "ann",
                                                          "bob", "cat", "--service", "timpush")}
    assert got == {"ann": ["all", "beta", "vip"], "bob": ["all", "beta"], "cat": ["all"]}
    ok(run, "push", "tags", "remove", "ann", "bob", "--tag", "beta")
    ok(run, "push", "tags", "clear", "cat", "--yes")
    got = {r["UserID"]: sorted(r["Tags"]) for r in ok(run, "push", "tags", "get", "ann", "bob",
                                                          "cat")}
    assert got == {"ann": ["all", "vip"], "bob": ["all"], "cat": []}
    r = run(*P, "push", "tags", "clear", "ann")  # not a terminal: needs --yes
    assert r.code == 2 and "--yes" in r.err
    r = run(*P, "push", "tags", "add", "ann", *[f"--tag={t}" for t in "abcdefghijk"])
    assert r.code == 2 and "at most 10 tags" in r.err


def test_timpush_clear_reports_users_never_imported(run: Any, emu: Any) -> None:
    r = run(*P, "-o", "json", "push", "tags", "clear", "ann", "ghost", "--yes", "--service",
            "timpush")
    assert r.code == 6, r.err
    rows = {row["UserID"]: (row["Status"], row["ErrorCode"]) for row in json.loads(r.out)}
    assert rows == {"ann": ("done", 0), "ghost": ("failed", 70107)}


def test_tagging_50000_users_plans_500_calls_of_100(run: Any, tmp_path: Path) -> None:
    src = tmp_path / "50k.csv"
    src.write_text("UserID,Tags\n" + "".join(f"u{i:05d},beta\n" for i in range(50000)))
    r = run("-p", "local", "push", "tags", "add", "-f", str(src), "--dry-run")
    assert r.code == 0, r.err
    plan = json.loads(r.out)
    assert (plan["endpoint"], plan["items"], plan["calls"], plan["batch_size"]) == (
        "all_member_push/im_add_tag", 50000, 500, 100)
    first = plan["first_requests"][0]["body"]["UserTags"]
    assert len(first) == 100 and first[0] == {"To_Account": "u00000", "Tags": ["beta"]}


def test_a_real_bulk_run_chunks_rate_limits_and_reports_each_user(
        run: Any, emu: Any, tmp_path: Path) -> None:
    users = [f"u{i:04d}" for i in range(1050)]
    ids = tmp_path / "ids.txt"
    ids.write_text("\n".join(users) + "\n")
    assert run(*P, *FAST, "users", "import", "-f", str(ids)).code == 0
    # u0150 already has 100 tags: its whole call (u0100-u0199) is refused with 90032
    full = ",".join(f"t{i}" for i in range(100))
    for start in range(0, 100, 10):
        chunk = ";".join(full.split(",")[start:start + 10])
        ok(run, "push", "tags", "add", "-", input=f"UserID,Tags\nu0150,{chunk}\n")
    src = tmp_path / "tags.csv"
    lines = ["UserID,Tags"] + [f"{u},beta" for u in users]
    lines[500] = "u0499," + ";".join(f"x{i}" for i in range(11))  # 11 tags: skipped
    lines[700] = "u0699," + "y" * 51  # a tag over 50 bytes: skipped
    src.write_text("\n".join(lines) + "\n")
    fails = tmp_path / "failed.csv"
    started = time.monotonic()
    r = run(*P, "--rate", "50", "-o", "jsonl", "push", "tags", "add", "-f", str(src),
            "--failures", str(fails))
    assert time.monotonic() - started >= 10 / 50 * 0.9  # 11 calls paced at 50 a second
    assert r.code == 6, r.err
    rows = [json.loads(line) for line in r.out.splitlines()]
    status: dict[str, int] = {}
    for row in rows:
        status[row["Status"]] = status.get(row["Status"], 0) + 1
    assert status == {"done": 948, "failed": 100, "skipped": 2}
    assert {row["ErrorCode"] for row in rows if row["Status"] == "failed"} == {90032}
    assert f"{src}:501: 11 tags (at most 10 a user a call)" in r.err
    assert f"{src}:701: tag" in r.err
    assert fails.read_text().splitlines()[0] == "UserID,Tags"
    assert len(fails.read_text().splitlines()) == 1 + 102
    assert calls(run, emu, "all_member_push/im_add_tag") == 10 + 11  # 1048 users, 100 a call
    got = {r["UserID"]: r["Tags"] for r in ok(run, "push", "tags", "get", "u0000", "u0100")}
    assert got == {"u0000": ["beta"], "u0100": []}

"""Output formats, --query, --fields, and the terminal/pipe default."""

from __future__ import annotations

import csv
import io
import json

import yaml

from timctl.output import render

ROWS = [{"UserID": "a", "AccountStatus": "Imported", "ResultCode": 0},
        {"UserID": "b", "AccountStatus": "NotImported", "ResultCode": 0}]


def rendered(data, fmt, **kw):  # type: ignore[no-untyped-def]
    out = io.StringIO()
    render(data, fmt, out=out, **kw)
    return out.getvalue()


def test_json_yaml_keep_api_field_names() -> None:
    assert json.loads(rendered(ROWS, "json")) == ROWS
    assert yaml.safe_load(rendered(ROWS, "yaml")) == ROWS


def test_jsonl_is_one_object_per_line() -> None:
    lines = rendered(ROWS, "jsonl").splitlines()
    assert [json.loads(line) for line in lines] == ROWS


def test_table_uses_command_columns_and_fields_override() -> None:
    text = rendered(ROWS, "table", columns=["UserID", "AccountStatus"])
    assert text.splitlines()[0].split() == ["UserID", "AccountStatus"]
    assert "ResultCode" not in text
    text = rendered(ROWS, "table", columns=["UserID"], fields=["ResultCode", "UserID"])
    assert text.splitlines()[0].split() == ["ResultCode", "UserID"]


def test_csv_has_header_and_rows() -> None:
    rows = list(csv.reader(io.StringIO(rendered(ROWS, "csv", fields=["UserID", "ResultCode"]))))
    assert rows == [["UserID", "ResultCode"], ["a", "0"], ["b", "0"]]


def test_query_applies_to_the_whole_result() -> None:
    text = rendered(ROWS, "json", query="[?AccountStatus=='Imported'].UserID")
    assert json.loads(text) == ["a"]
    assert rendered(ROWS, "table", query="length(@)") == "2\n"


def test_cli_default_is_json_when_piped_and_table_on_terminal(run) -> None:  # type: ignore[no-untyped-def]
    r = run("-p", "local", "users", "check", "alice")
    [item] = json.loads(r.out)
    assert (item["UserID"], item["AccountStatus"]) == ("alice", "NotImported")
    r = run("-p", "local", "users", "check", "alice", env={"TIMCTL_FORCE_TTY": "1"})
    assert r.out.splitlines()[0].split() == ["UserID", "AccountStatus"]
    assert "alice" in r.out and "NotImported" in r.out


def test_cli_output_env_and_leaf_flag(run) -> None:  # type: ignore[no-untyped-def]
    r = run("-p", "local", "users", "check", "alice", env={"TIMCTL_OUTPUT": "csv"})
    assert r.out.splitlines()[0] == "UserID,AccountStatus"
    r = run("-p", "local", "users", "check", "alice", "-o", "yaml",
            env={"TIMCTL_OUTPUT": "csv"})
    assert yaml.safe_load(r.out)[0]["UserID"] == "alice"


def test_cli_bad_query_is_a_usage_error(run) -> None:  # type: ignore[no-untyped-def]
    r = run("-p", "local", "--query", "[?", "users", "check", "alice")
    assert r.code == 2 and r.err.startswith("timctl: error: Invalid value for '--query'")

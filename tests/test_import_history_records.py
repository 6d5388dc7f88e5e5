"""The import-history record format: parsing, single-line checks, the packaged JSON Schema."""

from __future__ import annotations

import importlib.resources
import json

import pytest

from timctl.history import records
from timctl.history.records import Bad, parse_line

NOW = 1_800_000_000
MINIMAL = [
    {"type": "user", "id": "alice", "nick": "Alice"},
    {"type": "group", "id": "g1", "group_type": "Public", "name": "G1", "owner": "alice",
     "created": 1700000000},
    {"type": "member", "group": "g1", "user": "bob", "role": "Member", "joined": 1700000100},
    {"type": "c2c", "from": "alice", "to": "bob", "time": 1700000200, "text": "hi"},
    {"type": "group_msg", "group": "g1", "from": "bob", "time": 1700000300, "text": "hello"},
]


@pytest.mark.parametrize("rec", MINIMAL, ids=lambda r: r["type"])
def test_minimal_records_are_accepted_as_given(rec: dict) -> None:
    assert parse_line(json.dumps(rec), NOW) == rec


TEXT = [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "hello"}}]


@pytest.mark.parametrize("api,expected", [
    ({"UserID": "alice", "Nick": "Alice"}, {"type": "user", "id": "alice", "nick": "Alice"}),
    ({"Type": "Public", "GroupId": "g1", "Name": "G1", "CreateTime": 1700000000},
     {"type": "group", "id": "g1", "group_type": "Public", "name": "G1",
      "created": 1700000000}),
    ({"GroupId": "g1", "Member_Account": "bob", "JoinTime": 1700000100, "UnreadMsgNum": 3},
     {"type": "member", "group": "g1", "user": "bob", "joined": 1700000100, "unread": 3}),
    ({"SyncFromOldSystem": 5, "From_Account": "a", "To_Account": "b", "MsgTimeStamp": 5,
      "MsgRandom": 7, "MsgSeq": 1, "MsgBody": TEXT},
     {"type": "c2c", "from": "a", "to": "b", "time": 5, "random": 7, "seq": 1, "body": TEXT,
      "unread": True}),
    ({"GroupId": "g1", "From_Account": "bob", "SendTime": 9, "Random": 4, "MsgBody": TEXT},
     {"type": "group_msg", "group": "g1", "from": "bob", "time": 9, "random": 4,
      "body": TEXT}),
], ids=["user", "group", "member", "c2c", "group_msg"])
def test_api_item_shapes_are_accepted(api: dict, expected: dict) -> None:
    assert parse_line(json.dumps(api), NOW) == expected


@pytest.mark.parametrize("line,reason", [
    ("{nope", "not JSON"),
    ("[1]", "a record is a JSON object"),
    ('{"type": "robot"}', "unknown type 'robot'"),
    ('{"id": "x"}', "record without \"type\""),
    ('{"type": "user"}', "user record without 'id'"),
    ('{"type": "user", "id": "a", "nik": "A"}', "unknown field 'nik'"),
    ('{"type": "user", "id": ""}', "'id' must be a non-empty UserID"),
    ('{"type": "user", "id": "' + "x" * 33 + '"}', "UserID is 33 bytes"),
    ('{"type": "group", "id": "g\u00e9", "group_type": "Public", "name": "n", "created": 1}',
     "printable ASCII"),
    ('{"type": "group", "id": "g", "group_type": "AVChatRoom", "name": "n", "created": 1}',
     "AVChatRoom keeps no history"),
    ('{"type": "group", "id": "@TGS#1", "group_type": "Public", "name": "n", "created": 1}',
     "reserved"),
    ('{"type": "group", "id": "c", "group_type": "Community", "name": "n", "created": 1}',
     "must start with @TGS#_"),
    ('{"type": "member", "group": "g", "user": "u", "joined": "yesterday"}',
     "'joined' must be an integer (UNIX seconds)"),
    ('{"type": "c2c", "from": "a", "to": "b", "time": 1900000000, "text": "x"}',
     "is in the future"),
    ('{"type": "c2c", "from": "a", "to": "b", "time": 1700000000000, "text": "x"}',
     "is in the future"),
    ('{"type": "c2c", "from": "a", "to": "b", "time": 0, "text": "x"}', "not a UNIX time"),
    ('{"type": "c2c", "from": "a", "to": "b", "time": 5}', "exactly one of 'text' and 'body'"),
    ('{"type": "c2c", "from": "a", "to": "b", "time": 5, "text": "x", "body": []}',
     "exactly one of 'text' and 'body'"),
    ('{"type": "c2c", "from": "a", "to": "b", "time": 5, "body": []}', "body: MsgBody is empty"),
    ('{"type": "c2c", "from": "a", "to": "b", "time": 5, "body": [{"MsgType": "TIMTextElem",'
     ' "MsgContent": {"Text": 1}}]}', "body: "),
    ('{"type": "c2c", "from": "a", "to": "a", "time": 5, "text": "x"}', "same user"),
    ('{"type": "c2c", "from": "a", "to": "b", "time": 5, "text": "x", "seq": -1}', "uint32"),
    ('{"type": "group_msg", "group": "g", "from": "a", "time": 5, "body": [{"MsgType": '
     '"TIMImageElem", "MsgContent": {"UUID": "u", "ImageFormat": 1, "ImageInfoArray": []}}]}',
     "import_group_msg takes only"),
    ('{"type": "c2c", "From_Account": "a", "from": "a", "to": "b", "time": 5, "text": "x"}',
     "given twice"),
])
def test_bad_lines_say_why(line: str, reason: str) -> None:
    with pytest.raises(Bad) as err:
        parse_line(line, NOW)
    assert reason in str(err.value)


def test_schema_is_packaged_and_names_the_parsers_fields() -> None:
    text = importlib.resources.files("timctl.history").joinpath("schema.json").read_text()
    schema = json.loads(text)
    defs = schema["$defs"]
    for kind, fields in records.FIELDS.items():
        assert set(defs[kind]["properties"]) == {"type", *fields}
        required = {n for n, (_, req) in fields.items() if req}
        assert set(defs[kind]["required"]) == {"type", *required}
        api = set(defs[kind + "_api"]["properties"]) - {"type", "SyncFromOldSystem"}
        assert api == set(records.API_NAMES[kind])


def test_derived_numbers_are_stable_uint32() -> None:
    a = records.derived_u32("g1", "bob", 5, TEXT, 0)
    assert a == records.derived_u32("g1", "bob", 5, TEXT, 0)
    assert a != records.derived_u32("g1", "bob", 5, TEXT, 1)
    assert 0 <= a <= records.U32_MAX

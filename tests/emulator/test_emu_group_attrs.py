"""Group attributes and counters: the documented samples (1047/44187-44190, 59499, 53427-53429),
every limit with its code, the per-group write rate on the app clock, the types that refuse,
the edition gate, and the cascade when a group is dismissed."""

from __future__ import annotations

import pytest

from timctl.emulator import apps

GET = "group_open_attr_http_svc/get_group_attr"
MODIFY = "group_open_http_svc/modify_group_attr"
SET = "group_open_http_svc/set_group_attr"
DELETE = "group_open_http_svc/delete_group_attr"
CLEAR = "group_open_http_svc/clear_group_attr"
CGET = "group_open_http_svc/get_group_counter"
CUPDATE = "group_open_http_svc/update_group_counter"
CDELETE = "group_open_http_svc/delete_group_counter"
TYPES = ("Private", "Public", "ChatRoom", "AVChatRoom", "Community")
IDS = {"Private": "work-1", "Public": "public-1", "ChatRoom": "meeting-1",
       "AVChatRoom": "live-1", "Community": "@TGS#_club-1"}


def create(api, group_type: str, group_id: str | None = None, **extra) -> str:
    doc = api.ok("group_open_http_svc/create_group",
                 {"Type": group_type, "Name": f"{group_type} group",
                  "GroupId": group_id or IDS[group_type], **extra})
    return doc["GroupId"]


def attrs(api, group_id: str) -> dict[str, str]:
    return {a["key"]: a["value"] for a in api.ok(GET, {"GroupId": group_id})["GroupAttrAry"]}


def pairs(**kv: str) -> list[dict[str, str]]:
    return [{"key": k, "value": v} for k, v in kv.items()]


class Writer:
    """Attribute writes spaced 0.25 s apart on the app clock: under the 5/s limit."""

    def __init__(self, api, clock) -> None:
        self.api, self.clock = api, clock

    def __call__(self, target: str, body: dict) -> int:
        self.clock.advance(0.25)
        return self.api.code(target, body)


@pytest.fixture
def write(api, clock) -> Writer:
    return Writer(api, clock)


@pytest.fixture
def room(api) -> str:
    return create(api, "AVChatRoom", "room-aC5SZEAEF")


# --- attributes -----------------------------------------------------------------------------

def test_documented_samples_modify_then_get(any_api):
    gid = create(any_api, "AVChatRoom", "live-sample")
    doc = any_api.call(MODIFY, {"GroupId": gid, "GroupAttr": [
        {"key": "attr_key", "value": "attr_val"}, {"key": "attr_key1", "value": "attr_val1"}]})
    assert doc == {"ActionStatus": "OK", "ErrorInfo": "", "ErrorCode": 0}
    doc = any_api.call(GET, {"GroupId": gid})
    assert doc == {"ActionStatus": "OK", "ErrorInfo": "", "ErrorCode": 0, "GroupAttrAry": [
        {"key": "attr_key", "value": "attr_val"}, {"key": "attr_key1", "value": "attr_val1"}]}


@pytest.mark.parametrize("group_type", TYPES)
def test_every_type_reads_and_writes_attributes(api, write, group_type):
    gid = create(api, group_type)
    assert attrs(api, gid) == {}
    assert write(MODIFY, {"GroupId": gid, "GroupAttr": pairs(a="1", b="2")}) == 0
    assert write(SET, {"GroupId": gid, "GroupAttr": pairs(c="3")}) == 0
    assert write(MODIFY, {"GroupId": gid, "GroupAttr": pairs(d="4")}) == 0
    assert write(DELETE, {"GroupId": gid, "GroupAttr": [{"key": "d"}]}) == 0
    assert attrs(api, gid) == {"c": "3"}


def test_modify_keeps_others_and_overwrites_in_place(api, write, room):
    write(MODIFY, {"GroupId": room, "GroupAttr": pairs(a="1", b="2", c="3")})
    write(MODIFY, {"GroupId": room, "GroupAttr": pairs(b="two", d="4")})
    assert list(attrs(api, room).items()) == [("a", "1"), ("b", "two"), ("c", "3"), ("d", "4")]


def test_set_replaces_the_whole_set(api, write, room):
    write(MODIFY, {"GroupId": room, "GroupAttr": pairs(a="1", b="2")})
    assert write(SET, {"GroupId": room, "GroupAttr": pairs(b="x", z="26")}) == 0
    assert attrs(api, room) == {"b": "x", "z": "26"}


def test_clear_removes_everything_but_not_in_communities(api, write, room):
    write(MODIFY, {"GroupId": room, "GroupAttr": pairs(a="1")})
    assert write(CLEAR, {"GroupId": room}) == 0
    assert attrs(api, room) == {}
    club = create(api, "Community")
    write(MODIFY, {"GroupId": club, "GroupAttr": pairs(a="1")})
    assert write(CLEAR, {"GroupId": club}) == 10007  # applicable types: Community No
    assert attrs(api, club) == {"a": "1"}


def test_key_and_value_limits(api, write, room):
    assert write(MODIFY, {"GroupId": room, "GroupAttr": pairs(**{"k" * 32: "v" * 4000})}) == 0
    assert write(MODIFY, {"GroupId": room, "GroupAttr": pairs(**{"k" * 33: "v"})}) == 10045
    assert write(MODIFY, {"GroupId": room, "GroupAttr": pairs(ok="é" * 2001)}) == 10046
    assert write(SET, {"GroupId": room, "GroupAttr": pairs(**{"界" * 11: "v"})}) == 10045
    assert write(DELETE, {"GroupId": room, "GroupAttr": [{"key": "k" * 33}]}) == 10045
    assert attrs(api, room) == {"k" * 32: "v" * 4000}


def test_at_most_16_keys_counting_the_stored_ones(api, write, room):
    write(MODIFY, {"GroupId": room, "GroupAttr": pairs(**{f"k{i}": "v" for i in range(10)})})
    more = pairs(**{f"n{i}": "v" for i in range(7)})
    assert write(MODIFY, {"GroupId": room, "GroupAttr": more}) == 10047
    assert write(MODIFY, {"GroupId": room, "GroupAttr": more[:6]}) == 0
    assert len(attrs(api, room)) == 16
    assert write(MODIFY, {"GroupId": room, "GroupAttr": pairs(k0="overwrite is fine")}) == 0
    too_many = pairs(**{f"s{i}": "v" for i in range(17)})
    assert write(SET, {"GroupId": room, "GroupAttr": too_many}) == 10047


def test_values_total_at_most_16000_bytes(api, write, room):
    four = {f"k{i}": "v" * 4000 for i in range(4)}
    assert write(SET, {"GroupId": room, "GroupAttr": pairs(**four)}) == 0
    assert write(MODIFY, {"GroupId": room, "GroupAttr": pairs(k4="x")}) == 10048
    assert write(MODIFY, {"GroupId": room, "GroupAttr": pairs(k0="v" * 3999, k4="x")}) == 0
    assert sum(len(v) for v in attrs(api, room).values()) == 16000


def test_deleting_a_missing_key_fails_and_deletes_nothing(api, write, room):
    write(MODIFY, {"GroupId": room, "GroupAttr": pairs(a="1", b="2")})
    assert write(DELETE, {"GroupId": room, "GroupAttr": [{"key": "a"}, {"key": "zz"}]}) == 10050
    assert attrs(api, room) == {"a": "1", "b": "2"}
    assert write(DELETE, {"GroupId": room, "GroupAttr": [{"key": "a"}]}) == 0
    assert write(DELETE, {"GroupId": room, "GroupAttr": [{"key": "a"}]}) == 10050


def test_five_writes_per_second_per_group(api, clock, room):
    other = create(api, "Public")
    for i in range(5):
        assert api.code(MODIFY, {"GroupId": room, "GroupAttr": pairs(a=str(i))}) == 0
    assert api.code(CLEAR, {"GroupId": room}) == 10049  # set/modify/delete/clear combined
    assert api.code(MODIFY, {"GroupId": other, "GroupAttr": pairs(a="x")}) == 0  # per group
    assert attrs(api, room) == {"a": "4"}  # reads are not limited
    clock.advance(0.999)
    assert api.code(MODIFY, {"GroupId": room, "GroupAttr": pairs(a="x")}) == 10049
    clock.advance(0.001)
    assert api.code(MODIFY, {"GroupId": room, "GroupAttr": pairs(a="x")}) == 0


def test_refused_writes_do_not_count_against_the_rate(api, room):
    for _ in range(8):
        assert api.code(DELETE, {"GroupId": room, "GroupAttr": [{"key": "none"}]}) == 10050
    for i in range(5):
        assert api.code(MODIFY, {"GroupId": room, "GroupAttr": pairs(a=str(i))}) == 0


@pytest.mark.parametrize("body", [
    {}, {"GroupId": ""}, {"GroupId": 5, "GroupAttr": pairs(a="1")},
    {"GroupId": "G", "GroupAttr": []}, {"GroupId": "G", "GroupAttr": "a=1"},
    {"GroupId": "G", "GroupAttr": [{"key": "a"}]},
    {"GroupId": "G", "GroupAttr": [{"key": "", "value": "1"}]},
    {"GroupId": "G", "GroupAttr": [{"key": "a", "value": 1}]},
])
def test_malformed_requests_are_10004(api, body):
    create(api, "Public", "G")
    assert api.code(MODIFY, body) == 10004


def test_a_group_that_does_not_exist_is_10010(api):
    assert api.code(GET, {"GroupId": "nobody-home"}) == 10010
    assert api.code(MODIFY, {"GroupId": "nobody-home", "GroupAttr": pairs(a="1")}) == 10010
    assert api.code(CLEAR, {"GroupId": "nobody-home"}) == 10010


# --- counters -------------------------------------------------------------------------------

def test_documented_counter_sample(any_api):
    gid = create(any_api, "AVChatRoom", "live-counters")
    doc = any_api.call(CUPDATE, {"GroupId": gid, "Mode": "Set", "GroupCounter": [
        {"Key": "like", "Value": 5}, {"Key": "unlike", "Value": 1}]})
    assert doc == {"ActionStatus": "OK", "ErrorInfo": "", "ErrorCode": 0, "GroupCounter": [
        {"Key": "like", "Value": 5}, {"Key": "unlike", "Value": 1}]}
    doc = any_api.call(CGET, {"GroupId": gid})
    assert doc["GroupCounter"] == [{"Key": "like", "Value": 5}, {"Key": "unlike", "Value": 1}]
    assert any_api.call(CDELETE, {"GroupId": gid, "GroupCounterKeys": ["like"]}) == {
        "ActionStatus": "OK", "ErrorInfo": "", "ErrorCode": 0}
    assert any_api.ok(CGET, {"GroupId": gid})["GroupCounter"] == [{"Key": "unlike",
                                                                   "Value": 1}]


def counters(api, gid, *keys) -> dict[str, int]:
    body = {"GroupId": gid, **({"GroupCounterKeys": list(keys)} if keys else {})}
    return {c["Key"]: c["Value"] for c in api.ok(CGET, body)["GroupCounter"]}


def update(api, gid, mode, **values):
    body = {"GroupId": gid, "GroupCounter": [{"Key": k, "Value": v} for k, v in values.items()]}
    if mode:
        body["Mode"] = mode
    return api.call(CUPDATE, body)


def test_increase_and_decrease_start_missing_keys_from_zero(api, room):
    assert update(api, room, "Increase", likes=3)["GroupCounter"] == [{"Key": "likes",
                                                                       "Value": 3}]
    assert update(api, room, "Increase", likes=2, gifts=1)["GroupCounter"] == [
        {"Key": "likes", "Value": 5}, {"Key": "gifts", "Value": 1}]
    assert update(api, room, "Decrease", likes=7, boos=2)["GroupCounter"] == [
        {"Key": "likes", "Value": -2}, {"Key": "boos", "Value": -2}]
    assert update(api, room, None, gifts=40)["GroupCounter"] == [{"Key": "gifts", "Value": 40}]
    assert counters(api, room) == {"likes": -2, "gifts": 40, "boos": -2}
    assert counters(api, room, "gifts", "missing") == {"gifts": 40}


def test_counter_values_are_signed_64_bit(api, room):
    big = 2**63 - 1
    assert update(api, room, "Set", top=big)["ErrorCode"] == 0
    assert update(api, room, "Increase", top=1)["ErrorCode"] == 10004
    assert update(api, room, "Set", top=2**63)["ErrorCode"] == 10004
    assert update(api, room, "Set", top=1.5)["ErrorCode"] == 10004
    assert update(api, room, "Set", top="1")["ErrorCode"] == 10004
    assert counters(api, room) == {"top": big}


def test_at_most_20_counter_keys(api, room):
    assert update(api, room, "Set", **{f"k{i}": i for i in range(21)})["ErrorCode"] == 10063
    assert update(api, room, "Set", **{f"k{i}": i for i in range(20)})["ErrorCode"] == 0
    assert update(api, room, "Set", extra=1)["ErrorCode"] == 10063
    assert update(api, room, "Increase", k0=1)["ErrorCode"] == 0


def test_counter_key_length_and_mode(api, room):
    assert update(api, room, "Set", **{"k" * 128: 1})["ErrorCode"] == 0
    assert update(api, room, "Set", **{"k" * 129: 1})["ErrorCode"] == 10004
    assert update(api, room, "Reset", a=1)["ErrorCode"] == 10004
    assert api.code(CUPDATE, {"GroupId": room, "GroupCounter": []}) == 10004


def test_delete_counters_given_or_all(api, room):
    update(api, room, "Set", a=1, b=2, c=3)
    assert api.code(CDELETE, {"GroupId": room, "GroupCounterKeys": ["a", "nope"]}) == 0
    assert counters(api, room) == {"b": 2, "c": 3}
    assert api.code(CDELETE, {"GroupId": room}) == 0
    assert counters(api, room) == {}


def test_communities_have_no_counters(api):
    club = create(api, "Community")
    assert update(api, club, "Set", a=1)["ErrorCode"] == 10007
    assert api.code(CGET, {"GroupId": club}) == 10007
    assert api.code(CDELETE, {"GroupId": club}) == 10007


@pytest.mark.parametrize(("edition", "code"), [("trial", 10059), ("pro", 10059),
                                                ("ultimate", 0), ("enterprise", 0)])
def test_counters_need_the_ultimate_edition(api, store, info, room, edition, code):
    apps.set_edition(store, info.sdkappid, edition)
    assert update(api, room, "Set", a=1)["ErrorCode"] == code
    assert api.code(CGET, {"GroupId": room}) == code


# --- cascade --------------------------------------------------------------------------------

def test_dismissing_a_group_drops_its_attributes_and_counters(api, write, room):
    write(MODIFY, {"GroupId": room, "GroupAttr": pairs(a="1")})
    update(api, room, "Set", likes=9)
    api.ok("group_open_http_svc/destroy_group", {"GroupId": room})
    assert api.code(GET, {"GroupId": room}) == 10010
    assert api.code(CGET, {"GroupId": room}) == 10010
    create(api, "AVChatRoom", room)  # the same ID again: a new, empty group
    assert attrs(api, room) == {}
    assert counters(api, room) == {}

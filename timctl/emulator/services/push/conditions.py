"""Push conditions (Condition of im_push / timpush push, 1047/37166, trtc.io 60561) and the
audience they select.

Documented: TagsAnd/TagsOr (<= 10 tags each: 90032; a tag <= 50 bytes: 90020; an empty tag:
90040; a tag in both: 90022) may be combined, as may AttrsAnd/AttrsOr (keys are attribute
names set by im_set_attr_name; an unknown one is 90033), but tags and attributes may not
(90039); no Condition pushes to everyone; only imported accounts receive (1047/37165).
Inferred: an empty tag list or attribute object, or an unknown key (TagOr), is a malformed
Condition (90001), not "everyone"; TagsAnd and TagsOr given together select users
satisfying both, likewise for attributes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from timctl.emulator.services import ApiFail, Context, utf8_len
from timctl.emulator.services.push import audience

MAX_TAGS = 10  # per condition list, and per user per add-tag request
MAX_TAG_BYTES = 50
TAG_KEYS = ("TagsAnd", "TagsOr")
ATTR_KEYS = ("AttrsAnd", "AttrsOr")


@dataclass(frozen=True)
class Condition:
    tags_and: tuple[str, ...] = ()
    tags_or: tuple[str, ...] = ()
    attrs_and: dict[int, str] = field(default_factory=dict)  # slot -> value
    attrs_or: dict[int, str] = field(default_factory=dict)

    @property
    def form(self) -> str:
        """all | tags | attrs: what the push selects by."""
        if self.tags_and or self.tags_or:
            return "tags"
        return "attrs" if self.attrs_and or self.attrs_or else "all"


def check_tags(tags: Any, what: str) -> list[str]:
    """A list of tags, each a non-empty string of <= 50 bytes (90040, 90020), <= 10 (90032)."""
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise ApiFail(90001, f"{what} must be an array of tag strings")
    if len(tags) > MAX_TAGS:
        raise ApiFail(90032, f"{what} has {len(tags)} tags; at most {MAX_TAGS}")
    if any(t == "" for t in tags):
        raise ApiFail(90040, f"{what}: a tag is empty")
    for tag in tags:
        if utf8_len(tag) > MAX_TAG_BYTES:
            raise ApiFail(90020, f"{what}: tag {tag[:20]!r}... is longer than"
                                 f" {MAX_TAG_BYTES} bytes")
    return list(dict.fromkeys(tags))


def _attrs(ctx: Context, raw: Any, what: str, slots: dict[str, int]) -> dict[int, str]:
    if not isinstance(raw, dict) or not raw:
        raise ApiFail(90001, f"{what} must be a non-empty object of attribute name -> value")
    out: dict[int, str] = {}
    for name, value in raw.items():
        if name not in slots:
            raise ApiFail(90033, f"{what}: invalid attribute {name!r} (not an attribute name"
                                 " set with im_set_attr_name / set_attr_name)")
        if not isinstance(value, str):
            raise ApiFail(90033, f"{what}: the value of {name!r} must be a string")
        out[slots[name]] = value
    return out


def parse(ctx: Context, raw: Any) -> Condition:
    """The request's Condition (None: everyone), checked with the documented codes."""
    if raw is None:
        return Condition()
    if not isinstance(raw, dict):
        raise ApiFail(90001, "Condition must be an object (TagsAnd/TagsOr or AttrsAnd/AttrsOr)")
    unknown = sorted(set(raw) - set(TAG_KEYS) - set(ATTR_KEYS))
    if unknown:  # a misspelt key must not widen the push to everyone
        raise ApiFail(90001, f"Condition: unknown key {unknown[0]!r} (TagsAnd, TagsOr,"
                             " AttrsAnd, AttrsOr)")
    has_tags = any(k in raw for k in TAG_KEYS)
    has_attrs = any(k in raw for k in ATTR_KEYS)
    if has_tags and has_attrs:
        raise ApiFail(90039, "push by attribute and push by tag cannot be combined")
    if has_tags:
        lists = {k: check_tags(raw[k], f"Condition.{k}") for k in TAG_KEYS if k in raw}
        if any(not v for v in lists.values()):
            raise ApiFail(90001, "Condition: a tag list is empty")
        both = set(lists.get("TagsAnd", ())) & set(lists.get("TagsOr", ()))
        if both:
            raise ApiFail(90022, f"tag {sorted(both)[0]!r} is in both TagsOr and TagsAnd")
        return Condition(tuple(lists.get("TagsAnd", ())), tuple(lists.get("TagsOr", ())))
    if has_attrs:
        slots = audience.slot_of(ctx.db, ctx.sdkappid)
        parts = {k: _attrs(ctx, raw[k], f"Condition.{k}", slots) for k in ATTR_KEYS if k in raw}
        return Condition(attrs_and=parts.get("AttrsAnd", {}), attrs_or=parts.get("AttrsOr", {}))
    return Condition()


def resolve(ctx: Context, cond: Condition) -> list[str]:
    """The imported accounts the condition selects, in import order."""
    users = audience.imported(ctx.db, ctx.sdkappid)
    db, app = ctx.db, ctx.sdkappid
    picks: list[set[str]] = []
    if cond.tags_and:
        picks.append(audience.with_tags(db, app, cond.tags_and, every=True))
    if cond.tags_or:
        picks.append(audience.with_tags(db, app, cond.tags_or, every=False))
    if cond.attrs_and:
        picks.append(audience.with_attrs(db, app, cond.attrs_and, every=True))
    if cond.attrs_or:
        picks.append(audience.with_attrs(db, app, cond.attrs_or, every=False))
    return [u for u in users if all(u in p for p in picks)]

"""The conversation a group message request names: a group, or a topic of a community
(TopicId, on send_group_msg 1047/34959, group_msg_get_simple 34971, group_msg_recall 34965,
delete_group_msg_by_sender 34970, modify_group_msg 47948).

Topics have their own MsgSeq space (rest-api-groups.yaml group_model: "each topic has its own
NextMsgSeq"), so their messages are stored under the topic ID in place of the group ID (a
topic ID embeds its community's ID: `@TGS#_...@TOPIC#_...`).
Documented: topics exist only in communities created with SupportTopic 1 (11000 otherwise).
Inferred: a topic that does not exist (or was dismissed) 10010, as modify_topic answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from timctl.emulator.services import ApiFail, Context
from timctl.emulator.services.groups import common
from timctl.emulator.services.groups.queries import Group
from timctl.emulator.services.topics import queries as topics
from timctl.emulator.services.topics.queries import Topic

NO_TOPICS = 11000


@dataclass(frozen=True)
class Conversation:
    group: Group
    topic: Topic | None

    @property
    def key(self) -> str:
        """Where its messages are stored: the group's ID, or the topic's."""
        return self.topic.topic_id if self.topic else self.group.group_id

    @property
    def newest_seq(self) -> int:
        return (self.topic or self.group).next_msg_seq - 1

    def next_seq(self, ctx: Context) -> int | None:
        """A topic's next MsgSeq, reserved; None for a group (the store takes the group's)."""
        if self.topic is None:
            return None
        return topics.next_msg_seq(ctx.db, ctx.sdkappid, self.group.group_id,
                                   self.topic.topic_id, ctx.now)


def conversation(ctx: Context, body: dict[str, Any], **target: Any) -> Conversation:
    """The group (checked as common.target does, with the same keyword rules) and, when
    TopicId is given, its topic."""
    group = common.target(ctx, body, **target)
    topic_id = body.get("TopicId")
    if topic_id is None or topic_id == "":
        return Conversation(group, None)
    if not isinstance(topic_id, str):
        raise ctx.bad_param("TopicId must be a string")
    if group.type != "Community" or not group.support_topic:
        raise ApiFail(NO_TOPICS, f"group {group.group_id!r} does not support topics")
    topic = topics.find(ctx.db, ctx.sdkappid, group.group_id, topic_id)
    if topic is None:
        raise ApiFail(common.GONE, f"topic {topic_id!r} does not exist or was dismissed")
    return Conversation(group, topic)

"""timctl groups: commands of this topic (see timctl/cli/groups.py), registered on the group."""

from __future__ import annotations

from timctl.cli.groups import groups  # noqa: F401  # commands below register on this group

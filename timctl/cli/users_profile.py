"""timctl users: kick, online, profile get/set (registered on the users group)."""

from __future__ import annotations

from timctl.cli.users import users  # noqa: F401  # commands below register on this group

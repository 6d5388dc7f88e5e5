"""Handlers of the groups service: one module per topic, imported here so the registry
sees them on first dispatch."""

from __future__ import annotations

from timctl.emulator.services.groups import create, imports, info, lifecycle, members, mutes

__all__ = ["create", "imports", "info", "lifecycle", "members", "mutes"]

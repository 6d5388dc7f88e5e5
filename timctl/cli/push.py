"""timctl push: all-member, tag and attribute pushes, audiences, the timpush service."""

from __future__ import annotations

import click


@click.group()
def push() -> None:
    """Push to all users or by tag/attribute; manage audiences and scheduled pushes."""

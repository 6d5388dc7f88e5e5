"""Declarative groups (`timctl groups apply` / `export`), without Click or I/O:
`manifest` reads, checks and writes the groups file; `plan` turns desired + live state into
the REST calls that converge them."""

from timctl.groups_plan.manifest import Group, dump, load
from timctl.groups_plan.plan import Call, Plan, diff, effective, exported, live_group, plan

__all__ = ["Call", "Group", "Plan", "diff", "dump", "effective", "exported", "live_group",
           "load", "plan"]

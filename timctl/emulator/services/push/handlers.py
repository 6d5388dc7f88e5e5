"""The push service's handlers, one module per concern (imported for their @handler)."""

from __future__ import annotations

from timctl.emulator.services.push import (
    handlers_audience,
    handlers_push,
    handlers_reports,
    handlers_sched,
    handlers_timpush,
)

__all__ = ["handlers_audience", "handlers_push", "handlers_reports", "handlers_sched",
           "handlers_timpush"]

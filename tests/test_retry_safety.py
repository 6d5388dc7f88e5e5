"""Retries never duplicate a write and never report a false failure, measured end to end:
the CLI against `timctl emulator serve` over HTTP that loses answers after committing."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def lossy(serve_app: Any) -> Any:
    """An emulator on 127.0.0.1 that processes and commits 30 % of requests, then drops the
    connection without answering (deterministic: seeded); profile `lossy` points at it."""
    from timctl.emulator.faults import Faults

    faults = Faults(lose_response_rate=0.3, seed=7, rate_limit=False)
    return serve_app("lossy", 1400000030, faults=faults).app


def test_import_then_delete_1000_users_through_lost_answers(lossy: Any, run: Any) -> None:
    ids = "".join(f"user{i:04d}\n" for i in range(1000))
    r = run("-p", "lossy", "-o", "json", "users", "import", "-", "--max-attempts", "10",
            input=ids)
    assert r.code == 0, r.err
    assert {row["Status"] for row in r.json()} == {"imported"}

    r = run("-p", "lossy", "-o", "json", "users", "delete", "-", "--yes",
            "--max-attempts", "10", input=ids)
    assert r.code == 0, r.err  # a retried chunk's 70107s are the first attempt's work
    assert len(r.json()) == 1000 and {row["ResultCode"] for row in r.json()} == {0}

    r = run("-p", "lossy", "-o", "json", "users", "check", "-", "--max-attempts", "10",
            input=ids)
    assert r.code == 0, r.err
    assert {row["AccountStatus"] for row in r.json()} == {"NotImported"}

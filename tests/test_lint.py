"""The code stays ruff-clean, and CI runs the README's test command."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(shutil.which("ruff") is None, reason="ruff not installed (test extra)")
def test_ruff_clean() -> None:
    done = subprocess.run(["ruff", "check", "timctl", "tests", "bench"], cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_ci_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text()
    quickstart = readme.split("## Quickstart")[1].split("\n## ")[0]
    test_command = quickstart.split("```")[3].strip().removeprefix("sh\n").strip()
    assert test_command in (ROOT / ".ci" / "run").read_text()

"""The code stays ruff-clean and type-checks, and CI runs the README's test command.

Both tools run from this interpreter's environment (the test extra installs them), so the
checks can never be skipped for want of a PATH entry.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_ruff_clean() -> None:
    done = subprocess.run([sys.executable, "-m", "ruff", "check", "timctl", "tests", "bench"],
                          cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy_clean() -> None:
    done = subprocess.run([sys.executable, "-m", "mypy", "--no-error-summary"], cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_ci_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text()
    quickstart = readme.split("## Quickstart")[1].split("\n## ")[0]
    test_command = quickstart.split("```")[3].strip().removeprefix("sh\n").strip()
    assert test_command in (ROOT / ".ci" / "run").read_text()

"""`timctl --help` and leaf --help import only what they need (measured in bench/)."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("requests", "yaml", "tabulate", "sqlite3", "jmespath", "TLSSigAPIv2",
         "timctl.emulator", "urllib3")

PROBE = """
import sys
from click.testing import CliRunner
from timctl.cli import cli
r = CliRunner().invoke(cli, {args!r})
assert r.exit_code == 0, r.output
print(",".join(m for m in {heavy!r} if m in sys.modules))
"""


@pytest.mark.parametrize("args", [
    ["--help"], ["users", "import", "--help"], ["users", "--help"], ["api", "--help"],
    ["config", "init", "--help"], ["emulator", "serve", "--help"], ["usersig", "gen", "--help"],
    ["help", "exit-codes"], ["--version"], ["groups", "--help"], ["groups", "create", "--help"],
    ["groups", "apply", "--help"], ["users", "profile", "set", "--help"],
])
def test_help_does_not_import_heavy_modules(args: list[str]) -> None:
    out = subprocess.run([sys.executable, "-c", PROBE.format(args=args, heavy=HEAVY)],
                         capture_output=True, text=True, check=True).stdout.strip()
    assert out == "", f"{' '.join(args)} imported {out}"

"""Generated docs and completions are current; README documents what the code does."""

from __future__ import annotations

from pathlib import Path

import pytest

from timctl import exit_codes
from timctl.devdocs import generated_files

ROOT = Path(__file__).resolve().parent.parent

README = (ROOT / "README.md").read_text()


@pytest.mark.parametrize("rel,text", sorted(generated_files().items()))
def test_generated_file_is_current(rel: str, text: str) -> None:
    path = Path(ROOT / rel)
    assert path.exists() and path.read_text() == text, (
        f"{rel} is stale: run `python -m timctl.devdocs`")


def test_every_command_has_help() -> None:
    reference = generated_files()["docs/commands.md"]
    for block in reference.split("## ")[1:]:
        usage_and_help = block.split("```")[1]
        lines = [ln for ln in usage_and_help.splitlines() if ln.strip()]
        assert len(lines) >= 2 and not lines[1].startswith("Options"), block[:80]


def test_readme_lists_every_exit_code() -> None:
    for code, name, _ in exit_codes.TABLE:
        assert f"| {code} | {name} |" in README, f"exit code {code} missing from README"


def test_help_exit_codes_topic(run) -> None:  # type: ignore[no-untyped-def]
    r = run("help", "exit-codes")
    for code, name, _ in exit_codes.TABLE:
        assert f"{code:<5} {name}" in r.out


def test_readme_quickstart_has_exactly_two_setup_commands() -> None:
    section = README.split("## Quickstart")[1].split("\n## ")[0]
    blocks = section.split("```")[1::2]
    assert len(blocks) == 2, "Quickstart must hold exactly two set-up commands"
    assert "timctl users" in blocks[0] and "pytest" in blocks[1]

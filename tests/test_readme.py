"""The README works for someone who has only the repository: its commands, its links, CI."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

ROOT = Path(__file__).parent.parent
README = ROOT / "README.md"
USER_DOCS = (README, ROOT / "docs" / "campaign.md")


def first_commands() -> list[str]:
    """The lines of the README's first code block: the two commands it starts with."""
    block = re.search(r"```sh\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.DOTALL)
    assert block is not None, "the README starts with a sh code block"
    return block.group(1).strip().splitlines()


def test_the_readme_starts_with_a_demo_command_and_a_test_command() -> None:
    demo, tests = first_commands()
    assert demo.startswith("python3 -m venv .venv && .venv/bin/pip install -e .")
    assert shlex.split(demo)[-1] == "demo"
    assert tests.startswith("python3 -m venv .venv && .venv/bin/pip install -e '.[dev]'")
    assert ".venv/bin/pytest" in tests


def test_ci_runs_the_readmes_test_command_word_for_word() -> None:
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    [quoted] = re.findall(r'^TEST_COMMAND="(.*)"$', script, flags=re.MULTILINE)
    assert quoted == first_commands()[1]
    for check in ("ruff format --check .", "ruff check .", "mypy"):
        assert check in script


def test_user_docs_link_only_to_files_in_the_repository() -> None:
    for doc in USER_DOCS:
        text = doc.read_text(encoding="utf-8")
        assert "DESIGN.md" not in text and "FACTS.md" not in text, doc
        for target in re.findall(r"\]\(([^)#]+)\)", text):
            if "://" not in target:
                assert (doc.parent / target).exists(), (doc, target)


def test_the_license_pyproject_names_is_there() -> None:
    assert 'license = { text = "MIT" }' in (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")

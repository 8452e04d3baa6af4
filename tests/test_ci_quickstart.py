"""The README's quick start is what CI runs: the extractor and its contract."""

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("quickstart_lines",
                                               ROOT / ".ci" / "quickstart_lines.py")
quickstart = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(quickstart)


def test_ci_runs_the_readmes_two_quick_start_lines_in_order():
    lines = quickstart.quickstart_lines((ROOT / "README.md").read_text(encoding="utf-8"))
    assert lines == ['python -m pip install . && neurosim tour',
                     'python -m pip install -e ".[dev]" && python -m pytest']
    ci = (ROOT / ".ci" / "run").read_text()
    assert "quickstart_lines.py README.md" in ci and "newcomer_checks.py" in ci
    steps = [line for line in ci.splitlines() if line.startswith("bash .ci/")]
    # after the test suite: the wheel in a core-only venv, then the documentation site
    assert steps == ["bash .ci/wheel_check.sh", "bash .ci/build_docs.sh"]


def test_the_extractor_skips_comments_and_stops_at_the_fence():
    text = "# x\n## Quick start\n\nintro\n```bash\n# comment\na && b\n\nc\n```\nd\n"
    assert quickstart.quickstart_lines(text) == ["a && b", "c"]


@pytest.mark.parametrize("text, message", [
    ("# README\n", "no '## Quick start' heading"),
    ("## Quick start\nno code\n", "no code block"),
    ("## Quick start\n```bash\n# only a comment\n```\n", "code block is empty"),
])
def test_the_extractor_refuses_a_readme_without_a_quick_start(text, message):
    with pytest.raises(ValueError, match=message):
        quickstart.quickstart_lines(text)

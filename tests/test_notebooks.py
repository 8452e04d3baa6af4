"""The curriculum notebooks: committed clean, structured as promised, and they run.

Each notebook in ``notebooks/`` is executed top to bottom on a fresh kernel in a
temporary working directory (so files it writes land there). Exercise cells carry
tags: ``exercise`` (the student's cell, a placeholder), ``check`` (calls
``neurosim.exercises.check``), ``solution`` (a markdown cell holding the worked solution
inside a collapsed ``<details>`` block, so that "Run All" never shows a solution or its
output: the student sees it only by opening it). Predict/observe/explain questions are
followed by a ``discussion`` cell, collapsed the same way.

The notebook is executed as a student's "Run All" would run it; then every solution's code
is run in the same kernel, after the last cell. The placeholder's check must say ❌ and no
cell of the student's run may say ✅ (nothing is answered for them); every solution's check
must say ✅ — so each check can fail and each solution passes it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

from neurosim.exercises import RIGHT_MARK, WRONG_MARK  # noqa: E402

NOTEBOOK_DIR = Path(__file__).resolve().parents[1] / "notebooks"
EXPECTED = ["00_start_here", "01_motor_units_and_force", "02_emg_and_nerve_conduction",
            "03_loss_of_inhibition", "04_spindles_and_spasticity", "05_acetylcholine_excess",
            "06_conditions", "07_treatments", "08_mystery_lesion", "09_emg_lab"]
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
TIMEOUT_S = 600


def _text(cell) -> str:
    return "".join(cell.source) if isinstance(cell.source, list) else cell.source


_CODE_BLOCK = re.compile(r"```python\n(.*?)\n```", re.S)
_COLLAPSED = re.compile(r"^<details>\s*<summary>.+?</summary>.*</details>\s*$", re.S)


def _solution_code(cell) -> str:
    """The Python code inside a solution cell's collapsed block."""
    blocks = _CODE_BLOCK.findall(_text(cell))
    assert len(blocks) == 1, f"a solution cell holds one python block:\n{_text(cell)}"
    return blocks[0]


def _tags(cell) -> set:
    return set(cell.metadata.get("tags", []))


def _outputs_text(cell) -> str:
    parts = []
    for out in cell.get("outputs", []):
        if "text" in out:
            parts.append(out["text"])
        data = out.get("data", {})
        parts.append(data.get("text/plain", ""))
        if out.get("output_type") == "error":
            parts.append(f"{out.get('ename')}: {out.get('evalue')}")
    return "".join(parts)


def test_the_curriculum_is_complete():
    assert [p.stem for p in NOTEBOOKS] == EXPECTED


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_without_outputs_and_structured(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, \
                f"{path.name}: commit notebooks without outputs"
    first = _text(nb.cells[0]).lower()
    assert "teaching toy" in first and "not a clinical model" in first
    assert "not medical advice" in first
    text = "\n".join(_text(c) for c in nb.cells).lower()
    assert "learning objectives" in text and "estimated time" in text
    assert "summary" in text
    body = "\n".join(_text(c) for c in nb.cells if c.cell_type == "code")
    for forbidden in ("pip install", "sys.path", "os.chdir", "%cd", "def simulate"):
        assert forbidden not in body, f"{path.name}: {forbidden!r} in a code cell"
    tags = [_tags(c) for c in nb.cells]
    n_ex = sum("exercise" in t for t in tags)
    assert n_ex >= 2, f"{path.name}: needs at least two exercises"
    assert sum("check" in t for t in tags) >= n_ex
    assert sum("solution" in t for t in tags) >= n_ex
    for cell, t in zip(nb.cells, tags):
        if "solution" in t or "discussion" in t:
            # markdown, so that Run All cannot execute it and show its output; collapsed, so
            # that the student opens it only when they choose to
            assert cell.cell_type == "markdown", f"{path.name}: {t} cell must be markdown"
            assert _COLLAPSED.match(_text(cell)), \
                f"{path.name}: a {t} cell must be one collapsed <details> block"
        if "solution" in t:
            assert "check(" in _solution_code(cell)
    _assert_section_times(path.name, nb.cells)
    _assert_questions_have_discussions(path.name, nb.cells, tags)


_UNTIMED = ("learning objectives", "how to use this notebook", "summary")
_MINUTES = re.compile(r"\(≈ (\d+) min\)\s*$")


def _assert_section_times(name, cells):
    """Every section says how long it takes; together, the notebook's estimated time."""
    text = "\n".join(_text(c) for c in cells if c.cell_type == "markdown")
    total = int(re.search(r"estimated time:?\**\s*(\d+)\s*min", text, re.I).group(1))
    minutes = []
    for heading in re.findall(r"^## (.+)$", text, re.M):
        if heading.strip().lower().startswith(_UNTIMED):
            continue
        found = _MINUTES.search(heading)
        assert found, f"{name}: section {heading!r} has no time estimate like (≈ 5 min)"
        minutes.append(int(found.group(1)))
    assert abs(sum(minutes) - total) <= 5, f"{name}: sections add to {sum(minutes)} min, " \
                                           f"the notebook says {total}"


def _assert_questions_have_discussions(name, cells, tags):
    """A predict/observe/explain block is followed, within its section, by a discussion."""
    for i, cell in enumerate(cells):
        text = _text(cell)
        if cell.cell_type != "markdown" or "discussion" in tags[i] or not (
                re.search(r"\*\*Predict", text) and re.search(r"\*\*Explain", text)):
            continue
        for later, t in zip(cells[i + 1:], tags[i + 1:]):
            if "discussion" in t:
                break
            assert not _text(later).startswith("## "), \
                f"{name}: the questions {text[:60]!r}… have no discussion in their section"
        else:
            raise AssertionError(f"{name}: the questions {text[:60]!r}… have no discussion")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_runs_top_to_bottom_and_checks_work(path, tmp_path):
    nb = nbformat.read(path, as_version=4)
    n_student = len(nb.cells)
    solutions = [_solution_code(c) for c in nb.cells if "solution" in _tags(c)]
    for code in solutions:  # after the student's Run All, open and run every solution
        nb.cells.append(nbformat.v4.new_code_cell(code))
    client = nbclient.NotebookClient(nb, timeout=TIMEOUT_S, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()  # raises CellExecutionError on any error
    student = nb.cells[:n_student]
    checks = [c for c in student if "check" in _tags(c)]
    assert checks and all(WRONG_MARK in _outputs_text(c) for c in checks), \
        f"{path.name}: a check did not reject the unanswered placeholder"
    exercise_ids = {m for c in nb.cells if "check" in _tags(c)
                    for m in re.findall(r'check\("([^"]+)"', _text(c))}
    revealed = [(_text(c), ex) for c in student for ex in exercise_ids
                if f"{RIGHT_MARK} Exercise {ex}:" in _outputs_text(c)]
    assert not revealed, f"{path.name}: Run All shows the answer to an exercise:\n{revealed}"
    # a mystery patient's diagnosis is an answer too: Run All may show only the worked case's
    diagnosed = {found for c in student for found in re.findall(
        rf"{RIGHT_MARK} Exercise (mystery_patient\([^)]*\))", _outputs_text(c))}
    if diagnosed:
        from neurosim.exercises.nb08 import PRACTICE
        assert diagnosed == {f"mystery_patient({PRACTICE[0]}, seed={PRACTICE[1]})"}, \
            f"{path.name}: Run All shows a mystery patient's diagnosis: {diagnosed}"
    for code, cell in zip(solutions, nb.cells[n_student:]):
        out = _outputs_text(cell)
        assert RIGHT_MARK in out and WRONG_MARK not in out, \
            f"{path.name}: a solution does not pass its check:\n{code}\n{out}"

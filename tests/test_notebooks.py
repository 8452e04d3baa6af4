"""The curriculum notebooks: committed clean, structured as promised, and they run.

Each notebook in ``notebooks/`` is executed top to bottom on a fresh kernel in a
temporary working directory (so files it writes land there). Exercise cells carry
tags: ``exercise`` (the student's cell, a placeholder), ``check`` (calls
``neurosim.exercises.check``), ``solution`` (the worked solution, collapsed, which
runs the check again). After execution every solution's check must say ✅ and the
placeholder's check must say ❌ — so each check can fail and the solution passes it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

from neurosim.exercises import RIGHT_MARK, WRONG_MARK  # noqa: E402

NOTEBOOK_DIR = Path(__file__).resolve().parents[1] / "notebooks"
EXPECTED = ["00_start_here", "01_motor_units_and_force", "02_emg_and_nerve_conduction",
            "03_loss_of_inhibition", "04_spindles_and_spasticity", "05_acetylcholine_excess",
            "06_conditions", "07_treatments", "08_mystery_lesion"]
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
TIMEOUT_S = 600


def _text(cell) -> str:
    return "".join(cell.source) if isinstance(cell.source, list) else cell.source


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
    tags = [set(c.metadata.get("tags", [])) for c in nb.cells]
    n_ex = sum("exercise" in t for t in tags)
    assert n_ex >= 2, f"{path.name}: needs at least two exercises"
    assert sum("check" in t for t in tags) >= n_ex
    assert sum("solution" in t for t in tags) >= n_ex
    for cell, t in zip(nb.cells, tags):
        if "solution" in t:
            assert cell.metadata.get("jupyter", {}).get("source_hidden") is True, \
                f"{path.name}: solutions start collapsed"
            assert "check(" in _text(cell)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_runs_top_to_bottom_and_checks_work(path, tmp_path):
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=TIMEOUT_S, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()  # raises CellExecutionError on any error
    tags = [set(c.metadata.get("tags", [])) for c in nb.cells]
    for cell, t in zip(nb.cells, tags):
        if "solution" in t:
            out = _outputs_text(cell)
            assert RIGHT_MARK in out and WRONG_MARK not in out, \
                f"{path.name}: a solution does not pass its check:\n{_text(cell)}\n{out}"
    first_checks = [c for c, t in zip(nb.cells, tags) if "check" in t]
    assert first_checks and all(WRONG_MARK in _outputs_text(c) for c in first_checks), \
        f"{path.name}: a check did not reject the unanswered placeholder"

"""The documentation site builds without a warning and says what the code says.

A copy of ``docs/`` is built with Sphinx into a temporary folder, notebooks *not* executed
(``NEUROSIM_DOCS_EXECUTE=0``; ``.ci/build_docs.sh`` builds the full site with them). Then:
the parameter reference lists every parameter of ``field_specs()`` with its unit and source,
the scenario catalogue every scenario's title, the CLI page every subcommand, the model
section one page per stage of the schedule and the loop's generated source, the Getting
started page the README's quick-start lines — and every page carries the teaching-toy
disclaimer.
"""

from __future__ import annotations

import argparse
import html
import math
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("sphinx")
pytest.importorskip("myst_nb")

import neurosim  # noqa: E402
from neurosim import parameters, scenarios, schedule  # noqa: E402
from neurosim.cli.parser import build_parser  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DISCLAIMER = "teaching toy, not a clinical model"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Build the site once; return (html folder, Sphinx's output)."""
    tmp = tmp_path_factory.mktemp("docs")
    src = tmp / "src"
    shutil.copytree(ROOT / "docs", src, ignore=shutil.ignore_patterns("generated", "_build"))
    out = tmp / "html"
    env = dict(os.environ, NEUROSIM_DOCS_EXECUTE="0", NEUROSIM_DOCS_ROOT=str(ROOT),
               PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    proc = subprocess.run([sys.executable, "-m", "sphinx", "-W", "--keep-going", "-b", "html",
                           "-q", str(src), str(out)],
                          capture_output=True, text=True, env=env, timeout=600)
    return out, proc


def _text_of(raw: str) -> str:
    """Visible text of an HTML fragment: tags dropped, entities decoded, spaces collapsed."""
    raw = re.sub(r"<(script|style)\b.*?</\1>", " ", raw, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", raw))).strip()


def _text(page: Path) -> str:
    """The page's visible text, roughly."""
    return _text_of(page.read_text(encoding="utf-8"))


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_the_site_builds_without_warnings(site):
    out, proc = site
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-5000:]
    warnings = [line for line in proc.stderr.splitlines() if "WARNING" in line or "ERROR" in line]
    assert warnings == []
    assert (out / "index.html").exists()


def test_parameter_reference_lists_every_parameter_with_unit_and_source(site):
    out, _ = site
    page = (out / "generated" / "parameters.html").read_text(encoding="utf-8")
    rows = {}
    for row in re.findall(r"<tr\b.*?</tr>", page, flags=re.S):
        cells = [_text_of(c) for c in re.findall(r"<td\b.*?</td>", row, flags=re.S)]
        if cells:
            rows[cells[0]] = cells
    specs = parameters.field_specs()
    assert len(specs) > 100
    missing = []
    for name, spec in specs.items():
        cells = rows.get(name)
        if cells is None:
            missing.append(name)
            continue
        expected = {"label": spec.label, "unit": spec.unit, "help": spec.help,
                    "source": spec.source}
        for (what, value), cell in zip(expected.items(), (cells[1], cells[2], cells[5], cells[6])):
            # help texts mark emphasis as *word*: the page shows it in italics
            if cell != re.sub(r"\s+", " ", value).replace("*", "").strip():
                missing.append(f"{name} {what}: {cell!r} != {value!r}")
        if cells[3] != f"{spec.min:g} – {spec.max:g}" and not math.isinf(spec.max):
            missing.append(f"{name} range: {cells[3]!r}")
    assert missing == []
    # one table per parameter group
    for group in parameters.parameter_groups():
        assert f'id="parameters-{group.replace("_", "-")}"' in (out / "generated" / "parameters.html").read_text()


def test_scenario_catalogue_lists_every_scenario(site):
    out, _ = site
    text = _text(out / "generated" / "scenarios.html")
    for name in scenarios.names():
        s = scenarios.get(name)
        assert s.title in text, name
        assert re.sub(r"\s+", " ", s.caveat) in text, name
        for key in s.changes:
            assert key in text
    stroke = text[text.index(scenarios.get("stroke_like").title):]
    assert "Clonus test" in stroke[:6000]  # its declared measurement


def test_cli_page_lists_every_subcommand_and_option(site):
    out, _ = site
    text = _text(out / "cli.html")
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert set(sub.choices) == {"list", "run", "needle", "tour", "dashboard", "sweep"}
    for command, subparser in sub.choices.items():
        assert re.search(rf"\b{command}\b", text), command
        for action in subparser._actions:
            for option in action.option_strings:
                assert option in text, (command, option)


def test_model_pages_follow_the_schedule(site):
    out, _ = site
    model = out / "generated" / "model"
    for name in schedule.STAGE_MODULES:
        page = model / f"{name}.html"
        assert page.exists(), name
    spindle = (model / "spindle.html").read_text(encoding="utf-8")
    assert 'class="math' in spindle  # the docstring's equations, as math
    loop = _text(model / "schedule.html")
    squeezed = _squeeze(loop)  # syntax highlighting splits code into many spans
    for line in schedule.loop_source().splitlines():
        assert _squeeze(line) in squeezed, line
    for slot in schedule.SLOTS:
        assert slot in loop


def test_getting_started_shows_the_readme_quick_start(site):
    out, _ = site
    spec = importlib.util.spec_from_file_location("quickstart_lines",
                                                  ROOT / ".ci" / "quickstart_lines.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    lines = module.quickstart_lines((ROOT / "README.md").read_text(encoding="utf-8"))
    text = _text(out / "getting_started.html")
    for line in lines:
        assert line in text
    assert "neurosim dashboard" in text and "jupyter lab notebooks/" in text


def test_every_page_carries_the_disclaimer(site):
    out, _ = site
    pages = [p for p in out.rglob("*.html") if "_static" not in p.parts]
    assert len(pages) > 30
    without = [str(p.relative_to(out)) for p in pages if DISCLAIMER not in _text(p)]
    assert without == []


def test_notebooks_are_pages_with_solutions_folded(site):
    out, _ = site
    nb_dir = out / "generated" / "notebooks"
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        page = nb_dir / f"{notebook.stem}.html"
        assert page.exists(), notebook.name
        raw = page.read_text(encoding="utf-8")
        if "<details" in notebook.read_text(encoding="utf-8"):
            assert "<details>" in raw and "<details open" not in raw, notebook.name
    assert neurosim.__version__ in _text(out / "index.html")

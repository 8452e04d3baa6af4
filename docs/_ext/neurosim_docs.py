"""Pages generated from the code at build time, so that the documentation cannot drift.

On ``builder-inited`` this extension writes, into ``<srcdir>/generated/`` (never committed):

* ``parameters.md`` — one table per parameter group, from
  :func:`neurosim.parameters.field_specs` (label, unit, range, default, help, source);
* ``scenarios.md`` — every scenario of :func:`neurosim.scenarios.names`, with its teaching
  text, parameter changes, protocol and declared measurements;
* ``model/<stage>.rst`` — one page per stage of :data:`neurosim.schedule.STAGE_MODULES`
  (its docstring with the equations, its parameter table, its functions) and
  ``model/schedule.rst`` with the registry, the slots and the generated loop source;
* ``api/<module>.rst`` — the API reference of the public modules;
* ``readme/<section>.md`` and ``fragments/readme_<section>.md`` — sections of ``README.md``
  (whole pages and fragments to include), links rewritten to the site's pages;
* ``fragments/quickstart_ci.md`` — the quick-start lines CI runs (``.ci/quickstart_lines.py``);
* ``benchmarks.md`` (``BENCHMARKS.md``) and ``notebooks/`` (copies of ``notebooks/``,
  executed by myst-nb unless ``NEUROSIM_DOCS_EXECUTE=0``).
"""

from __future__ import annotations

import importlib
import importlib.util
import math
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
"""The repository (README.md, BENCHMARKS.md, notebooks/, figures/, .ci/); conf.py's
``neurosim_root`` (environment variable ``NEUROSIM_DOCS_ROOT``) overrides it."""
GENERATED = "generated"

#: API reference: the public modules outside the model's stages, in reading order.
API_MODULES = (
    ("neurosim", "The package: what ``import neurosim`` gives you."),
    ("neurosim.parameters", None),
    ("neurosim.protocols", None),
    ("neurosim.engine", None),
    ("neurosim.result", None),
    ("neurosim.scenarios", None),
    ("neurosim.disease_course", None),
    ("neurosim.experiments", None),
    ("neurosim.analysis", None),
    ("neurosim.measurements", None),
    ("neurosim.clinic_map", None),
    ("neurosim.needle", None),
    ("neurosim.needle_analysis", None),
    ("neurosim.sound", None),
    ("neurosim.metrics", None),
    ("neurosim.sweep", None),
    ("neurosim.plotting", None),
    ("neurosim.widgets", None),
    ("neurosim.numerics", None),
    ("neurosim.resources", None),
    ("neurosim.signals", None),
    ("neurosim.exercises", None),
)

#: README sections included in other pages only (fragments), not pages of their own.
README_FRAGMENTS_ONLY = {"quick_start", "dashboard", "curriculum"}

#: README sections published as pages or fragments (heading → slug).
README_SECTIONS = {
    "Quick start": "quick_start",
    "The instructor dashboard": "dashboard",
    "The curriculum": "curriculum",
    "What you can do": "what_you_can_do",
    "The model in one paragraph": "model_in_one_paragraph",
    "How close to physiology": "physiology",
    "Speed": "speed",
    "Limits": "limits",
    "Reliability": "reliability",
    "Sweeps and phase diagrams": "sweeps",
}


# ------------------------------------------------------------------ helpers
def _write(path: Path, text: str) -> None:
    """Write only when the text changed (keeps Sphinx's incremental build honest)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def _cell(text) -> str:
    """Text safe inside a Markdown table cell."""
    return str(text).replace("|", "\\|").replace("\n", " ").strip()


def _number(x) -> str:
    if isinstance(x, bool):
        return str(x)
    if isinstance(x, int):
        return str(x)
    if isinstance(x, float):
        if math.isinf(x):
            return "∞" if x > 0 else "−∞"
        return f"{x:g}"
    return _cell(x)


def _title_rst(text: str, char: str = "=") -> str:
    return f"{text}\n{char * len(text)}\n"


def _first_line(doc: str | None) -> str:
    return (doc or "").strip().splitlines()[0].rstrip(".") if doc else ""


# ------------------------------------------------------------------ parameters
def _parameter_groups():
    """``[(group, stage_module, [FieldSpec, ...]), ...]`` in schedule order."""
    from neurosim import parameters

    groups: dict[str, list] = {}
    for spec in parameters.field_specs().values():
        groups.setdefault(spec.stage, []).append(spec)
    out = []
    for group, specs in groups.items():
        cls = parameters._STAGES[group]
        out.append((group, cls, specs))
    return out


def _parameter_table(specs) -> list[str]:
    lines = ["| parameter | label | unit | range | default | help | source |",
             "|---|---|---|---|---|---|---|"]
    for s in specs:
        lines.append(
            f"| `{s.name}` | {_cell(s.label)} | {_cell(s.unit)} | "
            f"{_number(s.min)} – {_number(s.max)} | {_number(s.default)} | "
            f"{_cell(s.help)} | {_cell(s.source)} |")
    return lines


def write_parameters(out: Path) -> None:
    lines = ["# Parameter reference", "",
             "Every parameter of the model, generated from its metadata "
             "(`neurosim.parameters.field_specs()`): the same label, unit, range, help and "
             "source that validate a run and build the dashboard's sliders and "
             "`neurosim list --parameters`. Change one with "
             "`params.with_changes(**{\"group.field\": value})` or "
             "`neurosim run NAME --set group.field=value`.", ""]
    for group, cls, specs in _parameter_groups():
        stage = cls.__module__.rsplit(".", 1)[-1]
        lines += [f"(parameters-{group})=", f"## `{group}` — {_first_line(cls.__doc__)}", "",
                  f"Stage: [{stage}](model/{stage}.rst) · class "
                  f"{{class}}`{cls.__module__}.{cls.__name__}` · {len(specs)} parameters", ""]
        lines += _parameter_table(specs)
        lines.append("")
    _write(out / "parameters.md", "\n".join(lines))


# ------------------------------------------------------------------ scenarios
def _protocol_text(protocol) -> str:
    text = repr(protocol)
    return text[len("Protocol("):-1] if text.startswith("Protocol(") else text


def write_scenarios(out: Path) -> None:
    from neurosim import measurements, parameters, scenarios

    specs = parameters.field_specs()

    categories: dict[str, list] = {}
    for name in scenarios.names():
        s = scenarios.get(name)
        categories.setdefault(s.category, []).append(s)
    lines = ["# Scenario catalogue", "",
             "Every built-in scenario, generated from `neurosim.scenarios` "
             "(`neurosim list` prints the same list; `neurosim run NAME` runs one; "
             "`neurosim.scenarios.get(NAME).run()` in Python).", ""]
    for category, items in categories.items():
        lines += [f"## {category.capitalize()}s", ""]
        for s in items:
            lines += [f"(scenario-{s.name})=", f"### {s.title}", "",
                      f"`{s.name}` · {s.duration_s:g} s", "",
                      _cell(s.description), "",
                      f"**Mechanism.** {_cell(s.mechanism)}", "",
                      f"**What to look for.** {_cell(s.learning_goal)}", "",
                      f"**Caveat.** {_cell(s.caveat)}", ""]
            if s.treats:
                lines += [f"**Treats** [`{s.treats}`](#scenario-{s.treats}).", ""]
            if s.changes:
                lines += ["| parameter | value | healthy default |", "|---|---|---|"]
                for key, value in s.changes.items():
                    spec = specs.get(key)
                    default = _number(spec.default) if spec else ""
                    unit = f" {spec.unit}" if spec and spec.unit not in ("1", "") else ""
                    lines.append(f"| `{key}` | {_number(value)}{unit} | {default}{unit} |")
                lines.append("")
            else:
                lines += ["No parameter changes: the healthy model.", ""]
            lines += [f"**Protocol.** `{_protocol_text(s.protocol)}`", ""]
            if s.measurements:
                lines += ["**Measurements it declares.**", ""]
                for m in s.measurements:
                    spec = measurements.MEASUREMENTS[m]
                    lines.append(f"- *{spec.title}* (`{m}`): {_cell(spec.definition)}")
                lines.append("")
    _write(out / "scenarios.md", "\n".join(lines))


# ------------------------------------------------------------------ model pages
def write_model(out: Path) -> None:
    from neurosim import schedule

    model = out / "model"
    groups = _parameter_groups()
    names = []
    for name in schedule.STAGE_MODULES:
        module = importlib.import_module(f"neurosim.{name}")
        owned = [g for g, cls, _ in groups if cls.__module__ == module.__name__]
        hooks = getattr(module, "HOOKS", {}) or {}
        slots = ", ".join(f"``{slot}``" for slot in hooks) or "none (outside the loop)"
        body = [f".. _model-{name}:", "", _title_rst(f"{name} — {_first_line(module.__doc__)}"),
                f"Stage ``{getattr(module, 'STAGE', name)}`` of the :doc:`schedule`; "
                f"joins the slots: {slots}. "
                "Source: ``neurosim/" + name + ".py``.", ""]
        if owned:
            body.append("Parameters: " + ", ".join(f":ref:`{g} <parameters-{g}>`" for g in owned)
                        + " (the tables of the :doc:`/generated/parameters`).")
            body.append("")
        body += [f".. automodule:: neurosim.{name}", "   :members:", ""]
        _write(model / f"{name}.rst", "\n".join(body))
        names.append(name)

    slots = "\n".join(f"{i + 1}. ``{slot}``" for i, slot in enumerate(schedule.SLOTS))
    rows = []
    for name in schedule.STAGE_MODULES:
        module = importlib.import_module(f"neurosim.{name}")
        hooks = getattr(module, "HOOKS", {}) or {}
        rows.append((f":doc:`{name}`", ", ".join(f"``{s}``" for s in hooks) or "—",
                     ", ".join(f"``{f.__name__}``" for f in hooks.values()) or "—"))
    table = ["   * - order", "     - stage", "     - slots", "     - hook functions"]
    for i, (a, b, c) in enumerate(rows):
        table += [f"   * - {i + 1}", f"     - {a}", f"     - {b}", f"     - {c}"]
    source = schedule.loop_source()
    page = [
        ".. _model-schedule:", "", _title_rst("The schedule: registry, slots and the loop"),
        ".. automodule:: neurosim.schedule", "   :no-members:", "",
        _title_rst("The slots, in order", "-"), slots, "",
        _title_rst("The registry", "-"),
        "``neurosim.schedule.STAGE_MODULES``, in the order the stages run within a slot:", "",
        ".. list-table::", "   :header-rows: 1", "", *table, "",
        _title_rst("The generated loop", "-"),
        "``neurosim.schedule.loop_source()`` at the time this page was built "
        "(``python -m neurosim.schedule`` prints it):", "",
        ".. code-block:: python", "", *("   " + line if line else "" for line in source.splitlines()),
        "",
        _title_rst("API", "-"),
        ".. automodule:: neurosim.schedule", "   :members:", "   :no-index:", "",
    ]
    _write(model / "schedule.rst", "\n".join(page))
    toc = [_title_rst("The model"),
           "One page per stage, in the order of :data:`neurosim.schedule.STAGE_MODULES`: each "
           "stage's docstring with its equations and sources, its parameters and its "
           "functions. The :doc:`schedule` says when in a step each stage runs.", "",
           ".. toctree::", "   :maxdepth: 1", "", "   schedule",
           *(f"   {n}" for n in names), ""]
    _write(model / "index.rst", "\n".join(toc))


# ------------------------------------------------------------------ API reference
def _documented_modules() -> set[str]:
    from neurosim import schedule

    return ({m for m, _ in API_MODULES} | {f"neurosim.{n}" for n in schedule.STAGE_MODULES}
            | {"neurosim.schedule"})


def _documented_elsewhere(mod) -> dict[str, str]:
    """``{name: defining module}`` of the names in ``mod.__all__`` that another documented
    module defines (re-exports): documenting them twice would make references ambiguous."""
    documented = _documented_modules()
    out = {}
    for name in getattr(mod, "__all__", ()):
        obj = getattr(mod, name, None)
        home = getattr(obj, "__module__", None)
        if (isinstance(home, str) and home != mod.__name__ and home in documented
                and (callable(obj) or isinstance(obj, type))):
            out[name] = home
    return out


def write_api(out: Path) -> None:
    from neurosim import schedule

    api = out / "api"
    entries = []
    for module, intro in API_MODULES:
        mod = importlib.import_module(module)
        slug = module.replace(".", "_")
        body = [_title_rst(f"``{module}``")]
        if intro:
            body += [intro, ""]
        if module == "neurosim":
            body += [".. automodule:: neurosim", "   :no-members:", "",
                     "It re-exports, from the modules documented here: "
                     + ", ".join(f"``{n}``" for n in mod.__all__) + ".", ""]
        else:
            body += [f".. automodule:: {module}", "   :members:"]
            elsewhere = _documented_elsewhere(mod)
            if elsewhere:
                body.append("   :exclude-members: " + ", ".join(sorted(elsewhere)))
                body += ["", "Also importable from here (documented where they are defined): "
                         + ", ".join(f":py:obj:`~{home}.{name}`"
                                     for name, home in sorted(elsewhere.items())) + "."]
            body.append("")
        _write(api / f"{slug}.rst", "\n".join(body))
        entries.append(slug)
    stages = ", ".join(f":doc:`neurosim.{n} </generated/model/{n}>`"
                       for n in schedule.STAGE_MODULES)
    index = [_title_rst("API reference"),
             "Generated from the docstrings (numpydoc style). The stage modules — "
             f"{stages} and :doc:`neurosim.schedule </generated/model/schedule>` — are "
             "documented with their equations in :doc:`/generated/model/index`.", "",
             ".. toctree::", "   :maxdepth: 1", "", *(f"   {e}" for e in entries), ""]
    _write(api / "index.rst", "\n".join(index))


# ------------------------------------------------------------------ README, BENCHMARKS
def _rewrite_links(text: str) -> str:
    """Relative links of README.md → the site's pages (absolute paths are from srcdir)."""
    text = re.sub(r"\]\(notebooks/([^)]+)\.ipynb\)", rf"](/{GENERATED}/notebooks/\1.ipynb)", text)
    text = text.replace("](notebooks/README.md)", f"](/{GENERATED}/notebooks/README.md)")
    text = text.replace("](notebooks/)", f"](/{GENERATED}/notebooks/index.md)")
    text = text.replace("](BENCHMARKS.md)", f"](/{GENERATED}/benchmarks.md)")
    text = re.sub(r"\]\(figures/([^)]+)\)", rf"](/{GENERATED}/figures/\1)", text)
    return text


def readme_sections(text: str) -> dict[str, str]:
    """``{heading: body}`` of the README's ``##`` sections (fenced code is not a heading)."""
    sections: dict[str, list[str]] = {}
    current = None
    fenced = False
    for line in text.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        if not fenced and line.startswith("## "):
            current = line[3:].strip()
            sections[current] = []
        elif current is not None:
            sections[current].append(line)
    return {k: "\n".join(v).strip() + "\n" for k, v in sections.items()}


def write_readme(out: Path) -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    sections = readme_sections(text)
    for heading, slug in README_SECTIONS.items():
        if heading not in sections:
            raise RuntimeError(f"README.md has no '## {heading}' section (docs/_ext/neurosim_docs.py "
                               "README_SECTIONS names it)")
        body = _rewrite_links(sections[heading])
        for other, other_slug in README_SECTIONS.items():  # [Reliability](#reliability)
            anchor = "#" + re.sub(r"[^a-z0-9 -]", "", other.lower()).replace(" ", "-")
            target = (f"/{GENERATED}/readme/{other_slug}.md" if other_slug not in README_FRAGMENTS_ONLY
                      else "/getting_started.md")
            body = body.replace(f"]({anchor})", f"]({target})")
        if slug not in README_FRAGMENTS_ONLY:
            _write(out / "readme" / f"{slug}.md", f"# {heading}\n\n{body}")
        _write(out / "fragments" / f"readme_{slug}.md", body)
    for figure in sorted(set(re.findall(r"\]\(figures/([^)]+)\)", text))):
        target = out / "figures" / figure
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists() or target.stat().st_mtime < (ROOT / "figures" / figure).stat().st_mtime:
            shutil.copy2(ROOT / "figures" / figure, target)
    spec = importlib.util.spec_from_file_location("quickstart_lines", ROOT / ".ci" / "quickstart_lines.py")
    quickstart = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(quickstart)
    lines = quickstart.quickstart_lines(text)
    _write(out / "fragments" / "quickstart_ci.md",
           "```bash\n" + "\n".join(lines) + "\n```\n")
    bench = (ROOT / "BENCHMARKS.md").read_text(encoding="utf-8")
    _write(out / "benchmarks.md", _rewrite_links(bench))


# ------------------------------------------------------------------ notebooks
WIDGET_CALL = re.compile(r"\b(explorer|dashboard)\(")

STATIC_WIDGET_NOTE = (
    "> **Interactive explorer.** Run this notebook in Jupyter to get the sliders here "
    "(`jupyter lab notebooks/`), or open the same controls in the instructor dashboard "
    "(`neurosim dashboard`). A web page cannot run the model, so this copy shows none.")


def _static_notebook(text: str) -> str:
    """The notebook as the site shows it: a cell that builds an interactive explorer keeps
    its code but not its output (widgets need a running kernel), followed by a note."""
    import json

    nb = json.loads(text)
    cells = []
    for cell in nb["cells"]:
        cells.append(cell)
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        code = [line for line in source.splitlines() if not line.lstrip().startswith("#")]
        if any(WIDGET_CALL.search(line) for line in code):
            tags = cell.setdefault("metadata", {}).setdefault("tags", [])
            if "remove-output" not in tags:
                tags.append("remove-output")
            cells.append({"cell_type": "markdown", "id": f"static-explorer-note-{len(cells)}",
                          "metadata": {}, "source": STATIC_WIDGET_NOTE})
    nb["cells"] = cells
    nb.get("metadata", {}).pop("widgets", None)
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"


def write_notebooks(out: Path) -> None:
    nb_out = out / "notebooks"
    nb_out.mkdir(parents=True, exist_ok=True)
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    for nb in notebooks:
        _write(nb_out / nb.name, _static_notebook(nb.read_text(encoding="utf-8")))
    readme = (ROOT / "notebooks" / "README.md").read_text(encoding="utf-8")
    readme = re.sub(r"\]\((\d\d_[^)]+)\.ipynb\)", r"](\1.ipynb)", readme)
    readme = readme.replace("](../README.md)", "](/index.md)")
    _write(nb_out / "README.md", readme)
    index = ["# The notebooks", "",
             "The curriculum, each notebook executed top to bottom when this site was built "
             "(solutions and discussions stay folded: open them only after you have tried). "
             "To run them yourself:", "",
             "```bash", 'python -m pip install -e ".[notebooks]" && jupyter lab notebooks/', "```",
             "", "```{toctree}", ":maxdepth: 1", "",
             *(nb.stem for nb in notebooks), "README", "```", ""]
    _write(nb_out / "index.md", "\n".join(index))


# ------------------------------------------------------------------ the hook
def generate(app) -> None:
    global ROOT
    ROOT = Path(app.config.neurosim_root).resolve()
    out = Path(app.srcdir) / GENERATED
    out.mkdir(exist_ok=True)
    write_parameters(out)
    write_scenarios(out)
    write_model(out)
    write_api(out)
    write_readme(out)
    write_notebooks(out)


def setup(app):
    app.add_config_value("neurosim_root", str(ROOT), "env")
    app.connect("builder-inited", generate)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}


__all__ = ["setup", "generate", "readme_sections"]

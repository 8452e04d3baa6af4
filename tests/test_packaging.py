"""Packaging metadata: one version everywhere, a valid CITATION.cff, the licence, py.typed,
the distribution name, and extras that say what they are for."""

from __future__ import annotations

import copy
import datetime
import importlib.metadata
import json
import re
from pathlib import Path

import pytest

import neurosim
from neurosim import _version

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

yaml = pytest.importorskip("yaml", reason="PyYAML comes with the dev extra")
jsonschema = pytest.importorskip("jsonschema", reason="jsonschema comes with the dev extra")

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
# The Citation File Format 1.2.0 JSON schema (https://citation-file-format.github.io/1.2.0/
# schema.json, CC-BY-4.0), as shipped by cffconvert 2.0.0
CFF_SCHEMA = json.loads((ROOT / "tests" / "data" / "citation-file-format-1.2.0.schema.json")
                        .read_text(encoding="utf-8"))
DISTRIBUTION = "neurosim-teaching"


def _citation() -> dict:
    return yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))


def _cff_errors(data: dict) -> list[str]:
    validator = jsonschema.Draft7Validator(CFF_SCHEMA,
                                           format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    return [e.message for e in validator.iter_errors(data)]


# ---------------------------------------------------------------------------- the version

def test_the_version_has_one_source():
    assert neurosim.__version__ == _version.__version__
    assert re.fullmatch(r"\d+\.\d+\.\d+(?:(?:a|b|rc)\d+)?(?:\.dev\d+)?", neurosim.__version__)
    assert "version" not in PYPROJECT["project"]
    assert PYPROJECT["project"]["dynamic"] == ["version"]
    assert PYPROJECT["tool"]["setuptools"]["dynamic"]["version"] == {
        "attr": "neurosim._version.__version__"}
    # the version string appears nowhere else in the package's code
    for path in (ROOT / "neurosim").rglob("*.py"):
        if path.name != "_version.py":
            assert "__version__ = " not in path.read_text(encoding="utf-8"), path


def test_setuptools_reads_the_same_version_from_pyproject():
    """What a build writes into the metadata: the ``attr:`` directive of pyproject.toml
    resolved by the function setuptools resolves it with."""
    expand = pytest.importorskip("setuptools.config.expand")
    attr = PYPROJECT["tool"]["setuptools"]["dynamic"]["version"]["attr"]
    assert expand.read_attr(attr, root_dir=ROOT) == neurosim.__version__


def test_installed_metadata_agrees_when_installed():
    """The installed distribution's version (pip install . / -e .) equals the package's.
    Skipped only when neurosim is imported from a clone that was never installed under its
    distribution name (PYTHONPATH); .ci/wheel_check.sh checks the same on the built wheel."""
    try:
        installed = importlib.metadata.version(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        pytest.skip(f"{DISTRIBUTION} is not installed here")
    assert installed == neurosim.__version__


def test_citation_version_equals_the_package_version():
    assert _citation()["version"] == neurosim.__version__


# ---------------------------------------------------------------------------- CITATION.cff

def test_citation_file_is_valid_cff_1_2():
    data = _citation()
    assert data["cff-version"] == "1.2.0"
    assert _cff_errors(data) == []
    assert data["authors"] == [{"name": "the neurosim authors"}]
    assert data["license"] == "MIT"
    assert "teaching toy, not a clinical model" in data["message"]
    datetime.date.fromisoformat(data["date-released"])


@pytest.mark.parametrize("change, message", [
    (lambda d: d.pop("authors"), "'authors' is a required property"),
    (lambda d: d.update(version=[1]), r"\[1\] is not valid"),
    (lambda d: d.update(license="MIT-ish"), "'MIT-ish' is not valid"),
    (lambda d: d.update({"date-released": "21 Nov 2026"}), "'21 Nov 2026' does not match"),
    (lambda d: d["references"][0].pop("authors"), "'authors' is a required property"),
    (lambda d: d["references"][0].update(type="paper"), "'paper' is not one of"),
])
def test_the_schema_check_catches_a_broken_citation(change, message):
    data = copy.deepcopy(_citation())
    change(data)
    errors = _cff_errors(data)
    assert any(re.search(message, e) for e in errors), errors


def test_citation_references_the_papers_the_defaults_come_from():
    """The key sources of the default parameters, by the citation the code gives them."""
    refs = {(r["authors"][0]["family-names"], r["year"], r.get("volume"), r.get("start"))
            for r in _citation()["references"]}
    expected = {("Fuglevand", 1993, 70, 2470), ("Prochazka", 1998, 507, 277),
                ("Henneman", 1965, 28, 560), ("Houk", 1967, 30, 466),
                ("Bennett", 2004, 91, 2247), ("Katz", 1973, 231, 549),
                ("Magleby", 1972, 223, 173)}
    assert expected <= refs
    # each of them is cited in the model's sources as written in the reference list
    sources = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "neurosim").glob("*.py"))
    for citation in ("Fuglevand, Winter & Patla 1993, J Neurophysiol 70:2470",
                     "Prochazka & Gorassini 1998, J Physiol 507:277",
                     "Houk & Henneman 1967, J Neurophysiol 30:466",
                     "Bennett et al. 2004, J Neurophysiol 91:2247",
                     "Katz & Miledi 1973, J Physiol 231:549",
                     "Magleby & Stevens 1972, J Physiol 223:173", "Henneman 1965"):
        assert citation in sources, citation


# ---------------------------------------------------------------------------- the rest

def test_licence_is_mit_with_the_authors():
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License\n\nCopyright (c) 2026 the neurosim authors\n")
    assert "THE SOFTWARE IS PROVIDED \"AS IS\"" in text
    assert PYPROJECT["project"]["license"] == "MIT"
    assert PYPROJECT["project"]["license-files"] == ["LICENSE"]


def test_the_package_ships_its_type_hints_and_dashboard_files():
    assert (ROOT / "neurosim" / "py.typed").is_file()
    package_data = PYPROJECT["tool"]["setuptools"]["package-data"]["neurosim"]
    assert "py.typed" in package_data
    for pattern in package_data:
        assert list((ROOT / "neurosim").glob(pattern)), f"{pattern} matches no file"


def test_distribution_name_differs_from_the_import_name_and_the_readme_says_both():
    assert PYPROJECT["project"]["name"] == DISTRIBUTION
    assert PYPROJECT["project"]["scripts"] == {"neurosim": "neurosim.cli:main"}
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "python -m pip install neurosim-teaching " in readme
    assert re.search(r"distributed as \*\*`neurosim-teaching`\*\*.*imported as \*\*`neurosim`\*\*",
                     readme, re.S)


def test_extras_say_what_they_are_for():
    core = " ".join(PYPROJECT["project"]["dependencies"])
    extras = PYPROJECT["project"]["optional-dependencies"]
    assert set(extras) == {"dashboard", "notebooks", "sweep", "docs", "dev", "bench"}
    for interactive in ("ipywidgets", "voila", "ipykernel", "anywidget", "jupyterlab", "dask"):
        assert interactive not in core, f"{interactive} must be an extra, not a core dependency"
    assert "scipy" in core  # scipy.signal: EMG filtering and spectra
    assert f"{DISTRIBUTION}[dashboard]" in extras["notebooks"]
    # dev pulls every other extra but bench (Brian2 is only for one benchmark) ...
    assert f"{DISTRIBUTION}[dashboard,notebooks,sweep,docs]" in extras["dev"]
    # ... and what the tests import
    dev = " ".join(extras["dev"])
    for tool in ("pytest", "hypothesis", "nbclient", "nbformat", "playwright", "pyyaml",
                 "jsonschema", "build"):
        assert tool in dev, tool


def test_the_changelog_keeps_a_changelog():
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## \[([^\]]+)\](?: - (\d{4}-\d{2}-\d{2}))?$", text, re.M)
    assert headings[0] == ("Unreleased", "")
    assert (neurosim.__version__, _citation()["date-released"]) in headings
    for section in ("### Added", "### Changed", "### Fixed"):
        assert section in text

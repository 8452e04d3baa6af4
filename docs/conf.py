"""Sphinx configuration of the neurosim documentation.

Build: ``bash .ci/build_docs.sh [OUT]`` (warnings are errors). The parameter reference, the
scenario catalogue, the model pages, the API reference, the README and BENCHMARKS pages and
the notebooks are generated from the code at build time into ``docs/generated/`` (never
committed) by ``docs/_ext/neurosim_docs.py``. ``NEUROSIM_DOCS_EXECUTE=0`` renders the
notebooks as committed (clean) instead of executing them.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))

import neurosim  # noqa: E402

# the repository the pages are generated from (README.md, notebooks/, ...): this checkout,
# unless the docs sources were copied elsewhere (tests/test_docs.py builds a copy)
neurosim_root = os.environ.get("NEUROSIM_DOCS_ROOT", str(HERE.parent))

project = "neurosim"
author = "the neurosim authors"
copyright = "neurosim authors"
release = version = neurosim.__version__

DISCLAIMER = ("neurosim is a teaching toy, not a clinical model: it shows mechanisms with "
              "invented scales, says nothing about any patient and is not medical advice.")

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.mathjax",
    "sphinx-mathjax-offline",  # MathJax served from the site itself: works offline
    "sphinx.ext.viewcode",
    "sphinxarg.ext",
    "myst_nb",
    "neurosim_docs",
]

source_suffix = {".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"}
root_doc = "index"
smartquotes = False  # "--parameters" stays two hyphens; quoted sources stay as written
exclude_patterns = ["_build", "generated/fragments/*", "Thumbs.db", ".DS_Store",
                    "**.ipynb_checkpoints", "generated/notebooks/README.md.orig"]
templates_path = ["_templates"]

# -- autodoc / napoleon (numpydoc-style docstrings) ------------------------------------
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"show-inheritance": False}
napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_ivar = True      # "Attributes" as fields: no duplicate object descriptions
napoleon_use_rtype = False
add_module_names = False

# -- MyST / notebooks --------------------------------------------------------------------
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3
EXECUTE = os.environ.get("NEUROSIM_DOCS_EXECUTE", "1") != "0"
nb_execution_mode = "force" if EXECUTE else "off"
nb_execution_timeout = 1800
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_execution_in_temp = True   # files a notebook writes land in a temporary folder
nb_merge_streams = True
# explorers' outputs are replaced by a note (docs/_ext/neurosim_docs.py): no widget
# JavaScript from a CDN, the site makes no request to the internet
nb_ipywidgets_js: dict = {}

# -- HTML ----------------------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"neurosim {release}"
html_theme_options = {
    "announcement": f"<strong>{DISCLAIMER}</strong>",
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "header_links_before_dropdown": 5,
    "footer_start": ["copyright", "disclaimer"],
    "footer_end": ["sphinx-version"],
}
html_context = {"disclaimer": DISCLAIMER}
# the wide tables: the whole width of the window (no side bars)
WIDE_PAGES = ("generated/parameters", "generated/scenarios")
html_sidebars = {page: [] for page in WIDE_PAGES}
html_theme_options["secondary_sidebar_items"] = {page: [] for page in WIDE_PAGES}
html_static_path: list[str] = []
html_show_sourcelink = False

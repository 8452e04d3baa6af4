#!/usr/bin/env bash
# Build the documentation site with Sphinx, warnings as errors.
#   bash .ci/build_docs.sh [OUT_DIR]      (default: a new temporary folder, printed at the end)
# Installs nothing: the `docs` extra holds the dependencies
# (python -m pip install -e ".[docs]"). The notebooks are executed during the build;
# NEUROSIM_DOCS_EXECUTE=0 renders them unexecuted (quicker, for a draft).
set -euo pipefail
cd "$(dirname "$0")/.."

OUT="${1:-$(mktemp -d)/html}"
PYTHON="${PYTHON:-python}"
rm -rf docs/generated   # generated from the code at build time (docs/_ext/neurosim_docs.py)
start=$(date +%s)
"$PYTHON" -m sphinx -W --keep-going -b html docs "$OUT"
echo "documentation built in $(( $(date +%s) - start )) s: $OUT/index.html"

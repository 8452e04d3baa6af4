#!/usr/bin/env bash
# The package as a user gets it: build the sdist and the wheel (the wheel from the sdist),
# check what the wheel holds, install it with the core dependencies only into a second fresh
# virtual environment, and run one scenario there, outside the source tree.
#
# Run by .ci/run after the test suite, inside the first environment (which has `build` from
# the dev extra). Takes about a minute, most of it installing numpy, scipy, numba, matplotlib.
set -euo pipefail
cd "$(dirname "$0")/.."

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

python -m build --outdir "$WORK/dist" . >"$WORK/build.log" 2>&1 || { tail -40 "$WORK/build.log"; exit 1; }
WHEELS=("$WORK"/dist/neurosim_teaching-*-py3-none-any.whl)
WHEEL="${WHEELS[0]}"
echo "built $(basename "$WHEEL")"

# the wheel holds the dashboard app, the type marker and the licence
python - "$WHEEL" <<'PY'
import sys, zipfile
names = set(zipfile.ZipFile(sys.argv[1]).namelist())
needed = ["neurosim/py.typed", "neurosim/app/dashboard.ipynb", "neurosim/app/voila.py",
          "neurosim/app/jupyter/voila/templates/neurosim/conf.json",
          "neurosim/app/jupyter/voila/templates/neurosim/index.html.j2",
          "neurosim/__init__.py", "neurosim/_version.py", "neurosim/cli/__init__.py"]
missing = [n for n in needed if n not in names]
if missing or not any(n.endswith("/licenses/LICENSE") for n in names):
    sys.exit(f"the wheel lacks {missing or 'the LICENSE'}")
if any(n.startswith(("tests/", "notebooks/", "benchmarks/")) for n in names):
    sys.exit("the wheel holds files outside the package")
print(f"wheel contents ok ({len(names)} files)")
PY

python -m venv "$WORK/core"
"$WORK/core/bin/python" -m pip install --quiet "$WHEEL"
cd "$WORK"  # away from the source tree: the installed package, not the clone, is imported
"$WORK/core/bin/python" - <<'PY'
import importlib.metadata
import importlib.util

import neurosim

installed = importlib.metadata.version("neurosim-teaching")
assert installed == neurosim.__version__, (installed, neurosim.__version__)
assert importlib.util.find_spec("ipywidgets") is None, "the core install pulled in ipywidgets"
result = neurosim.scenarios.get("healthy").run(seed=0, duration_s=1.0)
assert result.force_N.size > 0
print(f"core install ok: neurosim {neurosim.__version__} from {neurosim.__file__}")
PY
"$WORK/core/bin/neurosim" tour --help >/dev/null
status=0
message="$("$WORK/core/bin/neurosim" dashboard 2>&1)" || status=$?
if [ "$status" -ne 2 ] || [[ "$message" != *'pip install "neurosim-teaching[dashboard]"'* ]]; then
    echo "neurosim dashboard without the extra: status $status, said: $message"
    exit 1
fi
echo "neurosim dashboard without the extra: exit 2 and the install command"

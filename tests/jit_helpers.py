"""Compiled = interpreted: run one script with numba on and off and compare what it saves.

Importable from the tests (pytest puts tests/ on sys.path).
"""

import os
import subprocess
import sys
import textwrap

import numpy as np


def outputs_with_and_without_jit(code, tmp_path):
    """Run ``code`` (which saves arrays with ``np.savez(sys.argv[1], ...)``) twice, with
    ``NUMBA_DISABLE_JIT`` 0 and 1, each in a fresh process.

    Returns
    -------
    compiled, interpreted : numpy NpzFile
    """
    script = tmp_path / "run.py"
    script.write_text(textwrap.dedent(code))
    out = {}
    for flag in ("0", "1"):
        path = tmp_path / f"jit{flag}.npz"
        subprocess.run([sys.executable, str(script), str(path)], check=True, timeout=600,
                       env=dict(os.environ, NUMBA_DISABLE_JIT=flag))
        out[flag] = np.load(path)
    return out["0"], out["1"]


def assert_identical(compiled, interpreted):
    """Every saved array is bit-identical between the two runs."""
    assert compiled.files == interpreted.files
    for key in compiled.files:
        np.testing.assert_array_equal(compiled[key], interpreted[key], err_msg=key)

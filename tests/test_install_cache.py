"""Compiled code is cached per user, never inside the installed package.

Why it matters: numba's default cache sits in ``__pycache__`` next to the sources. pip does not
remove those files when it replaces the package, and a leftover folder holding only them
shadowed a later editable install (the README's two quick-start lines, run in order, broke
``import neurosim``). These tests run fresh interpreters, as a new user would.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import neurosim

PACKAGE = Path(neurosim.__file__).parent
RUN = ("import neurosim, numba; neurosim.simulate(duration_s=0.05, seed=0); "
       "print(numba.config.CACHE_DIR)")


def _compiled_files(folder):
    return {p for p in Path(folder).rglob("*") if p.suffix in (".nbi", ".nbc")}


def _fresh_python(env_changes, tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"}
    env.update(env_changes)
    return subprocess.run([sys.executable, "-c", RUN], env=env, cwd=tmp_path, text=True,
                          capture_output=True, timeout=600, check=True)


def test_compiled_code_goes_to_the_user_cache_and_the_notice_is_said_once(tmp_path):
    before = _compiled_files(PACKAGE)
    first = _fresh_python({"XDG_CACHE_HOME": str(tmp_path / "cache")}, tmp_path)
    folder = Path(first.stdout.strip().splitlines()[-1])
    assert folder.is_relative_to(tmp_path / "cache" / "neurosim" / "numba")
    assert _compiled_files(folder), "nothing was cached in the user cache folder"
    assert _compiled_files(PACKAGE) == before, "compiled code was written into the package"
    assert "compiling the simulation engine" in first.stderr
    second = _fresh_python({"XDG_CACHE_HOME": str(tmp_path / "cache")}, tmp_path)
    assert Path(second.stdout.strip().splitlines()[-1]) == folder
    assert "compiling the simulation engine" not in second.stderr


def test_a_cache_folder_chosen_by_the_user_is_respected(tmp_path):
    chosen = tmp_path / "mine"
    run = _fresh_python({"NUMBA_CACHE_DIR": str(chosen)}, tmp_path)
    assert Path(run.stdout.strip().splitlines()[-1]) == chosen
    assert _compiled_files(chosen)


def test_the_cache_folder_changes_when_any_source_changes(tmp_path, monkeypatch):
    """numba notices edits only to the file holding a compiled function; the folder key covers
    every module whose functions are inlined into the loop."""
    from neurosim import _cache

    key = _cache._source_key()
    fake = tmp_path / "neurosim"
    shutil.copytree(PACKAGE, fake, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(_cache, "__file__", str(fake / "_cache.py"))
    assert _cache._source_key() == key
    (fake / "junction.py").write_text((fake / "junction.py").read_text() + "\n# edited\n")
    assert _cache._source_key() != key

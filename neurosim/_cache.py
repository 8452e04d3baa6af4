"""Where numba keeps neurosim's compiled code: a per-user cache directory.

numba's default is a ``__pycache__`` folder next to each source file — inside the installed
package. Files written there are not part of the installation, so ``pip`` leaves them behind
when it replaces the package, and a folder holding only them shadows a later (editable)
install as an empty namespace package (``cannot import name 'Parameters' from 'neurosim'``).
neurosim therefore points numba at a per-user cache directory before any of its compiled
functions is defined:

* ``$NUMBA_CACHE_DIR`` if the user set it (respected as is);
* otherwise ``<user cache>/neurosim/numba/<key>``, where the user cache is
  ``$XDG_CACHE_HOME`` or ``~/.cache`` (Linux), ``~/Library/Caches`` (macOS) or
  ``%LOCALAPPDATA%`` (Windows), and ``key`` is a digest of the package's sources and
  the numba and Python versions (:func:`source_digest`). numba itself only notices edits to the file that holds a
  compiled function, not to the stage functions inlined into it; keying the folder by every
  source makes any change start a fresh cache. Only the newest few folders are kept.
* a folder under the system's temporary directory if the user cache is not writable.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import tempfile
from pathlib import Path

__all__ = ["user_cache_dir", "configure_numba_cache", "engine_compiled", "mark_engine_compiled",
           "source_digest", "model_digest", "UI_SOURCES", "KEEP_CACHES", "COMPILED_MARKER"]

KEEP_CACHES = 4
"""How many compiled-code folders (one per version of the sources) are kept per user."""

COMPILED_MARKER = "engine-compiled"
"""File left in the cache folder once the simulation loop has been compiled and cached."""


def user_cache_dir() -> Path:
    """The platform's per-user cache directory for neurosim (not created here)."""
    if sys.platform.startswith("win"):
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "neurosim" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "neurosim"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "neurosim"


UI_SOURCES = frozenset({"__main__.py", "_extras.py", "app", "browser.py", "cli",
                        "dashboard_state.py", "exercises", "livefigure.py", "plotting",
                        "widgets.py"})
"""Files and folders of the package that cannot change a simulated or measured number: the
command line, figures, the dashboard and the notebook checks. :func:`model_digest` leaves
them out; every other source — a new stage module too — is part of the model without being
listed anywhere (a UI file missing here costs a recomputation, never a stale number)."""


def source_digest(*, exclude=frozenset(), root: Path | None = None, salt: str = "") -> str:
    """A digest of the package's Python sources (16 hex digits).

    Every ``.py`` file under ``root`` (default: the installed package), in a fixed order,
    contributes its path relative to ``root`` and its bytes, so any edit, added, removed or
    renamed file changes the digest.

    Parameters
    ----------
    exclude : collection of str, keyword-only
        Top-level file or folder names under ``root`` to leave out.
    root : pathlib.Path, optional, keyword-only
        The package folder to hash (tests point it at a copy).
    salt : str, keyword-only
        Text hashed first (e.g. the numba and Python versions).

    Returns
    -------
    str
    """
    root = Path(__file__).parent if root is None else Path(root)
    digest = hashlib.sha256(salt.encode())
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        if relative.parts[0] in exclude:
            continue
        digest.update(relative.as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def model_digest(*, root: Path | None = None) -> str:
    """A digest of every source that defines the model's numbers (16 hex digits).

    The engine and its stages, the parameters and their schema, protocols, scenarios,
    analysis, the metrics and the sweep machinery: all of the package's sources but
    :data:`UI_SOURCES`. Sweeps
    key their cache entries by it, so a changed model never reuses a stale result.

    Parameters
    ----------
    root : pathlib.Path, optional, keyword-only
        The package folder to hash (default: the installed package).

    Returns
    -------
    str
    """
    return source_digest(exclude=UI_SOURCES, root=root)


def _source_key() -> str:
    """The compiled-code folder's key: every source, and the numba and Python versions."""
    import numba

    return source_digest(salt=f"{sys.version_info[:2]} numba {numba.__version__}")


def _writable(path: Path) -> bool:
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / ".write-test"
        probe.write_text("")
        probe.unlink()
        return True
    except OSError:
        return False


def _prune(parent: Path, keep: Path) -> None:
    """Remove all but the :data:`KEEP_CACHES` most recently used sibling folders."""
    try:
        folders = sorted((p for p in parent.iterdir() if p.is_dir()),
                         key=lambda p: p.stat().st_mtime, reverse=True)
    except OSError:
        return
    for old in folders[KEEP_CACHES:]:
        if old != keep:
            shutil.rmtree(old, ignore_errors=True)


def configure_numba_cache() -> Path:
    """Point numba's on-disk cache at a per-user folder (unless ``NUMBA_CACHE_DIR`` is set).

    Must run before any ``@njit(cache=True)`` function of the package is defined; the package's
    ``__init__`` calls it first. Sets ``NUMBA_CACHE_DIR`` too, so that numba's configuration
    reloads and worker processes agree.

    Returns
    -------
    pathlib.Path
        The folder numba writes compiled code to.
    """
    import numba

    chosen = os.environ.get("NUMBA_CACHE_DIR")
    if chosen:
        path = Path(chosen)
    else:
        key = _source_key()
        parent = user_cache_dir() / "numba"
        path = parent / key
        if _writable(path):
            os.utime(path)  # most recently used: kept by _prune
            _prune(parent, path)
        else:
            path = Path(tempfile.gettempdir()) / f"neurosim-numba-{key}"
            path.mkdir(parents=True, exist_ok=True)
        os.environ["NUMBA_CACHE_DIR"] = str(path)
    numba.config.CACHE_DIR = str(path)
    return path


def _cache_folder() -> Path:
    import numba

    return Path(numba.config.CACHE_DIR)


def engine_compiled() -> bool:
    """Whether the simulation loop has already been compiled into the current cache folder."""
    return (_cache_folder() / COMPILED_MARKER).exists()


def mark_engine_compiled() -> None:
    """Record that the loop is compiled and cached (a failure to write is harmless)."""
    try:
        (_cache_folder() / COMPILED_MARKER).write_text("")
    except OSError:
        pass

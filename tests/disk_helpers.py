"""Fault injection for tests of file writes: a disk that fills up, a directory that
refuses new files (as root, permission bits never fail, so these are simulated)."""

from __future__ import annotations

import builtins
import errno
import io
import os
from pathlib import Path

_REAL_OPEN = io.open
_REAL_OS_OPEN = os.open


def _opened_path(file) -> Path | None:
    if isinstance(file, int):  # os.fdopen(fd): find the file the descriptor is open on
        try:
            return Path(os.readlink(f"/proc/self/fd/{file}"))
        except OSError:
            return None
    if isinstance(file, (str, bytes, os.PathLike)):
        return Path(os.path.abspath(os.fsdecode(file)))
    return None


def _is_under(path: Path | None, root: Path) -> bool:
    return path is not None and (path == root or root in path.parents)


class _FillingFile:
    """A file whose writes fail with ENOSPC once the shared byte budget is used up;
    the write that crosses the limit stores the part that fits, as a real disk would."""

    def __init__(self, fh, budget: list):
        self._fh, self._budget = fh, budget

    def write(self, data):
        room = self._budget[0]
        if len(data) > room:
            if room:
                self._fh.write(data[:room])
                self._fh.flush()
            self._budget[0] = 0
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self._budget[0] -= len(data)
        return self._fh.write(data)

    def __getattr__(self, name):
        return getattr(self._fh, name)

    def __iter__(self):
        return iter(self._fh)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self._fh.close()
        return False


def fill_disk_after(monkeypatch, root, n_bytes: int) -> list:
    """From now on, files opened for writing under ``root`` hold ``n_bytes`` in all; the
    next write fails with ``OSError(ENOSPC)`` after storing what fits.

    Works at the level of :func:`open` / :func:`io.open` (and so :func:`os.fdopen`,
    :meth:`pathlib.Path.write_text`), whatever the code under test uses. Returns the
    one-element budget list (remaining bytes).
    """
    root = Path(os.path.abspath(root)).resolve()
    budget = [int(n_bytes)]

    def filling_open(file, mode="r", *args, **kwargs):
        fh = _REAL_OPEN(file, mode, *args, **kwargs)
        if any(c in mode for c in "wax+") and _is_under(_opened_path(file), root):
            return _FillingFile(fh, budget)
        return fh

    monkeypatch.setattr(io, "open", filling_open)
    monkeypatch.setattr(builtins, "open", filling_open)
    return budget


def refuse_new_files(monkeypatch, directory) -> None:
    """Creating a file in ``directory`` fails with EROFS (a read-only file system): what
    a non-writable directory does for a normal user, also when the tests run as root."""
    directory = Path(os.path.abspath(directory)).resolve()

    def refused(path) -> bool:
        return isinstance(path, (str, bytes, os.PathLike)) and \
            Path(os.path.abspath(os.fsdecode(path))).parent == directory

    def guarded_os_open(path, flags, *args, **kwargs):
        if flags & os.O_CREAT and refused(path):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), os.fsdecode(path))
        return _REAL_OS_OPEN(path, flags, *args, **kwargs)

    def guarded_open(file, mode="r", *args, **kwargs):
        if any(c in mode for c in "wax+") and refused(file):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), os.fsdecode(file))
        return _REAL_OPEN(file, mode, *args, **kwargs)

    monkeypatch.setattr(os, "open", guarded_os_open)
    monkeypatch.setattr(io, "open", guarded_open)
    monkeypatch.setattr(builtins, "open", guarded_open)

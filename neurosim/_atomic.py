"""Atomic file writes: a save either replaces the file completely or leaves it as it was.

Every file neurosim writes (result ``.npz`` and ``.csv``, scenario ``.json``, figures,
sweep results, sweep-cache entries, dashboard saves) goes through :func:`atomic_open`:

1. the data is written to a new temporary file in the destination's directory
   (``.<name>.<random>.tmp``, created with the usual permissions; an existing file's
   permissions are kept);
2. the temporary file is flushed and ``fsync``-ed, then moved over the destination with
   :func:`os.replace` (atomic on POSIX and Windows within one file system), and the
   directory is ``fsync``-ed so that the rename itself survives a crash;
3. on any failure — an exception in the writer, disk full (ENOSPC), Ctrl-C — the
   temporary file is removed and the destination is untouched.

An :class:`OSError` raised while writing always carries the *destination* as its
``filename`` (e.g. ``[Errno 28] No space left on device: 'run.npz'``), so messages can
name the file the user asked for.

:func:`check_writable` probes a destination before expensive work starts (it creates and
removes a temporary file, so it also works as root, where permission bits do not fail).
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from pathlib import Path

__all__ = ["atomic_open", "write_bytes", "write_text", "check_writable", "TEMP_SUFFIX"]

TEMP_SUFFIX = ".tmp"


def _temp_name(path: Path) -> Path:
    return path.with_name(f".{path.name}.{secrets.token_hex(4)}{TEMP_SUFFIX}")


def _with_filename(exc: OSError, path: Path) -> OSError:
    """The same error, naming ``path`` (the file the user asked for) instead of a temp file."""
    if exc.errno is None:
        return exc
    new = OSError(exc.errno, exc.strerror or os.strerror(exc.errno), str(path))
    new.__cause__ = exc
    return new


def _write_error(exc: BaseException) -> OSError | None:
    """The OSError behind a failed write: ``exc`` itself, or — when a writer failing on,
    say, a full disk then fails again while cleaning up (matplotlib's PDF writer raises a
    zlib error) — the OSError it was handling. None for anything else (Ctrl-C, bugs)."""
    if isinstance(exc, OSError):
        return exc
    if not isinstance(exc, Exception):
        return None
    seen = set()
    context = exc.__context__
    while context is not None and id(context) not in seen:
        seen.add(id(context))
        if isinstance(context, OSError) and context.errno is not None:
            return context
        context = context.__context__
    return None


def _fsync_directory(directory: Path) -> None:
    """Make a rename in ``directory`` durable (best effort: not every platform can)."""
    try:
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # e.g. Windows or some network file systems; the data itself is synced
    finally:
        os.close(fd)


def _create_temp(path: Path) -> tuple[Path, int]:
    """Create a fresh temporary file beside ``path``; returns (its path, a descriptor)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        temp = _temp_name(path)
        try:
            return temp, os.open(temp, flags, 0o666)  # the umask applies, as for open()
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "could not create a unique temporary file", str(path))


def _resolve(path: Path) -> Path:
    """Write through a symbolic link to its target (the link itself stays)."""
    return Path(os.path.realpath(path)) if path.is_symlink() else path


@contextlib.contextmanager
def atomic_open(path, mode: str = "wb", *, encoding: str | None = None,
                newline: str | None = None):
    """Open ``path`` for writing so that it is replaced atomically on success.

    Use as ``with atomic_open(path, "wb") as fh: fh.write(...)``. When the block ends
    normally the data is synced to disk and moved over ``path``; when it raises (any
    exception, including :class:`KeyboardInterrupt`), the temporary file is removed and
    ``path`` keeps its old contents (or stays absent).

    A destination that exists but is not a regular file (``/dev/null``, a FIFO) is
    written directly: it cannot be replaced.

    Parameters
    ----------
    path : str or os.PathLike
    mode : {"wb", "w"}
        Binary or text.
    encoding, newline : str, optional
        For text mode, as for :func:`open` (default encoding UTF-8).

    Raises
    ------
    OSError
        With ``filename`` = ``path``, e.g. ENOSPC (disk full) or EACCES.
    """
    if mode not in ("wb", "w"):
        raise ValueError(f"atomic_open mode must be 'wb' or 'w', not {mode!r}")
    text = mode == "w"
    if text and encoding is None:
        encoding = "utf-8"
    path = Path(path)
    target = _resolve(path)
    try:
        st = os.stat(target)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise _with_filename(exc, path) from None
    if st is not None and not stat.S_ISREG(st.st_mode):
        if stat.S_ISDIR(st.st_mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        with open(target, mode, encoding=encoding, newline=newline) as fh:  # device, FIFO
            yield fh
        return

    try:
        temp, fd = _create_temp(target)
    except OSError as exc:
        raise _with_filename(exc, path) from None
    try:
        with os.fdopen(fd, mode, encoding=encoding, newline=newline) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        if st is not None:  # keep the permissions of the file being replaced
            with contextlib.suppress(OSError):
                os.chmod(temp, stat.S_IMODE(st.st_mode))
        os.replace(temp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        cause = _write_error(exc)
        if cause is not None:
            raise _with_filename(cause, path) from None
        raise
    _fsync_directory(target.parent)


def write_bytes(path, data: bytes) -> Path:
    """Atomically write ``data`` to ``path``; returns ``Path(path)``."""
    with atomic_open(path, "wb") as fh:
        fh.write(data)
    return Path(path)


def write_text(path, text: str, *, encoding: str = "utf-8") -> Path:
    """Atomically write ``text`` to ``path``; returns ``Path(path)``."""
    with atomic_open(path, "w", encoding=encoding) as fh:
        fh.write(text)
    return Path(path)


def check_writable(path) -> Path:
    """Check, before any work, that ``path`` can be written; returns ``Path(path)``.

    The directory must exist, be a directory, and accept a new file: a temporary file
    is created in it and removed again (so a read-only file system or, for other users
    than root, missing permission fails here, not after a long computation).
    ``path`` itself must not be a directory. Nothing else is changed.

    Raises
    ------
    ValueError
        Naming the file and what is wrong with it.
    """
    path = Path(path)
    parent = path.parent
    name = str(path)
    if not parent.exists():
        raise ValueError(f"cannot write {name!r}: directory {str(parent)!r} does not exist")
    if not parent.is_dir():
        raise ValueError(f"cannot write {name!r}: {str(parent)!r} is not a directory")
    if path.is_dir():
        raise ValueError(f"cannot write {name!r}: it is a directory")
    target = _resolve(path)
    try:
        temp, fd = _create_temp(target)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise ValueError(f"cannot write {name!r}: directory {str(target.parent)!r} is not "
                         f"writable ({reason})") from None
    os.close(fd)
    with contextlib.suppress(OSError):
        os.unlink(temp)
    return path

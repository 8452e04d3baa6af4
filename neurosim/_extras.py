"""Optional dependencies: which extra installs what, and one clear error when it is missing.

The core install (``python -m pip install neurosim-teaching``) simulates, analyses, plots and
runs the ``neurosim`` command's ``list``, ``run``, ``tour`` and ``sweep``. The interactive
parts need an *extra*:

========== ========================================================= =======================
extra      what it is for                                            imports
========== ========================================================= =======================
dashboard  ``neurosim dashboard``, :mod:`neurosim.widgets`,            ipywidgets, voila,
           the needle EMG's sound player                             ipykernel, anywidget,
           (:func:`neurosim.sound.needle_audio`)                     PIL (pillow), IPython
notebooks  the curriculum in ``notebooks/`` (JupyterLab + dashboard)  jupyterlab
sweep      sweeps on a Dask cluster                                  distributed (dask)
========== ========================================================= =======================
"""

from __future__ import annotations

import importlib.util

__all__ = ["DISTRIBUTION", "EXTRAS", "install_command", "missing_modules", "require"]

DISTRIBUTION = "neurosim-teaching"
"""The name neurosim is installed under (``pip install neurosim-teaching``); the import
package is ``neurosim``."""

EXTRAS: dict[str, tuple[str, ...]] = {
    "dashboard": ("ipywidgets", "voila", "ipykernel", "anywidget", "PIL", "IPython"),
    "notebooks": ("jupyterlab",),
    "sweep": ("distributed",),
}
"""The modules each extra provides that neurosim imports (top-level module names)."""


def install_command(extra: str) -> str:
    """The command that installs one extra.

    Parameters
    ----------
    extra : str
        A key of :data:`EXTRAS`.

    Returns
    -------
    str
        E.g. ``python -m pip install "neurosim-teaching[dashboard]"``.

    Raises
    ------
    ValueError
        If ``extra`` is not one of :data:`EXTRAS`.

    Examples
    --------
    >>> install_command("dashboard")
    'python -m pip install "neurosim-teaching[dashboard]"'
    """
    if extra not in EXTRAS:
        raise ValueError(f"extra = {extra!r} is not one of neurosim's extras: "
                         f"{', '.join(sorted(EXTRAS))}")
    return f'python -m pip install "{DISTRIBUTION}[{extra}]"'


def missing_modules(extra: str) -> list[str]:
    """The modules of an extra that cannot be imported here (empty when all are installed).

    Parameters
    ----------
    extra : str
        A key of :data:`EXTRAS`.

    Returns
    -------
    list of str
        Top-level module names, in the order of :data:`EXTRAS`.

    Raises
    ------
    ValueError
        If ``extra`` is not one of :data:`EXTRAS`.
    """
    install_command(extra)  # checks the name
    return [name for name in EXTRAS[extra] if importlib.util.find_spec(name) is None]


def require(extra: str, what: str, modules: tuple[str, ...] | None = None) -> None:
    """Raise a clear :class:`ImportError` if an extra's packages are not installed.

    Parameters
    ----------
    extra : str
        A key of :data:`EXTRAS`.
    what : str
        What needs them, for the message (e.g. ``"neurosim.widgets"``).
    modules : tuple of str, optional
        Only these of the extra's modules are needed (default: all of them).

    Raises
    ------
    ImportError
        Naming the missing modules and the command that installs them.
    """
    missing = [name for name in missing_modules(extra) if modules is None or name in modules]
    if missing:
        raise ImportError(f"{what} needs the {extra!r} extra, which is not installed "
                          f"(missing: {', '.join(missing)}); install it with: "
                          f"{install_command(extra)}", name=missing[0])

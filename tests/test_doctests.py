"""The examples in the package's docstrings run and print what they say.

Every module of ``neurosim`` is collected (``pkgutil.walk_packages``); the ones left out are
listed in ``EXCLUDED`` with the reason. ``python -m pytest`` runs this file like any other,
so CI runs the docstring examples.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import neurosim

EXCLUDED = {
    # importing it runs the command line and exits (python -m neurosim)
    "neurosim.__main__": "runs the CLI on import",
    "neurosim.cli.__main__": "runs the CLI on import",
}

MODULES = sorted(info.name for info in pkgutil.walk_packages(neurosim.__path__, "neurosim.")
                 if info.name not in EXCLUDED)
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def _run(module_name: str) -> doctest.TestResults:
    module = importlib.import_module(module_name)
    return doctest.testmod(module, optionflags=FLAGS, report=True, verbose=False)


def test_every_module_is_collected_and_the_exclusions_exist():
    names = {info.name for info in pkgutil.walk_packages(neurosim.__path__, "neurosim.")}
    assert set(EXCLUDED) <= names
    for expected in ("neurosim.parameters", "neurosim.protocols", "neurosim.widgets",
                     "neurosim.sweep.run", "neurosim.exercises.mystery", "neurosim.cli.parser"):
        assert expected in MODULES


@pytest.mark.parametrize("module_name", MODULES)
def test_docstring_examples(module_name, capsys):
    results = _run(module_name)
    report = capsys.readouterr().out
    assert results.failed == 0, f"{results.failed} failing example(s) in {module_name}:\n{report}"


def test_the_examples_are_many_and_a_wrong_one_fails():
    """The run above is not vacuous: the package has examples, and a wrong one is caught."""
    attempted = sum(_run(name).attempted for name in ("neurosim.parameters",
                                                      "neurosim.protocols", "neurosim._extras"))
    assert attempted >= 8

    def wrong():
        """
        >>> 1 + 1
        3
        """

    finder = doctest.DocTestFinder()
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    for test in finder.find(wrong, "wrong", globs={}):
        runner.run(test, out=lambda text: None)
    assert runner.summarize(verbose=False).failed == 1

"""Every public function and method has type hints for all its parameters and its return,
and every hint names something that exists (it evaluates)."""

from __future__ import annotations

import importlib
import inspect
import typing

import pytest

import neurosim
from neurosim import analysis, experiments, plotting, scenarios
from neurosim.clinic_map import ClinicMap
from neurosim.experiments import ReflexCurve
from neurosim.metrics import Metric
from neurosim.parameters import Parameters
from neurosim.scenarios import Scenario
from neurosim.sweep import SweepResult

# neurosim.sweep is the function; the package of the same name is reached by its module path
PUBLIC_MODULES = (neurosim, analysis, experiments, plotting, scenarios,
                  importlib.import_module("neurosim.sweep"))

# names the modules import only for type checking (``if TYPE_CHECKING:``)
TYPE_CHECKING_NAMES = {"SweepResult": SweepResult, "Scenario": Scenario, "Metric": Metric,
                       "Parameters": Parameters, "ReflexCurve": ReflexCurve,
                       "ClinicMap": ClinicMap}


def _public_callables():
    """(qualified name, function) of every public function, and of every public method of
    every public class (inherited ones included, ``object``'s excluded)."""
    seen = set()
    for module in PUBLIC_MODULES:
        for name in module.__all__:
            obj = getattr(module, name)
            if inspect.isclass(obj):
                for klass in obj.__mro__[:-1]:
                    if not klass.__module__.startswith("neurosim"):
                        continue
                    for attr, member in vars(klass).items():
                        if attr.startswith("_") and attr not in ("__init__", "__add__"):
                            continue
                        if isinstance(member, (staticmethod, classmethod)):
                            member = member.__func__
                        if inspect.isfunction(member) and member not in seen:
                            seen.add(member)
                            yield f"{obj.__name__}.{attr}", member
            elif inspect.isfunction(obj) and obj not in seen:
                seen.add(obj)
                yield f"{module.__name__}.{name}", obj


CALLABLES = dict(_public_callables())


def test_the_public_api_is_all_found():
    """The walk reaches what the brief names (so an empty walk cannot pass the next test)."""
    for name in ("neurosim.simulate", "Parameters.with_changes", "Parameters.to_dict",
                 "Parameters.from_dict", "Protocol.__init__", "Protocol.from_dict",
                 "SimulationResult.save", "SimulationResult.load", "neurosim.scenarios.get",
                 "neurosim.scenarios.names", "Scenario.run", "neurosim.sweep",
                 "SweepResult.mean", "neurosim.analysis.spasm_episodes",
                 "neurosim.plotting.force", "neurosim.plotting.overview",
                 "neurosim.experiments.reflex_vs_velocity"):
        assert name in CALLABLES, name
    assert len(CALLABLES) > 100


@pytest.mark.parametrize("name", sorted(CALLABLES))
def test_every_parameter_and_return_is_annotated(name):
    function = CALLABLES[name]
    signature = inspect.signature(function)
    missing = [p.name for p in signature.parameters.values()
               if p.name not in ("self", "cls") and p.annotation is inspect.Parameter.empty]
    assert missing == [], f"{name}: parameters without a type hint: {missing}"
    if function.__name__ != "__init__":
        assert signature.return_annotation is not inspect.Signature.empty, \
            f"{name}: no return type hint"
    namespace = {**vars(inspect.getmodule(function)), **TYPE_CHECKING_NAMES}
    typing.get_type_hints(function, globalns=namespace)  # raises if a hint names nothing


def test_plot_functions_take_an_axes_and_return_it():
    from matplotlib.axes import Axes

    for name in ("raster", "force", "emg", "joint", "membrane", "endplate", "pic_balance",
                 "pic_and_inhibition", "strength_panel", "phase_diagram", "sweep_line"):
        function = getattr(plotting, name)
        hints = typing.get_type_hints(function, globalns={
            **vars(inspect.getmodule(function)), **TYPE_CHECKING_NAMES})
        assert hints["ax"] == Axes | None, name
        assert hints["return"] is Axes, name


"""neurosim — a teaching simulator of how nerve damage produces muscle spasms.

A teaching toy, not a clinical model.
"""

from . import analysis, experiments, scenarios
from .engine import simulate
from .parameters import Parameters, field_specs
from .protocols import Protocol
from .result import SimulationResult
from .sweep import SweepResult, sweep

__version__ = "0.1.0"
TEACHING_LABEL = "neurosim — teaching toy, not a clinical model"

__all__ = ["simulate", "scenarios", "analysis", "experiments", "Parameters", "Protocol", "SimulationResult", "field_specs",
           "sweep", "SweepResult", "TEACHING_LABEL", "__version__"]

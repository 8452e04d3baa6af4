"""neurosim — a teaching simulator of how nerve damage produces muscle spasms.

A teaching toy, not a clinical model.
"""

from ._cache import configure_numba_cache

# before any compiled function is defined: numba caches compiled code in a per-user folder,
# never inside the installed package (see neurosim._cache)
NUMBA_CACHE = configure_numba_cache()

from . import analysis, experiments, scenarios  # noqa: E402
from .engine import simulate  # noqa: E402
from .parameters import Parameters, field_specs  # noqa: E402
from .protocols import Protocol  # noqa: E402
from .result import SimulationResult  # noqa: E402
from .sweep import SweepResult, sweep  # noqa: E402
from ._version import __version__  # noqa: E402

TEACHING_LABEL = "neurosim — teaching toy, not a clinical model"

__all__ = ["simulate", "scenarios", "analysis", "experiments", "Parameters", "Protocol", "SimulationResult", "field_specs",
           "sweep", "SweepResult", "TEACHING_LABEL", "__version__"]

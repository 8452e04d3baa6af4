"""Parameter sweeps: run one set-up over a grid of values and measure every run.

A lecture's best picture is often a map — *where in damage-parameter space do
spasms appear?* :func:`sweep` makes that one call::

    >>> from neurosim.sweep import sweep
    >>> maps = sweep("healthy", {"combined.inhibition_loss": [0, 0.5, 1],
    ...                          "pic.strength": [0.25, 1.0]},
    ...              ["spasm_duration_s"], seeds=range(3))        # doctest: +SKIP
    >>> maps.mean("spasm_duration_s").shape                         # doctest: +SKIP
    (3, 2)

What is swept
-------------
``grid`` is either a mapping ``{axis name: values}`` (full factorial: every
combination is run, the first axis varies slowest) or a list of dicts
``[{axis name: value, ...}, ...]`` (each dict one point; the result then has a
single axis ``"point"``). Axis names are

* a dotted model parameter, e.g. ``"pic.strength"`` (``neurosim list --parameters``);
* a *combined* axis from :data:`COMBINED_AXES`, a documented lever that moves
  several parameters together — ``"combined.inhibition_loss"`` = L sets reciprocal,
  presynaptic and descending inhibition to (1 − L) × healthy (recurrent Renshaw
  inhibition is left intact, as in the ``spinal_cord_injury`` scenario);
* a *protocol* quantity ``"protocol.NAME"`` of the metrics' measurement set-up
  (:data:`SETUPS`), e.g. ``"protocol.velocity_deg_s"`` for the stretch test.

Every value is validated before any simulation starts; a bad grid raises a
:class:`ValueError` naming the axis, the value, its unit and its allowed range.

What is measured, and with which protocol
-----------------------------------------
``metrics`` are names from :data:`METRICS` (or :class:`Metric` objects). Each
metric wraps a function of :mod:`neurosim.analysis` and declares the measurement
set-up it needs (``Metric.setup``): ``None`` (any run: spasm, force, firing,
fasciculation), ``"stretch"`` (reflex size), ``"clonus"`` (clonus frequency) or
``"nerve_shock"`` (endplate potential, fibre APs per impulse). The protocol of every
point is chosen by one rule:

1. with ``protocol.*`` axes, the set-up's protocol factory builds each point's
   protocol from those values (other quantities at the factory's defaults);
2. otherwise an explicit ``protocol=`` argument, else the base scenario's own
   protocol if it already contains what the set-up needs (e.g. the
   ``stroke_like`` clonus test for ``clonus_frequency_hz``);
3. otherwise the set-up's default protocol; with no set-up at all (and a bare
   :class:`~neurosim.parameters.Parameters` base) the spasm test of the
   ``healthy`` scenario (:data:`DEFAULT_SCENARIO`).

All metrics of one sweep must share a set-up (or have none): one simulation per
point and seed serves all of them.

Seeds
-----
Every point is run once per seed in ``seeds``, and every point uses the *same*
noise seed for a given replicate (common random numbers): differences across a map
come from the parameters, not from a different noise draw, and any cell can be
reproduced with :func:`neurosim.simulate` and that seed. Results therefore do not
depend on the executor, the batching or the order in which points finish.

Where it runs
-------------
By default on all local cores (:class:`concurrent.futures.ProcessPoolExecutor`),
several points per task, with a :mod:`tqdm` progress bar. ``executor=1`` runs in
this process; any :class:`concurrent.futures.Executor` may be passed; a
``dask.distributed.Client`` or a scheduler address string runs the same tasks on a
Dask cluster (whose workers need neurosim installed). With ``cache_dir`` every
finished run is stored on disk, keyed by a hash of (parameters, protocol,
duration, step, seed, metric names, and a digest of the model's sources,
:func:`neurosim._cache.model_digest`): a sweep run again with the same ``cache_dir``
(e.g. after an interruption) recomputes only what is missing, and after any change to
the model — engine, stages, parameters, analysis, metrics — recomputes everything. Every cache entry
(and :meth:`SweepResult.save`) is written atomically: an interruption never leaves half a
file.

When a run fails
----------------
A run that raises (e.g. a metric that cannot be measured on that point:
``"unit 0 received no nerve impulse"``) does not stop the sweep: its cells hold NaN, the
failure (grid index, axis values, seed, message) is listed in
:attr:`SweepResult.failures` and summarised by :meth:`SweepResult.failure_summary`, the
other points are completed, and :func:`sweep` warns once (:class:`SweepFailureWarning`).
Failed runs are not cached, so a rerun tries them again. Ctrl-C (:class:`KeyboardInterrupt`)
stops the sweep at once with :class:`SweepInterrupted`; the runs finished before it stay
in ``cache_dir``, so running the same sweep again resumes.

Where the code is
-----------------
``neurosim.sweep`` is a package; every name is importable from it directly
(``from neurosim.sweep import sweep, METRICS``), and ``neurosim.sweep(...)`` is the
function :func:`sweep` itself.

================ ==========================================================================
``grid.py``      axes (:func:`axis_spec`, :data:`COMBINED_AXES`) and the validated plan of
                 every grid point
``runners.py``   executors: this process, local worker processes, any
                 :class:`concurrent.futures.Executor`, Dask
``cache.py``     finished runs on disk, keyed by what was run and the model digest
``result.py``    :class:`SweepResult` (save/load), :class:`SweepFailure`,
                 :class:`SweepInterrupted`
``run.py``       the entry point :func:`sweep`
``maps.py``      the built-in maps (:data:`BUILTIN_MAPS`, :func:`builtin_map`)
================ ==========================================================================

The metrics (:data:`METRICS`) and their measurement set-ups (:data:`SETUPS`) are not part
of the runner: they live in :mod:`neurosim.metrics`, beside the analysis they wrap, and are
re-exported here.

A teaching toy, not a clinical model.
"""

from ..metrics import (METRICS, SETUPS, SPASM_THRESHOLD_S, Metric, Setup, clonus_frequency_hz,
                       epp_decay_ms, fasciculation_rate_hz, fibre_aps_per_impulse,
                       longest_spasm_s, mean_firing_rate_hz, peak_force_percent,
                       reflex_torque_Nm, spasm_count, spasm_duration_s)
from .grid import (COMBINED_AXES, DEFAULT_SCENARIO, MAX_RUNS, AxisSpec, CombinedAxis,
                   axis_spec)
from .maps import BUILTIN_MAPS, BuiltinMap, builtin_map
from .result import (FORMAT_NAME, FORMAT_VERSION, SweepFailure, SweepFailureWarning,
                     SweepInterrupted, SweepResult)
from .run import sweep

__all__ = ["sweep", "SweepResult", "Metric", "METRICS", "Setup", "SETUPS", "AxisSpec",
           "CombinedAxis", "COMBINED_AXES", "axis_spec", "BuiltinMap", "BUILTIN_MAPS",
           "builtin_map", "DEFAULT_SCENARIO", "SPASM_THRESHOLD_S", "FORMAT_NAME",
           "FORMAT_VERSION", "SweepFailure", "SweepFailureWarning", "SweepInterrupted",
           "MAX_RUNS", "spasm_duration_s", "longest_spasm_s", "spasm_count",
           "peak_force_percent", "clonus_frequency_hz", "reflex_torque_Nm", "epp_decay_ms",
           "fibre_aps_per_impulse", "fasciculation_rate_hz", "mean_firing_rate_hz"]

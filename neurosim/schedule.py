"""The schedule: which stages the simulation loop runs, in which order — and the loop itself.

Every step of a run does the same things in the same order: the limb moves, the sensors
report, the spinal circuit sums its inputs, the motor neurons fire, the nerve conducts,
the junction transmits, the muscle contracts. That order is declared here, once, in two
parts:

* :data:`SLOTS` — the named phases of a step, in order (the idea is Brian2's network
  schedule ``start, groups, thresholds, synapses, resets, end``);
* :data:`STAGE_MODULES` — the stage modules (:data:`STAGES` once imported), each of which
  says which slots it joins (its ``HOOKS``: ``{slot: compiled function}``). Within a
  slot, stages run in this order.

The compiled loop is *generated* from the two (:func:`loop_source`; read it with
``python -m neurosim.schedule``): its body is one call per hook, nothing else. A new
mechanism is therefore one new module plus one line in :data:`STAGE_MODULES`: its parameters,
sliders, CLI listing and result traces follow from the module (see
:mod:`neurosim.tendon_organ`).

**What a stage module provides** (see :mod:`neurosim.limb` for a small one):

``STAGE``
    Its name: the field of every bundle that holds its part.
``Constants``, ``State`` (and optionally ``Inputs``, ``Outputs``)
    :class:`typing.NamedTuple` classes of numbers and numpy arrays.
``prepare(run) -> (constants, state, outputs or None)``
    Everything the stage needs for a :class:`Run`, computed once; state arrays are
    changed in place by the loop.
``chunk_inputs(run, step0, time_s) -> Inputs`` (optional)
    What does not depend on the simulated state, for the steps of one chunk (protocol
    waveforms, noise, external events), prepared on a second thread while the loop runs.
``HOOKS``
    ``{slot: function}``; each function is ``@njit(inline="always")`` with the signature
    ``(s, k, j, bus, states, consts, inputs, outputs)``: the global step ``s``, the step
    ``k`` within the chunk, the output row ``j`` (valid in the ``sample`` slot), the
    signal bus (:mod:`neurosim.signals`), and the four bundles, whose fields are the
    stages by name (``states.limb.joint``, ``consts.run.dt_ms``).
``end_chunk(run, state)`` and ``results(run, constants, state, outputs) -> dict`` (optional)
    Keep the chunk's events; build the stage's fields of the result.

**The numba machinery, all of it here**:

* the loop is compiled with every array argument marked ``noalias``
  (:class:`NoAliasCompiler`) — with it LLVM vectorises the passes over units (the endplate
  pass ran 3× faster). That is a promise that no two arrays handed to the loop share
  memory; :func:`check_no_shared_memory` verifies it before every run;
* the loop is compiled without numba's reference counting (``_nrt=False``): every hook
  receives the bundles, and counting references to each of their arrays at each inlined
  call took 46 % of the run time (atomic increments and decrements). The loop allocates
  no arrays, so there is nothing to count;
* the generated source is written to a file named by its content in numba's cache folder
  and imported from there, so its compiled code is cached like any other (:func:`_load_loop`).
"""

from __future__ import annotations

import collections
import functools
import hashlib
import importlib.util
import os
import sys
from pathlib import Path
from typing import NamedTuple

import numpy as np
from numba.core.compiler import CompilerBase, DefaultPassBuilder


__all__ = ["SLOTS", "STAGE_MODULES", "STAGES", "Run", "RunConstants", "Nothing", "bundles", "loop_source",
           "compiled_loop", "check_no_shared_memory", "NoAliasCompiler"]

SLOTS = ("mechanics",  # the joint moves under the muscle's force
         "sensing",    # sensory endings report length, velocity, force
         "spinal",     # the spinal circuit: drive and inhibition of the pool
         "axons",      # electrically evoked and ectopic axon spikes set off
         "pool",       # motor neurons integrate and fire
         "efferent",   # their spikes travel down the motor axons
         "recurrent",  # Renshaw cells take up this step's spikes
         "junction",   # release, ACh, receptors, endplate potentials, fibre APs
         "muscle",     # twitches and force
         "units",      # per-step traces of the recorded units
         "sample")     # population traces, at the output samples only
"""The phases of one step, in the order the loop runs them."""

STAGE_MODULES = (
    "limb",            # force moves the joint; muscle stretch and velocity
    "spindle",         # Ia discharge from stretch, conducted to the cord
    "tendon_organ",    # Ib discharge from force; autogenic inhibition of the pool
    "spinal_circuit",  # descending drive, interneurons, inhibition; Renshaw cells
    "nerve",           # delays, block, collision, stimulation, ectopic discharges
    "reinnervation",   # units lost, enlarged by sprouting, regrown; fibrillation (no slot)
    "motor_pool",      # size principle, membranes, PICs, spikes
    "junction",        # transmitter release, AChE, receptors, EPP, fibre APs
    "muscle",          # twitches, summation, force
    "emg",             # motor-unit action potentials (added after each chunk, not stepped)
)
"""The registry: the stage modules of ``neurosim``, in order. Within a slot they run in this
order; their parameter groups appear in :class:`~neurosim.Parameters` in this order."""

STAGES = tuple(importlib.import_module(f"{__package__}.{name}") for name in STAGE_MODULES)
"""The stages of the loop. Within a slot they run in this order."""


class NoAliasCompiler(CompilerBase):
    """numba's standard nopython pipeline, with every array argument marked ``noalias``.

    Without it LLVM must assume that writing one state array may change another, and
    keeps the loops over units scalar; with it they are vectorised. The promise this
    makes — no array handed to the loop overlaps another — is checked before every run
    (:func:`check_no_shared_memory`).
    """

    def define_pipelines(self):
        self.state.flags.noalias = True
        return [DefaultPassBuilder.define_nopython_pipeline(self.state)]


class RunConstants(NamedTuple):
    """What every stage may need to know about the run (``consts.run``)."""

    dt_ms: float
    steps_per_ms: int
    record_units: np.ndarray  # int64, shape (n_recorded,)


class Nothing(NamedTuple):
    """The bundle entry of a stage without inputs or outputs."""

    none: np.ndarray


class Run:
    """One run's set-up, handed to every stage's ``prepare`` and ``chunk_inputs``.

    Attributes
    ----------
    parameters : Parameters
    protocol : Protocol
    duration_s, dt_ms : float
    n_steps, n_samples : int
        Integration steps and output samples.
    out_time_s : ndarray, shape (n_samples,)
    out_steps : ndarray of int64, shape (n_samples,)
        The step at which each output sample is taken.
    output_rate_hz : float
    steps_per_ms, chunk_steps : int
    record_units : ndarray of int64
    rngs : dict of str to numpy.random.Generator
        Independent streams: ``synaptic``, ``emg``, ``spindle``, ``ectopic``, ``spontaneous``,
        ``backfire``.
    event_capacity : dict of str to int
        Sizes of the per-chunk event buffers (``spikes``, ``activations``, ``impulses``).
    cache : dict
        Things computed once and shared between stages (:meth:`cached`).
    events : dict of str to list
        Each chunk's events, kept by the stages' ``end_chunk``.
    """

    def __init__(self, **fields):
        self.__dict__.update(fields)
        self.cache = {}
        self.events = {}

    def cached(self, key, compute):
        """``compute()``, computed once per run and shared under ``key``."""
        if key not in self.cache:
            self.cache[key] = compute()
        return self.cache[key]


def _hooks(slot):
    return [(stage, stage.HOOKS[slot]) for stage in STAGES if slot in stage.HOOKS]


def _bundle_class(name):
    cls = collections.namedtuple(name, ["run"] + [stage.STAGE for stage in STAGES])
    cls.__module__ = __name__
    return cls


StageConstants = _bundle_class("StageConstants")
StageStates = _bundle_class("StageStates")
StageInputs = _bundle_class("StageInputs")
StageOutputs = _bundle_class("StageOutputs")
_NOTHING = Nothing(np.zeros(0))


def bundles(run: Run, run_constants: RunConstants):
    """Prepare every stage for ``run``.

    Returns
    -------
    consts : StageConstants
    states : StageStates
    outputs : StageOutputs
    """
    prepared = [stage.prepare(run) if hasattr(stage, "prepare") else (_NOTHING, _NOTHING, None)
                for stage in STAGES]
    consts = StageConstants(run_constants, *(p[0] for p in prepared))
    states = StageStates(_NOTHING, *(p[1] for p in prepared))
    outputs = StageOutputs(_NOTHING, *(_NOTHING if p[2] is None else p[2] for p in prepared))
    return consts, states, outputs


def chunk_inputs(run: Run, step0: int, n_steps: int) -> StageInputs:
    """Every stage's inputs for the steps ``step0 … step0 + n_steps − 1`` (in the order of
    :data:`STAGES`, each from its own random stream)."""
    time_s = (step0 + np.arange(n_steps)) * (run.dt_ms / 1000.0)
    return StageInputs(_NOTHING, *(
        stage.chunk_inputs(run, step0, time_s) if hasattr(stage, "chunk_inputs") else _NOTHING
        for stage in STAGES))


def end_chunk(run: Run, states: StageStates) -> None:
    """Let every stage keep its events of the chunk that has just run."""
    for stage in STAGES:
        if hasattr(stage, "end_chunk"):
            stage.end_chunk(run, getattr(states, stage.STAGE))


def results(run: Run, consts, states, outputs) -> dict:
    """Every stage's fields of the result, merged."""
    out = {}
    for stage in STAGES:
        if hasattr(stage, "results"):
            name = stage.STAGE
            out.update(stage.results(run, getattr(consts, name), getattr(states, name),
                                     getattr(outputs, name)))
    return out


def _arrays(bundle, path):
    if isinstance(bundle, np.ndarray):
        yield path, bundle
    elif isinstance(bundle, tuple):
        names = getattr(bundle, "_fields", range(len(bundle)))
        for name, item in zip(names, bundle):
            yield from _arrays(item, f"{path}.{name}")


try:
    from numpy.lib.array_utils import byte_bounds as _byte_bounds  # numpy >= 2
except ImportError:  # pragma: no cover - numpy 1.x
    _byte_bounds = np.byte_bounds


def check_no_shared_memory(**named_bundles) -> None:
    """Raise if two arrays handed to the loop overlap in memory (the promise
    :class:`NoAliasCompiler` makes to the compiler).

    Raises
    ------
    RuntimeError
        Naming the two arrays (a bug in a stage's ``prepare``).
    """
    spans = []
    for name, bundle in named_bundles.items():
        for path, array in _arrays(bundle, name):
            if array.nbytes:
                lo, hi = _byte_bounds(array)
                spans.append((lo, hi, path))
    spans.sort()
    for (lo1, hi1, a), (lo2, hi2, b) in zip(spans, spans[1:]):
        if lo2 < hi1:
            raise RuntimeError(f"neurosim: arrays {a} and {b} handed to the compiled loop share "
                               f"memory; the loop is compiled on the promise that they do not")


def loop_source() -> str:
    """The source of the compiled loop, generated from :data:`SLOTS` and :data:`STAGES`."""
    modules = sorted({stage.__name__ for stage in STAGES})
    call = "(s, k, j, bus, states, consts, inputs, outputs)"
    lines = [
        '"""The simulation loop, generated by neurosim.schedule from SLOTS and STAGES.',
        "",
        "Do not edit: change the registry (neurosim/schedule.py) or a stage module instead.",
        '"""',
        "from numba import njit",
        "",
        "from neurosim.schedule import NoAliasCompiler",
        *(f"import {m}" for m in modules),
        "",
        "",
        '@njit(cache=True, nogil=True, error_model="numpy", pipeline_class=NoAliasCompiler, _nrt=False)',
        "def run_chunk(step0, n_steps, out_j, out_steps, bus, states, consts, inputs, outputs):",
        '    """Advance every stage through steps step0 … step0 + n_steps − 1; return the next',
        '    output row."""',
        "    n_out = out_steps.shape[0]",
        "    for k in range(n_steps):",
        "        s = step0 + k",
        "        j = out_j",
    ]
    for slot in SLOTS[:-1]:
        for stage, hook in _hooks(slot):
            lines.append(f"        {stage.__name__}.{hook.__name__}{call}  # {slot}")
    lines.append("        if out_j < n_out and out_steps[out_j] == s:")
    for stage, hook in _hooks("sample"):
        lines.append(f"            {stage.__name__}.{hook.__name__}{call}  # sample")
    lines += ["            out_j += 1", "    return out_j", ""]
    return "\n".join(lines)


def _generated_folder() -> Path:
    import numba
    return Path(numba.config.CACHE_DIR or os.path.join(os.getcwd(), "__pycache__")) / "generated"


def _load_loop():
    """Write the generated loop to a file named by its content (once) and import it, so
    that numba can cache its compiled code like any other."""
    from ._atomic import write_text
    source = loop_source()
    digest = hashlib.sha256(source.encode()).hexdigest()[:16]
    name = f"neurosim_loop_{digest}"
    path = _generated_folder() / f"{name}.py"
    if not path.exists() or path.read_text() != source:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_text(path, source)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module.run_chunk


@functools.lru_cache(maxsize=None)
def compiled_loop():
    """The compiled loop (:func:`loop_source`), loaded on first use."""
    return _load_loop()


if __name__ == "__main__":
    sys.stdout.write(loop_source())

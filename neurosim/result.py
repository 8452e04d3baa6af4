"""SimulationResult: the immutable outcome of one :func:`neurosim.simulate` call.

Every array is a plain, read-only numpy array with a documented shape and unit.
Results save to a single ``.npz`` file holding the arrays plus a JSON metadata
record (parameters, protocol, seed, format version); nothing is pickled. Traces
export to CSV for spreadsheets.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import os
import zipfile
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import numpy as np

from . import _schema
from ._atomic import atomic_open
from .parameters import Parameters
from .protocols import Protocol

__all__ = ["SimulationResult", "FORMAT_NAME", "FORMAT_VERSION", "TRACE_COLUMNS",
           "stage_trace_columns", "write_npz", "read_npz"]

FORMAT_NAME = "neurosim-result"
FORMAT_VERSION = 1

# name -> (description, unit); the order is the CSV column order
TRACE_COLUMNS = {
    "time_s": ("time", "s"),
    "command": ("voluntary command", "fraction of maximal drive"),
    "afferent_input": ("afferent (sensory) input before presynaptic inhibition",
                       "fraction of maximal drive"),
    "force_N": ("muscle force", "N"),
    "force_percent": ("muscle force", "% of maximal force"),
    "emg_mV": ("surface EMG", "mV"),
    "population_rate_hz": ("mean firing rate per motor unit (50 ms bins)", "Hz"),
    "pic_activation": ("mean persistent-inward-current activation m*h", "0-1"),
    "inhibition": ("total inhibition of the pool", "fraction of rheobase"),
    "renshaw_activity": ("Renshaw-cell activity r", "1 = pool at 20 Hz"),
    "joint_angle_deg": ("ankle angle, positive = dorsiflexion (stretches the muscle)", "deg"),
    "joint_velocity_deg_s": ("ankle angular velocity", "deg/s"),
    "joint_torque_Nm": ("torque the examiner or dynamometer exerts on the foot", "N·m"),
    "ia_rate_hz": ("Ia afferent discharge rate of the muscle's spindles", "Hz"),
}


def stage_trace_columns() -> dict[str, tuple[str, str]]:
    """The traces the schedule's stages add beyond the core ones (name → description, unit),
    from each stage module's ``TRACES`` (e.g. :data:`neurosim.tendon_organ.TRACES`)."""
    from .schedule import STAGES
    return {name: spec for stage in STAGES for name, spec in getattr(stage, "TRACES", {}).items()}


def write_npz(path, arrays: dict, metadata: dict) -> Path:
    """Write arrays plus JSON metadata to an ``.npz`` file (nothing pickled).

    Shared by :class:`SimulationResult` and :class:`neurosim.sweep.SweepResult`. The
    write is atomic (:func:`neurosim._atomic.atomic_open`): if it fails half-way (disk
    full, Ctrl-C), an existing file at ``path`` is left exactly as it was.

    Returns
    -------
    Path
        The file written.
    """
    path = Path(path)
    arrays = dict(arrays, metadata_json=np.array(json.dumps(metadata)))
    with atomic_open(path, "wb") as fh:  # a failed save leaves an existing file intact
        np.savez_compressed(fh, **arrays)
    return path


def read_npz(path, *, what: str, format_name: str, format_version: int) -> tuple[dict, dict]:
    """Read a file written by :func:`write_npz` and check its format marker and version.

    Parameters
    ----------
    path : str or os.PathLike
    what : str
        What the file should be, for messages (e.g. ``"result"``, ``"sweep"``).
    format_name : str
    format_version : int

    Returns
    -------
    arrays : dict of str to numpy.ndarray
    metadata : dict

    Raises
    ------
    ValueError
        If the file is missing, corrupt, not of this format, or of another version.
    """
    path = Path(path)
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
    except FileNotFoundError:
        raise ValueError(f"{what} file {str(path)!r} does not exist") from None
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as exc:
        raise ValueError(f"{str(path)!r} is not a readable neurosim {what} file "
                         f"(corrupt or wrong format: {exc})") from None
    if "metadata_json" not in arrays:
        raise ValueError(f"{str(path)!r} is not a neurosim {what} file (no metadata)")
    try:
        meta = json.loads(str(arrays.pop("metadata_json")))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{str(path)!r} has corrupt metadata: {exc}") from None
    if not isinstance(meta, dict) or meta.get("format") != format_name:
        raise ValueError(f"{str(path)!r} is not a neurosim {what} file")
    if meta.get("version") != format_version:
        raise ValueError(f"{str(path)!r} was written by {what} format version "
                         f"{meta.get('version')}; this neurosim reads version {format_version}")
    return arrays, meta


@functools.lru_cache(maxsize=None)
def _metadata_schema() -> _schema.Record:
    """What a result file's metadata holds (the engine's specs, imported when first needed)."""
    from .engine import DT_MS, DURATION_S
    return _schema.Record(required=dict(
        format=_schema.Const(FORMAT_NAME), version=_schema.Const(FORMAT_VERSION),
        parameters=_schema.MapOf(what="a mapping {stage: {field name: value}}"),
        protocol=_schema.ListOf(what="a list of protocol components"),
        seed=_schema.Number(integer=True, min=0), dt_ms=DT_MS, duration_s=DURATION_S,
        label=_schema.Text(), max_force_N=_schema.Number(unit="N", min=0.0, min_open=True)),
        what="result metadata")


_SAMPLE_TRACES = tuple(name for name in TRACE_COLUMNS if name != "force_percent")
_STEP_TRACES = ("membrane_mV", "unit_pic_activation", "endplate_mV", "cleft_ach",
                "receptor_open")
_UNIT_CONSTANTS = ("rheobase_nA", "peak_twitch_force_N", "contraction_time_ms")
_EVENTS = {"spike": ("times_s", "units"),
           "activation": ("times_s", "units", "sources"),
           "nerve_impulse": ("times_s", "units", "sources")}


def _array_schema(arrays: dict, *, n_samples: int, n_steps: int, n_units: int) -> _schema.Record:
    """The arrays a result file must hold, with shapes from its metadata.

    The lengths of the event lists and the number of recorded units are read from the
    file (their ``*_times_s`` and ``recorded_units`` arrays); every other length from
    the run's duration, step and parameters.
    """
    def length(name):
        a = arrays.get(name)
        return a.shape[0] if isinstance(a, np.ndarray) and a.ndim == 1 else None

    unit = dict(min=0, max=n_units - 1)
    n_recorded = length("recorded_units")
    out = {name: _schema.Array("f", (n_samples,), "one per output sample: duration_s × "
                                                  "emg.output_rate_hz")
           for name in _SAMPLE_TRACES}
    out.update({name: _schema.Array("f", (n_steps, n_recorded), "one row per step, duration_s "
                                    "/ dt_ms, and one column per recorded unit")
                for name in _STEP_TRACES})
    out.update({name: _schema.Array("f", (n_units,), "one per motor unit, pool.n_units")
                for name in _UNIT_CONSTANTS})
    out["recorded_units"] = _schema.Array("i", (None,), "motor-unit indices", **unit)
    for event, columns in _EVENTS.items():
        n = length(f"{event}_times_s")
        for column in columns:
            kind = "f" if column == "times_s" else "i"
            why = ("one per event" if column == "times_s"
                   else f"one per event, as many as {event}_times_s")
            out[f"{event}_{column}"] = _schema.Array(
                kind, (n,), why, **(unit if column == "units" else {}))
    optional = {name: _schema.Array("f", (n_samples,), "one per output sample: duration_s × "
                                                       "emg.output_rate_hz")
                for name in stage_trace_columns()}
    return _schema.Record(required=out, optional=optional, what="the result's arrays",
                          key_noun="array")


def _read_only(values: np.ndarray) -> np.ndarray:
    v = np.asarray(values).view()  # a read-only view: no copy, and the result cannot change
    v.flags.writeable = False
    return v


@dataclass(frozen=True, repr=False, eq=False)
class SimulationResult:
    """Outcome of one simulation. Immutable; arrays are read-only.

    Attributes
    ----------
    parameters : Parameters
    protocol : Protocol
    seed : int
        Seed entropy actually used (pass it back to :func:`simulate` to reproduce the run).
    dt_ms : float
        Integration step (ms).
    duration_s : float
        Simulated time (s).
    label : str
        Name of the scenario (or "" when run directly).
    time_s : ndarray, shape (n_samples,)
        Output sample times (s), at ``emg.output_rate_hz``.
    command : ndarray, shape (n_samples,)
        Voluntary command (fraction of maximal drive).
    afferent_input : ndarray, shape (n_samples,)
        Afferent input before presynaptic inhibition (fraction of maximal drive).
    force_N : ndarray, shape (n_samples,)
        Muscle force (N).
    emg_mV : ndarray, shape (n_samples,)
        Surface EMG including measurement noise (mV).
    population_rate_hz : ndarray, shape (n_samples,)
        Mean firing rate per motor unit in 50 ms bins (Hz).
    pic_activation : ndarray, shape (n_samples,)
        Mean PIC activation ``m·h`` over the pool (0–1).
    inhibition : ndarray, shape (n_samples,)
        Total inhibition of the pool (fraction of rheobase).
    renshaw_activity : ndarray, shape (n_samples,)
        Renshaw-cell activity (1 = pool firing at 20 Hz per unit).
    joint_angle_deg, joint_velocity_deg_s : ndarray, shape (n_samples,)
        Ankle angle (deg, positive = dorsiflexion, stretching the muscle) and its velocity.
    joint_torque_Nm : ndarray, shape (n_samples,)
        Torque the examiner's grip (passive stretch) or the dynamometer (isometric) exerts
        on the foot; 0 for a free limb. During a passive stretch this is the resistance felt.
    ia_rate_hz : ndarray, shape (n_samples,)
        Ia discharge rate of the muscle's spindles at the muscle (before conduction).
    spike_times_s : ndarray, shape (n_spikes,)
        Time of every motor-neuron spike (s), in time order.
    spike_units : ndarray of int32, shape (n_spikes,)
        Unit index of every spike (0 = smallest unit).
    activation_times_s : ndarray, shape (n_activations,)
        Time of every muscle-fibre action potential (s), in time order; each adds a
        twitch and a motor-unit action potential.
    activation_units : ndarray of int32, shape (n_activations,)
        Unit of every activation.
    activation_sources : ndarray of int8, shape (n_activations,)
        What made the nerve impulse that triggered each fibre action potential:
        1 = motor neuron (voluntary or reflex), 2 = electrical stimulus, 4 = ectopic
        discharge, 8 = the nerve terminal firing by itself; 4 and 8 are spontaneous
        discharges (fasciculations, :func:`neurosim.analysis.fasciculation_rate_hz`); flags add
        when impulses coincide.
    nerve_impulse_times_s, nerve_impulse_units, nerve_impulse_sources : ndarray, shape (n_impulses,)
        Every nerve impulse that reached a motor unit's terminals and released ACh,
        with the same source flags.
    recorded_units : ndarray of int, shape (n_recorded,)
        Units whose membrane was recorded at every step.
    membrane_mV : ndarray, shape (n_steps, n_recorded)
        Membrane voltage above rest of the recorded units, every step.
    unit_pic_activation : ndarray, shape (n_steps, n_recorded)
        PIC activation ``m·h`` of the recorded units, every step.
    endplate_mV : ndarray, shape (n_steps, n_recorded)
        Endplate potential (mV above rest) of the recorded units, every step.
    cleft_ach : ndarray, shape (n_steps, n_recorded)
        Cleft acetylcholine (in quanta) of the recorded units, every step.
    receptor_open : ndarray, shape (n_steps, n_recorded)
        Open fraction of the endplate's ACh receptors, every step.
    rheobase_nA, peak_twitch_force_N, contraction_time_ms : ndarray, shape (n_units,)
        Per-unit constants (ordered smallest to largest unit).
    max_force_N : float
        Force of all units fully fused (100 %).
    stage_traces : dict of str to ndarray, each shape (n_samples,)
        The traces that stage modules add (:func:`stage_trace_columns`), also readable as
        attributes: ``result.ib_rate_hz`` (Ib discharge of the tendon organs, Hz),
        ``result.autogenic_inhibition`` (fraction of rheobase).
    """

    parameters: Parameters
    protocol: Protocol
    seed: int
    dt_ms: float
    duration_s: float
    label: str
    time_s: np.ndarray
    command: np.ndarray
    afferent_input: np.ndarray
    force_N: np.ndarray
    emg_mV: np.ndarray
    population_rate_hz: np.ndarray
    pic_activation: np.ndarray
    inhibition: np.ndarray
    renshaw_activity: np.ndarray
    joint_angle_deg: np.ndarray
    joint_velocity_deg_s: np.ndarray
    joint_torque_Nm: np.ndarray
    ia_rate_hz: np.ndarray
    spike_times_s: np.ndarray
    spike_units: np.ndarray
    activation_times_s: np.ndarray
    activation_units: np.ndarray
    activation_sources: np.ndarray
    nerve_impulse_times_s: np.ndarray
    nerve_impulse_units: np.ndarray
    nerve_impulse_sources: np.ndarray
    recorded_units: np.ndarray
    membrane_mV: np.ndarray
    unit_pic_activation: np.ndarray
    endplate_mV: np.ndarray
    cleft_ach: np.ndarray
    receptor_open: np.ndarray
    rheobase_nA: np.ndarray
    peak_twitch_force_N: np.ndarray
    contraction_time_ms: np.ndarray
    max_force_N: float
    stage_traces: dict = dataclasses.field(default_factory=dict)

    def __post_init__(self):
        for f in fields(self):
            v = getattr(self, f.name)
            if isinstance(v, np.ndarray):
                object.__setattr__(self, f.name, _read_only(v))
        known = stage_trace_columns()
        unknown = sorted(set(self.stage_traces) - set(known))
        if unknown:
            raise ValueError(f"stage_traces: unknown trace(s) {unknown}; the stages declare "
                             f"{sorted(known)}")
        object.__setattr__(self, "stage_traces",
                           {name: _read_only(v) for name, v in self.stage_traces.items()})

    def __getattr__(self, name):
        traces = self.__dict__.get("stage_traces")  # not yet set while unpickling
        if traces is not None and name in traces:
            return traces[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    # ----------------------------------------------------------- derived views
    @property
    def n_units(self) -> int:
        """Number of motor units in the pool."""
        return int(self.parameters.pool.n_units)

    @property
    def output_rate_hz(self) -> float:
        """Sampling rate of the population traces (Hz)."""
        return float(self.parameters.emg.output_rate_hz)

    @property
    def force_percent(self) -> np.ndarray:
        """Force as % of maximal (fully fused) force, shape (n_samples,)."""
        return 100.0 * self.force_N / self.max_force_N

    @property
    def trace_time_s(self) -> np.ndarray:
        """Times of the per-step traces (s), shape (n_steps,)."""
        return np.arange(self.membrane_mV.shape[0]) * self.dt_ms / 1000.0

    def spike_counts(self) -> np.ndarray:
        """Number of spikes of each unit, shape (n_units,)."""
        return np.bincount(self.spike_units, minlength=self.n_units)

    def unit_spike_times(self, unit: int) -> np.ndarray:
        """Spike times (s) of one unit, shape (n_spikes_of_unit,)."""
        if not 0 <= unit < self.n_units:
            raise ValueError(f"unit = {unit} is out of range [0, {self.n_units - 1}]")
        return self.spike_times_s[self.spike_units == unit]

    def __repr__(self) -> str:
        peak = float(self.force_N.max()) if self.force_N.size else 0.0
        name = f"{self.label!r}, " if self.label else ""
        return (f"SimulationResult({name}{self.n_units} units, {self.duration_s:g} s at "
                f"dt {self.dt_ms:g} ms, {self.spike_times_s.size:,} spikes, "
                f"peak force {peak:.3g} N ({100 * peak / self.max_force_N:.1f} %), "
                f"seed {self.seed})")

    # -------------------------------------------------------------- save/load
    def _metadata(self) -> dict:
        return dict(format=FORMAT_NAME, version=FORMAT_VERSION,
                    parameters=self.parameters.to_dict(), protocol=self.protocol.to_dict(),
                    seed=int(self.seed), dt_ms=self.dt_ms, duration_s=self.duration_s,
                    label=self.label, max_force_N=self.max_force_N)

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Save to ``path`` (``.npz``): arrays plus JSON metadata, no pickles.

        The write is atomic: if it fails (disk full, Ctrl-C), an existing file at
        ``path`` is left as it was and no partial file remains.

        Returns
        -------
        Path
            The file written.
        """
        arrays = {f.name: getattr(self, f.name) for f in fields(self)
                  if isinstance(getattr(self, f.name), np.ndarray)}
        arrays.update(self.stage_traces)
        return write_npz(path, arrays, self._metadata())

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> "SimulationResult":
        """Load a result written by :meth:`save`.

        Raises
        ------
        ValueError
            If the file is missing, corrupt, not a neurosim result, or from another
            format version.
        """
        path = Path(path)
        arrays, meta = read_npz(path, what="result", format_name=FORMAT_NAME,
                                format_version=FORMAT_VERSION)
        from .engine import _check_run_arguments, _run_lengths
        with _schema.reading(f"result file {str(path)!r}"):
            meta = _schema.check(meta, _metadata_schema())
            parameters = Parameters.from_dict(meta["parameters"])
            duration_s, dt_ms = _check_run_arguments(meta["duration_s"], meta["dt_ms"],
                                                     parameters.emg.output_rate_hz)
            n_steps, n_samples = _run_lengths(duration_s, dt_ms, parameters.emg.output_rate_hz)
            arrays = _schema.check(arrays, _array_schema(
                arrays, n_samples=n_samples, n_steps=n_steps, n_units=parameters.pool.n_units))
            traces = {name: arrays.pop(name) for name in stage_trace_columns() if name in arrays}
            return cls(parameters=parameters, protocol=Protocol.from_dict(meta["protocol"]),
                       seed=meta["seed"], dt_ms=dt_ms, duration_s=duration_s,
                       label=meta["label"], max_force_N=meta["max_force_N"],
                       stage_traces=traces, **arrays)

    def to_csv(self, path: str | os.PathLike[str]) -> Path:
        """Write the population traces (one row per output sample) to CSV.

        Columns: those of :data:`TRACE_COLUMNS` (``time_s, command, afferent_input, force_N,
        force_percent, emg_mV, population_rate_hz, pic_activation, inhibition,
        renshaw_activity, joint_angle_deg, joint_velocity_deg_s, joint_torque_Nm,
        ia_rate_hz``), then the stages' traces (:attr:`stage_traces`, e.g. ``ib_rate_hz``).
        The write is atomic, like :meth:`save`.
        """
        path = Path(path)
        names = list(TRACE_COLUMNS) + list(self.stage_traces)
        cols = np.column_stack([getattr(self, name) for name in names])
        with atomic_open(path, "w", newline="") as fh:
            np.savetxt(fh, cols, delimiter=",", header=",".join(names), comments="", fmt="%.6g")
        return path

    def replace(self, **changes: Any) -> "SimulationResult":
        """Return a copy with some attributes replaced (e.g. a new ``label``)."""
        return dataclasses.replace(self, **changes)

"""Named presets: experiments, conditions and treatments, each with teaching text.

A :class:`Scenario` bundles parameter changes (relative to the healthy
defaults), a protocol, a duration and the words a student needs: what it is,
which mechanism it shows, what to learn from it and what the model cannot say.
The CLI, the notebooks and the dashboard all start from these.

Every condition and treatment is a *caricature*: a few model levers pulled in
the direction the literature describes, never a model of a patient.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

from . import _schema, disease_course, measurements
from ._atomic import write_text
from .engine import DURATION_S, simulate
from .parameters import Parameters
from .experiments import (clonus_protocol, conduction_protocol, spasm_test_protocol,
                          stretch_protocol, train_protocol, voluntary_protocol)
from .protocols import NerveStimulation, Noise, Protocol, Ramp
from .result import SimulationResult

__all__ = ["Scenario", "get", "names", "all_scenarios", "spasm_test_protocol",
           "CATEGORIES", "SCENARIO_FILE_FORMAT", "SCENARIO_FILE_VERSION", "SCENARIO_SCHEMA"]

CATEGORIES = ("experiment", "condition", "treatment")
SCENARIO_FILE_FORMAT = "neurosim-scenario"
SCENARIO_FILE_VERSION = 1
_TEXT = _schema.Text()
SCENARIO_SCHEMA = _schema.Record(
    required=dict(
        format=_schema.Const(SCENARIO_FILE_FORMAT),
        version=_schema.Const(SCENARIO_FILE_VERSION, "the scenario file version this "
                                                     "neurosim reads"),
        name=_TEXT, title=_TEXT, category=_schema.Text(CATEGORIES), description=_TEXT,
        mechanism=_TEXT, learning_goal=_TEXT, caveat=_TEXT,
        changes=_schema.MapOf(what="a mapping {parameter name: value}, e.g. "
                                   "{'pic.strength': 1.0}"),
        protocol=_schema.ListOf(what="a list of protocol components, each "
                                     "{'type': component name, field: value}"),
        duration_s=DURATION_S),
    optional=dict(measurements=_schema.ListOf(_TEXT), treats=_schema.Nullable(_TEXT),
                  notes=_schema.MapOf(_TEXT, what="a mapping {parameter name: where its "
                                                  "value comes from}")),
    what="a scenario {key: value}")
"""What a scenario file (and :meth:`Scenario.from_dict`) holds: :meth:`Scenario.to_dict`'s keys."""


@dataclass(frozen=True)
class Scenario:
    """A named, documented simulation set-up.

    Attributes
    ----------
    name : str
        Identifier used on the command line (``neurosim run NAME``).
    title : str
        Human-readable title.
    category : str
        One of ``"experiment"``, ``"condition"``, ``"treatment"``.
    description : str
        What happens, in plain language.
    mechanism : str
        Which model mechanism the scenario shows.
    learning_goal : str
        What a student should take away.
    caveat : str
        What this teaching toy cannot say about the real condition.
    changes : Mapping[str, float]
        Dotted parameter changes relative to the healthy defaults.
    protocol : Protocol
    duration_s : float
    measurements : tuple of str
        The tests that show this scenario's point, by name in
        :data:`neurosim.measurements.MEASUREMENTS`, most telling first (``neurosim run``
        prints their numbers and draws the first one's figure). Left empty, they are
        suggested from the protocol (:func:`neurosim.measurements.suggest`).
    treats : str or None
        For a treatment: the name of the untreated condition it is compared with.
    notes : Mapping[str, str]
        Where each change comes from, by parameter name: a published source, or
        ``"caricature: ..."`` saying why the value is a teaching choice. Every built-in
        scenario has one note per change (``neurosim run`` and ``neurosim list --notes``
        print them); a note for a parameter the scenario does not change is an error.
    """

    name: str
    title: str
    category: str
    description: str
    mechanism: str
    learning_goal: str
    caveat: str
    changes: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    protocol: Protocol = field(default_factory=Protocol)
    duration_s: float = 6.0
    measurements: tuple = ()
    treats: str | None = None
    notes: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))

    def __post_init__(self):
        if self.category not in CATEGORIES:
            raise ValueError(f"scenario category {self.category!r} must be one of {CATEGORIES}")
        object.__setattr__(self, "changes", MappingProxyType(
            SCENARIO_SCHEMA.required["changes"].check(self.changes, "changes")))
        if not isinstance(self.protocol, Protocol):
            object.__setattr__(self, "protocol", Protocol(self.protocol))
        object.__setattr__(self, "duration_s", DURATION_S.check(self.duration_s, "duration_s"))
        self.parameters  # validate the changes now, not at run time
        chosen = tuple(self.measurements) or measurements.suggest(self.protocol)
        unknown = [m for m in chosen if m not in measurements.MEASUREMENTS]
        if unknown:
            raise ValueError(f"scenario {self.name!r}: unknown measurement(s) {unknown}; "
                             f"choose from {list(measurements.MEASUREMENTS)}")
        object.__setattr__(self, "measurements", chosen)
        notes = SCENARIO_SCHEMA.optional["notes"].check(self.notes, "notes")
        stray = sorted(set(notes) - set(self.changes))
        if stray:
            raise ValueError(f"scenario {self.name!r}: notes for parameters it does not "
                             f"change: {stray}")
        object.__setattr__(self, "notes", MappingProxyType(notes))
        if self.treats is not None and self.category != "treatment":
            raise ValueError(f"scenario {self.name!r} is a {self.category}, so it cannot "
                             f"name a condition it treats (treats={self.treats!r})")

    def reference(self) -> "Scenario | None":
        """The scenario this one is compared with: a treatment's untreated condition (or
        the healthy limb when it names none), a condition's healthy limb; ``None`` for an
        experiment (it is the healthy limb)."""
        if self.treats is not None:
            return get(self.treats)
        if self.category != "experiment":
            return get("healthy")
        return None

    def measure(self, result: SimulationResult | None = None, *, seed: int = 0,
                parameters: Parameters | None = None, reference: "Scenario | None" = None,
                reference_label: str | None = None) -> list:
        """Make every declared measurement, compared with the reference scenario.

        Parameters
        ----------
        result : SimulationResult, optional
            The scenario's own run (reused where a test's protocol is the scenario's).
        seed : int
            Noise seed of every run.
        parameters : Parameters, optional
            Override the scenario's parameters (e.g. command-line changes).
        reference : Scenario, optional
            Compare with this scenario instead of :meth:`reference`.
        reference_label : str, optional
            Its column heading (default: "untreated" for a treatment's condition, else
            the reference's name).

        Returns
        -------
        list of neurosim.measurements.Measured
            One per entry of :attr:`measurements`. Cases: healthy, then for a treatment
            its untreated condition, then this scenario (or ``reference``, then this).
        """
        cases = [measurements.Case(self.name, self.parameters if parameters is None
                                   else parameters, result)]
        if reference is not None:
            cases.insert(0, measurements.Case(reference_label or reference.name,
                                              reference.parameters))
        elif self.reference() is not None:
            untreated = self.reference()
            if untreated.name == self.treats:
                cases.insert(0, measurements.Case(f"untreated ({untreated.name})",
                                                  untreated.parameters))
                untreated = untreated.reference()
            cases.insert(0, measurements.Case(untreated.name, untreated.parameters))
        return [measurements.measure(name, cases, seed=seed) for name in self.measurements]

    @property
    def parameters(self) -> Parameters:
        """Healthy defaults with this scenario's changes applied."""
        return Parameters().with_changes(**self.changes)

    def run(self, *, seed: int | None = 0, duration_s: float | None = None,
            parameters: Parameters | None = None, **kwargs: Any) -> SimulationResult:
        """Simulate the scenario.

        Parameters
        ----------
        seed : int or None
            Noise seed (default 0, so a scenario gives the same picture every time).
        duration_s : float, optional
            Override the scenario's duration.
        parameters : Parameters, optional
            Override the scenario's parameters (e.g. after slider changes).
        **kwargs
            Passed to :func:`neurosim.simulate` (``dt_ms``, ``record_units``).
        """
        return simulate(self.parameters if parameters is None else parameters, self.protocol,
                        self.duration_s if duration_s is None else duration_s,
                        seed=seed, label=self.name, **kwargs)

    def with_changes(self, **changes: float) -> "Scenario":
        """Return a copy with further dotted parameter changes (validated).

        A changed parameter's note is dropped (its value is no longer the documented one).
        """
        notes = {k: v for k, v in self.notes.items() if k not in changes}
        return dataclasses.replace(self, changes={**self.changes, **changes}, notes=notes)

    # ------------------------------------------------------------ files
    def to_dict(self) -> dict:
        """JSON-serialisable description (what a scenario file holds)."""
        return dict(format=SCENARIO_FILE_FORMAT, version=SCENARIO_FILE_VERSION, name=self.name,
                    title=self.title, category=self.category, description=self.description,
                    mechanism=self.mechanism, learning_goal=self.learning_goal,
                    caveat=self.caveat, changes=dict(self.changes),
                    protocol=self.protocol.to_dict(), duration_s=self.duration_s,
                    measurements=list(self.measurements), treats=self.treats,
                    notes=dict(self.notes))

    @classmethod
    def from_dict(cls, data: dict) -> "Scenario":
        """Rebuild a scenario from :meth:`to_dict` output (validated).

        The keys, their types and the format version are checked against
        :data:`SCENARIO_SCHEMA`; any mismatch is a ValueError naming the key and what was
        expected.
        """
        with _schema.reading("scenario"):
            return cls._from_checked(data)

    @classmethod
    def _from_checked(cls, data) -> "Scenario":
        if not isinstance(data, Mapping) or data.get("format") != SCENARIO_FILE_FORMAT:
            raise ValueError("not a neurosim scenario file (missing format marker "
                             f"'format': {SCENARIO_FILE_FORMAT!r})")
        data = _schema.check(data, SCENARIO_SCHEMA)
        return cls(name=data["name"], title=data["title"], category=data["category"],
                   description=data["description"], mechanism=data["mechanism"],
                   learning_goal=data["learning_goal"], caveat=data["caveat"],
                   changes=data["changes"], protocol=Protocol.from_dict(data["protocol"]),
                   duration_s=data["duration_s"],
                   measurements=tuple(data.get("measurements", ())),
                   treats=data.get("treats"), notes=data.get("notes", {}))

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the scenario as JSON to ``path``; returns the path.

        The write is atomic: if it fails, an existing file at ``path`` is left as it was.
        """
        path = Path(path)
        write_text(path, json.dumps(self.to_dict(), indent=2))
        return path

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> "Scenario":
        """Read a scenario file written by :meth:`save`."""
        path = Path(path)
        try:
            data = json.loads(path.read_text())
        except FileNotFoundError:
            raise ValueError(f"scenario file {str(path)!r} does not exist") from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ValueError(f"{str(path)!r} is not a readable scenario file: {exc}") from None
        with _schema.reading(f"scenario file {str(path)!r}"):
            return cls._from_checked(data)


_CARICATURE = "caricature: "


def _levers(*blocks: Mapping[str, tuple]) -> dict:
    """``changes`` and ``notes`` keyword arguments of a :class:`Scenario` from blocks of
    ``{parameter: (value, note)}``; later blocks override earlier ones."""
    merged: dict = {}
    for block in blocks:
        merged.update(block)
    return dict(changes={k: v for k, (v, _) in merged.items()},
                notes={k: note for k, (_, note) in merged.items()})


_INJURY_L = {
    "inhibition.reciprocal": (0.2, "reciprocal Ia inhibition falls after SCI (Crone et al. "
                                   "1994, Brain 117:1161; Nielsen, Crone & Hultborn 2007); "
                                   "the size 0.2 is a caricature"),
    "inhibition.presynaptic": (0.2, "presynaptic inhibition of Ia terminals falls after SCI "
                                    "(Nielsen, Crone & Hultborn 2007, Acta Physiol 189:171); "
                                    "the size 0.2 is a caricature"),
    "inhibition.descending": (0.2, "a spinal lesion cuts descending inhibition below it "
                                   "(Lance 1980); the size 0.2 is a caricature")}
_PIC_L = {"pic.strength": (1.0, "motoneuron PICs grow after chronic SCI: plateaus in almost "
                                "all motoneurons (34 of 35; Bennett, Li & Siu 2001, "
                                "J Neurophysiol 86:1955); 4 × the healthy 0.25 is a "
                                "caricature")}
_SCI_WEAK_L = {"descending.voluntary_drive": (0.1, "weakness below an incomplete lesion "
                                                   "(Zijdewind & Thomas 2003, J Neurophysiol "
                                                   "89:2065, thenar muscles weakened by "
                                                   "cervical SCI; Lance 1980); 0.1 a caricature "
                                                   "giving about half of healthy maximal "
                                                   "force")}
_SCI_L = {**_INJURY_L, **_PIC_L, **_SCI_WEAK_L}
_STROKE_L = {
    "descending.voluntary_drive": (0.15, "paresis after stroke (Lance 1980); 0.15 a "
                                         "caricature"),
    "inhibition.descending": (0.2, "upper-motor-neuron lesion: descending inhibition lost "
                                   "(Lance 1980); size a caricature"),
    "inhibition.presynaptic": (0.4, "presynaptic inhibition reduced in spastic hemiparesis "
                                    "(Nielsen, Crone & Hultborn 2007); size a caricature"),
    "inhibition.reciprocal": (0.4, "reciprocal inhibition reduced in spastic patients (Crone "
                                   "et al. 1994, Brain 117:1161); size a caricature"),
    "spindle.gain": (4.0, "exaggerated, velocity-dependent stretch reflex (Lance 1980); "
                          "caricature: the spindle stands for the whole reflex gain"),
    "spindle.fusimotor_bias_hz": (5.0, "increased fusimotor drive, one proposed UMN "
                                       "mechanism; 5 Hz a caricature"),
    "pic.strength": (0.5, "larger PICs after loss of descending control; 2 × healthy a "
                          "caricature"),
    "limb.passive_stiffness_Nm_per_rad": (35.0, "stiffer spastic ankle extensors (Sinkjaer & "
                                                "Magnussen 1994, Brain 117:355)")}
_DIABETIC_L = {
    "nerve.demyelination_slowing": (0.16, "motor conduction 15–20 % slower after > 10 years "
                                          "of diabetes (median 52 → 44 m/s)"),
    "nerve.motor_axon_survival": (0.55, "tibial CMAP amplitude roughly halved in diabetic "
                                        "neuropathy (12.4 → 6.7 mV)"),
    "nerve.afferent_survival": (0.4, "sensory fibres fall most in diabetic neuropathy; 0.4 a "
                                     "caricature")}

_CAVEAT = ("A teaching caricature with one muscle, no interneuron detail and invented "
           "scales; it shows a mechanism, not what any patient will experience.")

_SCENARIOS = [
    Scenario(
        name="healthy", title="Healthy: a brief sensory volley", category="experiment",
        description="A healthy spinal cord receives a brief burst of sensory input at 1 s. "
                    "Motor units fire while the input lasts and fall silent right after.",
        mechanism="Intact inhibition and modest persistent inward currents: output follows input.",
        learning_goal="See the baseline: force and EMG start and stop with the input.",
        caveat=_CAVEAT, protocol=spasm_test_protocol(), duration_s=8.0,
        measurements=("spasm",)),
    Scenario(
        name="recruitment_ramp", title="Size principle: a slow voluntary ramp",
        category="experiment",
        description="The voluntary command rises slowly from 0 to 60 % of maximum over 8 s. "
                    "Small units are recruited first; every unit fires faster as the command grows.",
        mechanism="Size principle (rheobase grows across the pool) and rate coding (AHP).",
        learning_goal="Read a raster: recruitment order, rate coding, and how force builds.",
        caveat=_CAVEAT,
        protocol=Protocol(Ramp(start_s=0.5, stop_s=8.5, start_level=0.0, end_level=0.6), Noise()),
        duration_s=9.0,
        measurements=("contraction",)),
    Scenario(
        name="voluntary_contraction", title="Voluntary contraction at 30 %",
        category="experiment",
        description="A trapezoidal voluntary contraction: rise over 1 s, hold 2 s at 30 % of "
                    "maximal command, relax over 1 s.",
        mechanism="Recruitment and rate coding under voluntary command; surface EMG grows with force.",
        learning_goal="Relate command, firing, force and EMG during an ordinary contraction.",
        caveat=_CAVEAT,
        protocol=voluntary_protocol(0.3), duration_s=5.5,
        measurements=("contraction", "strength")),
    Scenario(
        name="stretch_reflex", title="Healthy stretch reflex: a brisk passive stretch",
        category="experiment",
        description="The examiner dorsiflexes a relaxed healthy ankle by 15° at 100°/s. The "
                    "spindles fire a burst, and after the loop delay a brief reflex burst "
                    "appears in the EMG; it ends soon after the stretch.",
        mechanism="Monosynaptic stretch reflex: spindle Ia → motor neurons, with afferent "
                  "and efferent conduction delays.",
        learning_goal="Find the reflex latency and see why a healthy relaxed muscle offers "
                      "little reflex resistance.",
        caveat=_CAVEAT, protocol=stretch_protocol(100.0), duration_s=3.0,
        measurements=("reflex",)),
    Scenario(
        name="nerve_conduction_study", title="Nerve conduction study (healthy)",
        category="experiment",
        description="Supramaximal shocks at a distal and a proximal site of the tibial nerve, "
                    "then a ladder of distal intensities: M-waves, H-reflexes, conduction "
                    "velocity and the H/M recruitment curve, as in a clinic.",
        mechanism="Electrical recruitment (large axons first), conduction delays, the "
                  "monosynaptic H-reflex and its collision with antidromic motor spikes.",
        learning_goal="Read latencies, amplitudes and the conduction velocity from the EMG.",
        caveat=_CAVEAT + " Real studies also test sensory nerves and F-waves.",
        protocol=conduction_protocol(), duration_s=13.2,
        measurements=("conduction",)),
    Scenario(
        name="inhibition_loss_only", title="Loss of inhibition alone", category="condition",
        description="Reciprocal, presynaptic and descending inhibition are cut to 20 % while "
                    "persistent inward currents stay at healthy size. The same volley now "
                    "excites far more units and leaves a polysynaptic after-discharge.",
        mechanism="Disinhibition: afferent input passes unchecked and spinal interneurons "
                  "reverberate, but without large PICs the pool stops soon after.",
        learning_goal="Inhibition loss makes the response bigger and somewhat longer — "
                      "but by itself not a spasm lasting seconds.",
        caveat=_CAVEAT, **_levers(_INJURY_L), protocol=spasm_test_protocol(), duration_s=8.0,
        measurements=("spasm",)),
    Scenario(
        name="pic_only", title="Large persistent inward currents alone", category="condition",
        description="Persistent inward currents are as large as after chronic spinal injury, "
                    "but all inhibition is intact. Some small units keep firing after the "
                    "volley; inhibition cuts most plateaus short.",
        mechanism="Persistent inward currents give self-sustained firing, but inhibition "
                  "holds them back.",
        learning_goal="PICs can sustain firing without input; inhibition keeps them in check.",
        caveat=_CAVEAT, **_levers(_PIC_L), protocol=spasm_test_protocol(), duration_s=8.0,
        measurements=("spasm",)),
    Scenario(
        name="spinal_cord_injury", title="Chronic spinal cord injury: a spasm",
        category="condition",
        description="Below a chronic spinal lesion, reciprocal, presynaptic and descending "
                    "inhibition are reduced and persistent inward currents are large. The same "
                    "brief volley now triggers a spasm: many units keep firing and producing "
                    "force for seconds after the input has ended. The lesion also cuts most of "
                    "the descending (corticospinal) drive, so the limb is weak: a maximal "
                    "voluntary effort gives about half of healthy force.",
        mechanism="Loss of inhibition unmasks persistent inward currents → self-sustained firing; "
                  "loss of descending drive → weakness. Recurrent (Renshaw) inhibition is left "
                  "intact (it is reported increased, not lost, after SCI).",
        learning_goal="Spasms need both levers: disinhibition lets the volley in and unleashes "
                      "the PICs that keep the units firing. Involuntary force grows while "
                      "voluntary force falls — spasticity comes with paresis.",
        caveat=_CAVEAT + " Real injuries differ in level, completeness and time since injury.",
        **_levers(_SCI_L), protocol=spasm_test_protocol(), duration_s=8.0,
        measurements=("spasm", "strength")),
    Scenario(
        name="spindle_hypersensitivity", title="Hypersensitive muscle spindles",
        category="condition",
        description="The spindles' dynamic sensitivity is tripled (as with increased "
                    "gamma-dynamic drive). The same passive stretch now evokes a large reflex "
                    "burst that grows with stretch velocity.",
        mechanism="More Ia discharge per mm/s of stretch and a bigger initial burst at its "
                  "onset → exaggerated, velocity-dependent stretch reflex.",
        learning_goal="Spasticity is velocity-dependent (Lance 1980): compare slow and fast "
                      "stretches.",
        caveat=_CAVEAT,
        **_levers({"spindle.gain": (3.0, "caricature: tripled dynamic sensitivity, as with "
                                         "more gamma-dynamic drive (Prochazka & Gorassini "
                                         "1998 for the Ia law it scales)")}),
        protocol=stretch_protocol(100.0),
        duration_s=3.0,
        measurements=("reflex",)),
    Scenario(
        name="stroke_like", title="Upper-motor-neuron lesion (stroke-like): clonus",
        category="condition",
        description="After a stroke-like lesion descending inhibition is lost, presynaptic and "
                    "reciprocal inhibition fall, fusimotor drive sensitises the spindles and "
                    "the ankle is stiffer. The foot is loaded and pushed once: it keeps beating "
                    "at about 5 Hz — clonus, which nothing in the code asks for. The lesion also "
                    "cuts most of the voluntary drive: the limb is weak as well as spastic.",
        mechanism="High reflex-loop gain plus the conduction and contraction delays make the "
                  "closed stretch-reflex loop oscillate.",
        learning_goal="Clonus emerges from loop gain and delay; lowering the gain or restoring "
                      "inhibition makes it die out.",
        caveat=_CAVEAT + " Real strokes also change the muscle itself (contracture, fibre "
                         "loss); the weakness here is only the lost descending drive.",
        **_levers(_STROKE_L), protocol=clonus_protocol(load_torque_Nm=5.0), duration_s=8.0,
        measurements=("clonus", "reflex", "strength")),
    Scenario(
        name="multiple_sclerosis_like", title="Multiple-sclerosis-like: central slowing",
        category="condition",
        description="Demyelination inside the spinal cord slows central conduction, halves the "
                    "descending voluntary drive (weakness) and weakens descending and "
                    "presynaptic inhibition. A passive stretch gives a larger, slightly later "
                    "reflex; the peripheral nerve is normal.",
        mechanism="Central (not peripheral) demyelination: longer central delay, less "
                  "descending drive, less inhibition.",
        learning_goal="Separate central from peripheral causes: the nerve conduction study "
                      "stays normal while reflexes change.",
        caveat=_CAVEAT + " MS is patchy and relapsing; one spinal lesion is a caricature.",
        **_levers({
            "nerve.central_delay_ms": (4.0, "caricature: central demyelination slows central "
                                            "conduction; a few ms more in one plaque"),
            "descending.voluntary_drive": (0.5, "caricature: one plaque halves the drive"),
            "inhibition.descending": (0.4, "caricature: upper-motor-neuron sign (Lance 1980)"),
            "inhibition.presynaptic": (0.5, "presynaptic inhibition reduced in MS spasticity "
                                            "(Nielsen, Crone & Hultborn 2007); size a "
                                            "caricature"),
            "spindle.gain": (1.5, "caricature: a moderately brisker reflex")}),
        protocol=stretch_protocol(100.0), duration_s=3.0,
        measurements=("reflex", "conduction", "strength")),
    Scenario(
        name="diabetic_neuropathy", title="Diabetic neuropathy: nerve conduction study",
        category="condition",
        description="Long-standing diabetes: conduction slows by about 16 %, almost half of "
                    "the motor axons and most Ia afferents are lost. M-waves are smaller and "
                    "later, the H-reflex is small and late.",
        mechanism="Demyelination (slowing) and axonal loss (smaller responses), sensory fibres "
                  "worst.",
        learning_goal="How nerve damage shows in a nerve conduction study: latency, amplitude, "
                      "velocity.",
        caveat=_CAVEAT + " Real diabetic neuropathy is length-dependent and mostly sensory.",
        **_levers(_DIABETIC_L), protocol=conduction_protocol(), duration_s=13.2,
        measurements=("conduction",)),
    Scenario(
        name="muscle_cramp", title="Muscle cramp from hyperexcitable motor axons",
        category="condition",
        description="Half of the motor axons discharge ectopically near their terminals, each "
                    "at about 15 Hz with the semi-regular rhythm of recorded cramp discharges. "
                    "The muscle contracts without any command from the spinal cord.",
        mechanism="Ectopic discharges of hyperexcitable distal axons drive muscle units directly; "
                  "each axon's excitability recovers after every discharge, which paces them.",
        learning_goal="Involuntary contraction can start in the peripheral nerve, not the cord: "
                      "the motor neurons stay silent.",
        caveat=_CAVEAT + " Real cramps involve spinal and peripheral mechanisms.",
        **_levers({
            "nerve.ectopic_rate_hz": (14.5, "cramp units fire 14.5 ± 5.1 pps, ISI CV ≈ 0.45 "
                                            "(Minetto et al. 2009, J Neurophysiol 102:1890)"),
            "nerve.ectopic_fraction": (0.5, "caricature: half the axons hyperexcitable")}),
        protocol=Protocol(Noise()), duration_s=4.0,
        measurements=("spontaneous", "needle")),
    Scenario(
        name="baclofen_like", title="Spinal cord injury treated with a baclofen-like drug",
        category="treatment",
        description="The spinal-cord-injury scenario with presynaptic inhibition of afferent "
                    "terminals restored and enhanced, as a GABA-B agonist would. Less of the "
                    "volley reaches the pool, fewer units are triggered and the spasm is "
                    "smaller and shorter — while voluntary force stays about what it was in "
                    "the (weak) injured limb: the drug does not restore the lost descending "
                    "drive, and takes little of what is left.",
        mechanism="More presynaptic inhibition gates afferent input, not the descending command.",
        learning_goal="A treatment can target the trigger (afferent input) without weakening "
                      "voluntary contraction.",
        caveat=_CAVEAT + " Real baclofen also causes drowsiness and some weakness; dosing is "
                         "not modelled. Not medical advice.",
        **_levers(_SCI_L, {"inhibition.presynaptic": (
            1.3, "baclofen (GABA-B agonist) depresses Ia transmission presynaptically; "
                 "reflexes fall, voluntary strength not consistently (Chu, Hornby & Schmit "
                 "2014, Arch Phys Med Rehabil 95:622); 1.3 a caricature")}),
        protocol=spasm_test_protocol(), duration_s=8.0,
        measurements=("spasm", "strength"), treats="spinal_cord_injury"),
]

_SCENARIOS += [
    Scenario(
        name="tizanidine_like", title="Stroke-like spasticity treated with a tizanidine-like drug",
        category="treatment",
        description="The stroke-like lesion with less excitation through spinal interneurons "
                    "(an α2-agonist caricature). Passive stretch of the ankle: the reflex "
                    "torque is smaller than untreated.",
        mechanism="Less polysynaptic (interneuronal) excitation of the motor neurons.",
        learning_goal="Compare the stretch-evoked torque with the untreated stroke-like limb.",
        caveat=_CAVEAT + " Real tizanidine also sedates and lowers blood pressure. Not medical "
                         "advice.",
        **_levers(_STROKE_L, {"inhibition.interneuron_weight": (
            0.0, "α2-agonist: less polysynaptic excitation; stretch-evoked torque down 15–60 % "
                 "(Mirbagheri, Chen & Rymer 2010, J NeuroEng Rehabil 7:29); removing it all "
                 "is a caricature")}),
        protocol=stretch_protocol(100.0), duration_s=3.0,
        measurements=("reflex", "clonus"), treats="stroke_like"),
]


_JUNCTION_CAVEAT = (_CAVEAT + " One representative endplate per motor unit stands for all "
                    "its fibres.")

_SCENARIOS += [
    Scenario(
        name="junction_train", title="Neuromuscular junction: single shock and 3 Hz train",
        category="experiment",
        description="Ten supramaximal nerve shocks at 3 Hz. Each releases tens of quanta of "
                    "acetylcholine; the endplate potential is several times larger than "
                    "needed, so every nerve impulse gives exactly one fibre action potential "
                    "even as release depresses during the train.",
        mechanism="Quantal release, AChE clearance, receptor opening, safety factor.",
        learning_goal="Read the endplate potential, its safety factor and the one-to-one relay.",
        caveat=_JUNCTION_CAVEAT, protocol=train_protocol(3.0, 10), duration_s=3.5,
        measurements=("junction", "decrement")),
    Scenario(
        name="ache_inhibition_mild", title="Mild AChE inhibition (neostigmine-like)",
        category="treatment",
        description="AChE activity halved, as a therapeutic dose of a neostigmine-like drug "
                    "would. Acetylcholine lingers a little longer, so the endplate potential "
                    "is larger (safety factor about 4.3 instead of 3.3) and slightly longer: "
                    "transmission is more secure (used to help myasthenic muscles), still one "
                    "fibre AP per nerve impulse. Enough AChE remains around the endplate to "
                    "clear the ACh that escapes, so even fast trains are relayed one-to-one.",
        mechanism="Slower ACh removal → larger, longer EPP → higher safety factor.",
        learning_goal="Why a small AChE inhibition helps a failing junction.",
        caveat=_JUNCTION_CAVEAT + " Not medical advice.",
        **_levers({"junction.ache_activity": (0.5, "caricature of a therapeutic dose; "
                                                   "an acute inhibitor prolongs the endplate "
                                                   "current by +76 % in mice (Adler et al. "
                                                   "2011)")}),
        protocol=train_protocol(3.0, 10),
        duration_s=3.5,
        measurements=("junction", "decrement")),
    Scenario(
        name="ache_inhibition_severe",
        title="Severe AChE inhibition (organophosphate-poisoning-like physiology)",
        category="condition",
        description="AChE activity down to 5 %. At rest, lingering ACh from spontaneous quanta "
                    "fires nerve terminals: fasciculations. Then a 30 Hz nerve train: the first "
                    "impulse fires most fibres twice, but the ACh that escapes the cleft is no "
                    "longer destroyed around the endplate — it accumulates from impulse to "
                    "impulse, the endplate no longer repolarises between impulses, Na⁺ channels "
                    "inactivate, and more and more fibres stop firing: force peaks about 0.2 s "
                    "into the train and then falls (depolarisation block).",
        mechanism="Excess ACh: prolonged EPPs → repetitive firing, fasciculation; in a fast "
                  "train the lingering ACh sums → sustained depolarisation → Na⁺ inactivation "
                  "→ depolarisation block and weakness.",
        learning_goal="Too much acetylcholine first excites, then paralyses.",
        caveat=_JUNCTION_CAVEAT + " Physiology only; poisoning needs emergency care.",
        **_levers({"junction.ache_activity": (0.05, "caricature: near-complete "
                                                    "inhibition, as in poisoning (Katz & "
                                                    "Miledi 1973 for complete block)")}),
        protocol=Protocol(NerveStimulation(times_s=tuple(1.5 + k / 30 for k in range(30)),
                                           intensity_mA=60.0)),
        duration_s=3.0,
        measurements=("junction", "spontaneous", "needle")),
    Scenario(
        name="myasthenia_like", title="Myasthenia-like: too few ACh receptors",
        category="condition",
        description="ACh receptors reduced to a quarter. The endplate potential barely exceeds "
                    "threshold; as release depresses during a 3 Hz train some fibres fail, so "
                    "the compound muscle action potential decrements.",
        mechanism="Low receptor density → low safety factor → failures with depression.",
        learning_goal="The decrement on repetitive nerve stimulation, and why it appears.",
        caveat=_JUNCTION_CAVEAT + " Real myasthenia is autoimmune and fluctuates.",
        **_levers({"junction.receptor_density": (0.25, "myasthenia: fewer AChRs lower the "
                                                       "safety factor; a quarter is a "
                                                       "caricature")}),
        protocol=train_protocol(3.0, 10),
        duration_s=3.5,
        measurements=("decrement", "junction")),
    Scenario(
        name="low_magnesium_calcium", title="Low calcium and magnesium: cramps and twitches",
        category="condition",
        description="Ionised calcium and magnesium are low. Release per impulse falls, but "
                    "motor axons become hyperexcitable and fire by themselves: twitches, "
                    "cramps, a tendency to tetany — with the spinal cord silent.",
        mechanism="Low Ca²⁺/Mg²⁺ lower the axonal threshold (ectopic firing) and release.",
        learning_goal="Electrolytes act on nerve and junction, not only on the spinal cord.",
        caveat=_JUNCTION_CAVEAT + " Not medical advice.",
        **_levers({"junction.calcium_mM": (0.8, "below the 1.1–1.3 mM ionised-Ca²⁺ "
                                                "reference range (Tietz Textbook of Clinical "
                                                "Chemistry)"),
                   "junction.magnesium_mM": (0.5, "below the 0.7–1.0 mM serum-Mg²⁺ reference "
                                                  "range (Tietz)")}),
        protocol=Protocol(Noise()), duration_s=4.0,
        measurements=("spontaneous", "junction")),
    Scenario(
        name="botulinum_toxin", title="Spinal cord injury treated with botulinum toxin",
        category="treatment",
        description="The spinal-cord-injury spasm, with botulinum toxin injected into the "
                    "muscle: each nerve impulse releases fewer quanta, many fibres fail, and "
                    "the same spasm produces much less force — although the spinal cord "
                    "fires just as before.",
        mechanism="Less ACh release at the injected muscle's junctions (lower quantal content).",
        learning_goal="A peripheral treatment: the spasm's neural drive is unchanged, its force "
                      "is not.",
        caveat=_JUNCTION_CAVEAT + " Real injections are local and wear off over months. "
                                  "Not medical advice.",
        **_levers(_SCI_L, {"junction.quantal_scale": (
            0.3, "botulinum toxin cleaves SNARE proteins and blocks ACh release (Montecucco & "
                 "Schiavo 1994, Mol Microbiol 13:1); 0.3 a caricature of one dose")}),
        protocol=spasm_test_protocol(), duration_s=8.0,
        measurements=("spasm", "junction"), treats="spinal_cord_injury"),
]

# --------------------------------------------------------------------------- issue 18:
# every condition and treatment of the source texts. Conditions first, then treatments
# that name the condition they treat.
_NOT_ADVICE = " Not medical advice."
_ALS_L = {
    "nerve.motor_axon_survival": (0.45, "lower motor neurons degenerate in ALS and their "
                                        "muscles atrophy (Brown & Al-Chalabi 2017, N Engl J "
                                        "Med 377:162); more than half lost, 0.45, a "
                                        "caricature"),
    "nerve.ectopic_rate_hz": (1.0, "caricature: fasciculations, spontaneous whole-unit "
                                   "discharges of irritable lower motor neurons (Brown & "
                                   "Al-Chalabi 2017), irregular and slow (Preston & Shapiro); "
                                   "1 Hz is at the fast end, to be seen in a 4 s recording"),
    "nerve.ectopic_fraction": (0.3, "caricature: a minority of hyperexcitable axons"),
    "inhibition.descending": (0.4, "upper-motor-neuron loss: descending inhibition falls "
                                   "(Lance 1980); size a caricature"),
    "spindle.gain": (2.0, "caricature: the brisk reflexes of the upper-motor-neuron sign")}
_GBS_L = {
    "nerve.demyelination_slowing": (0.4, "acute inflammatory demyelination slows conduction "
                                         "(Willison, Jacobs & van Doorn 2016, Lancet 388:717); "
                                         "40 % a caricature"),
    "nerve.conduction_block": (0.5, "conduction block is a hallmark of demyelinating GBS "
                                    "(Willison et al. 2016); half the axons a caricature"),
    "nerve.afferent_survival": (0.5, "caricature: reflexes are lost early in GBS; here by "
                                     "losing half the Ia afferents")}
_COMPRESSION_L = {
    "nerve.conduction_block": (0.6, "caricature: focal compression blocks conduction in many "
                                    "axons (neurapraxia) between the stimulation sites"),
    "nerve.demyelination_slowing": (0.1, "caricature: mild slowing from focal demyelination "
                                         "under the compression")}
_CRAMP_L = {
    "nerve.ectopic_rate_hz": (8.0, "caricature: cramp discharges 6–25 pps (Minetto et al. "
                                   "2009, J Neurophysiol 102:1890), the slow end"),
    "nerve.ectopic_fraction": (0.05, "caricature: a few fatigued, hyperexcitable axons")}
_STRESS_L = {
    "spindle.fusimotor_bias_hz": (15.0, "caricature: arousal raises fusimotor (γ) drive "
                                        "through sympathetic and descending routes, one "
                                        "proposed link of stress and muscle tension"),
    "descending.tonic_drive": (0.01, "caricature: a little tonic descending excitation, the "
                                     "tense, aroused limb"),
    "pic.strength": (0.4, "serotonin and noradrenaline from the brainstem increase "
                          "motoneuron PICs (Heckman, Gorassini & Bennett 2005, Muscle Nerve "
                          "31:135); that arousal raises them, and 0.4, are caricatures")}
_LOW_MG_L = {"junction.magnesium_mM": (0.35, "severe hypomagnesaemia, far below the 0.7–1.0 "
                                             "mM reference range (Tietz), where cramps and "
                                             "tetany appear")}

_SCENARIOS += [
    Scenario(
        name="traumatic_nerve_injury", title="Traumatic nerve injury: a partial lesion",
        category="condition",
        description="A partial injury of the tibial nerve above the proximal stimulation "
                    "site: half the motor axons and half the Ia afferents are cut, and half "
                    "of those left are blocked at the injury (neurapraxia). The nerve "
                    "conduction study shows smaller M-waves, and a proximal M-wave smaller "
                    "still; the limb is weak.",
        mechanism="Axon loss (axonotmesis) removes motor units from every test; conduction "
                  "block silences axons that are still intact below the injury.",
        learning_goal="Tell a block (proximal response smaller than distal, recovers) from "
                      "axon loss (both responses small) in a nerve conduction study.",
        caveat=_CAVEAT + " Regeneration over time (~1–3 mm/day), denervation potentials and "
                         "reinnervation are a later part of the model: this is one moment "
                         "after the injury, not its course.",
        **_levers({
            "nerve.motor_axon_survival": (0.5, "caricature: a partial lesion cutting half the "
                                               "motor axons"),
            "nerve.afferent_survival": (0.5, "caricature: the same lesion cuts half the Ia "
                                             "afferents (mixed nerve)"),
            "nerve.conduction_block": (0.5, "caricature: half the surviving axons blocked at "
                                            "the injury (neurapraxia)")}),
        protocol=conduction_protocol(), duration_s=13.2,
        measurements=("conduction", "strength", "needle")),
    Scenario(
        name="als_like", title="ALS-like: upper and lower motor neurons lost",
        category="condition",
        description="Motor neuron disease caricatured: more than half the motor axons are "
                    "gone (lower motor neuron), a minority of the rest discharge by "
                    "themselves (fasciculations at rest), and descending control is damaged "
                    "(upper motor neuron): the stretch reflex is brisker than healthy although "
                    "the muscle has lost more than half its units, and the limb is weak.",
        mechanism="Lower-motor-neuron loss (fewer units, smaller M-wave), hyperexcitable motor "
                  "axons (fasciculations) and upper-motor-neuron signs (less descending "
                  "inhibition, brisker reflexes) at the same time.",
        learning_goal="ALS mixes signs that usually exclude each other: hyperreflexia in a "
                      "wasting muscle, with fasciculations at rest.",
        caveat=_CAVEAT + " Fibrillations, reinnervation (surviving units growing larger) and "
                         "progression over months are a later part of the model; the muscle "
                         "here has simply lost units.",
        **_levers(_ALS_L), protocol=stretch_protocol(100.0), duration_s=3.0,
        measurements=("reflex", "spontaneous", "strength", "conduction", "needle")),
    Scenario(
        name="toxic_neuropathy", title="Alcohol-related (toxic) neuropathy",
        category="condition",
        description="A length-dependent, mainly axonal and sensory neuropathy, as after "
                    "long alcohol misuse or other neurotoxins: most Ia afferents and some "
                    "motor axons are lost, conduction is only slightly slower. The H-reflex "
                    "and the stretch reflex shrink; the M-wave is somewhat smaller.",
        mechanism="Axonal loss, sensory worse than motor; little demyelination.",
        learning_goal="An axonal neuropathy lowers amplitudes more than velocities, and "
                      "takes the reflexes with its sensory fibres.",
        caveat=_CAVEAT + " The model has only Ia afferents: no pain, touch or sensory nerve "
                         "study, no length dependence, no nutrition (thiamine) or recovery "
                         "with abstinence.",
        **_levers({
            "nerve.afferent_survival": (0.3, "sensory axons lost most in alcohol-related "
                                             "neuropathy (Koike et al. 2003, Ann Neurol "
                                             "54:19); 0.3 a caricature"),
            "nerve.motor_axon_survival": (0.7, "caricature: milder motor axon loss"),
            "nerve.demyelination_slowing": (0.06, "caricature: axonal neuropathies slow "
                                                  "conduction only a little")}),
        protocol=conduction_protocol(), duration_s=13.2,
        measurements=("conduction", "reflex", "needle")),
    Scenario(
        name="guillain_barre_like", title="Guillain–Barré-like: after an infection",
        category="condition",
        description="Days to weeks after an infection the immune system attacks peripheral "
                    "myelin: conduction slows by 40 %, half the axons are blocked and the "
                    "reflexes fade. The nerve conduction study shows slow velocities and a "
                    "proximal M-wave much smaller than the distal one; the limb is weak.",
        mechanism="Acute demyelination: slowing and conduction block, reflexes lost.",
        learning_goal="A demyelinating picture: velocity and block change more than the "
                      "distal amplitude — unlike an axonal neuropathy.",
        caveat=_CAVEAT + " This one scenario stands for the infection-related neuropathies "
                         "of the source texts: Guillain–Barré syndrome after an infection is "
                         "the demyelinating picture shown here; Lyme disease (radiculitis, "
                         "facial palsy) and HIV (mainly a distal axonal, sensory neuropathy — "
                         "closer to toxic_neuropathy) would pull the same nerve levers in "
                         "other proportions; shingles is a sensory ganglionitis with pain the "
                         "model has no place for. The model cannot show the infection, the "
                         "immune response, the time course, pain, autonomic or breathing "
                         "involvement." + _NOT_ADVICE,
        **_levers(_GBS_L), protocol=conduction_protocol(), duration_s=13.2,
        measurements=("conduction", "reflex", "strength", "needle")),
    Scenario(
        name="peripheral_neuropathy", title="Peripheral neuropathy (generic)",
        category="condition",
        description="A mixed peripheral neuropathy of unspecified cause: some slowing, a "
                    "third of the motor axons and most Ia afferents lost. Smaller, slower "
                    "M-waves, a weak H-reflex and a smaller stretch reflex.",
        mechanism="Demyelination (slowing) and axonal loss, sensory fibres worst.",
        learning_goal="The common pattern of many neuropathies: reflexes fade and amplitudes "
                      "fall before strength does.",
        caveat=_CAVEAT + " Real neuropathies differ by cause (diabetic, toxic, inherited, "
                         "immune); see the specific scenarios.",
        **_levers({
            "nerve.demyelination_slowing": (0.1, "caricature: a mild mixed neuropathy, "
                                                 "between the axonal and the diabetic ones"),
            "nerve.motor_axon_survival": (0.65, "caricature: a third of the motor axons lost"),
            "nerve.afferent_survival": (0.45, "caricature: sensory fibres lost more than "
                                              "motor, as in most neuropathies")}),
        protocol=conduction_protocol(), duration_s=13.2,
        measurements=("conduction", "reflex", "needle")),
    Scenario(
        name="parkinsons_like", title="Parkinson's-like rigidity: lead-pipe resistance",
        category="condition",
        description="A steady descending drive keeps the 'relaxed' muscle slightly active and "
                    "the spindles' velocity sensitivity is low. The examiner feels a "
                    "resistance that is about the same at slow and fast stretches — lead-pipe "
                    "rigidity — unlike stroke-like spasticity, whose reflex torque grows "
                    "several-fold from 10 to 100 °/s.",
        mechanism="Tonic (not stretch-evoked) drive to the pool: resistance that does not "
                  "depend on stretch velocity.",
        learning_goal="The bedside contrast: rigidity is velocity-independent, spasticity "
                      "velocity-dependent (Lance 1980). Stretch at 10, 40 and 100 °/s.",
        caveat=_CAVEAT + " Rigidity comes from the basal ganglia and long-latency "
                         "(transcortical) reflexes, which the model does not have: one steady "
                         "current stands for them. No tremor, bradykinesia or cogwheeling.",
        **_levers({
            "descending.tonic_drive": (0.04, "muscle activity when trying to relax and "
                                             "enlarged long-latency reflexes in parkinsonian "
                                             "rigidity (Berardelli, Sabra & Hallett 1983, J "
                                             "Neurol Neurosurg Psychiatry 46:45; Lee & Tatton "
                                             "1975); 0.04 a caricature"),
            "spindle.gain": (0.3, "rigidity is velocity-independent, unlike spasticity "
                                  "(Lance 1980); caricature: a low dynamic sensitivity")}),
        protocol=stretch_protocol(40.0), duration_s=3.0,
        measurements=("reflex",)),
    Scenario(
        name="dehydration_cramp", title="Exercise-associated (dehydration) cramp",
        category="condition",
        description="After long exercise in the heat, a few fatigued motor axons discharge by "
                    "themselves at about 8 Hz: the calf twitches and cramps at rest while the "
                    "spinal cord stays silent.",
        mechanism="Hyperexcitable distal motor axons fire ectopically and drive their units.",
        learning_goal="A cramp can start in the nerve; rest, fluids and stretching act there.",
        caveat=_CAVEAT + " Why exercise cramps happen is debated: dehydration and electrolyte "
                         "loss, or altered spinal control from fatigue (more spindle, less "
                         "tendon-organ input; Schwellnus 2009, Br J Sports Med). The "
                         "model shows only the peripheral part." + _NOT_ADVICE,
        **_levers(_CRAMP_L), protocol=Protocol(Noise()), duration_s=4.0,
        measurements=("spontaneous", "needle")),
    Scenario(
        name="low_magnesium", title="Low magnesium alone: twitches",
        category="condition",
        description="Serum magnesium far below normal with calcium normal: motor axons "
                    "become hyperexcitable and discharge now and then by themselves "
                    "(twitches), and each nerve impulse releases a little more acetylcholine.",
        mechanism="Less Mg²⁺ screening the axon membrane lowers its threshold (ectopic "
                  "firing); less Mg²⁺ competing with Ca²⁺ raises release.",
        learning_goal="Magnesium alone acts weaker than calcium on the axon (compare "
                      "low_magnesium_calcium): a deficit must be severe to show.",
        caveat=_JUNCTION_CAVEAT + " Separate from low_magnesium_calcium because the texts "
                                  "name magnesium alone and it has its own treatment; real "
                                  "hypomagnesaemia usually lowers calcium too." + _NOT_ADVICE,
        **_levers(_LOW_MG_L), protocol=Protocol(Noise()), duration_s=4.0,
        measurements=("spontaneous", "junction")),
    Scenario(
        name="stress_arousal", title="Stress and arousal: a tense, twitchy limb",
        category="condition",
        description="Arousal raises fusimotor drive, adds a little tonic descending "
                    "excitation and enlarges the motor neurons' persistent inward currents "
                    "(brainstem monoamines). The same sensory volley recruits more units and "
                    "leaves longer firing; stretch reflexes are brisker.",
        mechanism="More excitable spindles and motor neurons, with inhibition intact.",
        learning_goal="Excitability is not fixed: state of mind acts on the same levers as "
                      "disease, in smaller steps.",
        caveat=_CAVEAT + " Stress acts through many routes (breathing, posture, sleep); the "
                         "model shows only raised spinal excitability.",
        **_levers(_STRESS_L), protocol=spasm_test_protocol(), duration_s=8.0,
        measurements=("spasm", "reflex")),
    Scenario(
        name="nerve_compression", title="Compressive neuropathy (entrapment)",
        category="condition",
        description="A nerve compressed between the stimulation sites (an entrapment, or a "
                    "root squeezed by a disc): many axons are blocked under the compression "
                    "and conduction slows a little. Shocks below the compression give a normal "
                    "M-wave, shocks above it a much smaller one; the limb is weak.",
        mechanism="Focal conduction block with mild demyelination; the axons are intact.",
        learning_goal="A focal block shows as a proximal response smaller than the distal.",
        caveat=_CAVEAT + " Long compression also kills axons, which decompression cannot "
                         "bring back.",
        **_levers(_COMPRESSION_L), protocol=conduction_protocol(), duration_s=13.2,
        measurements=("conduction", "strength")),
    Scenario(
        name="tetanus_like", title="Tetanus-like: a toxin silences inhibition",
        category="condition",
        description="Tetanus toxin, made by a wound infection, blocks release from spinal "
                    "inhibitory interneurons: Renshaw, reciprocal and presynaptic inhibition "
                    "are cut. The volley excites far more units — but without large persistent "
                    "inward currents no spasm lasts seconds.",
        mechanism="Loss of inhibitory transmission in the cord (disinhibition).",
        learning_goal="Disinhibition alone gives large responses; the model needs PICs as "
                      "well for lasting spasms (notebook 06, exercise 06.3).",
        caveat=_CAVEAT + " Real tetanus gives violent spasms and autonomic storms and needs "
                         "emergency care.",
        **_levers({
            "inhibition.recurrent": (0.2, "tetanus toxin blocks glycine/GABA release from "
                                          "spinal inhibitory interneurons (Farrar et al. 2000, "
                                          "J Neurol Neurosurg Psychiatry); 0.2 a caricature"),
            "inhibition.reciprocal": (0.1, "same source; 0.1 a caricature"),
            "inhibition.presynaptic": (0.2, "same source; 0.2 a caricature")}),
        protocol=spasm_test_protocol(), duration_s=8.0,
        measurements=("spasm", "reflex")),
    Scenario(
        name="high_magnesium", title="High magnesium: release fails",
        category="condition",
        description="Magnesium well above normal competes with calcium at the nerve terminal: "
                    "each impulse releases fewer quanta, the endplate potential falls towards "
                    "threshold and force is lost — while the cord fires as usual.",
        mechanism="Mg²⁺ competes with Ca²⁺ for release (Dodge & Rahamimoff 1967).",
        learning_goal="Electrolytes can weaken a muscle at the junction.",
        caveat=_JUNCTION_CAVEAT + _NOT_ADVICE,
        **_levers({"junction.magnesium_mM": (1.8, "caricature: about twice the upper "
                                                  "reference limit (Tietz), as in Mg²⁺ "
                                                  "overdose")}),
        protocol=train_protocol(3.0, 10), duration_s=3.5,
        measurements=("junction", "decrement")),
]


def _sci_treatment(name, title, description, mechanism, learning_goal, caveat, levers,
                   measurements=("spasm",)):
    return Scenario(name=name, title=title, category="treatment", description=description,
                    mechanism=mechanism, learning_goal=learning_goal,
                    caveat=_CAVEAT + " " + caveat + _NOT_ADVICE, **_levers(_SCI_L, levers),
                    protocol=spasm_test_protocol(), duration_s=8.0,
                    measurements=measurements, treats="spinal_cord_injury")


_SCENARIOS += [
    _sci_treatment(
        "anticonvulsant_pic_like", "Spinal cord injury treated with a Na⁺-channel anti-seizure drug",
        "Anti-seizure drugs that block the persistent sodium current (riluzole- or "
        "phenytoin-like) shrink the motor neurons' persistent inward currents. The volley "
        "still excites the injured cord, but the firing stops much sooner: the spasm is "
        "shorter.",
        "Smaller PICs (persistent Na⁺ current) → less self-sustained firing.",
        "Lever 1 of anti-seizure drugs: act on the motor neuron's own amplifier, not on the "
        "input.",
        "The PIC is Na⁺ and Ca²⁺; real drugs act on every neuron and cause dizziness and "
        "drowsiness.",
        {"pic.strength": (0.5, "a persistent Na⁺ current is part of the motoneurons' PICs in "
                               "spinal rats (Harvey, Li, Li & Bennett 2006, J Neurophysiol "
                               "96:1141); riluzole, which blocks it, reduced spastic flexion "
                               "reflexes after human SCI (Theiss et al. 2011, J Neurophysiol "
                               "105:2781); halving it a caricature")}),
    _sci_treatment(
        "gabapentinoid_like", "Spinal cord injury treated with a gabapentinoid",
        "Gabapentin and pregabalin bind the α2δ subunit of calcium channels and reduce "
        "transmitter release at excitatory synapses: less of the volley reaches the pool "
        "directly (Ia) and through interneurons. Fewer units are triggered; the spasm is "
        "smaller.",
        "Reduced release at excitatory spinal synapses (α2δ), upstream of the PICs.",
        "Lever 2 of anti-seizure drugs: turn down the input, not the amplifier.",
        "Gabapentinoids' effect on spasticity is modest in trials; a proposed effect on "
        "motoneuron PICs is not modelled.",
        {"spindle.ia_weight_nA_per_hz": (0.1, "α2δ ligands reduce calcium entry and "
                                              "transmitter release (review: Alles, Cain & "
                                              "Snutch 2020, Front Cell Neurosci 14:83); two "
                                              "thirds of the Ia weight a caricature"),
         "inhibition.interneuron_weight": (0.2, "same mechanism at the interneurons' "
                                                "synapses; two thirds a caricature")}),
    _sci_treatment(
        "diazepam_like", "Spinal cord injury treated with a diazepam-like drug",
        "A benzodiazepine enhances GABA-A receptors: presynaptic inhibition of the afferent "
        "terminals (a GABA-A effect) comes partly back and the spasm shrinks — but the drug "
        "also sedates: the descending drive that is left is smaller, and the weak limb is "
        "weaker still.",
        "More GABA-A presynaptic inhibition (treatment) and less descending drive (sedation, "
        "side effect).",
        "A treatment's side effect can be measured with the same tests: compare voluntary "
        "strength with the untreated limb.",
        "Real benzodiazepines cause tolerance and dependence; dosing is not modelled.",
        {"inhibition.presynaptic": (0.7, "primary-afferent depolarisation is GABA-A "
                                         "mediated and benzodiazepines enhance it (Nielsen, "
                                         "Crone & Hultborn 2007); 0.7 a caricature"),
         "descending.voluntary_drive": (0.07, "caricature: sedation lowers the drive that "
                                              "reaches the pool, 70 % of the untreated 0.1")},
        measurements=("spasm", "strength")),
    _sci_treatment(
        "baclofen_oral", "Spinal cord injury treated with oral baclofen",
        "Baclofen by mouth: little crosses into the spinal fluid, so presynaptic inhibition "
        "returns only part of the way, while the drug in the brain sedates. The spasm "
        "shrinks less than with the intrathecal pump, and the weak limb gets weaker.",
        "GABA-B presynaptic inhibition (partly restored) plus sedation (less descending "
        "drive).",
        "Route matters: the same drug at the same target, in different amounts, with "
        "different side effects.",
        "Doses, tolerance and withdrawal are not modelled.",
        {"inhibition.presynaptic": (0.7, "oral baclofen reaches the spinal fluid poorly "
                                         "(plasma and CSF levels at therapeutic oral doses: "
                                         "Knutsson, Lindblom & Mårtensson 1974, J Neurol Sci "
                                         "23:473); 0.7 a caricature"),
         "descending.voluntary_drive": (0.08, "caricature: drowsiness and weakness, the "
                                              "usual limits of oral dosing")},
        measurements=("spasm", "strength")),
    _sci_treatment(
        "baclofen_intrathecal", "Spinal cord injury treated with intrathecal baclofen",
        "Baclofen pumped into the spinal fluid acts on the cord at a fraction of the oral "
        "dose: presynaptic inhibition is enhanced beyond healthy, the spasm is much smaller, "
        "and the brain is spared — no sedation, voluntary force stays what it was.",
        "Strong GABA-B presynaptic inhibition of afferent terminals, without sedation.",
        "Compare with baclofen_oral: a stronger spinal effect with fewer side effects.",
        "Pump surgery, overdose and withdrawal risks are not modelled.",
        {"inhibition.presynaptic": (1.6, "intrathecal baclofen lowered tone in all 20 and "
                                         "spasms in 18 of 19 patients whom oral baclofen had "
                                         "not helped, without drowsiness (Penn et al. 1989, N "
                                         "Engl J Med 320:1517); the lever's maximum a "
                                         "caricature")},
        measurements=("spasm", "strength")),
    _sci_treatment(
        "spinal_cord_stimulation", "Spinal cord injury treated with spinal-cord stimulation",
        "Stimulating the dorsal roots (transcutaneously or with an implant) raises the tone "
        "of segmental inhibitory circuits: reciprocal, presynaptic and descending-like "
        "inhibition come partly back, and the spasm shrinks for hours after a session.",
        "Neuromodulation: raised inhibitory-interneuron tone in the segment.",
        "A treatment without a drug: electricity recruits the cord's own inhibition.",
        "How electrodes recruit fibres, frequency, intensity and carry-over are not "
        "modelled.",
        {"inhibition.reciprocal": (0.6, "30 min of 50 Hz transcutaneous stimulation reduced "
                                        "spasticity in incomplete SCI (Hofstoetter et al. 2014, "
                                        "J Spinal Cord Med); raised inhibitory tone is a "
                                        "caricature"),
         "inhibition.presynaptic": (0.6, "same source; 0.6 a caricature"),
         "inhibition.descending": (0.6, "same source; caricature: the stimulated segment's "
                                        "tonic inhibition")}),
]

_SCENARIOS += [
    Scenario(
        name="physical_therapy", title="Stroke-like spasticity treated with physical therapy",
        category="treatment",
        description="Weeks of stretching and training after a stroke-like lesion, "
                    "caricatured: the ankle is less stiff, the spindles less sensitive (their "
                    "set-point reset by stretching), and training recruits more of the "
                    "remaining descending drive. Stretches meet less resistance; voluntary "
                    "force rises.",
        mechanism="Passive stiffness and spindle sensitivity down (stretching); voluntary "
                  "drive up (strengthening).",
        learning_goal="Physical therapy acts on the limb and spindle, and is the one "
                      "treatment here that makes the limb stronger.",
        caveat=_CAVEAT + " The model has no plasticity: weeks of training are a step change "
                         "of levers." + _NOT_ADVICE,
        **_levers(_STROKE_L, {
            "spindle.gain": (2.0, "caricature: stretching lowers stretch-reflex excitability "
                                  "(a spindle set-point reset); half the stroke-like gain"),
            "limb.passive_stiffness_Nm_per_rad": (15.0, "caricature: stretching reduces "
                                                        "passive ankle stiffness"),
            "descending.voluntary_drive": (0.2, "caricature: strength training raises "
                                                "voluntary activation of the remaining "
                                                "pathway")}),
        protocol=stretch_protocol(100.0), duration_s=3.0,
        measurements=("reflex", "strength", "clonus"), treats="stroke_like"),
    Scenario(
        name="selective_dorsal_rhizotomy",
        title="Stroke-like spasticity treated with selective dorsal rhizotomy",
        category="treatment",
        description="A surgeon cuts a part of the dorsal (sensory) rootlets: most Ia "
                    "afferents no longer reach the cord. Most of the spastic reflex and the "
                    "clonus go — and so does much of the normal reflex: the H-reflex, the "
                    "pure monosynaptic reflex, is now smaller than a healthy one's.",
        mechanism="Afferent section: the loop's input is cut, not its gain.",
        learning_goal="What a treatment takes away with the symptom: the stretch reflex "
                      "itself.",
        caveat=_CAVEAT + " Rhizotomy is done mainly in children with cerebral palsy; "
                         "sensory loss and the choice of rootlets are not modelled."
                + _NOT_ADVICE,
        **_levers(_STROKE_L, {"nerve.afferent_survival": (
            0.25, "selective dorsal rhizotomy cuts a share of the lumbosacral dorsal "
                  "rootlets, 20–40 % in a Danish series (Illum et al. 2006, Ugeskr Laeger; "
                  "outcomes: Peacock & Staudt 1991); 0.25 surviving is a caricature far "
                  "deeper than that")}),
        protocol=stretch_protocol(100.0), duration_s=3.0,
        measurements=("reflex", "clonus", "conduction"), treats="stroke_like"),
    Scenario(
        name="decompression_surgery", title="Compressive neuropathy treated by decompression",
        category="treatment",
        description="The compression is relieved: the blocked axons conduct again, the "
                    "proximal M-wave comes back to the distal one and strength returns; a "
                    "little slowing remains while the myelin repairs.",
        mechanism="Conduction block relieved; the axons were intact, so they work again.",
        learning_goal="Block recovers; lost axons would not.",
        caveat=_CAVEAT + " Surgical risk and the weeks of remyelination are not modelled."
                + _NOT_ADVICE,
        **_levers({
            "nerve.conduction_block": (0.05, "caricature: decompression relieves most of a "
                                             "neurapraxic block"),
            "nerve.demyelination_slowing": (0.05, "caricature: slowing half-recovered, "
                                                  "remyelination takes weeks")}),
        protocol=conduction_protocol(), duration_s=13.2,
        measurements=("conduction", "strength"), treats="nerve_compression"),
    Scenario(
        name="hydration_and_magnesium", title="Exercise cramp treated with rest, fluids and "
                                              "magnesium",
        category="treatment",
        description="Rest, fluids and electrolytes: the fatigued axons calm down and "
                    "discharge rarely; twitching and cramp force fade.",
        mechanism="Less ectopic axonal firing.",
        learning_goal="Compare the rest recording with the untreated cramp.",
        caveat=_CAVEAT + " The evidence that fluids or magnesium prevent exercise cramps is "
                         "weak (Schwellnus 2009); stretching the cramping muscle works "
                         "faster." + _NOT_ADVICE,
        **_levers(_CRAMP_L, {"nerve.ectopic_rate_hz": (
            1.0, "caricature: recovered axons discharge rarely")}),
        protocol=Protocol(Noise()), duration_s=4.0,
        measurements=("spontaneous",), treats="dehydration_cramp"),
    Scenario(
        name="magnesium_repletion", title="Low magnesium treated with magnesium",
        category="treatment",
        description="Magnesium brought back into the low normal range: the axons' threshold "
                    "rises again and the twitches stop.",
        mechanism="Mg²⁺ restored → axonal threshold back to normal.",
        learning_goal="Treat the cause: the spontaneous discharges vanish.",
        caveat=_JUNCTION_CAVEAT + _NOT_ADVICE,
        **_levers({"junction.magnesium_mM": (0.7, "the lower limit of the 0.7–1.0 mM "
                                                  "reference range (Tietz)")}),
        protocol=Protocol(Noise()), duration_s=4.0,
        measurements=("spontaneous",), treats="low_magnesium"),
    Scenario(
        name="stress_management", title="Stress and arousal treated with stress management",
        category="treatment",
        description="Relaxation, sleep and breathing exercises caricatured: fusimotor drive "
                    "and motor-neuron excitability fall back towards healthy and the tonic "
                    "drive goes; the volley triggers less, reflexes are calmer.",
        mechanism="Less fusimotor drive and smaller PICs.",
        learning_goal="Compare the spasm test and reflexes with the aroused limb.",
        caveat=_CAVEAT + " No model of how relaxation works; only its direction on the "
                         "levers." + _NOT_ADVICE,
        **_levers({
            "spindle.fusimotor_bias_hz": (3.0, "caricature: most of the arousal-raised "
                                               "fusimotor drive gone"),
            "pic.strength": (0.3, "caricature: monoaminergic drive near its resting level "
                                  "(Heckman, Gorassini & Bennett 2005 for the link)"),
            "descending.tonic_drive": (0.0, "caricature: the tonic tension relaxed away")}),
        protocol=spasm_test_protocol(), duration_s=8.0,
        measurements=("spasm", "reflex"), treats="stress_arousal"),
]

# --------------------------------------------------------------------------- issue 18 §3:
# moments of the disease courses over months (neurosim.disease_course); the course's time,
# reinnervation.months_since_onset, is a slider and a sweep axis of these scenarios.
_ALS_UMN_L = {k: v for k, v in _ALS_L.items() if k != "nerve.motor_axon_survival"}

_SCENARIOS += [
    Scenario(
        name="als_reinnervated",
        title="ALS-like, two years on: half the units gone, strength still normal",
        category="condition",
        description="The ALS-like course two years after its onset in this muscle: motor "
                    "neurons have died steadily (3 % a month) and about half of the units "
                    "are gone, yet maximal voluntary force and the M-wave are close to "
                    "healthy — the survivors have sprouted and adopted the orphaned fibres, "
                    "each now about twice its former size. A few fibres, orphaned in the "
                    "last weeks, fibrillate. The survivors are at the limit of their growth: "
                    "from here on every unit lost is strength lost (move the months slider).",
        mechanism="Collateral reinnervation: fewer, larger motor units (larger twitches and "
                  "MUAPs) make up the force of the lost ones, up to a sprouting capacity.",
        learning_goal="Strength and the M-wave can look normal while half the motor "
                      "neurons are already lost; weakness appears only when sprouting can no "
                      "longer keep up.",
        caveat=_CAVEAT + " The course is a caricature: one muscle, units dying in a fixed "
                         "order at a steady rate, sprouting that reaches every orphaned "
                         "fibre; the upper-motor-neuron signs are held constant over time. "
                         "Not medical advice.",
        **_levers(_ALS_UMN_L, disease_course.ALS_LIKE.levers, {
            disease_course.MONTHS_FIELD: (
                24.0, "caricature: the moment when about half the units are lost, 24 months "
                      "at 3 % a month")}),
        protocol=voluntary_protocol(1.0), duration_s=4.0,
        measurements=("strength", "conduction", "spontaneous", "needle")),
    Scenario(
        name="nerve_injury_recovery",
        title="Nerve injury, six months on: giant units, fibrillations, axons regrowing",
        category="condition",
        description="Six months after a crush of the tibial nerve that cut 85 % of the motor "
                    "axons: the surviving units have sprouted to five times their size and "
                    "the muscle makes most of its force again, with few, giant units. The "
                    "fibres they could not adopt are still denervated and fibrillate. The "
                    "cut axons are regrowing at 1 mm/day and will reach the muscle, 0.3 m "
                    "away, after about ten months (move the months slider).",
        mechanism="Acute axon loss, collateral sprouting up to its capacity, and axon "
                  "regeneration that arrives months later.",
        learning_goal="After an injury, force comes back first by sprouting of the "
                      "survivors (fewer, larger units), later by regrowth; fibrillations "
                      "show the fibres still waiting.",
        caveat=_CAVEAT + " A caricature of the course: all regrowing axons arrive on one "
                         "day, conduct normally and spare the fibres that sprouts have "
                         "taken; sensory loss and the conduction block of the acute injury "
                         "are left out. Not medical advice.",
        **_levers(disease_course.NERVE_INJURY.levers, {
            disease_course.MONTHS_FIELD: (
                6.0, "caricature: six months after the injury, before the regrowing axons "
                     "arrive (0.3 m at 1 mm/day; Seddon, Medawar & Smith 1943, J Physiol "
                     "102:191)")}),
        protocol=voluntary_protocol(1.0), duration_s=4.0,
        measurements=("strength", "conduction", "needle")),
]

_REGISTRY = {s.name: s for s in _SCENARIOS}


def names() -> list[str]:
    """Names of all built-in scenarios, in teaching order.

    Returns
    -------
    list of str

    Examples
    --------
    >>> from neurosim import scenarios
    >>> scenarios.names()[:3]
    ['healthy', 'recruitment_ramp', 'voluntary_contraction']
    """
    return list(_REGISTRY)


def all_scenarios() -> list[Scenario]:
    """All built-in scenarios, in teaching order."""
    return list(_REGISTRY.values())


def get(name: str) -> Scenario:
    """Return the built-in scenario ``name``.

    Parameters
    ----------
    name : str
        One of :func:`names` (``neurosim list``).

    Returns
    -------
    Scenario

    Raises
    ------
    ValueError
        If there is no such scenario (the message suggests the closest names and lists
        the known ones).

    Examples
    --------
    >>> from neurosim import scenarios
    >>> sci = scenarios.get("spinal_cord_injury")
    >>> sci.category, sci.duration_s
    ('condition', 8.0)
    >>> scenarios.get("spinal_cord_injuyr")
    Traceback (most recent call last):
    ...
    ValueError: unknown scenario 'spinal_cord_injuyr'; did you mean spinal_cord_injury? ...
    """
    if not isinstance(name, str):
        raise ValueError(f"scenario name = {_schema.show(name)} must be a string, one of: "
                         f"{', '.join(_REGISTRY)}")
    try:
        return _REGISTRY[name]
    except KeyError:
        close = difflib.get_close_matches(str(name), list(_REGISTRY), n=3, cutoff=0.75)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise ValueError(f"unknown scenario {name!r}{hint} (known: {', '.join(_REGISTRY)})"
                         ) from None

"""``neurosim tour``: the key scenarios, their labelled figures and a summary table, then
the clinical tests (stretch reflex, clonus, nerve conduction, AChE inhibition) and the clinic
map (every condition across the tests, :mod:`neurosim.clinic_map`)."""

from __future__ import annotations

from pathlib import Path

from .. import analysis, clinic_map, scenarios
from .._atomic import check_writable
from .._cache import user_cache_dir
from ..parameters import Parameters
from .common import (TEACHING_REMINDER, _figure_of, _pyplot, _save_and_close,
                     _summary_table)

__all__ = ["TOUR_SCENARIOS", "TOUR_COMPARISON", "TOUR_SPASTIC", "TOUR_CONDUCTION",
           "TOUR_ACHE_ACTIVITY"]

#: Scenarios run by ``neurosim tour``, in teaching order.
TOUR_SCENARIOS = ("healthy", "inhibition_loss_only", "pic_only", "spinal_cord_injury",
                  "baclofen_like", "recruitment_ramp", "voluntary_contraction")
#: The pair drawn side by side by ``neurosim tour``.
TOUR_COMPARISON = ("healthy", "spinal_cord_injury")
#: Scenario whose parameters stand for the spastic limb, and whose run is the clonus test.
TOUR_SPASTIC = "stroke_like"
#: Healthy and neuropathic nerve conduction studies compared by the tour.
TOUR_CONDUCTION = (("healthy", "nerve_conduction_study"), ("diabetic", "diabetic_neuropathy"))
#: AChE activities (fraction of normal) compared by the tour's neuromuscular-junction figure:
#: healthy; 10 % (one shock fires the fibre repeatedly, a 30 Hz train is still relayed); 5 %
#: (repetitive firing, then depolarisation block during the train). At 30 % a single shock
#: and the train look almost healthy, so it teaches nothing distinct here.
TOUR_ACHE_ACTIVITY = (1.0, 0.1, 0.05)


def add_parser(sub) -> None:
    """Add ``neurosim tour`` to the subcommands ``sub``."""
    p_tour = sub.add_parser(
        "tour", help="run the key scenarios and write their figures",
        description="Run the key scenarios (" + ", ".join(TOUR_SCENARIOS) + "), write an "
                    "overview figure of each plus a healthy-versus-injury comparison, "
                    "then the clinical tests: passive stretch at several velocities "
                    "(healthy versus stroke-like), the stroke-like clonus test, nerve "
                    "conduction studies (healthy versus diabetic neuropathy) and "
                    "acetylcholinesterase inhibition at the neuromuscular junction (one "
                    "shock and a 30 Hz train at 100, 30 and 5 % AChE activity), and the "
                    "clinic map: every condition's signature across the stretch test, spasm "
                    "test, needle EMG at rest, recruitment, nerve conduction, F-wave and "
                    "repetitive stimulation (clinic_map.png, clinic_map.csv). Prints a summary "
                    "table, a "
                    "nerve-conduction table and the key number of each clinical figure.")
    p_tour.add_argument("--out-dir", default="figures", metavar="DIR",
                        help="directory for the figures (created if needed; default: figures)")
    p_tour.add_argument("--seed", type=int, default=0, metavar="N",
                        help="noise seed (default 0)")
    p_tour.set_defaults(func=_cmd_tour)


def _cmd_tour(args) -> int:
    out_dir = Path(args.out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise ValueError(f"--out-dir {str(out_dir)!r} exists and is not a directory")
    plt, plotting = _pyplot()
    out_dir.mkdir(parents=True, exist_ok=True)
    check_writable(out_dir / "overview.png")  # before the first run

    results = {}
    written = []
    for name in TOUR_SCENARIOS:
        scenario = scenarios.get(name)
        result = scenario.run(seed=args.seed)
        results[name] = result
        fig = _figure_of(plotting.overview(result, title=scenario.title))
        try:
            written.append(plotting.save_figure(fig, out_dir / f"overview_{name}.png"))
        finally:
            plt.close(fig)

    a, b = TOUR_COMPARISON
    fig = _figure_of(plotting.comparison(results[a], results[b],
                                         labels=(scenarios.get(a).title,
                                                 scenarios.get(b).title)))
    try:
        written.append(plotting.save_figure(fig, out_dir / f"compare_{a}_vs_{b}.png"))
    finally:
        plt.close(fig)

    clinical = _tour_clinical(args.seed)
    for filename, m in clinical:
        written.append(_save_and_close(plt, plotting, m.draw(), out_dir / filename))

    # kept in the user cache: a tour run again with the same model reuses the table
    clinic_cache = user_cache_dir() / "clinic_map"
    table = clinic_map.clinic_map(seed=args.seed, cache_dir=clinic_cache)
    written.append(_save_and_close(plt, plotting, plotting.plot_clinic_map(table),
                                   out_dir / "clinic_map.png"))
    written.append(table.save(out_dir / "clinic_map.csv"))

    print(f"neurosim tour (seed {args.seed})")
    print()
    print(_summary_table([(name, analysis.summary_row(r)) for name, r in results.items()]))
    for _, m in clinical:
        print()
        print(f"{m.measurement.title}: {m.measurement.definition}")
        print(m.table())
    print()
    print(f"Clinic map: {len(table.rows) - 1} conditions and the healthy reference × "
          f"{len(table.columns)} tests ({', '.join(table.columns)}); the words are in "
          f"clinic_map.csv, their thresholds in `python -m pydoc neurosim.clinic_map`. The "
          f"table is kept in {clinic_cache} and reused until the model changes.")
    print()
    print(f"Files written to {out_dir}:")
    for path in written:
        print(f"  {path}")
    print()
    print(TEACHING_REMINDER)
    return 0


def _tour_clinical(seed: int) -> list:
    """The tour's clinical tests as ``(file name, Measured)``: reflex and clonus of the
    spastic limb, a nerve conduction study, AChE inhibition at the junction."""
    from ..measurements import Case, measure

    spastic = scenarios.get(TOUR_SPASTIC)
    healthy = Case("healthy", Parameters())
    conduction = [Case(label, scenarios.get(name).parameters) for label, name in TOUR_CONDUCTION]
    ache = [Case(f"AChE {100 * a:g} %", Parameters().with_changes(
        **{"junction.ache_activity": a})) for a in TOUR_ACHE_ACTIVITY]
    return [
        ("reflex_velocity_healthy_vs_spastic.png",
         measure("reflex", [healthy, Case(f"spastic ({TOUR_SPASTIC})", spastic.parameters)],
                 seed=seed)),
        (f"clonus_{TOUR_SPASTIC}.png",
         measure("clonus", [Case(TOUR_SPASTIC, spastic.parameters)], seed=seed)),
        ("nerve_conduction_{}_vs_{}.png".format(*(c.label for c in conduction)),
         measure("conduction", conduction, seed=seed)),
        ("junction_ache_{}.png".format("_".join(f"{100 * a:g}" for a in TOUR_ACHE_ACTIVITY)),
         measure("junction", ache, seed=seed)),
    ]

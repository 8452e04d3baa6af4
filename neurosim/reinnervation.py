"""Motor units after axon loss: who survives, how many fibres each owns, who fibrillates.

Interface shared by the engine (twitch force, surface MUAPs), the needle EMG
(:mod:`neurosim.needle`) and the disease course over time. With no axons lost every unit
owns its own fibres, nothing is adopted and nothing fibrillates.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

__all__ = ["Remodelling", "unit_remodelling"]


class Remodelling(NamedTuple):
    """The state of the motor units of one muscle.

    Attributes
    ----------
    alive : ndarray of bool, shape (n_units,)
        Units whose motor axon survives.
    enlargement : ndarray of float, shape (n_units,)
        Muscle fibres each unit innervates, relative to its own original fibres
        (1 = unchanged; > 1 after adopting orphaned fibres by collateral sprouting; 0 for a
        lost unit).
    immature_share : ndarray of float, shape (n_units,)
        Share of each unit's fibres adopted recently, on immature, slowly and unreliably
        conducting sprouts (0–1): the source of unstable, polyphasic MUAPs.
    denervated_fraction : float
        Share of all the muscle's fibres without a nerve (0–1).
    fibrillating_fraction : float
        Share of all the muscle's fibres that fibrillate at rest (0–1; ≤ ``denervated_fraction``).
    """

    alive: np.ndarray
    enlargement: np.ndarray
    immature_share: np.ndarray
    denervated_fraction: float
    fibrillating_fraction: float


def unit_remodelling(parameters) -> Remodelling:
    """The motor units of ``parameters`` (a :class:`~neurosim.Parameters`), as remodelled.

    Parameters
    ----------
    parameters : neurosim.Parameters

    Returns
    -------
    Remodelling
    """
    from .nerve import nerve_arrays

    n = parameters.pool.n_units
    alive = nerve_arrays(parameters.nerve, parameters.spindle, n, 0.1)["alive"]  # dt does not change who survives
    return Remodelling(alive=alive, enlargement=alive.astype(float),
                       immature_share=np.zeros(n), denervated_fraction=0.0,
                       fibrillating_fraction=0.0)

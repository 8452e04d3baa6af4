"""Shared test fixtures."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    """Close every matplotlib figure a test opened (keeps memory flat across the suite)."""
    yield
    plt.close("all")


@pytest.fixture(autouse=True, scope="session")
def _compiled_engine():
    """Compile (or load) the simulation loop once before any test runs, so the one-time
    "compiling the simulation engine" notice never lands in a test's captured stderr."""
    from neurosim import simulate

    simulate(duration_s=0.01, seed=0)

"""Small helpers shared by the plotting tests (importable: pytest puts tests/ on sys.path)."""

from neurosim import TEACHING_LABEL


def label_count(fig):
    """How many times the teaching-toy label appears on a figure."""
    return sum(t.get_text() == TEACHING_LABEL for t in fig.texts)


def line(ax, gid):
    """The single line with ``gid`` on ``ax`` (asserts there is exactly one)."""
    found = [ln for ln in ax.get_lines() if ln.get_gid() == gid]
    assert len(found) == 1, f"expected one line with gid {gid!r}, found {len(found)}"
    return found[0]

"""The README's module table lists exactly the modules and packages of the tree, and its
account of how a mechanism is added matches the registry."""

import re
from pathlib import Path

from neurosim import schedule

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "neurosim"


def _table_names() -> set[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    table = text[text.index("| module | what it holds |"):]
    table = table[:table.index("\n\n")]
    names = set()
    for row in table.splitlines()[2:]:
        first_cell = row.split("|")[1]
        names |= set(re.findall(r"`([^`]+)`", first_cell))
    return names


def test_module_table_matches_the_tree():
    tree = {p.name for p in PACKAGE.glob("*.py")} | {
        f"{p.name}/" for p in PACKAGE.iterdir()
        if p.is_dir() and not p.name.startswith((".", "__")) and any(p.iterdir())}
    table = _table_names()
    assert tree - table == set(), f"in the tree, missing from the README table: {tree - table}"
    assert table - tree == set(), f"in the README table, not in the tree: {table - tree}"


def test_every_stage_of_the_registry_is_in_the_table():
    assert {f"{name}.py" for name in schedule.STAGE_MODULES} <= _table_names()

"""Exercise checks give the right verdict and a hint about the actual mistake."""

from neurosim.exercises import check
from neurosim.exercises.nb03 import FORCE_TOLERANCE_POINTS, held_voluntary_force_percent


def test_00_2_accepts_the_ways_of_writing_millimolar():
    for unit in ("mM", "mmol/L", "mmol/l", "millimolar"):
        assert check("00.2", (unit, 0.2, 4.0)), unit


def test_00_2_explains_a_case_mistake_and_rejects_a_wrong_unit():
    result = check("00.2", ("mm", 0.2, 4.0))
    assert not result and "millimolar" in result.message
    result = check("00.2", ("mV", 0.2, 4.0))
    # the hint names an expression the notebook can run, not its variable ``spec`` (which holds
    # another parameter's metadata there)
    assert not result and "field_specs()['junction.calcium_mM'].unit" in result.message
    assert "millimolar" not in result.message


def test_03_3_says_when_the_pair_is_swapped_and_names_the_wrong_value():
    untreated = held_voluntary_force_percent("spinal_cord_injury")
    treated = held_voluntary_force_percent("baclofen_like")
    assert abs(untreated - treated) > FORCE_TOLERANCE_POINTS  # the swap is detectable
    assert check("03.3", (untreated, treated))
    swapped = check("03.3", (treated, untreated))
    assert not swapped and "wrong order" in swapped.message
    off = check("03.3", (untreated, treated + 10.0))
    assert not off and "treated value" in off.message and "untreated value" not in off.message


def test_03_1_has_the_same_answer_for_seeds_0_to_4_and_the_check_is_sharp():
    """The smallest pic.strength on the exercise's grid that gives a spasm does not depend on
    the noise seed; the check accepts it and rejects the grid values on either side."""
    from neurosim.exercises.nb03 import PIC_GRID, PIC_STEP, smallest_pic_for_spasm

    answers = {seed: smallest_pic_for_spasm(seed=seed) for seed in range(5)}
    assert len(set(answers.values())) == 1, answers
    answer = answers[0]
    assert answer is not None and PIC_GRID[0] < answer < PIC_GRID[-1]
    assert check("03.1", answer)
    below = check("03.1", round(answer - PIC_STEP, 10))
    assert not below and "no spasm" in below.message
    above = check("03.1", round(answer + PIC_STEP, 10))
    assert not above and "smaller value" in above.message


# --------------------------------------------------------------------------------------------
# Hints name only variables the notebook defines (an issue reported a hint naming ``sc`` where
# the notebook defines ``vc``). Checked statically for notebooks 04–08: every code-like name in
# a check module's hints (wrong-answer messages, the question shown for a missing answer) and in
# the code of an exercise's task text must be bound by the notebook's code cells, be a builtin,
# or be a dotted parameter name (``spindle.gain`` is a parameter, not a variable).

import ast  # noqa: E402
import builtins  # noqa: E402
import json  # noqa: E402
import re  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from neurosim.parameters import field_specs  # noqa: E402

_ROOT = Path(__file__).resolve().parents[1]
_HINT_MODULES = {"nb04": "04_", "nb05": "05_", "nb06": "06_", "nb07": "07_", "nb08": "08_",
                 "mystery": "08_"}
_HINT_KEYWORDS = {"hint", "inverted", "not_here", "holds_text"}
_TOKEN = re.compile(r"(?<![\w.])[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")
_BARE_ARGUMENT = re.compile(r"[\w\]]\(\s*([A-Za-z_]\w*)\s*(?=[),])")  # f(x) or f(x, ...)
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")
_PROSE = {"e.g", "i.e"}


def _notebook(prefix: str) -> Path:
    (path,) = sorted((_ROOT / "notebooks").glob(f"{prefix}*.ipynb"))
    return path


def _cells(path: Path) -> list:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _source(cell) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def _bound_names(code: str) -> set:
    """Names a piece of code binds: assignments, loop and comprehension targets, imports, defs."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return set()
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
    return names


def _defined_before(cells, stop: int) -> set:
    """Names bound by the notebook's code cells before cell ``stop`` (a student's Run All)."""
    names = set(dir(builtins))
    for cell in cells[:stop]:
        if cell["cell_type"] == "code":
            names |= _bound_names(_source(cell))
    return names


def _text_of(node) -> str:
    """The text of a string expression; the values of an f-string become ``{}``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _text_of(node.left) + _text_of(node.right)
    return ""


def _hint_texts(module: str) -> list[str]:
    """Every hint a check module can show: wrong(...) messages, hint-like keyword arguments,
    the hints of known mistakes, the exercise questions and mystery's ``_HINTS``."""
    tree = ast.parse((_ROOT / "neurosim" / "exercises" / f"{module}.py").read_text("utf-8"))
    texts = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            if func == "wrong":
                texts += [_text_of(a) for a in node.args]
            if func == "exercise" and len(node.args) >= 2:
                texts.append(_text_of(node.args[1]))
            for keyword in node.keywords:
                if keyword.arg in _HINT_KEYWORDS:
                    texts.append(_text_of(keyword.value))
                elif keyword.arg == "mistakes" and isinstance(keyword.value, (ast.List, ast.Tuple)):
                    texts += [_text_of(e.elts[1]) for e in keyword.value.elts
                              if isinstance(e, ast.Tuple) and len(e.elts) == 2]
        elif isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "_HINTS" for t in node.targets):
            texts += [_text_of(v) for v in node.value.values]
    return [t for t in texts if t]


def _code_like_names(text: str) -> set:
    """Names a hint uses as code: roots of ``a.b``, ``f(...)``, ``x[...]`` and first arguments."""
    text = _QUOTED.sub("''", text).replace("(s)", "s")  # "fibre AP(s)" is a plural, not a call
    parameters = set(field_specs())
    names = set()
    for match in _TOKEN.finditer(text):
        token, after = match.group(), text[match.end():match.end() + 1]
        if token in parameters or token in _PROSE:
            continue
        if "." in token or after in ("(", "["):
            names.add(token.split(".")[0])
    names.update(_BARE_ARGUMENT.findall(text))
    return names


@pytest.mark.parametrize("module", sorted(_HINT_MODULES))
def test_check_hints_name_only_variables_the_notebook_defines(module):
    cells = _cells(_notebook(_HINT_MODULES[module]))
    defined = _defined_before(cells, len(cells))
    texts = _hint_texts(module)
    assert texts, f"no hints found in {module}: the test reads nothing"
    undefined = {(name, text) for text in texts for name in _code_like_names(text)
                 if name not in defined}
    assert not undefined, f"{module}: hints name variables the notebook does not define: {undefined}"


@pytest.mark.parametrize("prefix", sorted(set(_HINT_MODULES.values())))
def test_exercise_texts_name_only_variables_defined_before_them(prefix):
    cells = _cells(_notebook(prefix))
    parameters = set(field_specs())
    problems = []
    for k, cell in enumerate(cells[1:], start=1):
        if "exercise" not in cell["metadata"].get("tags", []):
            continue
        task = cells[k - 1]
        fragments = re.findall(r"`([^`\n]+)`", _source(task))
        bound = set().union(*(_bound_names(f) for f in fragments)) if fragments else set()
        defined = _defined_before(cells, k) | bound
        for fragment in fragments:
            if fragment in parameters:
                continue
            try:
                tree = ast.parse(fragment)
            except SyntaxError:
                continue
            if not any(isinstance(n, (ast.Call, ast.Attribute, ast.Subscript))
                       for n in ast.walk(tree)):
                continue  # an answer template such as {"stage.field": value}, not code to run
            problems += [(n.id, fragment) for n in ast.walk(tree)
                         if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
                         and n.id not in defined]
    assert not problems, f"{prefix}: exercise texts name undefined variables: {problems}"

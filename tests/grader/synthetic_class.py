"""A synthetic class for the similarity checks, made from the repository, the same on every run.

Students hand in the stubs unchanged, or per topic the stub or the solution as they would write it
(locals renamed, another layout, a function left unwritten now and then), some with cases of
``tests/grader/cases/`` grafted in (each case in one student's code only). ``original`` hands in the
solutions with two cases per topic grafted in (a distinctive submission); ``copy`` the same code
with other names, another layout and the functions in another order. Some students hand in a
``.zip``, some a notebook per topic.
"""

from __future__ import annotations

import ast
import random
import zipfile
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[2]
CASES = Path(__file__).resolve().parent / "cases"
TOPICS = sorted(p.stem for p in (ROOT / "solutions").glob("[!_]*.py"))
STYLES = ("{}_", "my_{}", "tmp_{}", "{}_val", "{}2", "the_{}", "{}_x", "new_{}")


def _locals(function: ast.AST) -> set[str]:
    """Names a function assigns, other than its parameters and its ``global``/``nonlocal`` names."""
    arguments = {a.arg for a in ast.walk(function.args) if isinstance(a, ast.arg)}
    declared = {n for node in ast.walk(function) if isinstance(node, (ast.Global, ast.Nonlocal)) for n in node.names}
    stored = {n.id for n in ast.walk(function) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    return stored - arguments - declared


def rewritten(source: str, seed: int, reorder: bool = False) -> str:
    """``source`` as another student writes the same code: locals renamed, another indent and spacing."""
    rng = random.Random(seed)
    tree = ast.parse(source)
    style = rng.choice(STYLES)
    for function in [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]:
        names = {name: style.format(name) for name in _locals(function)}
        for node in ast.walk(function):
            if isinstance(node, ast.Name) and node.id in names:
                node.id = names[node.id]
    if reorder:
        heads = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom, ast.Expr))]
        tree.body = heads + [n for n in tree.body if n not in heads][::-1]
    indent, gap = rng.choice((2, 4)), "\n" * rng.choice((1, 2, 3))
    lines = []
    for line in ast.unparse(tree).splitlines():
        stripped = line.lstrip(" ")
        lines.append(" " * ((len(line) - len(stripped)) // 4 * indent) + stripped)
        if stripped.startswith("return "):
            lines.append("")
    return gap.join("\n".join(lines).split("\n\n")) + "\n"


def _definitions(tree: ast.Module) -> dict[str, int]:
    return {n.name: i for i, n in enumerate(tree.body) if isinstance(n, (ast.FunctionDef, ast.ClassDef))}


def module(topic: str, cases=(), unwritten=()) -> str:
    """The solution of ``topic`` with the cases' definitions in place of its own, and the functions
    ``unwritten`` as their stubs."""
    tree = ast.parse((ROOT / "solutions" / f"{topic}.py").read_text())
    for case in cases:
        body = ast.parse(case.read_text()).body[1:]  # the case's docstring describes it: not the student's
        for node in body:
            place = _definitions(tree).get(getattr(node, "name", None))
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                tree.body.insert(1, node)
            elif place is not None:
                tree.body[place] = node
            else:
                tree.body.append(node)
    stubs = ast.parse((ROOT / "exercises" / f"{topic}.py").read_text())
    for name in unwritten:
        if name in _definitions(tree) and name in _definitions(stubs):
            tree.body[_definitions(tree)[name]] = stubs.body[_definitions(stubs)[name]]
    return ast.unparse(tree)


def _first_line(node: ast.stmt) -> int:
    return min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])


def _hand_in(folder: Path, name: str, modules: dict[str, str], form: str):
    """Write a student's modules as a folder, a ``.zip`` or a folder of notebooks (a cell per statement)."""
    if form == "zip":
        with zipfile.ZipFile(folder / f"{name}.zip", "w") as archive:
            for topic, text in modules.items():
                archive.writestr(f"exercises/{topic}.py", text)
        return
    (folder / name).mkdir()
    for topic, text in modules.items():
        if form == "notebook":
            lines = text.splitlines()
            cells = [
                nbformat.v4.new_code_cell("\n".join(lines[_first_line(node) - 1 : node.end_lineno]))
                for node in ast.parse(text).body
            ]
            (folder / name / f"{topic}.ipynb").write_text(nbformat.writes(nbformat.v4.new_notebook(cells=cells)))
        else:
            (folder / name / f"{topic}.py").write_text(text)


def make_class(folder: Path, size: int, with_cases: float = 0.6) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Write ``size`` students into ``folder``. Each student's kind (``stubs``, ``plain``: solutions,
    ``cases``: solutions with cases grafted in, ``original`` or ``copy``) and grafted cases."""
    rng = random.Random(2026)
    folder.mkdir(parents=True, exist_ok=True)
    names = [f"s{n:03d}" for n in range(size)]
    order = rng.sample(names, size)
    stubs = max(2, size // 15)
    kinds = dict.fromkeys(order[:stubs], "stubs") | {order[stubs]: "original", order[stubs + 1]: "copy"}
    regular = order[stubs + 2 :]
    kinds |= {name: "cases" if n < round(with_cases * len(regular)) else "plain" for n, name in enumerate(regular)}
    pool = {topic: sorted((CASES / topic).glob("*.py")) for topic in TOPICS}
    pool = {topic: rng.sample(cases, len(cases)) for topic, cases in pool.items()}
    functions = {topic: list(_definitions(ast.parse(module(topic)))) for topic in TOPICS}
    grafted = {name: [] for name in names}
    grafted[order[stubs]] = grafted[order[stubs + 1]] = [pool[topic].pop() for topic in TOPICS for _ in range(2)]
    original = {
        topic: rewritten(module(topic, [c for c in grafted[order[stubs]] if c.parent.name == topic]), 1)
        for topic in TOPICS
    }
    for n, name in enumerate(names):
        kind, form = kinds[name], ("notebook" if n % 10 == 3 else "zip" if n % 10 == 7 else "folder")
        if kind == "stubs":
            modules = {topic: (ROOT / "exercises" / f"{topic}.py").read_text() for topic in TOPICS}
        elif kind in ("original", "copy"):
            modules = (
                original if kind == "original" else {t: rewritten(s, 2, reorder=True) for t, s in original.items()}
            )
        else:
            left = [t for t in TOPICS if rng.random() < 1 / 8]
            grafts = [t for t in rng.sample(TOPICS, 2) if t not in left and pool[t]] if kind == "cases" else []
            kinds[name] = "cases" if grafts else "plain"
            modules = {}
            for topic in TOPICS:
                if topic in left:
                    modules[topic] = (ROOT / "exercises" / f"{topic}.py").read_text()
                    continue
                unwritten = [f for f in functions[topic] if rng.random() < 0.1]
                cases = [pool[topic].pop()] if topic in grafts else []
                grafted[name] += cases
                modules[topic] = rewritten(module(topic, cases, unwritten), seed=n * 31 + len(topic))
        _hand_in(folder, name, modules, form)
    return kinds, {name: [f"{c.parent.name}/{c.name}" for c in cases] for name, cases in grafted.items()}

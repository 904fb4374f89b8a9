"""A student's Jupyter notebook as the module(s) it defines.

Notebooks as students leave them hold more than definitions: magics and shell lines, training runs
and plots at the top level, cells that raise or do not parse. The module keeps what a grade needs
and nothing that runs on import: the imports (``from __future__`` ones first), the functions and
classes (not ``test_*`` ones), and the top-level assignments those use. Magics are turned into Python by
IPython's own transformer
first, so a cell mixing them with code still parses. Each kept statement comes with its original
text, under a ``# cell N`` line, so an error's line points back into the notebook.
"""

from __future__ import annotations

import ast
import re
import symtable
import warnings
from pathlib import Path

import nbformat

MAX_NOTEBOOK_BYTES = 64 * 1024 * 1024  # outputs included: plots and logs of many megabytes still load
_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_ASSIGNMENTS = (ast.Assign, ast.AnnAssign, ast.AugAssign)


class NotebookError(ValueError):
    """The bytes are not a Jupyter notebook."""


def contract_names(topic: str) -> set[str]:
    """The functions and classes a student writes for ``topic``: those its hidden tests call."""
    from grader.topics import TOPICS  # the checks (and torch): imported only when a notebook is graded

    return {check.function for check in TOPICS[topic].CHECKS}


def notebook_module(data: bytes, origin: str) -> tuple[bytes, set[str], list[str]]:
    """The module of a notebook's code cells, the names it defines, and notes on what was left out."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # JupyterLab, VS Code and Colab add fields nbformat warns about
            notebook = nbformat.reads(data.decode("utf-8-sig"), as_version=4)
    except Exception as exc:  # nbformat raises NotJSONError, ValueError, KeyError, ... on a broken file
        raise NotebookError(
            f"{origin} is not a readable Jupyter notebook ({type(exc).__name__}: "
            f"{str(exc)[:200]}); submit the .ipynb file saved by Jupyter or VS Code"
        ) from None
    from IPython.core.inputtransformer2 import TransformerManager

    transformer = TransformerManager()
    statements, notes = [], []
    for number, cell in enumerate(notebook.get("cells", []), start=1):
        nbgrader = cell.get("metadata", {}).get("nbgrader", {})
        if cell.get("cell_type") != "code" or (nbgrader.get("grade") and not nbgrader.get("solution")):
            continue  # text, or an nbgrader test cell: the instructor's, not part of the student's module
        source = transformer.transform_cell(_without_timing_magic(cell.get("source", "")))
        try:
            tree = ast.parse(source)
        except SyntaxError as exc:
            notes.append(
                f"cell {number} of {Path(origin).name} was left out: it has a syntax error "
                f"(line {exc.lineno}: {exc.msg})"
            )
            continue
        lines = source.splitlines()
        for node in tree.body:
            first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
            statements.append((number, node, "\n".join(lines[first - 1 : node.end_lineno])))
    kept = _needed(statements)
    future = sorted({text for _, node, text in statements if _is_future(node)})  # must come first
    chunks, previous_cell = future, None
    for number, node, text in statements:
        if id(node) in kept and not _is_future(node):
            if number != previous_cell:
                chunks.append(f"# cell {number}")
                previous_cell = number
            chunks.append(text)
    defined = {node.name for _, node, _ in statements if id(node) in kept and isinstance(node, _DEFINITIONS)}
    return ("\n".join(chunks) + "\n").encode(), defined, notes


def _without_timing_magic(source: str) -> str:
    """``%%time``, ``%%timeit`` and ``%%capture`` wrap Python: keep their body (other cell magics are dropped)."""
    first, _, body = source.lstrip().partition("\n")
    return body if first.split()[:1] in (["%%time"], ["%%timeit"], ["%%capture"]) else source


def _needed(statements) -> set[int]:
    """The statements to keep: imports and definitions, then the assignments they use, transitively."""
    kept, used = set(), set()
    for _, node, _ in statements:
        if isinstance(node, (ast.Import, ast.ImportFrom)) or (
            isinstance(node, _DEFINITIONS) and not node.name.startswith("test_")
        ):
            kept.add(id(node))
            used |= _globals_used(node)
    grew = True
    while grew:
        grew = False
        for _, node, _ in statements:
            if id(node) not in kept and isinstance(node, _ASSIGNMENTS) and _stored(node) & used:
                kept.add(id(node))
                used |= _loaded(node)
                grew = True
    return kept


def _is_future(node) -> bool:
    return isinstance(node, ast.ImportFrom) and node.module == "__future__"


def _globals_used(node) -> set[str]:
    """The module-level names an import or definition reads (a function's own parameters and
    locals are not: ``image = cv2.imread(...)`` in a cell is not needed by ``def f(image)``)."""
    tables, names = [symtable.symtable(ast.unparse(node), "<cell>", "exec")], set()
    while tables:
        table = tables.pop()
        top = table.get_type() == "module"
        names |= {
            symbol.get_name()
            for symbol in table.get_symbols()
            if symbol.is_referenced() and (top or symbol.is_global())
        }
        tables += table.get_children()
    return names


def _loaded(node) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def _stored(node) -> set[str]:
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    return {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}


def topics_of_notebook(stem: str, defined: set[str], topics) -> list[str]:
    """The topics a notebook answers: the one it is named after, else every topic whose names it defines."""
    name = re.sub(r"[^a-z0-9_]", "_", stem.lower())
    if name in topics:
        return [name]
    return [topic for topic in topics if contract_names(topic) & defined]

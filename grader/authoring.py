"""Course authoring: exercise stubs generated from ``solutions/``, and the student release.

``solutions/`` is the single source of truth. Each graded body sits between
``### BEGIN SOLUTION`` and ``### END SOLUTION``; an optional ``### HINT: ...``
line inside the region becomes the stub's message. Everything else (imports,
docstrings, signatures, given code) is copied unchanged.
"""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = Path(__file__).resolve().parent / "templates"
BEGIN, END, HINT = "### BEGIN SOLUTION", "### END SOLUTION", "### HINT:"


class AuthoringError(Exception):
    """A solution file whose markers cannot be turned into a stub."""


def _qualnames(tree: ast.Module) -> list[tuple[int, int, str]]:
    """(first line, last line, qualified name) of every function, innermost last."""
    spans = []

    def visit(node, prefix):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = f"{prefix}{child.name}"
                if not isinstance(child, ast.ClassDef):
                    spans.append((child.lineno, child.end_lineno, name))
                visit(child, name + ".")

    visit(tree, "")
    return spans


def make_stub(solution_source: str, filename: str = "<solution>", above: str = "") -> str:
    """The exercise version of one solution module's source; ``above``, if given, is a line put above
    each stub's ``raise`` (the released notebooks' ``# YOUR CODE HERE``)."""
    spans = _qualnames(ast.parse(solution_source, filename))
    lines = solution_source.splitlines(keepends=True)
    out, i = [], 0
    while i < len(lines):
        line = lines[i]
        if line.strip() != BEGIN:
            if line.strip() == END:
                raise AuthoringError(f"{filename}:{i + 1}: {END} without {BEGIN}")
            out.append(line)
            i += 1
            continue
        start, indent, hint = i, line[: len(line) - len(line.lstrip())], ""
        i += 1
        while i < len(lines) and lines[i].strip() != END:
            if lines[i].strip().startswith(BEGIN):
                raise AuthoringError(f"{filename}:{i + 1}: nested {BEGIN}")
            if lines[i].strip().startswith(HINT) and not hint:
                hint = lines[i].strip()[len(HINT) :].strip()
            i += 1
        if i == len(lines):
            raise AuthoringError(f"{filename}:{start + 1}: {BEGIN} is never closed")
        owners = [name for first, last, name in spans if first <= start + 1 <= last]
        if not owners:
            raise AuthoringError(f"{filename}:{start + 1}: solution region outside a function")
        message = f"{owners[-1]}: {hint}" if hint else f"{owners[-1]} is not implemented yet"
        if above:
            out.append(f"{indent}{above}\n")
        out.append(f"{indent}raise NotImplementedError({message!r})\n")
        i += 1
    return "".join(out)


def expected_exercises(root: Path = REPO_ROOT) -> dict[str, str]:
    """File name -> stub source, for every module of ``root/solutions``."""
    return {
        path.name: make_stub(path.read_text(encoding="utf-8"), str(path))
        for path in sorted((root / "solutions").glob("*.py"))
    }


def write_exercises(root: Path = REPO_ROOT) -> list[str]:
    """Regenerate ``root/exercises`` from ``root/solutions``; return the files that changed."""
    target = root / "exercises"
    target.mkdir(exist_ok=True)
    changed = []
    for name, text in expected_exercises(root).items():
        path = target / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            changed.append(name)
    return changed


def stale_exercises(root: Path = REPO_ROOT) -> list[str]:
    """Files of ``exercises/`` that differ from what the generator makes."""
    target = root / "exercises"
    expected = expected_exercises(root)
    stale = [
        n for n, t in expected.items() if not (target / n).exists() or (target / n).read_text(encoding="utf-8") != t
    ]
    extra = [p.name for p in target.glob("*.py") if p.name not in expected]
    return sorted(stale + extra)


def write_release(destination: Path, root: Path = REPO_ROOT) -> list[Path]:
    """Write a student's copy of the course to ``destination`` (which must not exist).

    It holds the generated ``exercises/``, the visible tests and ``known_mistakes/`` (the
    mistakes they name), ``datasets/``, a student README and pyproject, and ``handin.py``
    (checks the modules and packs them into the zip the grader takes); nothing from
    ``solutions/`` or ``grader/``.
    """
    destination = Path(destination)
    if destination.exists() and any(destination.iterdir()):
        raise AuthoringError(f"{destination} already exists and is not empty: choose a new folder")
    (destination / "exercises").mkdir(parents=True, exist_ok=True)
    for name, text in expected_exercises(root).items():
        (destination / "exercises" / name).write_text(text, encoding="utf-8")
    (destination / "tests").mkdir()
    for path in sorted((root / "tests").glob("*.py")):
        if path.name in VISIBLE_TEST_EXCLUDES:
            continue
        shutil.copy2(path, destination / "tests" / path.name)
    shutil.copytree(
        root / "datasets",
        destination / "datasets",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "make_*.py"),
    )
    shutil.copy2(root / "conftest.py", destination / "conftest.py")
    # The catalogue of known mistakes the visible tests name (teaching text, not hidden checks).
    shutil.copytree(
        root / "known_mistakes", destination / "known_mistakes", ignore=shutil.ignore_patterns("__pycache__")
    )
    (destination / "README.md").write_text(student_readme(), encoding="utf-8")
    (destination / "handin.py").write_text(handin_script(), encoding="utf-8")
    shutil.copy2(TEMPLATES / "student_pyproject.toml", destination / "pyproject.toml")
    return sorted(p for p in destination.rglob("*") if p.is_file())


def topic_table() -> str:
    """The Markdown table of topics, graded functions and default points, from ``grader.topics``."""
    from grader.topics import TOPICS

    rows = ["| module | what you implement | points |", "|---|---|---:|"]
    for name, module in TOPICS.items():
        functions = [
            f"`{f}`" + (" (by loops)" if f in module.BY_LOOPS else "")
            for f in dict.fromkeys(check.function for check in module.CHECKS)
        ]
        rows.append(f"| `{name}` | {', '.join(functions)} | {module.POINTS:g} |")
    return "\n".join(rows)


def by_loops_list() -> str:
    """A Markdown list: each function written "by loops" and the built-ins it may not use (``BY_LOOPS``)."""
    from grader.topics import TOPICS

    return "\n".join(
        f"- `{function}` ({name}): not {'; not '.join(rule.label for rule in rules)}"
        for name, module in TOPICS.items()
        for function, rules in module.BY_LOOPS.items()
    )


def student_readme() -> str:
    """The student README: ``templates/student_README.md`` with its placeholders filled in."""
    return _filled("student_README.md", {"topics": topic_table(), "by_loops": by_loops_list()})


def handin_script() -> str:
    """The student's ``handin.py``: ``templates/student_handin.py`` with the course's modules and limit."""
    from grader.load.submission import MAX_MODULE_BYTES
    from grader.topics import TOPIC_NAMES

    return _filled("student_handin.py", {"topics": repr(TOPIC_NAMES), "max_module_bytes": str(MAX_MODULE_BYTES)})


def _filled(template_name: str, values: dict[str, str]) -> str:
    text = (TEMPLATES / template_name).read_text(encoding="utf-8")
    for key, value in values.items():
        if f"{{{{{key}}}}}" not in text:
            raise AuthoringError(f"templates/{template_name} has no {{{{{key}}}}} placeholder")
        text = text.replace(f"{{{{{key}}}}}", value)
    return text


# Tests of the reference itself (they need solutions/), not for students.
VISIBLE_TEST_EXCLUDES = {"test_datasets.py"}

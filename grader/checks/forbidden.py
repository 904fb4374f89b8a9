"""Forbidden built-ins of the "by loops" exercises, found two ways, and tampering with the grader.

At run time the child denies, while a "by loops" function runs, every ATen
operator and guarded NumPy/OpenCV/SciPy function its rules match
(``grader/sandbox/denial.py``), however it was reached, and records each one
refused (``aten:convolution``, ``cv2:filter2D``). A static scan of the
function's source and of the module-level helpers it uses backs this up (it
also sees code a test did not reach).

Tampering is judged on run-time evidence: the child's tripwires, audit hook and
check of its denial (``grader/sandbox/tripwires.py``, ``denial.py``) record
``tamper:...`` names.
``computed_access`` lists the places where a module reaches names the static
scan cannot read (``vars(torch)[...]``, ``getattr`` with a computed name, ...):
they are reported for the instructor and score nothing by themselves.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    """One forbidden built-in: what the student is told, and how it is recognised."""

    label: str
    runtime: str  # regex over recorded names
    static: str  # regex over dotted names used in the function's source


# Ways to switch off or go around the run-time recording: forbidden in every "by loops" module.
EVASION = Rule(
    "tampering with the grader's detection (torch._C / dispatch internals, eval/exec, __import__)",
    runtime=r"$^",
    static=r"(^|\.)(_C|_python_dispatch|_DisableTorchDispatch|DisableTorchFunction|_disabled_torch_function_impl"
    r"|__import__|eval|exec|compile|import_module|setprofile|settrace)$",
)


TAMPERING = "tampering with the grader's detection"


def tampering_hits(names: set[str]) -> list[str]:
    """What the child's tripwires and audit hook recorded (``tamper:...``), in words."""
    return sorted(n.removeprefix("tamper:") for n in names if n.startswith("tamper:"))


def runtime_hits(names: set[str], rules: list[Rule]) -> list[str]:
    return [rule.label for rule in rules if any(re.search(rule.runtime, n) for n in names)]


def static_hits(source: bytes, function: str, rules: list[Rule]) -> list[str]:
    """Labels of the rules whose names the source of ``function`` mentions, or the source of the
    module-level helpers, classes and assignments it uses (imports resolved to their dotted names)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return []
    aliases = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            for name in node.names:
                aliases[name.asname or name.name] = f"{node.module or ''}.{name.name}"
        elif isinstance(node, ast.Import):
            for name in node.names:
                aliases[name.asname or name.name] = name.name
    used = set()
    for scope in _reached_from(tree, function):
        for node in ast.walk(scope):
            dotted = _dotted(node)
            if dotted:
                head, _, rest = dotted.partition(".")
                used.add(dotted)
                if head in aliases:
                    used.add(aliases[head] + (f".{rest}" if rest else ""))
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.isidentifier():
                used.add(node.value)  # getattr(F, "conv2d")
    hits = [rule.label for rule in rules if any(re.search(rule.static, name) for name in used)]
    # Tampering counts against the function that does it, or against every function when it
    # happens at import time (module-level code outside any function).
    top_level = [n for n in tree.body if not isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
    suspects = used | {_dotted(n) for stmt in top_level for n in ast.walk(stmt)} - {None}
    if any(re.search(EVASION.static, name) for name in suspects):
        hits.append(EVASION.label)
    return hits


def _reached_from(tree: ast.Module, function: str) -> list:
    """The top-level statements ``function`` reaches: its definition, and transitively every
    module-level function, class or assignment whose name it (or one of those) uses."""
    defines: dict[str, list] = {}
    for statement in tree.body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            defines.setdefault(statement.name, []).append(statement)
        elif isinstance(statement, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            for target in targets:
                for node in ast.walk(target):
                    if isinstance(node, ast.Name):
                        defines.setdefault(node.id, []).append(statement)
    reached, todo, seen = [], [function], set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for statement in defines.get(name, []):
            if statement not in reached:
                reached.append(statement)
            todo += [node.id for node in ast.walk(statement) if isinstance(node, ast.Name)]
    return reached


def _dotted(node) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


# Modules whose import in a "by loops" module means reaching around the code's own names.
REACHING_MODULES = ("importlib", "gc", "inspect", "ctypes", "marshal", "base64", "codecs")
INTROSPECTION = (
    "__dict__",
    "__globals__",
    "__closure__",
    "__code__",
    "__builtins__",
    "__subclasses__",
    "__bases__",
    "__base__",
    "__mro__",
)


def computed_access(source: bytes) -> list[str]:
    """Where the module reaches objects by computed names or introspection, for the instructor to review.

    ``vars(...)``/``globals()``/``locals()``, ``getattr`` with a name that is not a string literal,
    dunder introspection (``__dict__``, ``__globals__``, ``__subclasses__``, ...), ``sys.modules``,
    ``sys._getframe``, ``exec``/``eval``/``compile``/``__import__`` and imports of importlib, gc, inspect,
    ctypes, marshal, base64, codecs: each as "``where``, line N: what".
    """
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return []
    found = []
    for top in tree.body:
        where = top.name if isinstance(top, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) else "module level"
        for node in ast.walk(top):
            what = _reaches(node)
            if what:
                found.append((node.lineno, f"{where}, line {node.lineno}: {what}"))
    return list(dict.fromkeys(text for _, text in sorted(found)))


def _reaches(node) -> str | None:
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        name, args = node.func.id, node.args
        if name in ("vars", "globals", "locals"):
            return f"{name}() lookup"
        if (
            name in ("getattr", "setattr", "delattr", "hasattr")
            and len(args) >= 2
            and not (isinstance(args[1], ast.Constant) and isinstance(args[1].value, str))
        ):
            return f"{name} with a computed name"
        if name in ("exec", "eval", "compile", "__import__"):
            return f"{name}()"
    if isinstance(node, ast.Attribute) and node.attr in INTROSPECTION:
        return f"{node.attr} access"
    dotted = _dotted(node) if isinstance(node, ast.Attribute) else None
    if dotted in ("sys.modules", "sys._getframe"):
        return dotted
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        modules = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
        reaching = [m for m in modules if m.split(".")[0] in REACHING_MODULES]
        if reaching:
            return f"imports {', '.join(reaching)}"
    return None

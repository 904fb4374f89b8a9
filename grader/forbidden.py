"""Forbidden built-ins of the "by loops" exercises, detected two ways.

At run time the child records every torch function (``fn:conv2d``), ATen
operator (``aten:convolution``) and guarded NumPy/OpenCV/SciPy function
(``cv2:filter2D``) a call reaches, however it was reached: renamed, through
``getattr``, ``torch.ops.aten`` or ``torch._C``. A static scan of the
function's source backs this up (it also sees code a test did not reach, and
attempts to switch the recording off).
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
    static: str   # regex over dotted names used in the function's source


# Ways to switch off or go around the run-time recording: forbidden in every "by loops" module.
EVASION = Rule(
    "tampering with the grader's detection (torch._C / dispatch internals, eval/exec, __import__)",
    runtime=r"$^",
    static=r"(^|\.)(_C|_python_dispatch|_DisableTorchDispatch|DisableTorchFunction|_disabled_torch_function_impl"
           r"|__import__|eval|exec|compile|import_module|setprofile|settrace)$",
)


def runtime_hits(names: set[str], rules: list[Rule]) -> list[str]:
    return [rule.label for rule in rules if any(re.search(rule.runtime, n) for n in names)]


def static_hits(source: bytes, function: str, rules: list[Rule]) -> list[str]:
    """Labels of the rules whose names the source of ``function`` (or an alias of it) mentions."""
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
    scopes = [n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef)) and n.name == function]
    used = set()
    for scope in scopes:
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


def _dotted(node) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None

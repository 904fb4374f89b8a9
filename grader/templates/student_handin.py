"""Check your modules and pack them for your instructor: ``python handin.py`` writes handin.zip.

The zip holds exercises/<topic>.py for every topic of the course, as the grader expects. Before
writing it, this checks that every module is there, is not too large and has no syntax error, and
lists the functions that still raise NotImplementedError (they score zero, but you may hand in).
"""
import ast
import sys
import zipfile
from pathlib import Path

TOPICS = {{topics}}
MAX_MODULE_BYTES = {{max_module_bytes}}  # the grader does not grade a larger module
HERE = Path(__file__).resolve().parent


def problems(folder: Path) -> list[str]:
    """What keeps the modules in ``folder`` from being graded."""
    found = []
    for topic in TOPICS:
        path = folder / f"{topic}.py"
        if not path.is_file():
            found.append(f"{path.relative_to(HERE)} is missing")
        elif path.stat().st_size > MAX_MODULE_BYTES:
            found.append(f"{path.relative_to(HERE)} is larger than {MAX_MODULE_BYTES // 1024} KiB")
        else:
            try:
                ast.parse(path.read_bytes(), str(path))
            except SyntaxError as error:
                found.append(f"{path.relative_to(HERE)}, line {error.lineno}: {error.msg}")
    return found


def stubs(folder: Path) -> list[str]:
    """The functions and methods whose body still raises NotImplementedError."""
    names = []
    for topic in TOPICS:
        for node in ast.parse((folder / f"{topic}.py").read_bytes()).body:
            functions = [(f"{node.name}.", n) for n in node.body] if isinstance(node, ast.ClassDef) else [("", node)]
            names += [prefix + function.name for prefix, function in functions
                      if isinstance(function, ast.FunctionDef) and _raises_not_implemented(function)]
    return names


def _raises_not_implemented(function: ast.FunctionDef) -> bool:
    return any(isinstance(statement, ast.Raise) and "NotImplementedError" in ast.unparse(statement)
               for statement in function.body)


def main() -> int:
    folder, archive = HERE / "exercises", HERE / "handin.zip"
    found = problems(folder)
    if found:
        print("Not packed, fix these first:\n  " + "\n  ".join(found), file=sys.stderr)
        return 1
    missing = stubs(folder)
    if missing:
        print(f"Still not implemented (they score zero): {', '.join(missing)}")
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as handle:
        for topic in TOPICS:
            handle.write(folder / f"{topic}.py", f"exercises/{topic}.py")
    print(f"Wrote {archive.name} with {len(TOPICS)} modules: hand it in as your instructor asks.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Stage 1, load: find the student's modules in a folder, a .zip or a Jupyter notebook.

The result is plain bytes per topic, so grading is a function of the
submission's content alone (a local pool, a cluster worker or an nbgrader
cell can all build a ``Submission`` and call ``grade_submission``).
"""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

MAX_MODULE_BYTES = 2 * 1024 * 1024


class SubmissionError(Exception):
    """The path cannot be read as a submission at all."""


@dataclass(frozen=True)
class Submission:
    """The student's module sources, keyed by topic, and where they came from."""

    modules: dict[str, bytes]
    origin: str
    notes: tuple[str, ...] = field(default=())


def load_submission(path: Path, topics) -> Submission:
    path = Path(path)
    if not path.exists():
        raise SubmissionError(f"{path} does not exist: give a folder of exercise modules, a .zip of one "
                              "or a Jupyter notebook (.ipynb)")
    if path.is_dir():
        files = {str(p.relative_to(path).as_posix()): p for pattern in ("*.py", "*.ipynb")
                 for p in path.rglob(pattern) if p.is_file()}
        return _pick(files, lambda p, limit: p.open("rb").read(limit + 1), topics, str(path))
    if path.suffix.lower() == ".ipynb":
        return load_notebook_bytes(path.read_bytes(), topics, str(path))
    if zipfile.is_zipfile(path):
        return load_zip_bytes(path.read_bytes(), topics, str(path))
    raise SubmissionError(f"{path} is neither a folder, a .zip file nor a Jupyter notebook (.ipynb)")


def load_zip_bytes(data: bytes, topics, origin: str = "<zip>") -> Submission:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = {i.filename: i for i in archive.infolist()
                 if not i.is_dir() and i.filename.endswith((".py", ".ipynb"))}
    except (zipfile.BadZipFile, OSError) as exc:
        raise SubmissionError(f"{origin} is not a readable zip file: {exc}") from None

    def read(info, limit):
        with archive.open(info) as handle:
            return handle.read(limit + 1)

    return _pick(infos, read, topics, origin)


def load_notebook_bytes(data: bytes, topics, origin: str = "<notebook>") -> Submission:
    """A notebook on its own: the module for the topic it is named after, or for every topic it answers."""
    from grader.notebook import NotebookError

    try:
        modules, notes = _notebook_modules(data, PurePosixPath(origin), topics)
    except NotebookError as exc:
        raise SubmissionError(str(exc)) from None
    if not modules and not notes:
        notes = [f"{PurePosixPath(origin).name} defines none of the functions the exercises ask for"]
    return Submission(modules, origin, tuple(notes))


def _notebook_modules(data: bytes, name: PurePosixPath, topics) -> tuple[dict[str, bytes], list[str]]:
    from grader.notebook import MAX_NOTEBOOK_BYTES, notebook_module, topics_of_notebook

    if len(data) > MAX_NOTEBOOK_BYTES:
        return {}, [f"{name.name} is larger than {MAX_NOTEBOOK_BYTES // 2**20} MiB and was not graded"]
    module, defined, notes = notebook_module(data, name.name)
    chosen = topics_of_notebook(name.stem, defined, topics)
    if chosen and len(module) > MAX_MODULE_BYTES:
        return {}, notes + [f"the code of {name.name} is larger than {MAX_MODULE_BYTES // 1024} KiB "
                            "and was not graded"]
    return {topic: module for topic in chosen}, notes


def _pick(files: dict, read, topics, origin: str) -> Submission:
    """Choose, per topic, the shallowest ``<topic>.py`` at the top, in ``exercises/`` or one folder down;
    topics without one come from the notebooks there (``grader.notebook``)."""
    modules, notes = {}, []
    shallow = sorted((len(PurePosixPath(name).parts), name) for name in files if _shallow(name))
    for topic in topics:
        found = [name for _, name in shallow if PurePosixPath(name).name == f"{topic}.py"]
        if not found:
            continue
        source = read(files[found[0]], MAX_MODULE_BYTES)
        if len(source) > MAX_MODULE_BYTES:
            notes.append(f"{found[0]} is larger than {MAX_MODULE_BYTES // 1024} KiB and was not graded")
            continue
        modules[topic] = source
    missing = [topic for topic in topics if topic not in modules]
    for _, name in shallow:
        if missing and name.endswith(".ipynb"):
            from grader.notebook import MAX_NOTEBOOK_BYTES, NotebookError  # nbformat, IPython: only for notebooks

            try:
                answered, said = _notebook_modules(read(files[name], MAX_NOTEBOOK_BYTES), PurePosixPath(name),
                                                   missing)
            except NotebookError as exc:
                answered, said = {}, [str(exc)]
            modules.update(answered)
            notes += said
            missing = [topic for topic in missing if topic not in answered]
    return Submission(modules, origin, tuple(notes))


def _shallow(name: str) -> bool:
    """At the top, in ``exercises/``, or one folder down; not hidden, not a macOS resource file."""
    parts = PurePosixPath(name).parts
    if "__MACOSX" in parts or any(p.startswith(".") for p in parts):
        return False
    folders = parts[:-1]
    if folders and folders[-1] == "exercises":
        folders = folders[:-1]
    return len(folders) <= 1

"""Stage 1, load: find the student's modules in a folder, a .zip or a Jupyter notebook.

The result is plain bytes per topic, so grading is a function of the
submission's content alone (a local pool, a cluster worker or an nbgrader
cell can all build a ``Submission`` and call ``grade_submission``).
"""

from __future__ import annotations

import io
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

MAX_MODULE_BYTES = 2 * 1024 * 1024


class SubmissionError(Exception):
    """The path cannot be read as a submission at all."""


LOOKED = "at its top level, in exercises/ and in each folder one level down"


@dataclass(frozen=True)
class Submission:
    """The student's module sources, keyed by topic, and where they came from.

    ``found`` says where each module was (its path in the submission, or the notebook's name);
    ``problems`` why a module that is there was not taken (too large).
    """

    modules: dict[str, bytes]
    origin: str
    notes: tuple[str, ...] = field(default=())
    found: dict[str, str] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)

    def missing_reason(self, topic: str) -> str:
        """Why ``topic`` has no module to grade."""
        return self.problems.get(topic) or (
            f"{topic}.py was not found in {self.origin} (looked {LOOKED}), nor a notebook defining its functions"
        )

    def summary(self, topics) -> str:
        """One line for the report: which of ``topics`` were found where, which not, and where the grader looked."""
        places: dict[str, list[str]] = {}  # " in <folder or notebook>" (or "") -> what was found there
        for topic in (t for t in topics if t in self.modules):
            path = PurePosixPath(self.found.get(topic, f"{topic}.py"))
            if path.suffix == ".ipynb":
                places.setdefault(f" in {path}", []).append(topic)
            else:
                place = f" in {path.parent}/" if path.parent.parts else " at the top" if topic in self.found else ""
                places.setdefault(place, []).append(path.name)
        count = sum(len(names) for names in places.values())
        if count == len(topics) and len(places) == 1:
            place, names = next(iter(places.items()))
            return f"found all {count} modules{place}" if count > 1 else f"found {names[0]}{place}"
        text = f"found {count} of {len(topics)} modules"
        if places:
            text += ": " + "; ".join(f"{', '.join(names)}{place}" for place, names in places.items())
        too_large = [f"{topic}.py" for topic in topics if topic in self.problems]
        if too_large:
            text += f"; too large to grade: {', '.join(too_large)} (the limit is {MAX_MODULE_BYTES // 1024} KiB)"
        missing = [f"{topic}.py" for topic in topics if topic not in self.modules and topic not in self.problems]
        if missing:
            looked = (
                "the notebook defines none of their functions"
                if self.origin.lower().endswith(".ipynb")
                else f"looked in {self.origin} {LOOKED}, and in notebooks"
            )
            text += f"; not found: {', '.join(missing)} ({looked})"
        return text


def load_submission(path: Path, topics) -> Submission:
    path = Path(path)
    if not path.exists():
        raise SubmissionError(
            f"{path} does not exist: give a folder of exercise modules, a .zip of one or a Jupyter notebook (.ipynb)"
        )
    if path.is_dir():
        files = {
            str(p.relative_to(path).as_posix()): p
            for pattern in ("*.py", "*.ipynb")
            for p in path.rglob(pattern)
            if p.is_file()
        }
        return _pick(files, lambda p, limit: p.open("rb").read(limit + 1), topics, str(path))
    if path.suffix.lower() == ".ipynb":
        return load_notebook_bytes(path.read_bytes(), topics, str(path))
    if zipfile.is_zipfile(path):
        return load_zip_bytes(path.read_bytes(), topics, str(path))
    raise SubmissionError(f"{path} is neither a folder, a .zip file nor a Jupyter notebook (.ipynb)")


def load_zip_bytes(data: bytes, topics, origin: str = "<zip>") -> Submission:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = {i.filename: i for i in archive.infolist() if not i.is_dir() and i.filename.endswith((".py", ".ipynb"))}
    except (zipfile.BadZipFile, OSError) as exc:
        raise SubmissionError(f"{origin} is not a readable zip file: {exc}") from None

    def read(info, limit):
        with archive.open(info) as handle:
            return handle.read(limit + 1)

    return _pick(infos, read, topics, origin)


def load_files(files: dict, topics, origin: str) -> Submission:
    """A submission given as files by their path in it, each a ``read(limit)`` that returns at most
    ``limit + 1`` bytes (an LMS download's files for one student): chosen as in a folder."""
    files = {name: read for name, read in files.items() if name.endswith((".py", ".ipynb"))}
    return _pick(files, lambda read, limit: read(limit), topics, origin)


def load_notebook_bytes(data: bytes, topics, origin: str = "<notebook>") -> Submission:
    """A notebook on its own: the module for the topic it is named after, or for every topic it answers."""
    from grader.load.notebook import NotebookError

    try:
        modules, notes = _notebook_modules(data, PurePosixPath(origin), topics)
    except NotebookError as exc:
        raise SubmissionError(str(exc)) from None
    if not modules and not notes:
        notes = [f"{PurePosixPath(origin).name} defines none of the functions the exercises ask for"]
    return Submission(modules, origin, tuple(notes), {topic: PurePosixPath(origin).name for topic in modules})


def _notebook_modules(data: bytes, name: PurePosixPath, topics) -> tuple[dict[str, bytes], list[str]]:
    from grader.load.notebook import MAX_NOTEBOOK_BYTES, notebook_module, topics_of_notebook

    if len(data) > MAX_NOTEBOOK_BYTES:
        return {}, [f"{name.name} is larger than {MAX_NOTEBOOK_BYTES // 2**20} MiB and was not graded"]
    module, defined, notes = notebook_module(data, name.name)
    chosen = topics_of_notebook(name.stem, defined, topics)
    if chosen and len(module) > MAX_MODULE_BYTES:
        return {}, notes + [f"the code of {name.name} is larger than {MAX_MODULE_BYTES // 1024} KiB and was not graded"]
    return {topic: module for topic in chosen}, notes


def _pick(files: dict, read, topics, origin: str) -> Submission:
    """Choose, per topic, the shallowest ``<topic>.py`` at the top, in ``exercises/`` or one folder down;
    topics without one come from the notebooks there (``grader.load.notebook``).

    ``SubmissionError`` when none of the modules is there at all, naming the folder that holds them
    when they sit deeper.
    """
    modules, notes, found, problems = {}, [], {}, {}
    shallow = sorted((len(PurePosixPath(name).parts), name) for name in files if _shallow(name))
    for topic in topics:
        matches = [name for _, name in shallow if PurePosixPath(name).name == f"{topic}.py"]
        if not matches:
            continue
        source = read(files[matches[0]], MAX_MODULE_BYTES)
        if len(source) > MAX_MODULE_BYTES:
            problems[topic] = (
                f"{matches[0]} is larger than the limit of {MAX_MODULE_BYTES // 1024} KiB "
                "for a module, so it was not graded"
            )
            continue
        modules[topic], found[topic] = source, matches[0]
    missing = [topic for topic in topics if topic not in modules and topic not in problems]
    for _, name in shallow:
        if missing and name.endswith(".ipynb"):
            from grader.load.notebook import MAX_NOTEBOOK_BYTES, NotebookError  # nbformat, IPython: only for notebooks

            try:
                answered, said = _notebook_modules(read(files[name], MAX_NOTEBOOK_BYTES), PurePosixPath(name), missing)
            except NotebookError as exc:
                answered, said = {}, [str(exc)]
            modules.update(answered)
            found.update(dict.fromkeys(answered, name))
            notes += said
            missing = [topic for topic in missing if topic not in answered]
    if not modules and not problems:
        raise SubmissionError(_none_found(files, topics, origin, notes))
    return Submission(modules, origin, tuple(notes), found, problems)


def _none_found(files: dict, topics, origin: str, notes: list[str]) -> str:
    """The error for a submission without any module: what was expected, and the folder that holds them."""
    expected = [f"{topic}.py" for topic in topics]
    lines = [
        f"{origin} holds none of the course's modules {LOOKED}: expected {', '.join(expected)} "
        "(or notebooks defining their functions)"
    ]
    folders = Counter(
        str(PurePosixPath(name).parent)
        for name in files
        if PurePosixPath(name).name in expected and not _hidden(name) and not _shallow(name)
    )
    if folders:
        folder, count = folders.most_common(1)[0]
        path = PurePosixPath(origin) / folder
        lines.append(
            f"{count} of them {'is' if count == 1 else 'are'} in {folder}/, deeper than the grader looks: "
            + (
                f"grade that folder (grader grade {path})"
                if Path(origin).is_dir()
                else "zip that folder, or the folder that holds it, instead"
            )
        )
    return "\n".join(lines + notes)


def _shallow(name: str) -> bool:
    """At the top, in ``exercises/``, or one folder down; not hidden, not a macOS resource file."""
    if _hidden(name):
        return False
    folders = PurePosixPath(name).parts[:-1]
    if folders and folders[-1] == "exercises":
        folders = folders[:-1]
    return len(folders) <= 1


def _hidden(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return "__MACOSX" in parts or any(p.startswith(".") for p in parts)

"""What every layout shares: a class download as files (a folder or a .zip), a student of it, and how
one student's files become one submission."""

from __future__ import annotations

import os
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from grader.load.submission import SubmissionError, load_files, load_zip_bytes

Reader = Callable[[int | None], bytes]  # read(limit): at most limit + 1 bytes, or all of them for None


@dataclass(frozen=True)
class Person:
    """Who a submission belongs to, as the LMS names them (``lms_id`` is the id it keeps stable)."""

    lms: str
    lms_id: str
    name: str = ""
    email: str = ""


@dataclass(frozen=True)
class ClassStudent:
    """One submission of the class: ``name`` names its results (``DIR/<name>.json``); ``people`` are
    its authors (several for a Gradescope group); ``files`` the download's entries it came from."""

    name: str
    people: tuple[Person, ...]
    files: tuple[str, ...]
    loader: Callable = field(compare=False, repr=False)
    note: str = ""

    def load(self, topics):
        return self.loader(topics)


@dataclass
class ClassList:
    """The students a download holds, in the layout it was recognised as, and the entries that fit none."""

    layout: str
    students: list[ClassStudent]
    ignored: list[str] = field(default_factory=list)


def hidden(name: str) -> bool:
    return any(part.startswith(".") or part == "__MACOSX" for part in PurePosixPath(name).parts)


def safe_name(text: str) -> str:
    """``text`` as a file name of its own: letters, digits and ``._@+-``; the rest become ``_``."""
    return re.sub(r"[^\w.@+-]", "_", text.strip()).lstrip(".") or "_"


class FolderSource:
    """A class download unpacked in a folder."""

    def __init__(self, root: Path):
        self.root = root

    def children(self, rel: str = "") -> list[tuple[str, bool]]:
        """The entries of the folder ``rel`` (name, is a folder), hidden ones left out."""
        folder = self.root / rel
        return sorted((p.name, p.is_dir()) for p in folder.iterdir() if not hidden(p.name))

    def files(self, rel: str) -> dict[str, Reader]:
        """Every file under the folder ``rel``, by its path relative to it."""
        top = self.root / rel
        found = {}
        for folder, _, names in os.walk(top):
            for name in names:
                path = Path(folder) / name
                relative = path.relative_to(top).as_posix()
                if not hidden(relative):
                    found[relative] = self.reader(path.relative_to(self.root).as_posix())
        return found

    def reader(self, rel: str) -> Reader:
        def read(limit=None):
            with open(self.root / rel, "rb") as handle:
                return handle.read() if limit is None else handle.read(limit + 1)

        return read

    def path(self, rel: str) -> Path:
        return self.root / rel

    def label(self, rel: str) -> str:
        return str(self.root / rel) if rel else str(self.root)


class ZipSource:
    """A class download as a .zip, read in place. A single folder holding everything (a zipped class
    folder, Gradescope's ``assignment_<id>_export/``) is looked into."""

    def __init__(self, path: Path):
        self.zip_path = path
        try:
            self.archive = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise SubmissionError(f"{path} is not a readable zip file: {exc}") from None
        names = [i.filename for i in self.archive.infolist() if not i.is_dir() and not hidden(i.filename)]
        self.infos = {i.filename: i for i in self.archive.infolist() if not i.is_dir()}
        tops = {PurePosixPath(name).parts[0] for name in names}
        single = next(iter(tops)) if len(tops) == 1 else None
        loose = single and any(PurePosixPath(n).parent == PurePosixPath(single) and n.endswith(".py") for n in names)
        self.prefix = f"{single}/" if single and all("/" in n for n in names) and not loose else ""
        self.names = [n[len(self.prefix) :] for n in names if n.startswith(self.prefix)]

    def children(self, rel: str = "") -> list[tuple[str, bool]]:
        start = f"{rel}/" if rel else ""
        entries = {}
        for name in self.names:
            if name.startswith(start):
                head, _, rest = name[len(start) :].partition("/")
                entries[head] = entries.get(head, False) or bool(rest)
        return sorted(entries.items())

    def files(self, rel: str) -> dict[str, Reader]:
        start = f"{rel}/"
        return {n[len(start) :]: self.reader(n) for n in self.names if n.startswith(start)}

    def reader(self, rel: str) -> Reader:
        info = self.infos[self.prefix + rel]

        def read(limit=None):
            with self.archive.open(info) as handle:
                return handle.read() if limit is None else handle.read(limit + 1)

        return read

    def path(self, rel: str) -> None:
        return None  # not on disk

    def label(self, rel: str) -> str:
        return f"{self.zip_path}/{self.prefix}{rel}".rstrip("/")


def open_source(path: Path) -> FolderSource | ZipSource:
    path = Path(path)
    if not path.exists():
        raise SubmissionError(f"{path} does not exist: give the class's folder or .zip")
    if path.is_dir():
        return FolderSource(path)
    if path.is_file() and zipfile.is_zipfile(path):
        return ZipSource(path)
    raise SubmissionError(
        f"{path} is neither a folder nor a .zip: give the class as the folder or the .zip the LMS "
        "downloads (Canvas, Moodle, Gradescope, nbgrader's submitted/) or a folder with one entry per student"
    )


def load_student_files(files: dict[str, Reader], topics, origin: str):
    """One student's files as one submission: their modules and notebooks, found as in a folder, or
    the .zip among them that holds more of the modules (a handin.zip); with a tie, the loose files."""
    archives = sorted(n for n in files if n.lower().endswith(".zip"))
    candidates, errors = [], []
    if not archives or any(n.endswith((".py", ".ipynb")) for n in files):
        try:
            candidates.append(load_files(files, topics, origin))
        except SubmissionError as exc:
            errors.append(str(exc))
    for name in archives:
        try:
            candidates.append(load_zip_bytes(files[name](None), topics, f"{origin}/{name}"))
        except SubmissionError as exc:
            errors.append(str(exc))
    if not candidates:
        raise SubmissionError(errors[0])
    return max(candidates, key=lambda s: len(s.modules))  # max keeps the first of equals: the loose files

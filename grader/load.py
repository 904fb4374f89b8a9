"""Stage 1, load: find the student's modules in a folder or a .zip.

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
        raise SubmissionError(f"{path} does not exist: give a folder of exercise modules, a .zip of one")
    if path.is_dir():
        files = {str(p.relative_to(path).as_posix()): p for p in path.rglob("*.py") if p.is_file()}
        return _pick(files, lambda p: p.read_bytes()[: MAX_MODULE_BYTES + 1], topics, str(path))
    if zipfile.is_zipfile(path):
        return load_zip_bytes(path.read_bytes(), topics, str(path))
    raise SubmissionError(f"{path} is neither a folder nor a .zip file")


def load_zip_bytes(data: bytes, topics, origin: str = "<zip>") -> Submission:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = {i.filename: i for i in archive.infolist() if not i.is_dir() and i.filename.endswith(".py")}
    except (zipfile.BadZipFile, OSError) as exc:
        raise SubmissionError(f"{origin} is not a readable zip file: {exc}") from None

    def read(info):
        with archive.open(info) as handle:
            return handle.read(MAX_MODULE_BYTES + 1)

    return _pick(infos, read, topics, origin)


def _pick(files: dict, read, topics, origin: str) -> Submission:
    """Choose, per topic, the shallowest ``<topic>.py`` at the top, in ``exercises/`` or one folder down."""
    modules, notes = {}, []
    for topic in topics:
        candidates = []
        for name, handle in files.items():
            parts = PurePosixPath(name).parts
            if parts[-1] != f"{topic}.py" or "__MACOSX" in parts or any(p.startswith(".") for p in parts):
                continue
            folders = parts[:-1]
            if folders and folders[-1] == "exercises":
                folders = folders[:-1]
            if len(folders) <= 1:
                candidates.append((len(parts), name, handle))
        if not candidates:
            continue
        _, name, handle = min(candidates)
        source = read(handle)
        if len(source) > MAX_MODULE_BYTES:
            notes.append(f"{name} is larger than {MAX_MODULE_BYTES // 1024} KiB and was not graded")
            continue
        modules[topic] = source
    return Submission(modules, origin, tuple(notes))

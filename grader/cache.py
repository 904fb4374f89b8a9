"""The drawn-case cache: the inputs each search draws, recorded once and replayed.

What a property's hypothesis search draws depends on the grader's code, the
libraries that draw (hypothesis, NumPy, torch), the config and the topic, never
on the submission. A search that passes records its cases; the next grade
replays them without hypothesis and, if every one still passes, has its answer
(the same calls, in the same order). A replay that fails falls back to the
search itself, so feedback and shrunk counterexamples are exactly those of an
uncached grade.

One file per (grader code, libraries, config, topic) under ``cache_folder()``,
readable by the grader's user only (and hidden from the sandboxed child),
written atomically, and checked against its SHA-256 on load: a damaged or
stale file is ignored and rebuilt.
"""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import pickle
import tempfile
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

MAGIC = b"convgrade-cases 1\n"
GRADER = Path(__file__).resolve().parent


def cache_folder() -> Path:
    """``$CONVGRADE_CACHE``, else ``$XDG_CACHE_HOME/convgrade``, else ``~/.cache/convgrade``."""
    if os.environ.get("CONVGRADE_CACHE"):
        return Path(os.environ["CONVGRADE_CACHE"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "convgrade"


@lru_cache(maxsize=1)
def grader_fingerprint() -> str:
    """A hash of the grader's own source and of the versions of the libraries that draw the inputs."""
    digest = hashlib.sha256()
    for path in sorted(GRADER.rglob("*.py")):
        digest.update(str(path.relative_to(GRADER)).encode() + b"\0" + path.read_bytes() + b"\0")
    digest.update(" ".join(version(library) for library in ("hypothesis", "numpy", "torch")).encode())
    return digest.hexdigest()


class CaseCache:
    """The recorded cases of one topic under one config; ``CaseCache.off()`` records and replays nothing."""

    def __init__(self, path: Path | None):
        self.path = path
        self._entries = self._load() if path else {}
        self._new: dict[str, list] = {}

    @classmethod
    def for_topic(cls, topic: str, config_text: str, folder: Path | None = None) -> "CaseCache":
        config = hashlib.sha256(config_text.encode()).hexdigest()[:16]
        return cls((folder or cache_folder()) / f"{topic}-{grader_fingerprint()[:16]}-{config}.cases")

    @classmethod
    def off(cls) -> "CaseCache":
        return cls(None)

    def cases(self, search: str) -> list | None:
        """The cases recorded for ``search`` (fresh objects each time), or None."""
        data = self._entries.get(search)
        return pickle.loads(data) if data is not None else None

    def record(self, search: str, cases: list):
        if self.path is not None and search not in self._entries:
            self._entries[search] = self._new[search] = pickle.dumps(cases, protocol=pickle.HIGHEST_PROTOCOL)

    def save(self):
        """Merge what this grade recorded into the file (under a lock: workers may share it)."""
        if self.path is None or not self._new:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            with open(self.path.with_suffix(".lock"), "a") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                entries = {**self._load(), **self._new}
                payload = pickle.dumps(entries, protocol=pickle.HIGHEST_PROTOCOL)
                _write_atomically(self.path, MAGIC + hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload)
        except OSError:
            return  # a cache that cannot be written only costs time
        self._new.clear()
        self._prune()

    def _prune(self):
        """Remove this topic's files (and locks) recorded by other versions of the grader."""
        topic, fingerprint, _ = self.path.stem.rsplit("-", 2)
        for old in self.path.parent.glob(f"{topic}-*-*.*"):
            if old.stem.rsplit("-", 2)[1:2] != [fingerprint]:
                with contextlib.suppress(OSError):
                    old.unlink()

    def _load(self) -> dict[str, bytes]:
        try:
            data = self.path.read_bytes()
        except OSError:
            return {}
        header, _, payload = data[len(MAGIC):].partition(b"\n")
        if not data.startswith(MAGIC) or hashlib.sha256(payload).hexdigest().encode() != header:
            return {}  # damaged or from another format: rebuilt by this grade
        try:
            entries = pickle.loads(payload)
        except Exception:  # noqa: BLE001 -- whatever is wrong with it, it is not used
            return {}
        return entries if isinstance(entries, dict) else {}


def _write_atomically(path: Path, data: bytes):
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise

"""The drawn-case cache: the inputs each search draws and the references computed on them, recorded once.

What a property's hypothesis search draws depends on the grader's code, the
libraries that draw (hypothesis, NumPy, torch), the config and the topic, never
on the submission. A search that passes records its cases; the next grade
replays them without hypothesis and, if every one still passes, has its answer
(the same calls, in the same order). A replay that fails falls back to the
search itself, so feedback and shrunk counterexamples are exactly those of an
uncached grade.

The reference outputs are remembered the same way: a function marked ``@remembered`` (or called
through ``recall``) is a pure function of its arguments, so its result is kept under a hash of its
name and arguments. Those computed in a search or scripted check that passed are written to the file,
so a class computes them once; the others live for one topic's grade only.

One file per (grader code, libraries, config, topic) under ``cache_folder()``,
readable by the grader's user only (and hidden from the sandboxed child),
written atomically, and checked against its SHA-256 on load: a damaged or
stale file is ignored and rebuilt.
"""

from __future__ import annotations

import contextlib
import contextvars
import copyreg
import fcntl
import functools
import hashlib
import io
import os
import pickle
import tempfile
from collections.abc import Callable
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING

from packaging.version import Version

if TYPE_CHECKING:
    import numpy as np
    import torch

MAGIC = b"convgrade-cases 2\n"
GRADER = Path(__file__).resolve().parent
REFERENCE = "reference:"  # the prefix of a remembered reference's key among the file's entries
GRADE_MEMORY = 20_000  # references one topic's grade keeps in memory at most


def cache_folder() -> Path:
    """``$CONVGRADE_CACHE``, else ``$XDG_CACHE_HOME/convgrade``, else ``~/.cache/convgrade``."""
    if os.environ.get("CONVGRADE_CACHE"):
        return Path(os.environ["CONVGRADE_CACHE"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "convgrade"


def drawing_libraries() -> dict[str, str]:
    """The libraries whose versions decide the drawn inputs and the references, at their public versions
    (a CPU and a CUDA build of PyTorch, ``2.14.1+cpu`` and ``2.14.1``, compute alike on the CPU)."""
    return {library: Version(version(library)).public for library in ("hypothesis", "numpy", "torch")}


@lru_cache(maxsize=1)
def grader_fingerprint() -> str:
    """A hash of the grader's own source and of the versions of the libraries that draw the inputs."""
    digest = hashlib.sha256()
    for path in sorted(GRADER.rglob("*.py")):
        digest.update(str(path.relative_to(GRADER)).encode() + b"\0" + path.read_bytes() + b"\0")
    digest.update(" ".join(drawing_libraries().values()).encode())
    return digest.hexdigest()


class CaseCache:
    """The recorded cases of one topic under one config; ``CaseCache.off()`` records and replays nothing."""

    def __init__(self, path: Path | None):
        self.path = path
        self._entries = self._load() if path else {}
        self._new: dict[str, bytes] = {}
        self._computed: dict[str, bytes] = {}  # references computed in this grade
        self._pending: set[str] = set()  # ... since the last keep() or discard()

    @classmethod
    def for_topic(cls, topic: str, config_text: str, folder: Path | None = None) -> CaseCache:
        config = hashlib.sha256(config_text.encode()).hexdigest()[:16]
        return cls((folder or cache_folder()) / f"{topic}-{grader_fingerprint()[:16]}-{config}.cases")

    @classmethod
    def off(cls) -> CaseCache:
        return cls(None)

    def cases(self, search: str) -> list | None:
        """The cases recorded for ``search`` (fresh objects each time), or None."""
        data = self._entries.get(search)
        return loads(data) if data is not None else None

    def record(self, search: str, cases: list):
        if self.path is not None and search not in self._entries:
            self._entries[search] = self._new[search] = dumps(cases)

    def reference(self, key: str) -> bytes | None:
        """The pickled result remembered under ``key``, or None."""
        return self._entries.get(key) or self._computed.get(key)

    def remember(self, key: str, data: bytes):
        if len(self._computed) < GRADE_MEMORY:
            self._computed[key] = data
            self._pending.add(key)

    def keep(self):
        """Write the references computed since the last ``keep``/``discard`` (a check passed on them)."""
        if self.path is not None:
            for key in self._pending:
                self._entries[key] = self._new[key] = self._computed[key]
        self._pending.clear()

    def discard(self):
        """Keep the references computed since the last ``keep``/``discard`` for this grade only."""
        self._pending.clear()

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
        header, _, payload = data[len(MAGIC) :].partition(b"\n")
        if not data.startswith(MAGIC) or hashlib.sha256(payload).hexdigest().encode() != header:
            return {}  # damaged or from another format: rebuilt by this grade
        try:
            entries = pickle.loads(payload)
        except Exception:  # noqa: BLE001 -- whatever is wrong with it, it is not used
            return {}
        return entries if isinstance(entries, dict) else {}


# ------------------------------------------------------------------ remembered references

_ACTIVE: contextvars.ContextVar[CaseCache | None] = contextvars.ContextVar("references", default=None)


@contextlib.contextmanager
def references_in(cache: CaseCache):
    """Remember the references computed in this block in ``cache`` (and look them up there)."""
    token = _ACTIVE.set(cache)
    try:
        yield cache
    finally:
        _ACTIVE.reset(token)


def recall(name: str, compute: Callable, *args, **kwargs):
    """``compute(*args, **kwargs)``, remembered under ``name`` and the arguments' content.

    ``name`` must say which computation this is (a function's qualified name, the name of a list
    of misconceptions); the result must depend on the arguments only. Outside ``references_in``, or when
    an argument cannot be pickled, it is simply computed. A raised ``Exception`` is remembered too.
    """
    cache = _ACTIVE.get()
    key = cache and _key(name, args, kwargs)
    if key is None:
        return compute(*args, **kwargs)
    data = cache.reference(key)
    if data is None:
        try:
            value = compute(*args, **kwargs)
        except Exception as error:  # noqa: BLE001 -- remembered and raised again, like a value
            _remember(cache, key, ("raised", error))
            raise
        _remember(cache, key, ("value", value))
        return value
    kind, value = loads(data)
    if kind == "raised":
        raise value
    return value


def remembered(compute: Callable) -> Callable:
    """Decorate a reference computation that depends on its arguments only: see ``recall``."""
    name = f"{compute.__module__}.{compute.__qualname__}"
    if "<" in name:
        raise TypeError(f"{name}: only a module-level function has a name that says what it computes")

    @functools.wraps(compute)
    def remembering(*args, **kwargs):
        return recall(name, compute, *args, **kwargs)

    return remembering


def _key(name: str, args, kwargs) -> str | None:
    try:
        data = dumps((name, args, sorted(kwargs.items())))
    except Exception:  # noqa: BLE001 -- a lambda, a generator, ...: not remembered
        return None
    return REFERENCE + hashlib.sha256(data).hexdigest()


def _remember(cache: CaseCache, key: str, result):
    try:
        cache.remember(key, dumps(result))
    except Exception:  # noqa: BLE001 -- a result that does not pickle is computed again next time
        return


# ------------------------------------------------------------------ pickling tensors fast


def _reduce_tensor(obj):
    """A plain CPU tensor as a NumPy array (ten times faster to load than torch's own format); others as torch does."""
    if (
        obj.layout == _torch().strided
        and obj.device.type == "cpu"
        and obj.is_leaf
        and obj.is_contiguous()
        and str(obj.dtype) in _NUMPY
    ):
        return _tensor, (obj.detach().numpy(), obj.requires_grad, type(obj) is not _torch().Tensor)
    return obj.__reduce_ex__(pickle.HIGHEST_PROTOCOL)


_NUMPY = {
    f"torch.{name}"
    for name in (
        "float16",
        "float32",
        "float64",
        "complex64",
        "complex128",
        "uint8",
        "int8",
        "int16",
        "int32",
        "int64",
        "bool",
    )
}


@lru_cache(maxsize=1)
def _torch():
    """torch, imported when a tensor is first pickled: the command line reports usage errors before that."""
    import torch

    return torch


@lru_cache(maxsize=1)
def _dispatch_table() -> dict:
    torch = _torch()
    return {**copyreg.dispatch_table, torch.Tensor: _reduce_tensor, torch.nn.Parameter: _reduce_tensor}


def _tensor(array: np.ndarray, requires_grad: bool, parameter: bool) -> torch.Tensor:
    torch = _torch()
    tensor = torch.from_numpy(array)
    return torch.nn.Parameter(tensor, requires_grad) if parameter else tensor.requires_grad_(requires_grad)


def dumps(obj) -> bytes:
    out = io.BytesIO()
    pickler = pickle.Pickler(out, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _dispatch_table()
    pickler.dump(obj)
    return out.getvalue()


def loads(data: bytes):
    return pickle.loads(data)


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

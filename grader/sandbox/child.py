"""The child process that runs one topic's student module (untrusted code).

It is forked from a warm server that has already imported torch, NumPy and
OpenCV, confines itself (``confine.enter``), imports the student's module and
then answers requests from the grader over a dedicated pipe, one at a time:

* ``call``  -- call a student function on decoded inputs;
* ``probe`` -- run trusted probe code (``probes.py``) on the student's objects.

While a "by loops" function runs, the built-ins its rules forbid are denied
(``denial``): PyTorch's operators at the dispatcher, the guarded NumPy / OpenCV /
SciPy functions in their wrappers. Every answer says what the call returned
(as wire values), what it raised (type, message, the student's line), the
warnings it issued (category, message, the student's line) and the names the
call reached: denied operators (``aten:``), guarded functions (``cv2:``, ...)
and signs of tampering (``tamper:``). The grader, not the child, decides what
that means.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import importlib.abc
import importlib.machinery
import linecache
import os
import resource
import sys
import time
import traceback
import types
import warnings

import cv2  # noqa: F401  (imported here so the warm server pays for it once)
import numpy as np
import torch

from grader.sandbox import OPTIONAL_IMPORTS, confine, denial, die_with_parent, probes, tripwires, trusted
from grader.sandbox.wire import DTYPES, Array, Status, WireError, decode, encode, recv_message, send_message

MODULE_DIR = "submission"
MAX_ITEMS = 100_000
MAX_WARNINGS = 20


class _Recorder:
    """What a call reached: the forbidden built-ins the denial refused (``aten:convolution``), the
    guarded functions it called (``cv2:filter2D``) and signs of tampering (``tamper:...``, from
    ``tripwires`` and ``denial``)."""

    def __init__(self):
        self.names: set[str] = set()
        self.active = False

    @contextlib.contextmanager
    def watching(self):
        """Record what the student's code reaches inside the block, starting from nothing."""
        self.names.clear()
        self.active = True
        try:
            yield self
        finally:
            self.active = False


RECORDER = _Recorder()


# The NumPy/OpenCV/SciPy functions that "by loops" exercises may not use, by module: (attribute, label).
GUARDED_FUNCTIONS = {
    "cv2": [
        (attr, f"cv2:{attr}")
        for attr in (
            "filter2D",
            "Sobel",
            "sepFilter2D",
            "Scharr",
            "Laplacian",
            "blur",
            "boxFilter",
            "GaussianBlur",
            "dilate",
            "erode",
            "morphologyEx",
        )
    ],
    "numpy": [("convolve", "numpy:convolve"), ("correlate", "numpy:correlate")],
    # what np.convolve and np.correlate call: reachable without them
    "numpy._core.multiarray": [("correlate", "numpy:correlate"), ("correlate2", "numpy:correlate")],
}
# SciPy's filter modules, and the native modules under them: every public callable is guarded.
GUARDED_SCIPY = {
    "scipy.signal": ("scipy.signal._sigtools", "scipy.signal._spline"),
    "scipy.ndimage": ("scipy.ndimage._nd_image",),
}
GUARD_LABELS: set[str] = set()  # every label a guard records, for ``Denial``
DENIAL = denial.Denial(RECORDER)


def _guard(original, label: str):
    """``original`` wrapped: recorded while the recording is on, refused while ``label`` is denied."""

    def guarded(*args, **kwargs):
        if label in DENIAL.labels:
            RECORDER.names.add(label)
            raise denial.Denied(f"{label} is a forbidden built-in here: write it with loops")
        if RECORDER.active:
            RECORDER.names.add(label)
        return original(*args, **kwargs)

    guarded._convgrade_guard = True
    guarded.__name__ = getattr(original, "__name__", label)
    guarded.__doc__ = getattr(original, "__doc__", None)
    GUARD_LABELS.add(label)
    return guarded


def _guard_everywhere(originals: dict):
    """Replace each function of ``originals`` (id -> (function, guard, label)) wherever a loaded module, or a
    module one of them holds (OpenCV's ``cv2._native``), names it: guarded by identity, not by one name."""
    seen, modules = set(), [m for m in list(sys.modules.values()) if isinstance(m, types.ModuleType)]
    while modules:
        module = modules.pop()
        if id(module) in seen:
            continue
        seen.add(id(module))
        namespace = getattr(module, "__dict__", None)
        if not isinstance(namespace, dict):
            continue
        for key, value in list(namespace.items()):
            if issubclass(type(value), types.ModuleType):
                modules.append(value)
                continue
            known = originals.get(id(value))
            if known is not None and known[0] is value:
                namespace[key] = known[1]
                DENIAL.watch_guard(namespace, key, known[1], known[2])


def install_guards():
    """Guard the functions of ``GUARDED_FUNCTIONS`` and of SciPy's loaded filter modules everywhere.

    SciPy's modules are guarded now if loaded, else the moment anything imports them."""
    originals = {}
    for module_name, functions in GUARDED_FUNCTIONS.items():
        module = importlib.import_module(module_name)
        for attr, label in functions:
            original = getattr(module, attr, None)
            if original is not None and not getattr(original, "_convgrade_guard", False):
                originals.setdefault(id(original), (original, _guard(original, label), label))
    for name in GUARDED_SCIPY:
        if name in sys.modules:
            originals.update(_scipy_originals(name))
    _guard_everywhere(originals)
    if not all(name in sys.modules for name in GUARDED_SCIPY):
        sys.meta_path.insert(0, _GuardOnImport())


def _scipy_originals(name: str) -> dict:
    originals = {}
    for module_name in (name, *GUARDED_SCIPY[name]):
        module = sys.modules.get(module_name)
        for attr in dir(module) if module is not None else ():
            value = getattr(module, attr, None)
            if (
                not attr.startswith("__")
                and callable(value)
                and not isinstance(value, type)
                and not getattr(value, "_convgrade_guard", False)
            ):
                label = f"{name}.{attr.lstrip('_')}"
                originals.setdefault(id(value), (value, _guard(value, label), label))
    return originals


class _GuardOnImport(importlib.abc.MetaPathFinder):
    """Finds SciPy's guarded modules as the default finder does, and guards each once executed."""

    def find_spec(self, name, path=None, target=None):
        if name not in GUARDED_SCIPY:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path, target)
        if spec is None or spec.loader is None:
            return spec
        execute = spec.loader.exec_module

        def exec_module(module):
            execute(module)
            _guard_everywhere(_scipy_originals(name))

        spec.loader.exec_module = exec_module
        return spec


def warm_up(preload=tuple(OPTIONAL_IMPORTS)):
    """Pay one-off costs before forking: the guards, the tripwires and the ``preload`` packages of
    ``OPTIONAL_IMPORTS`` (a second or more each: a small grade loads only what it needs)."""
    os.environ.setdefault("MPLBACKEND", "Agg")
    for package in preload:
        for module in OPTIONAL_IMPORTS[package]:
            with contextlib.suppress(ImportError):
                importlib.import_module(module)
    # torch imports its compiler lazily (entering a dispatch mode, torch.compile, decorators of its own):
    # once here, not in a child during a student's call (hundreds of modules, and frames read on the way).
    importlib.import_module("torch._dynamo")
    install_guards()
    tripwires.install(RECORDER)  # about 0.1 s: once, here (it survives the fork)


# ---------------------------------------------------------------- values


def to_python(value, keep: list):
    """Wire value -> object for the student (tensors, arrays, generators, callables)."""
    if isinstance(value, Array):
        data = value.data.copy()
        obj = torch.from_numpy(data) if value.kind == "tensor" else data
        keep.append(obj)
        return obj
    if isinstance(value, dict) and "$special" in value:
        kind, params = value["$special"]
        if kind == "generator":
            return torch.Generator().manual_seed(int(params[0]))
        if kind == "affine":  # the callable x -> a * x + b
            a, b = float(params[0]), float(params[1])
            return lambda x: a * x + b
        raise WireError(f"unknown special value {kind!r}")
    if isinstance(value, list):
        return [to_python(v, keep) for v in value]
    if isinstance(value, tuple):
        return tuple(to_python(v, keep) for v in value)
    if isinstance(value, dict):
        return {k: to_python(v, keep) for k, v in value.items()}
    return value


def to_wire(value, depth: int = 0):
    """Student's return value -> wire value. Tensor subclasses lose their tricks here."""
    if depth > 20:
        return {"$special": ["object", "deeply nested value", ""]}
    if isinstance(value, torch.Tensor):
        with tripwires.ORIGINAL.DisableTorchFunction():
            plain = torch.Tensor.detach(value).cpu()
            requires_grad = bool(torch.Tensor.requires_grad.__get__(value))
            if plain.dtype in (torch.bfloat16, torch.complex64, torch.complex128) or plain.is_sparse:
                return {"$special": ["object", f"tensor of dtype {plain.dtype}", ""]}
            data = np.array(torch.Tensor.numpy(plain.resolve_conj().resolve_neg()), copy=True)
        return Array(data, "tensor", type(value).__name__, requires_grad)
    if isinstance(value, np.ndarray):
        if value.dtype.name not in DTYPES:  # what the wire carries
            return {"$special": ["object", f"numpy array of dtype {value.dtype}", ""]}
        return Array(np.array(value, copy=True), "ndarray", type(value).__name__)
    if isinstance(value, np.generic):
        return {"$special": ["numpy_scalar", value.dtype.name, value.item()]}
    if type(value) in (bool, int, float, str) or value is None:
        if type(value) is int and abs(value) >= 2**63:
            return {"$special": ["object", "int", str(value)[:50]]}
        return value
    if type(value) in (list, tuple):
        items = [to_wire(v, depth + 1) for v in value[:MAX_ITEMS]]
        return items if type(value) is list else tuple(items)
    if type(value) is dict:
        if not all(type(k) is str for k in value):
            return {"$special": ["object", "dict with non-string keys", ""]}
        return {k: to_wire(v, depth + 1) for k, v in list(value.items())[:MAX_ITEMS]}
    if isinstance(value, torch.nn.Module):
        return {"$special": ["module", type(value).__name__, ""]}
    return {"$special": ["object", type(value).__name__, ""]}


def describe_exception(exc: BaseException, student_file: str) -> dict:
    """Type, message and the student's innermost line for an exception."""
    where, line = None, None
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith(student_file) or f"{os.sep}{MODULE_DIR}{os.sep}" in frame.filename:
            where = f"{os.path.basename(frame.filename)}, line {frame.lineno}, in {frame.name}"
            line = frame.line
            break
    try:
        message = str(exc)
    except BaseException:  # a rigged __str__
        message = "<message could not be shown>"
    return {"type": type(exc).__name__, "message": message[:500], "where": where, "line": (line or "")[:200]}


@contextlib.contextmanager
def recording_warnings(caught: list):
    """Every warning issued inside goes to ``caught`` (all of them: "always", whatever the filters)."""
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        try:
            yield
        finally:
            caught.extend(seen)


def describe_warning(warning: warnings.WarningMessage, student_file: str) -> dict:
    """Category, message and the line it was issued from, when that line is the student's."""
    try:
        filename = str(warning.filename or "")
        where, line = None, ""
        if filename.endswith(student_file) or f"{os.sep}{MODULE_DIR}{os.sep}" in filename:
            where = f"{os.path.basename(filename)}, line {int(warning.lineno)}"
            line = linecache.getline(filename, int(warning.lineno)).strip()
        return {
            "category": str(warning.category.__name__)[:100],
            "message": str(warning.message)[:300],
            "where": where,
            "line": line[:200],
        }
    except BaseException:  # noqa: BLE001 -- a rigged warning (odd category, __str__ that raises)
        return {"category": "Warning", "message": "<warning could not be shown>", "where": None, "line": ""}


# ---------------------------------------------------------------- serving


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _set_call_cpu_limit(seconds: float):
    soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    limit = int(_cpu_seconds() + seconds) + 1
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (limit, hard))


def serve(channel, output_fd: int, settings: dict):
    """Entry point in the child: confine, import the student module, answer requests."""
    os.dup2(output_fd, 1)
    os.dup2(output_fd, 2)
    os.close(output_fd)
    sys.stdout = open(1, "w", buffering=1, errors="replace", closefd=False)
    sys.stderr = open(2, "w", buffering=1, errors="replace", closefd=False)
    torch.set_num_threads(1)
    zygote = os.getppid()
    confine.enter(settings)
    die_with_parent(zygote)  # after the change of uid, which clears it
    topic = settings["topic"]
    denied = {function: tuple(patterns) for function, patterns in settings.get("denied", {}).items()}
    student_file = f"{topic}.py"
    tripwires.install(RECORDER)  # a no-op after the zygote's warm-up

    def reply(message: dict):
        try:
            data = encode(message)
        except (WireError, ValueError, TypeError) as exc:
            data = encode({"status": Status.ERROR, "error": {"type": "ReturnValueError", "message": str(exc)[:300]}})
        send_message(channel, data)

    # Import the student's module: the audit hook records import-time tampering.
    sys.path[:0] = [os.path.abspath(MODULE_DIR), os.path.abspath(os.path.join(MODULE_DIR, "exercises"))]
    sys.meta_path[:] = [
        f
        for f in sys.meta_path
        if "editable" not in type(f).__name__.lower() and "editable" not in getattr(f, "__name__", "").lower()
    ]
    for name in [
        m for m in sys.modules if m in ("exercises", "solutions") or m.startswith(("exercises.", "solutions."))
    ]:
        del sys.modules[name]
    tripwires.seal()
    _set_call_cpu_limit(settings["import_cpu_seconds"])
    started = time.perf_counter()
    with RECORDER.watching():
        try:
            module = importlib.import_module(f"exercises.{topic}")
            import_status = {"status": Status.OK}
        except BaseException as exc:  # noqa: BLE001 -- any failure of student code is data
            module = None
            import_status = {"status": Status.RAISED, "error": describe_exception(exc, student_file)}
            if isinstance(exc, SyntaxError):
                import_status["error"].update(where=f"{student_file}, line {exc.lineno}", line=(exc.text or "").strip())
    import_status["seconds"] = time.perf_counter() - started
    import_status["names"] = sorted(RECORDER.names)
    reply(import_status)

    while True:
        try:
            request = decode(recv_message(channel))
        except (EOFError, OSError, WireError):
            os._exit(0)
        op = request.get("op")
        if op == "exit":
            os._exit(0)
        keep: list = []
        args = to_python(request.get("args", []), keep)
        kwargs = to_python(request.get("kwargs", {}), keep)
        function = request.get("function")
        patterns = denied.get(function)
        DENIAL.switch(patterns, GUARD_LABELS)
        _set_call_cpu_limit(settings["call_cpu_seconds"])
        RECORDER.names.clear()
        caught: list = []
        started_cpu = _cpu_seconds()
        try:
            if op == "call":
                target = getattr(module, function, None)
                if target is None:
                    raise _Missing(function, topic)
                run = functools.partial(target, *args, **kwargs)
            elif op == "probe":
                run = functools.partial(getattr(probes, request["probe"]), module, *args, **kwargs)
            else:
                raise WireError(f"unknown request {op!r}")
            with RECORDER.watching(), _replaced(module, trusted.TRUSTED.get(topic, {}), request.get("trusted", ())):
                with recording_warnings(caught):
                    value = run()
                # made into wire values while the denial is in force: a lazy tensor computes now, denied
                answer = {"status": Status.OK, "value": to_wire(value)}
        except _Missing as exc:
            answer = {"status": Status.MISSING, "error": {"type": "AttributeError", "message": str(exc)}}
        except AttributeError as exc:  # a probe asked the module for a name it does not define
            if module is not None and getattr(exc, "obj", None) is module:
                answer = {
                    "status": Status.MISSING,
                    "error": {"type": "AttributeError", "message": str(_Missing(exc.name, topic))},
                }
            else:
                answer = {"status": Status.RAISED, "error": describe_exception(exc, student_file)}
        except BaseException as exc:  # noqa: BLE001 -- SystemExit, KeyboardInterrupt, Denied too
            answer = {"status": Status.RAISED, "error": describe_exception(exc, student_file)}
        answer["cpu"] = _cpu_seconds() - started_cpu
        if patterns:
            RECORDER.names.update("tamper:" + what for what in DENIAL.intact())
        answer["names"] = sorted(RECORDER.names)
        answer["warnings"] = [describe_warning(w, student_file) for w in caught[:MAX_WARNINGS]]
        if request.get("return_inputs"):
            answer["inputs_after"] = [to_wire(obj) for obj in keep]
        reply(answer)


@contextlib.contextmanager
def _replaced(module, versions: dict, names):
    """The student's ``names`` replaced by the grader's ``versions`` inside the block (callees already
    known wrong: see ``grader.sandbox.trusted``), put back after it whatever the block did to them."""
    originals = {name: getattr(module, name, None) for name in names if name in versions}
    for name in originals:
        setattr(module, name, versions[name])
    try:
        yield
    finally:
        for name, original in originals.items():
            setattr(module, name, original)


class _Missing(Exception):
    def __init__(self, function, topic):
        super().__init__(f"{topic}.py defines no function or class named `{function}`")

"""Tripwires and an audit hook: signs that student code reached for the grader's machinery (trusted code).

The denial (``denial``) refuses forbidden operators at PyTorch's dispatcher, where Python cannot
route around it; what a determined student can still try is to find and remove the denial itself,
or to switch off torch's dispatch handling. ``install`` (run once, before any student code; it
survives the zygote's fork) records such attempts as ``tamper:...``, which zeroes the function:

* Every function that pops, reads, clears or disables the torch-function and dispatch mode stacks or
  the dispatch-key state (``torch_private.MODE_STACK_FUNCTIONS``) is replaced, in its module and in
  every module-level alias of it in the loaded modules, by a tripwire. Called from torch's own code
  (printing a tensor disables the modes for a moment), a tripwire does what the original does;
  called from anywhere else it records and raises. The grader's own code uses ``ORIGINAL``.
* An audit hook (``sys.addaudithook``: it cannot be removed) records, while student code runs, the
  ways to reach the grader's objects or to work where the child cannot see: gc's object walkers,
  ctypes, frames, dynamic code (``compile``/``exec``/``eval`` of text, functions made from code
  objects), a module imported or executed again (``importlib.reload``, a module deleted from
  ``sys.modules`` and re-imported), pickles that name a stack function or ``exec``-like built-in
  (``torch.load`` would call it from torch's own frames), and new processes. Callers in torch and in
  the few standard modules that make code or read frames for their own use are not recorded.

``seal`` (per child, just before the student's module is imported) hides the grader's modules from
``sys.modules`` and notes which modules are loaded, so that executing one again counts as a reload.
"""

from __future__ import annotations

import os
import sys
import sysconfig
import threading
import types

import torch
import torch.overrides
import torch.utils._python_dispatch

from grader.sandbox.torch_private import MODE_STACK_FUNCTIONS

TORCH_DIR = os.path.dirname(torch.__file__) + os.sep

# What pops, reads, clears or disables a mode stack, by module (``torch_private`` lists every private name).
GUARDED = MODE_STACK_FUNCTIONS

# Standard modules that read frames or make code for their own use (namedtuple, dataclass, typing,
# enum's functional API, logging's caller lookup) and the import system.
QUIET_CALLERS = tuple(
    os.path.join(os.path.dirname(os.__file__), name)
    for name in ("collections" + os.sep, "dataclasses.py", "typing.py", "enum.py", "logging" + os.sep)
) + ("<frozen importlib",)
# The standard library's and installed packages' folders (their module code is not the student's).
LIBRARY_DIRS = tuple(
    sorted({sysconfig.get_paths()[key] + os.sep for key in ("stdlib", "platstdlib", "purelib", "platlib")})
)
STANDARD_DIRS = tuple(sorted({sysconfig.get_paths()[key] + os.sep for key in ("stdlib", "platstdlib")}))
SITE_DIRS = tuple(sorted({sysconfig.get_paths()[key] + os.sep for key in ("purelib", "platlib")}))  # inside stdlib's
OUTSIDE = ("os.fork", "os.forkpty", "os.posix_spawn", "os.spawn", "os.exec", "os.system", "subprocess.Popen")
UNPICKLED_BUILTINS = {("builtins", name) for name in ("exec", "eval", "compile", "getattr", "__import__", "vars")}
FRAME_ATTRIBUTES = ("tb_frame", "gi_frame", "cr_frame", "ag_frame", "f_back")


class Tampering(RuntimeError):
    """Raised by a tripwire: student code tried to switch the grader's detection off."""


# The originals, for the grader's own code.
ORIGINAL = types.SimpleNamespace(**{name: getattr(torch._C, name) for name in GUARDED["torch._C"]})
_state = types.SimpleNamespace(recorder=None, loaded_names=frozenset(), loaded_files=frozenset())
_inside = threading.local()  # set while the hook or a tripwire looks at frames (its own events are not evidence)


def _record(what: str):
    recorder = _state.recorder
    if recorder is not None:
        recorder.names.add("tamper:" + what)


def _caller_file() -> str:
    """The file of the code that called the tripwire or made the audited event."""
    _inside.on = True
    try:
        return sys._getframe(2).f_code.co_filename
    except ValueError:
        return ""
    finally:
        _inside.on = False


def _tripwire(name: str, original):
    def tripwire(*args, **kwargs):
        if _caller_file().startswith(TORCH_DIR):
            return original(*args, **kwargs)
        _record(f"called {name}")
        raise Tampering(f"{name} is not available while being graded: it switches torch's dispatch handling")

    tripwire.__name__ = tripwire.__qualname__ = getattr(original, "__name__", name)
    tripwire.__module__ = getattr(original, "__module__", None) or name.rsplit(".", 1)[0]
    tripwire.__doc__ = getattr(original, "__doc__", None)
    tripwire._convgrade_tripwire = True
    return tripwire


def install(recorder):
    """Replace the stack functions by tripwires everywhere and add the audit hook (once per process)."""
    if _state.recorder is not None:
        return
    _state.recorder = recorder
    replacements = {}
    for module_name, names in GUARDED.items():
        module = sys.modules[module_name]
        for name in names:
            original = getattr(module, name, None)
            if original is None or getattr(original, "_convgrade_tripwire", False):
                continue
            if id(original) not in replacements:
                replacements[id(original)] = (original, _tripwire(f"{module_name}.{name}", original))
            setattr(module, name, replacements[id(original)][1])
    for module in list(sys.modules.values()):  # module-level aliases: `from torch._C import _pop_mode ...`
        namespace = getattr(module, "__dict__", None)
        if not isinstance(namespace, dict):
            continue
        for key, value in list(namespace.items()):
            pair = replacements.get(id(value))
            if pair is not None and pair[0] is value:
                namespace[key] = pair[1]
    sys.addaudithook(_audit)


def seal():
    """Before the student's module is imported: hide the grader's modules, note what is loaded."""
    for name in [m for m in sys.modules if m == "grader" or m.startswith("grader.")]:
        del sys.modules[name]
    sys.modules["__main__"] = types.ModuleType("__main__")  # the zygote's module, which names the child's
    _state.loaded_names = frozenset(sys.modules)
    _state.loaded_files = frozenset(getattr(m, "__file__", None) for m in list(sys.modules.values())) - {None}


def _audit(event: str, args: tuple):
    recorder = _state.recorder
    if not recorder.active or getattr(_inside, "on", False):
        return
    if event == "import":
        if args[0] in _state.loaded_names:
            _record(f"imported {args[0]} again")
        return
    if event == "exec" and getattr(args[0], "co_filename", None) in _state.loaded_files:
        _record(f"executed {os.path.basename(args[0].co_filename)} again (a reload)")
        return
    if event == "pickle.find_class":  # a pickle that calls a stack function from torch.load's frames
        module, name = args
        if module in GUARDED or module.startswith("torch._C") or (module, name) in UNPICKLED_BUILTINS:
            _record(f"unpickled {module}.{name}")
        return
    if event.startswith(OUTSIDE):
        _record(f"started another process ({event})")
        return
    if event.startswith("gc.get_"):
        what = "walked gc's objects"
    elif event.startswith("ctypes."):
        what = f"used ctypes ({event})"
    elif event in ("sys._getframe", "sys._current_frames") or (
        event == "object.__getattr__" and args[1] in FRAME_ATTRIBUTES
    ):
        what = "read the interpreter's frames"
    elif event in ("compile", "function.__new__", "code.__new__") or (
        event == "exec" and str(getattr(args[0], "co_filename", "<")).startswith("<")
    ):
        what = f"ran dynamic code ({event})"
    else:
        return
    caller = _caller_file()
    if caller.startswith(TORCH_DIR) or caller.startswith(QUIET_CALLERS) or _library_importing(caller):
        return
    if not _for_torch(caller):
        _record(what)


def _standard(file: str) -> bool:
    return file.startswith(STANDARD_DIRS) and not file.startswith(SITE_DIRS)


def _for_torch(caller: str) -> bool:
    """A standard module called by torch's own code (``torch.manual_seed`` keeps ``traceback.format_stack()``
    for a lazy CUDA call): the first frame above the standard library is torch's, not the student's."""
    if not _standard(caller):
        return False
    _inside.on = True
    try:
        frame = sys._getframe(3)
        while frame is not None and _standard(frame.f_code.co_filename):
            frame = frame.f_back
        return frame is not None and frame.f_code.co_filename.startswith(TORCH_DIR)
    finally:
        _inside.on = False


def _library_importing(caller: str) -> bool:
    """An installed module's own top-level code running while it is first imported (``import
    doctest`` reads frames): fixed code the student cannot steer, not tampering."""
    if not caller.startswith(LIBRARY_DIRS):
        return False
    _inside.on = True
    try:
        frame = sys._getframe(3)
        while frame is not None:  # up to the import machinery, through library code only
            if frame.f_code.co_filename.startswith("<frozen importlib"):
                return True
            if not frame.f_code.co_filename.startswith(LIBRARY_DIRS):
                return False  # the student's code called into the library
            frame = frame.f_back
        return False
    finally:
        _inside.on = False

"""Denial of forbidden built-ins at PyTorch's dispatcher and at the guarded library functions (trusted code).

While a "by loops" function is graded, the operators its rules forbid fail wherever they are reached
from: renamed, through ``torch.ops``, TorchScript, a tensor subclass, another thread, a private switch
of the torch-function or dispatch-key state. ``Denial.switch(patterns)`` registers a raising kernel
(``torch.library``) for every operator, of any namespace, whose ``aten:<name>`` label one of the rule
``patterns`` matches, on every key of ``DENIED_KEYS`` the operator has a kernel for (CPU, the Autograd
and Composite alias keys, MkldnnCPU, QuantizedCPU, ...): every route of a CPU tensor ends in one of
them. The guarded NumPy/OpenCV/SciPy functions (``child.install_guards``) raise the same way when their
label matches. A hit is recorded under the label the rules match (``aten:convolution``,
``cv2:filter2D``), so the feedback names the built-in, even when the student's code catches it.

The registration itself is the next target: ``intact()`` checks, before an answer is accepted, that
each library of raising kernels is still the grader's own (by identity) and still registered (the
dispatcher names the grader's file as the registration site of one kernel of each), and that every
guarded name still holds its guard (by identity). A broken denial is recorded as tampering and armed
afresh.
"""

from __future__ import annotations

import functools
import re
import warnings

import torch

# The dispatch keys a CPU tensor's call can end on (the kernels that compute), and the Autograd keys
# above them. Wrapper keys (autocast, vmap, tracing, functionalization) redispatch to one of these;
# Meta computes no values.
DENIED_KEYS = {
    "CPU",
    "MkldnnCPU",
    "QuantizedCPU",
    "SparseCPU",
    "SparseCsrCPU",
    "NestedTensorCPU",
    "CompositeImplicitAutograd",
    "CompositeExplicitAutograd",
    "CompositeExplicitAutogradNonFunctional",
    "Autograd",
    "AutogradCPU",
    "AutogradNestedTensor",
}
_KEY_LINE = re.compile(r"^(\w+)(?:\[alias\])?: registered at")


class Denied(BaseException):
    """Raised by a denied operator or guarded function: a ``BaseException``, so ``except Exception``
    in the student's code does not hide it (the hit is recorded before it is raised either way)."""


class Denial:
    """The raising kernels and guards of one set of rule patterns, armed at most one set at a time."""

    def __init__(self, recorder):
        self.recorder = recorder
        self.patterns: tuple[str, ...] | None = None
        self.labels: frozenset[str] = frozenset()  # guard labels denied now (read by the guards)
        self._libraries: list = []  # (library, its C++ module, (operator, key, its dump line) to verify)
        self._guards: dict[str, list[tuple[dict, str, object]]] = {}  # label -> (namespace, name, guard)
        self._plans: dict[tuple[str, ...], list] = {}
        self._operator_count = 0

    # ---------------------------------------------------------------- arming
    def switch(self, patterns: tuple[str, ...] | None, guard_labels=()):
        """Deny ``patterns`` from now on (None: nothing); a no-op if they are already denied."""
        if patterns == self.patterns:
            return
        self.disarm()
        if patterns:
            self._arm(patterns, guard_labels)

    def _arm(self, patterns, guard_labels):
        compiled = [re.compile(p) for p in patterns]
        self.labels = frozenset(label for label in guard_labels if any(p.search(label) for p in compiled))
        plan = self._plan(patterns, compiled)
        recorder = self.recorder

        def denied(label, *args, **kwargs):  # a registered kernel is not told which operator it serves
            recorder.names.add(label)
            raise Denied(
                f"{label.removeprefix('aten:')} is a forbidden built-in here: write it with loops "
                "and elementary tensor operations"
            )

        libraries: dict[str, torch.library.Library] = {}
        canaries: dict[str, tuple[str, str]] = {}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "overriding a previously registered kernel"
            for qualified, label, keys in plan:
                namespace, name = qualified.split("::", 1)
                library = libraries.get(namespace)
                if library is None:
                    library = libraries[namespace] = torch.library.Library(namespace, "IMPL")
                    canaries[namespace] = (qualified, keys[0])
                for key in keys:
                    library.impl(name, functools.partial(denied, label), key)
        self._libraries = [
            (library, library.m, canaries[namespace] + (_kernel_line(*canaries[namespace]),))
            for namespace, library in libraries.items()
        ]
        self.patterns = tuple(patterns)

    def disarm(self):
        for library, _, _ in self._libraries:
            library._destroy()
        self._libraries, self.patterns, self.labels = [], None, frozenset()

    def _plan(self, patterns, compiled) -> list[tuple[str, str, list[str]]]:
        """(qualified operator name, label, keys to override) for every operator the patterns match."""
        names = torch._C._dispatch_get_all_op_names()
        if len(names) != self._operator_count:  # a library registered new operators: plan again
            self._plans.clear()
            self._operator_count = len(names)
        plan = self._plans.get(patterns)
        if plan is None:
            plan = []
            for qualified in sorted(names):
                base = qualified.split("::", 1)[-1].split(".", 1)[0]
                label = "aten:" + base
                if any(p.search(label) for p in compiled):
                    keys = [
                        m.group(1)
                        for line in torch._C._dispatch_dump(qualified).splitlines()[1:]
                        for m in [_KEY_LINE.match(line)]
                        if m and m.group(1) in DENIED_KEYS
                    ]
                    if keys:
                        plan.append((qualified, label, keys))
            self._plans[patterns] = plan
        return plan

    # ---------------------------------------------------------------- guards
    def watch_guard(self, namespace: dict, name: str, guard, label: str):
        """Note a place that must still hold ``guard`` when an answer is accepted while ``label`` is denied."""
        self._guards.setdefault(label, []).append((namespace, name, guard))

    def intact(self) -> list[str]:
        """What was taken away since arming: removed kernels, replaced guards (empty when nothing)."""
        broken = []
        for library, module, (operator, key, line) in self._libraries:
            if library.m is not module or _kernel_line(operator, key) != line:
                broken.append(f"removed or replaced the grader's denial of {operator}")
        for namespace, name, guard in (place for label in self.labels for place in self._guards.get(label, ())):
            if namespace.get(name) is not guard:
                broken.append(f"replaced the grader's guard of {name}")
                namespace[name] = guard
        if broken and self.patterns:  # arm afresh: the next call is denied again
            patterns, labels = self.patterns, self.labels
            self.disarm()
            self._arm(patterns, labels)
        return broken


def _kernel_line(operator: str, key: str) -> str:
    """The dispatcher's line for the kernel ``operator`` runs on ``key``: it names where it was registered."""
    prefix = (key + ": ", key + "[alias]: ")
    return next((line for line in torch._C._dispatch_dump(operator).splitlines() if line.startswith(prefix)), "")

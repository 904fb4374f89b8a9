"""The grader's side of the sandbox: one child process per topic, restarted after a crash.

``TopicSession.call`` sends one request and waits for the answer under a wall
clock limit; whatever goes wrong in the child (a hang, a crash, an exit, a
resource limit, a malformed answer) comes back as an ``Outcome`` whose
``message`` says what happened in words a student understands. The next call
starts a fresh child.
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
import itertools
import json
import math
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from grader.cache import cache_folder
from grader.sandbox import OPTIONAL_IMPORTS, Limits
from grader.sandbox.wire import ANSWERED, Status, WireError, decode, encode, recv_message, send_message

REPO_ROOT = Path(__file__).resolve().parents[2]
# The child must not read the repository (hidden tests, solutions, git history): only datasets/.
HIDDEN_FROM_CHILD = {str(REPO_ROOT): [str(REPO_ROOT / "datasets")], str(cache_folder()): []}
# What the child must still read: the interpreter, its packages, the shipped datasets.
EXPOSED_TO_CHILD = sorted(
    {
        sys.prefix,
        sys.base_prefix,
        sys.exec_prefix,
        *(p for p in sys.path if p and os.path.isdir(p) and not p.startswith(str(REPO_ROOT))),
    }
)
_uids = itertools.count()


def child_uids() -> range:
    """The uids this grader process gives its children: used by nothing else."""
    first = 1_200_000 + (os.getpid() % 50_000) * 64
    return range(first, first + 64)


def _next_uid() -> int:
    return child_uids()[next(_uids) % 64]


class Zygote:
    """The warm process (``zygote.py``) that forks children; one per grader, shared by its workers."""

    _instance = None
    _lock = threading.Lock()
    _parents = None  # in a forked worker: (the parent's zygote, the lock to ask it under)

    @classmethod
    def shared(cls, preload=tuple(OPTIONAL_IMPORTS)) -> Zygote:
        """The running zygote, or a new one that loads ``preload`` (see ``packages_needed``) first."""
        with cls._lock:
            if cls._instance is None and cls._parents is not None:
                cls._instance = cls._connect(*cls._parents)
                cls._parents = None
            if cls._instance is None or not cls._instance.alive():
                cls._instance = cls(preload=preload)
            return cls._instance

    @classmethod
    def branch(cls, handover: threading.Lock):
        """In a forked worker: use the parent's zygote through a control channel of its own, asked
        for on first use (a worker that needs no child never waits for the zygote to warm up)."""
        cls._parents, cls._instance, cls._lock = (cls._instance, handover), None, threading.Lock()

    @classmethod
    def _connect(cls, parent, handover) -> Zygote | None:
        """A new control channel to ``parent``: its own channel cannot be shared (answers would
        reach the wrong process), so it is asked over it, once, under the cross-process lock."""
        if parent is None or not parent.alive():
            return None
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        with handover:
            parent._ask({"op": "connect"}, [theirs.fileno()])
        theirs.close()
        parent.control.close()
        return cls(control=ours, pid=parent.pid)

    def __init__(self, control: socket.socket | None = None, pid: int | None = None, preload=()):
        self.lock, self.owner = threading.Lock(), os.getpid()
        if control is not None:  # a channel to a zygote another process started
            self.control, self.pid, self.process = control, pid, None
            return
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.control = ours
        self.process = subprocess.Popen(
            [sys.executable, "-m", "grader.sandbox.zygote", str(theirs.fileno()), ",".join(preload)],
            pass_fds=[theirs.fileno()],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            cwd=tempfile.gettempdir(),
            env=_same_grader_env(),
        )
        self.pid = self.process.pid
        theirs.close()

    def alive(self) -> bool:
        if self.process is not None and self.owner == os.getpid():  # ours to reap (a forked worker's is not)
            return self.process.poll() is None
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            pass
        return True

    def _ask(self, request: dict, fds=()) -> dict:
        with self.lock:
            socket.send_fds(self.control, [json.dumps(request).encode()], list(fds))
            reply = self.control.recv(1 << 16)
        if not reply:
            raise RuntimeError("the sandbox's zygote process died")
        return json.loads(reply)

    def kill_uid(self, uid: int) -> bool:
        return self._ask({"op": "kill_uid", "uid": uid})["killed"]

    def spawn(self, settings: dict, channel_fd: int, output_fd: int) -> int:
        return self._ask({"op": "spawn", "settings": settings}, [channel_fd, output_fd])["pid"]

    def wait(self, pid: int):
        """The child's wait status (``os.waitstatus_to_exitcode`` form), or None."""
        status = self._ask({"op": "wait", "pid": pid})["status"]
        return None if status is None else os.waitstatus_to_exitcode(status)


def _same_grader_env() -> dict:
    """The environment, with the folder this ``grader`` package lives in first on ``PYTHONPATH``:
    the zygote runs the same grader as its parent, even from a checkout beside an installed copy."""
    home = str(Path(__file__).resolve().parents[2])
    return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [home, os.environ.get("PYTHONPATH")]))}


def packages_needed(topics, sources: dict[str, bytes], probe_imports: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    """The ``OPTIONAL_IMPORTS`` a grade of ``topics`` needs: those the topics' probes use
    (``probe_imports``: topic -> packages, ``grader.topics.CHILD_IMPORTS``), and those imported
    anywhere in the topics' modules or the submission's modules they import (a child may be unable
    to import later what the zygote did not load)."""
    needed = {package for topic in topics for package in probe_imports.get(topic, ())}
    todo, seen = [topic for topic in topics if topic in sources], set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for imported in _imported_names(sources[name]):
            needed.add(imported[0])
            todo.extend(part for part in imported if part in sources)
    return tuple(package for package in OPTIONAL_IMPORTS if package in needed)


def _imported_names(source: bytes) -> list[list[str]]:
    """Every name an ``import`` in ``source`` mentions, split at the dots."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return []
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name.split(".") for alias in node.names]
        elif isinstance(node, ast.ImportFrom):  # ``from package import module`` imports a module too
            module = node.module.split(".") if node.module else []
            names += [module + [alias.name] for alias in node.names]
    return names


@dataclass
class Outcome:
    """What one request to the child came to."""

    status: Status  # OK, RAISED, MISSING, KILLED or BROKEN
    value: object = None
    error: dict | None = None
    names: frozenset = frozenset()
    inputs_after: list | None = None
    message: str = ""
    warnings: tuple = ()  # the warnings the call issued: dicts of category, message, where, line

    def warned(self, category: str) -> list[dict]:
        """The warnings of ``category`` (a class name such as "RuntimeWarning") the call issued."""
        return [w for w in self.warnings if w.get("category") == category]

    @property
    def ok(self) -> bool:
        return self.status == Status.OK

    @property
    def child_lost(self) -> bool:
        return self.status in (Status.KILLED, Status.BROKEN)


@dataclass
class Timings:
    """Where one topic's grading time went, in seconds (for benchmarks; never part of a grade)."""

    startup: float = 0.0  # starting the child and importing the student's module (wall)
    student: float = 0.0  # CPU time inside the student's code and the probes, measured by the child
    requests: float = 0.0  # wall time of the requests to the child, the student's time included
    checking: float = 0.0  # wall time of the checks' own work (references, comparisons), requests included
    generation: float = 0.0  # hypothesis: drawing inputs, shrinking, its engine
    total: float = 0.0  # the whole topic, wall

    def breakdown(self) -> dict[str, float]:
        """The disjoint parts of ``total``."""
        parts = {
            "student code": self.student,
            "transport": self.requests - self.student,
            "references and checks": self.checking - self.requests,
            "input generation": self.generation,
            "sandbox start and import": self.startup,
        }
        parts["other"] = self.total - sum(parts.values())
        return parts


class _OutputDrain(threading.Thread):
    """Reads the child's stdout/stderr: keeps the first bytes, counts and discards the rest."""

    def __init__(self, fd: int, keep: int):
        super().__init__(daemon=True)
        self.fd, self.keep = fd, keep
        self.head = bytearray()
        self.total = 0

    def run(self):
        while True:
            try:
                chunk = os.read(self.fd, 1 << 16)
            except OSError:
                break
            if not chunk:
                break
            self.total += len(chunk)
            if len(self.head) < self.keep:
                self.head += chunk[: self.keep - len(self.head)]
        os.close(self.fd)


def _warnings(value) -> tuple:
    """The child's list of warnings, keeping only well-formed entries (string fields, at most 20)."""
    if not isinstance(value, list):
        return ()
    fields = ("category", "message", "where", "line")
    return tuple(
        {k: w.get(k) if isinstance(w.get(k), str) else None for k in fields} for w in value[:20] if isinstance(w, dict)
    )


WALL_WINDOWS = 10  # a call still computing at its wall limit may run this many limits in all
COMPUTING_SHARE = 0.02  # CPU seconds per wall second that count as computing, not waiting
POLL_SECONDS = 0.25  # how often the parent reads a busy child's CPU time
CPU_GRACE = 0.5  # CPU seconds past the call's budget before the parent kills the child


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _open_stat(pid: int) -> int | None:
    """A descriptor of ``/proc/<pid>/stat``, kept open: reading it again costs far less than opening it."""
    try:
        return os.open(f"/proc/{pid}/stat", os.O_RDONLY)
    except OSError:
        return None


def _process_cpu_seconds(stat: int | None) -> float | None:
    """User + system CPU seconds so far of the process whose ``_open_stat`` is ``stat``, or None where unknown."""
    try:
        fields = os.pread(stat, 1024, 0).decode().rsplit(")", 1)[1].split()
    except (OSError, IndexError, TypeError, UnicodeDecodeError):
        return None
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


_SIGNALS = {
    signal.SIGXCPU: "it used more CPU time than the limit allows",
    signal.SIGSEGV: "it crashed with a segmentation fault",
    signal.SIGABRT: "it aborted",
    signal.SIGBUS: "it crashed (bus error)",
    signal.SIGXFSZ: "it wrote a file larger than the limit allows",
    signal.SIGFPE: "it crashed with a floating point exception",
}


class TopicSession:
    """Runs one topic's student module in a child process."""

    def __init__(
        self,
        topic: str,
        modules: dict[str, bytes],
        limits: Limits = Limits(),
        denied: dict[str, tuple[str, ...]] | None = None,
    ):
        """``denied``: function -> the rule patterns (``Rule.runtime``) whose operators and guarded
        functions fail while it runs, or while a probe for it runs (``grader.sandbox.denial``)."""
        self.topic, self.modules, self.limits = topic, modules, limits
        self.denied = {function: tuple(patterns) for function, patterns in (denied or {}).items()}
        self.cpu_spent = 0.0  # CPU seconds of every child of this session, over every call
        self._began = None  # when the first child was started (the topic's wall budget)
        self.import_outcome: Outcome | None = None
        self.output_bytes = 0
        self.output_head = b""
        self.restarts = 0
        self.timings = Timings()
        self._pid = None
        self._stat = None  # the child's /proc stat file (``_open_stat``)
        self._uid = 0
        self._channel = None
        self._drain = None
        self._scratch = None

    # -------------------------------------------------------------- lifecycle
    def start(self) -> Outcome:
        """Start a child and import the student's module; the import's outcome."""
        started = time.perf_counter()
        try:
            return self._start()
        finally:
            self.timings.startup += time.perf_counter() - started

    def _start(self) -> Outcome:
        self.close()
        if self._began is None:
            self._began = time.monotonic()
        self._scratch = Path(tempfile.mkdtemp(prefix=f"convgrade-{self.topic}-"))
        package = self._scratch / "submission" / "exercises"
        package.mkdir(parents=True)
        (package / "__init__.py").write_bytes(b"")
        for name, source in self.modules.items():
            (package / f"{name}.py").write_bytes(source)
        self._uid = _next_uid() if os.geteuid() == 0 and self.limits.isolate else 0
        settings = dict(
            dataclasses.asdict(self.limits),
            topic=self.topic,
            scratch=str(self._scratch),
            import_cpu_seconds=self.limits.import_seconds,
            uid=self._uid,
            hide=HIDDEN_FROM_CHILD,
            expose=EXPOSED_TO_CHILD,
            denied=self.denied,
        )
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        output_read, output_write = os.pipe()
        try:
            self._pid = Zygote.shared().spawn(settings, theirs.fileno(), output_write)
            self._stat = _open_stat(self._pid)
        finally:
            theirs.close()
            os.close(output_write)
        self._channel = ours
        self._drain = _OutputDrain(output_read, self.limits.output_bytes_kept)
        self._drain.start()
        outcome = self._receive(self.limits.import_seconds + 5, "importing your module", self.limits.import_seconds)
        if outcome.status == Status.KILLED and "wall time" in outcome.message:
            outcome.message = (
                f"importing {self.topic}.py did not finish within "
                f"{self.limits.import_seconds:g} s (the import time limit)"
            )
        self.import_outcome = outcome
        return outcome

    @property
    def alive(self) -> bool:
        return self._pid is not None

    def close(self):
        """Stop the child (and everything it started) and remove its scratch folder."""
        if self._pid is not None:
            self._kill()
        if self._channel is not None:
            self._channel.close()
            self._channel = None
        if self._drain is not None:
            self._drain.join(timeout=5)
            self.output_bytes += self._drain.total
            if not self.output_head:
                self.output_head = bytes(self._drain.head)
            self._drain = None
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)
            self._scratch = None

    def _kill(self):
        """Kill the child and everything it started, reap it, and return its exit code."""
        pid, self._pid = self._pid, None
        if self._stat is not None:
            os.close(self._stat)
            self._stat = None
        for kill in (os.killpg, os.kill):
            try:
                kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        zygote = Zygote.shared()
        if self._uid:
            zygote.kill_uid(self._uid)  # also what escaped the process group
        return zygote.wait(pid)

    # -------------------------------------------------------------- requests
    def call(self, function: str, *args, return_inputs: bool = False, trusted=(), **kwargs) -> Outcome:
        """Call ``function`` of the student's module on wire values; the module's ``trusted`` functions are
        the grader's versions during the call (``grader.sandbox.trusted``)."""
        request = {"op": "call", "function": function, "args": list(args), "kwargs": kwargs}
        return self._request(request | {"return_inputs": return_inputs, "trusted": list(trusted)}, f"`{function}`")

    def probe(self, probe: Callable, *args, for_function: str | None = None, trusted=(), **kwargs) -> Outcome:
        """Run the trusted ``probe`` (a function of ``probes``) as ``probe(module, *args, **kwargs)`` in the child,
        under the denial of ``for_function``'s forbidden built-ins, with ``trusted`` as in ``call``.

        The arguments are bound to the probe's signature here, in the grader: a check that calls a
        probe wrongly is the grader's bug (a ``TypeError`` raised now), never the student's.
        """
        from grader.sandbox import probes  # torch and torchvision: imported when a check first needs them

        if getattr(probes, probe.__name__, None) is not probe:
            raise TypeError(f"{probe!r} is not a probe of grader.sandbox.probes")
        inspect.signature(probe).bind(None, *args, **kwargs)
        return self._request(
            {
                "op": "probe",
                "probe": probe.__name__,
                "args": list(args),
                "kwargs": kwargs,
                "function": for_function,
                "trusted": list(trusted),
            },
            "the check",
        )

    def _request(self, request: dict, what: str) -> Outcome:
        spent = self._budget_spent()
        if spent:
            self.close()
            return Outcome(Status.KILLED, message=f"{what} was not run: {spent}")
        if self._pid is None:
            if self.import_outcome is not None:
                self.restarts += 1
            imported = self.start()
            if not imported.ok:
                self.close()
                return imported
        started = time.perf_counter()
        try:
            send_message(self._channel, encode(request))
            outcome = self._receive(
                self.limits.wall_seconds(),
                what,
                self._call_cpu_budget(),
                self._began + self.limits.topic_wall_seconds(),
            )
        except OSError:
            outcome = self._lost(what)
        self.timings.requests += time.perf_counter() - started
        return outcome

    def _call_cpu_budget(self) -> float:
        """CPU seconds the next call may use: the per-call limit, or what is left of the topic's."""
        return min(self.limits.call_cpu_seconds, self.limits.topic_cpu_seconds - self.cpu_spent)

    def _budget_spent(self) -> str:
        """Why no more calls may run in this topic (its CPU or wall budget is used up), or ""."""
        if self.cpu_spent >= self.limits.topic_cpu_seconds:
            return (
                f"your code used the topic's {self.limits.topic_cpu_seconds:g} s of CPU time "
                "(over all the calls of its tests)"
            )
        if self._began is not None and time.monotonic() - self._began >= self.limits.topic_wall_seconds():
            return (
                f"this topic's tests already ran for {self.limits.topic_wall_seconds():g} s "
                "(the topic's wall-time limit)"
            )
        return ""

    def _receive(
        self, wall_seconds: float, what: str, cpu_seconds: float | None = None, deadline: float = math.inf
    ) -> Outcome:
        used_before = _process_cpu_seconds(self._stat)
        stopped = self._wait_for_answer(wall_seconds, cpu_seconds, deadline, used_before)
        used_after = _process_cpu_seconds(self._stat)
        if used_before is not None and used_after is not None:
            self.cpu_spent += used_after - used_before
        if stopped is not None:
            self._kill()
            return Outcome(Status.KILLED, message=f"{what} was stopped after {stopped}")
        try:
            answer = decode(recv_message(self._channel))
        except (EOFError, OSError):
            return self._lost(what)
        except WireError as exc:
            self._kill()
            return Outcome(Status.BROKEN, message=f"the answer to {what} was malformed ({exc})")
        if not isinstance(answer, dict) or answer.get("status") not in ANSWERED:
            self._kill()
            return Outcome(Status.BROKEN, message=f"the answer to {what} was malformed")
        if isinstance(answer.get("cpu"), float):
            self.timings.student += answer["cpu"]
        status = Status.RAISED if answer["status"] == Status.ERROR else Status(answer["status"])
        names = answer.get("names")
        names = frozenset(n for n in names if isinstance(n, str)) if isinstance(names, list) else frozenset()
        return Outcome(
            status,
            value=answer.get("value"),
            error=answer.get("error"),
            names=names,
            inputs_after=answer.get("inputs_after"),
            warnings=_warnings(answer.get("warnings")),
        )

    def _wait_for_answer(
        self, wall_seconds: float, cpu_seconds: float | None, deadline: float, start: float | None
    ) -> str | None:
        """Wait for the child's answer: None once it is there, else why it was given up (in words).

        The parent enforces ``cpu_seconds`` from the child's CPU time, whatever the child does with
        signals and timers, and the topic's wall ``deadline`` (``time.monotonic``). The wall limit
        catches code that waits (``sleep``, ``input``, a lock). A child still computing at the wall
        limit is only slowed by a busy machine: it gets more windows (up to ``WALL_WINDOWS``) while
        its CPU budget lasts, which keeps grades the same under load. ``start``: the child's CPU seconds
        when the request was sent.
        """
        used = start
        window_start_cpu, window_end, windows = used, time.monotonic() + wall_seconds, 1
        while True:
            wait = min(POLL_SECONDS, window_end - time.monotonic(), deadline - time.monotonic())
            ready, _, _ = select.select([self._channel], [], [], max(0.0, wait))
            if ready:
                return None
            if time.monotonic() >= deadline:
                return f"the topic's wall-time limit ({self.limits.topic_wall_seconds():g} s for all its calls)"
            used = _process_cpu_seconds(self._stat)
            if cpu_seconds is not None and None not in (start, used) and used - start > cpu_seconds + CPU_GRACE:
                return f"{used - start:.1f} s of CPU time (the limit is {cpu_seconds:g} s)"
            if time.monotonic() < window_end:
                continue
            computing = (
                None not in (window_start_cpu, used) and used - window_start_cpu >= COMPUTING_SHARE * wall_seconds
            )
            if not computing or windows == WALL_WINDOWS:
                return f"{windows * wall_seconds:g} s of wall time (too slow, or waiting forever)"
            window_start_cpu, window_end, windows = used, window_end + wall_seconds, windows + 1

    def _lost(self, what: str) -> Outcome:
        code = self._kill()
        if code is None:
            reason = "the process stopped answering"
        elif code < 0:
            reason = _SIGNALS.get(-code, f"it was killed by signal {signal.Signals(-code).name}")
        else:
            reason = f"your code ended the process (exit status {code}: sys.exit, os._exit or a fatal error)"
        return Outcome(Status.KILLED, message=f"while running {what}, {reason}")

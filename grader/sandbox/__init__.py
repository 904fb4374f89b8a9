"""Running untrusted student code: a child process per topic, a pickle-free wire format."""

import ctypes
import os
import signal
from dataclasses import dataclass

PR_SET_PDEATHSIG = 1
_LIBC = ctypes.CDLL(None, use_errno=True)  # loaded now: a confined child may not be able to load it later


def die_with_parent(parent: int):
    """SIGKILL this process as soon as ``parent`` (the process that forked it) dies, and now if it
    already has: nothing the grader starts outlives it (``kill -9`` of the grader included)."""
    _LIBC.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(1)


# The packages the zygote may import before forking, beyond torch, NumPy and OpenCV, with their modules.
# A confined child may be unable to read site-packages: what it imports must be loaded before the fork.
OPTIONAL_IMPORTS = {
    "torchvision": ("torchvision", "torchvision.transforms.v2"),
    "matplotlib": ("matplotlib.pyplot",),
    "scipy": ("scipy.signal", "scipy.ndimage"),
}


@dataclass(frozen=True)
class Limits:
    """Resource limits of a child; the ``[limits]`` table of a grader config overrides them."""

    call_cpu_seconds: float = 10.0  # CPU time of one call (enforced by the parent; RLIMIT_CPU too)
    topic_cpu_seconds: float = 300.0  # CPU time of a topic's children over all their calls
    import_seconds: float = 20.0  # wall time to import the student's module
    memory_mb: int = 2048  # address space on top of torch's own (RLIMIT_AS)
    processes: int = 32  # processes and threads of the child's uid (RLIMIT_NPROC)
    file_mb: int = 64  # largest file the child may write (RLIMIT_FSIZE)
    tmp_mb: int = 64  # size of its private /tmp
    output_bytes_kept: int = 4096  # stdout/stderr kept; the rest is counted and dropped
    isolate: bool = True  # namespaces, private files, own uid (False: rlimits only)
    namespaces: bool = True  # False: no namespaces, as in a container without the capability
    # (own uid, file permissions and rlimits still hold)

    def wall_seconds(self) -> float:
        """Wall time of one call before it is judged to wait forever."""
        return max(3 * self.call_cpu_seconds, self.call_cpu_seconds + 5)

    def topic_wall_seconds(self) -> float:
        """Wall time of a topic's calls, over every child it starts: as long as its CPU budget (a
        right submission needs a small part of either). A topic ends within this plus one import."""
        return self.topic_cpu_seconds

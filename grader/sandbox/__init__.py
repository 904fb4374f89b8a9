"""Running untrusted student code: a child process per topic, a pickle-free wire format."""
from dataclasses import dataclass

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

    call_cpu_seconds: float = 10.0      # CPU time of one call (RLIMIT_CPU, SIGXCPU)
    topic_cpu_seconds: float = 300.0    # CPU time of one child over all its calls
    import_seconds: float = 20.0        # wall time to import the student's module
    memory_mb: int = 2048               # address space on top of torch's own (RLIMIT_AS)
    processes: int = 32                 # processes and threads of the child's uid (RLIMIT_NPROC)
    file_mb: int = 64                   # largest file the child may write (RLIMIT_FSIZE)
    tmp_mb: int = 64                    # size of its private /tmp
    output_bytes_kept: int = 4096       # stdout/stderr kept; the rest is counted and dropped
    isolate: bool = True                # namespaces, private files, own uid (False: rlimits only)
    namespaces: bool = True             # False: no namespaces, as in a container without the capability
                                        # (own uid, file permissions and rlimits still hold)

    def wall_seconds(self) -> float:
        return max(3 * self.call_cpu_seconds, self.call_cpu_seconds + 5)

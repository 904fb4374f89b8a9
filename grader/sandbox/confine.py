"""Confinement the child applies to itself before it imports student code.

Layers, each applied where the platform allows it (``report`` says which):

=================  ==========================================  ==============================
layer              how                                         needs
=================  ==========================================  ==============================
process group      ``setsid``: killed as a group                always
resource limits    RLIMIT_CPU/AS/FSIZE/NOFILE/CORE              always
no network         a new network namespace (only a down lo)     root, or unprivileged userns
private files      new mount namespace: tmpfs over /tmp,        root, or unprivileged userns
                   /var/tmp, /dev/shm; the grader's repository
                   covered (hidden tests, solutions, .git), but
                   for datasets/
own user id        setuid to a uid used by nothing else, so     root
                   RLIMIT_NPROC caps its processes, file
                   permissions refuse writes outside scratch,
                   and ``kill(-1)`` as that uid ends them all
=================  ==========================================  ==============================

Where namespaces are unavailable a Python-level guard refuses sockets; it
stops honest mistakes, not a determined attacker (see SECURITY.md).
"""

from __future__ import annotations

import ctypes
import os
import resource
import socket

CLONE_NEWNS, CLONE_NEWUSER, CLONE_NEWNET = 0x00020000, 0x10000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 1, 2, 4, 32, 0x1000, 0x4000, 0x40000
_libc = ctypes.CDLL(None, use_errno=True)


def _unshare(flags: int) -> bool:
    return _libc.unshare(flags) == 0


def _mount(source: str, target: str, fstype: str | None, flags: int, data: str | None = None) -> bool:
    return (
        _libc.mount(
            source.encode(),
            target.encode(),
            fstype.encode() if fstype else None,
            flags,
            data.encode() if data else None,
        )
        == 0
    )


def _write(path: str, text: str) -> bool:
    try:
        with open(path, "w") as handle:
            handle.write(text)
        return True
    except OSError:
        return False


def enter(settings: dict) -> list[str]:
    """Confine the calling process; the list of layers that are in force."""
    os.setsid()
    layers = ["process group"]
    scratch = settings["scratch"]
    uid = int(settings.get("uid") or 0)
    as_root = os.geteuid() == 0
    if not settings.get("isolate", True):
        os.chdir(scratch)
        _limit(settings, False)
        return layers + ["resource limits only (isolate = false)"]
    if not settings.get("namespaces", True):
        namespaces = False
    elif as_root:
        namespaces = _unshare(CLONE_NEWNS | CLONE_NEWNET)
    else:
        real_uid, real_gid = os.getuid(), os.getgid()
        namespaces = _unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWNET)
        if namespaces:
            _write("/proc/self/setgroups", "deny")
            _write("/proc/self/uid_map", f"{real_uid} {real_uid} 1")
            _write("/proc/self/gid_map", f"{real_gid} {real_gid} 1")
    if namespaces:
        layers.append("network namespace")
        if _mount("none", "/", None, MS_REC | MS_PRIVATE) and _private_files(scratch, settings):
            layers.append("private /tmp and hidden grader files")
    else:
        _guard_sockets()
        layers.append("socket guard (no network namespace available)")
    os.chdir(scratch)
    _limit(settings, as_root and uid > 0)
    if as_root and uid > 0:
        os.chown(".", uid, uid)
        for root, dirs, files in os.walk("."):
            for name in dirs + files:
                os.lchown(os.path.join(root, name), uid, uid)
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)
        layers.append(f"own uid {uid}")
    return layers


def _private_files(scratch: str, settings: dict) -> bool:
    """Fresh tmpfs over /tmp, /var/tmp, /dev/shm; each folder of ``settings["hide"]`` covered
    read-only but for the paths listed with it. Scratch and those paths keep their places
    even when they lived in one of the covered folders."""
    revealed = [p for keep in settings.get("hide", {}).values() for p in keep]
    handles = {p: os.open(p, os.O_PATH) for p in [scratch, *revealed] if os.path.exists(p)}
    size = f"size={int(settings.get('tmp_mb', 64))}m,mode=1777"
    ok = True
    for path in ("/tmp", "/var/tmp", "/dev/shm"):
        if os.path.isdir(path) and not os.path.islink(path):
            ok &= _mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, size)
    for path, fd in handles.items():
        if not os.path.exists(path):
            os.makedirs(path, mode=0o755)
            ok &= _mount(f"/proc/self/fd/{fd}", path, None, MS_BIND | MS_REC)
        os.close(fd)
    if settings.get("uid"):
        ok &= _expose(settings.get("expose", []))
    for folder, keep in settings.get("hide", {}).items():
        if os.path.isdir(folder):
            ok &= _cover(folder, keep, read_only=True)
    return bool(ok)


def _expose(paths: list[str]) -> bool:
    """Keep ``paths`` (the Python installation) readable for the child's own uid.

    Where a path lies below a folder others may not enter (``/root`` is 0700),
    that folder is covered and only the needed paths are mounted back into it.
    """
    closed = {}
    for path in sorted({os.path.realpath(p) for p in paths if os.path.exists(p)}):
        parts = path.split(os.sep)
        for depth in range(2, len(parts) + 1):
            folder = os.sep.join(parts[:depth])
            if not os.stat(folder).st_mode & 0o001:
                closed.setdefault(folder, []).append(path)
                break
    return all([_cover(folder, inside) for folder, inside in closed.items()])


def _cover(folder: str, keep: list[str], read_only: bool = False) -> bool:
    """Cover ``folder`` with an empty tmpfs, then bind-mount the paths in ``keep`` back at their places."""
    handles = {p: os.open(p, os.O_PATH) for p in keep if os.path.exists(p)}
    flags = MS_NOSUID | MS_NODEV
    ok = _mount("tmpfs", folder, "tmpfs", flags, "size=64k,mode=755")
    for path, fd in sorted(handles.items()):
        if os.path.isdir(f"/proc/self/fd/{fd}"):
            os.makedirs(path, mode=0o755, exist_ok=True)
        else:
            os.makedirs(os.path.dirname(path), mode=0o755, exist_ok=True)
            open(path, "a").close()
        ok &= _mount(f"/proc/self/fd/{fd}", path, None, MS_BIND | MS_REC)
        os.close(fd)
    if read_only:
        ok &= _mount("none", folder, None, MS_REMOUNT | MS_RDONLY | flags)
    return bool(ok)


def _limit(settings: dict, own_uid: bool):
    def cap(kind, value):
        value = int(value)
        soft, hard = resource.getrlimit(kind)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        resource.setrlimit(kind, (value, value))

    cap(resource.RLIMIT_CPU, settings["topic_cpu_seconds"])
    cap(resource.RLIMIT_CORE, 0)
    cap(resource.RLIMIT_FSIZE, settings.get("file_mb", 64) * 2**20)
    cap(resource.RLIMIT_NOFILE, 256)
    with open("/proc/self/statm") as handle:
        mapped = int(handle.read().split()[0]) * resource.getpagesize()
    cap(resource.RLIMIT_AS, mapped + settings.get("memory_mb", 2048) * 2**20)
    if own_uid:
        cap(resource.RLIMIT_NPROC, settings.get("processes", 32))


def _guard_sockets():
    """Refuse every socket that is not a local pair (a fallback, not a barrier)."""
    original = socket.socket.__init__

    def refuse(self, family=-1, type=-1, proto=-1, fileno=None):
        if fileno is None and family in (-1, socket.AF_INET, socket.AF_INET6):
            raise PermissionError("network access is disabled while grading")
        original(self, family, type, proto, fileno)

    socket.socket.__init__ = refuse

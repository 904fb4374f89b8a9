"""A warm process that forks the children which run student code.

Importing torch costs a second or more; the zygote pays it once and forks a
child per topic in milliseconds. It is driven over a Unix socket by the
grader: ``spawn`` (with the child's channel and output fds attached) answers
the child's pid, ``wait`` answers its wait status, ``connect`` adds the
attached socket as a further channel (one per worker process of a concurrent
grade). It never runs student code itself. Run as
``python -m grader.sandbox.zygote FD [PACKAGES]``, PACKAGES the comma-separated
keys of ``grader.sandbox.OPTIONAL_IMPORTS`` to load before forking (default: all).
"""

from __future__ import annotations

import ctypes
import gc
import json
import os
import select
import signal
import socket
import sys

from grader.sandbox import OPTIONAL_IMPORTS, child

PR_SET_CHILD_SUBREAPER = 36
GRADER_CHECK_SECONDS = 1.0  # how often the zygote checks that the grader that started it is alive


def _run_child(channel_fd: int, output_fd: int, settings: dict, controls: set):
    for control in controls:
        control.close()
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    code = 0
    try:
        child.serve(socket.socket(fileno=channel_fd), output_fd, settings)
    except BaseException:  # noqa: BLE001 -- the child must never return into the zygote loop
        code = 70
    os._exit(code)


def _kill_uid(uid: int) -> bool:
    """SIGKILL every process of ``uid`` (a child's own uid): ``kill(-1)`` sent as that uid."""
    if os.geteuid() != 0 or uid <= 0:
        return False
    pid = os.fork()
    if pid == 0:
        try:
            os.setgid(uid)
            os.setuid(uid)
            os.kill(-1, signal.SIGKILL)
        except OSError:
            pass
        os._exit(0)
    os.waitpid(pid, 0)
    return True


def _reap(finished: dict):
    """Collect every exited child (orphans too: the zygote is their subreaper)."""
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        finished[pid] = status


def main(control_fd: int, preload: tuple[str, ...]):
    grader = os.getppid()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the grader's to handle; it ends us
    controls = {socket.socket(fileno=control_fd)}  # the grader's channel, and one per worker of the grader
    ctypes.CDLL(None).prctl(PR_SET_CHILD_SUBREAPER, 1)
    child.warm_up(preload)
    gc.freeze()  # the children's collections skip everything loaded so far: no full walks, no copy-on-write
    finished: dict[int, int] = {}
    spawned: dict[int, int] = {}  # pid -> uid of every child started, until it is waited for
    while controls:
        if os.getppid() != grader:  # the grader died (kill -9): its children go with it
            _end_children(spawned)
            return
        for control in select.select(list(controls), [], [], GRADER_CHECK_SECONDS)[0]:
            try:
                message, fds, _, _ = socket.recv_fds(control, 1 << 20, 2)
            except OSError:
                message = b""
            if not message:  # that grader process is gone
                controls.discard(control)
                control.close()
                continue
            control.send(json.dumps(_answer(json.loads(message), fds, controls, finished, spawned)).encode())
    _end_children(spawned)


def _end_children(spawned: dict):
    """SIGKILL every child still running, with everything it started (its process group, its uid)."""
    for pid, uid in spawned.items():
        for kill in (os.killpg, os.kill):
            try:
                kill(pid, signal.SIGKILL)
            except OSError:
                pass
        _kill_uid(uid)


def _answer(request: dict, fds: list, controls: set, finished: dict, spawned: dict) -> dict:
    _reap(finished)
    if request["op"] == "spawn":
        pid = os.fork()
        if pid == 0:
            _run_child(fds[0], fds[1], request["settings"], controls)
        for fd in fds:
            os.close(fd)
        spawned[pid] = int(request["settings"].get("uid") or 0)
        return {"pid": pid}
    if request["op"] == "connect":
        controls.add(socket.socket(fileno=fds[0]))
        return {"connected": True}
    if request["op"] == "kill_uid":
        return {"killed": _kill_uid(int(request["uid"]))}
    if request["op"] == "wait":
        pid = request["pid"]
        if pid not in finished:
            try:
                finished[pid] = os.waitpid(pid, 0)[1]
            except ChildProcessError:
                pass
        status = finished.pop(pid, None)
        spawned.pop(pid, None)
        _reap(finished)
        return {"status": status}
    return {"error": f"unknown op {request['op']!r}"}


if __name__ == "__main__":
    main(
        int(sys.argv[1]), tuple(filter(None, sys.argv[2].split(","))) if len(sys.argv) > 2 else tuple(OPTIONAL_IMPORTS)
    )

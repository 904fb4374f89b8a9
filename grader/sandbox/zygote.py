"""A warm process that forks the children which run student code.

Importing torch costs a second or more; the zygote pays it once and forks a
child per topic in milliseconds. It is driven over a Unix socket by the
grader: ``spawn`` (with the child's channel and output fds attached) answers
the child's pid, ``wait`` answers its wait status. It never runs student
code itself. Run as ``python -m grader.sandbox.zygote FD``.
"""
from __future__ import annotations

import ctypes
import json
import os
import signal
import socket
import sys

from grader.sandbox import child

PR_SET_CHILD_SUBREAPER = 36


def _run_child(channel_fd: int, output_fd: int, settings: dict, control: socket.socket):
    control.close()
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
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


def main(control_fd: int):
    control = socket.socket(fileno=control_fd)
    ctypes.CDLL(None).prctl(PR_SET_CHILD_SUBREAPER, 1)
    child.warm_up()
    finished: dict[int, int] = {}
    while True:
        try:
            message, fds, _, _ = socket.recv_fds(control, 1 << 20, 2)
        except OSError:
            return
        if not message:
            return
        request = json.loads(message)
        _reap(finished)
        if request["op"] == "spawn":
            pid = os.fork()
            if pid == 0:
                _run_child(fds[0], fds[1], request["settings"], control)
            for fd in fds:
                os.close(fd)
            reply = {"pid": pid}
        elif request["op"] == "kill_uid":
            reply = {"killed": _kill_uid(int(request["uid"]))}
        elif request["op"] == "wait":
            pid = request["pid"]
            if pid not in finished:
                try:
                    finished[pid] = os.waitpid(pid, 0)[1]
                except ChildProcessError:
                    pass
            reply = {"status": finished.pop(pid, None)}
            _reap(finished)
        else:
            reply = {"error": f"unknown op {request['op']!r}"}
        control.send(json.dumps(reply).encode())


if __name__ == "__main__":
    main(int(sys.argv[1]))

"""A warm process that forks the children which run student code.

Importing torch costs a second or more; the zygote pays it once and forks a
child per topic in milliseconds. It is driven over a Unix socket by the
grader: ``spawn`` (with the child's channel and output fds attached) answers
the child's pid, ``wait`` answers its wait status. It never runs student
code itself. Run as ``python -m grader.sandbox.zygote FD``.
"""
from __future__ import annotations

import json
import os
import signal
import socket
import sys

from grader.sandbox import child


def _run_child(channel_fd: int, output_fd: int, settings: dict, control: socket.socket):
    control.close()
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    code = 0
    try:
        child.serve(socket.socket(fileno=channel_fd), output_fd, settings)
    except BaseException:  # noqa: BLE001 -- the child must never return into the zygote loop
        code = 70
    os._exit(code)


def main(control_fd: int):
    control = socket.socket(fileno=control_fd)
    child.warm_up()
    while True:
        try:
            message, fds, _, _ = socket.recv_fds(control, 1 << 20, 2)
        except OSError:
            return
        if not message:
            return
        request = json.loads(message)
        if request["op"] == "spawn":
            pid = os.fork()
            if pid == 0:
                _run_child(fds[0], fds[1], request["settings"], control)
            for fd in fds:
                os.close(fd)
            reply = {"pid": pid}
        elif request["op"] == "wait":
            try:
                _, status = os.waitpid(request["pid"], 0)
                reply = {"status": status}
            except ChildProcessError:
                reply = {"status": None}
        else:
            reply = {"error": f"unknown op {request['op']!r}"}
        control.send(json.dumps(reply).encode())


if __name__ == "__main__":
    main(int(sys.argv[1]))

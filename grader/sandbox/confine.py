"""Confinement the child applies to itself before it imports student code."""
from __future__ import annotations

import os
import resource


def enter(settings: dict):
    """New process group, private working directory, resource limits."""
    os.setsid()
    os.chdir(settings["scratch"])
    hard_cpu = int(settings["topic_cpu_seconds"])
    resource.setrlimit(resource.RLIMIT_CPU, (hard_cpu, hard_cpu))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

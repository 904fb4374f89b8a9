"""The grader's own tests share one drawn-case cache (``grader.cache``) across the session and its
xdist workers: the grades they run replay the inputs the first grade of each topic drew. Tests of
the cache itself pass their own folder."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("CONVGRADE_CACHE", str(Path(tempfile.gettempdir()) / "convgrade-test-cache"))

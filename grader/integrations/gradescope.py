"""``grader gradescope build OUT.zip``: a Gradescope autograder bundle.

The bundle holds the grader (its code, templates and the shipped ``datasets/``; never
``solutions/``), ``setup.sh`` (CPU-only PyTorch builds: Gradescope has no GPU) and
``run_autograder``, which grades ``/autograder/submission`` into
``/autograder/results/results.json``. ``$AUTOGRADER_ROOT`` moves ``/autograder`` (for tests).

A fresh container has no cache of drawn inputs and references (``grader.cache``), so its first grade
would draw and compute everything on a shared CPU. The bundle therefore ships ``cache/``: the cache of
grading ``solutions/`` under the bundled config, made here, and pins the libraries whose versions the
cache depends on (``grader.cache.drawing_libraries``) to the versions that made it.

On Gradescope the student's code runs in the autograder's own container, usually without the
capabilities that namespaces need. ``run_autograder`` therefore first makes the grader's files
readable by root only (``datasets/`` excepted): the child, which runs under a uid of its own,
cannot read the checks even where the mount namespace that hides them is missing.
"""

from __future__ import annotations

import io
import os
import stat
import tempfile
import zipfile
from pathlib import Path

import grader
from grader.cache import drawing_libraries

REPO = Path(grader.__file__).resolve().parents[1]

SETUP = """#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image.
set -euo pipefail
cd "$(dirname "$0")"
apt-get update -qq && apt-get install -y -qq python3 python3-pip python3-venv >/dev/null || true
python3 -m pip install --upgrade pip
# CPU-only builds: Gradescope has no GPU, and the CUDA builds are ten times larger.
python3 -m pip install --index-url https://download.pytorch.org/whl/cpu "torch==$(cat torch-version.txt)" \
    "torchvision>=0.29,<0.30"
python3 -m pip install -r requirements.txt
"""

RUN = """#!/usr/bin/env bash
# Gradescope runs this for every submission: grade it, write results/results.json.
set -uo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"
SOURCE="$ROOT/source"
# Where namespaces are missing, file permissions keep the checks from the student's code
# (it runs under a uid of its own): the grader's files for root only, datasets/ for all.
chmod -R go-rwx "$SOURCE/grader" "$SOURCE/cache" 2>/dev/null
export CONVGRADE_CACHE="${CONVGRADE_CACHE:-$SOURCE/cache}"  # the cache the bundle ships
chmod -R go+rX "$SOURCE/datasets" 2>/dev/null
chmod go+x "$SOURCE" 2>/dev/null
mkdir -p "$ROOT/results"
CONFIG=()
[ -f "$SOURCE/config.toml" ] && CONFIG=(--config "$SOURCE/config.toml")
PYTHONPATH="$SOURCE${PYTHONPATH:+:$PYTHONPATH}" "${PYTHON:-python3}" -m grader grade "$ROOT/submission" \\
    --format gradescope --output "$ROOT/results/results.json" --quiet "${CONFIG[@]}" 2> "$ROOT/results/errors.txt"
status=$?
cat "$ROOT/results/errors.txt" >&2  # for the instructor's debug log
if [ $status -ne 0 ] || [ ! -s "$ROOT/results/results.json" ]; then
    # Exit status 2 is a submission the grader cannot take (no module in it, ...): its message tells the
    # student what to fix. Anything else is the grader's fault.
    "${PYTHON:-python3}" - "$status" "$ROOT/results/errors.txt" > "$ROOT/results/results.json" <<'EOF'
import json, sys
status, errors = sys.argv[1], open(sys.argv[2], encoding="utf-8", errors="replace").read()
said = errors.rpartition("grader: error: ")[2].strip()
output = (f"Your submission could not be graded: {said}" if status == "2" and said else
          f"The autograder could not grade this submission (exit status {status}). Please tell your instructor.")
print(json.dumps({"score": 0, "output": output, "tests": []}))
EOF
fi
"""

REQUIREMENTS = """opencv-python-headless>=4.8
matplotlib>=3.7
pillow>=10
rich>=13
nbformat>=5.9
ipython>=8.10
packaging>=23
"""


def build(destination: Path, config: Path | None = None, warm: bool = True) -> list[str]:
    """Write the bundle to ``destination`` (a .zip), with the grader ``config`` if given, and (``warm``) the
    cache of grading ``solutions/`` under it; the names it holds."""
    libraries = drawing_libraries()
    pinned = "".join(f"{name}=={libraries[name]}\n" for name in ("hypothesis", "numpy"))
    files: dict[str, tuple[bytes, bool]] = {
        "setup.sh": (SETUP.encode(), True),
        "run_autograder": (RUN.encode(), True),
        "requirements.txt": ((REQUIREMENTS + pinned).encode(), False),
        "torch-version.txt": (libraries["torch"].encode() + b"\n", False),
    }
    if config is not None:
        files["config.toml"] = (Path(config).read_bytes(), False)
    if warm:
        files |= {f"cache/{name}": (data, False) for name, data in warm_cache(config).items()}
    for folder in ("grader", "datasets"):
        for path in sorted((REPO / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                files[path.relative_to(REPO).as_posix()] = (path.read_bytes(), False)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, (data, executable) in files.items():
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.external_attr = (stat.S_IFREG | (0o755 if executable else 0o644)) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    destination.parent.mkdir(parents=True, exist_ok=True)
    destination.write_bytes(buffer.getvalue())
    return list(files)


def warm_cache(config: Path | None) -> dict[str, bytes]:
    """The cache files (name -> bytes) of grading ``solutions/`` under ``config``: every search a right
    submission passes, with its inputs and references."""
    from grader.load.submission import load_submission
    from grader.score.config import load_config
    from grader.score.grade import grade_submission
    from grader.topics import TOPIC_NAMES

    with tempfile.TemporaryDirectory(prefix="convgrade-cache-") as folder:
        previous = os.environ.get("CONVGRADE_CACHE")
        os.environ["CONVGRADE_CACHE"] = folder
        try:
            for _ in range(2):  # the second grade records what only a replay computes: then the cache holds still
                grade_submission(load_submission(REPO / "solutions", TOPIC_NAMES), load_config(config))
        finally:
            os.environ.pop("CONVGRADE_CACHE") if previous is None else os.environ.update(CONVGRADE_CACHE=previous)
        return {path.name: path.read_bytes() for path in sorted(Path(folder).glob("*.cases"))}

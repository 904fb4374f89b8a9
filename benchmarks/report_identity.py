"""Reports before and after a change: byte-identical, but for the JSON fields a change adds.

    python benchmarks/report_identity.py write DIR [--jobs N]
    python benchmarks/report_identity.py compare BEFORE AFTER [--new-fields counterexample,mistakes,features]

``write`` grades solutions/, exercises/ and every case of tests/grader/cases/ (each as the module the
grader sees, on its own topic) and writes each one's text (80 columns), JSON and Markdown reports to
DIR. ``compare`` reads two such folders: the text and Markdown reports must be byte-identical, and the
JSON reports identical once the ``--new-fields`` keys of every test are removed from AFTER (each key
must be new: BEFORE may not have it). It prints every difference and exits with 1 if there is any.
Run ``write`` on a checkout before a restructuring and after it, then ``compare``.
"""

from __future__ import annotations

import argparse
import json
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "grader")]


def submissions() -> list[tuple[str, str | None, dict[str, bytes]]]:
    """(name, topic or None for all, modules) of solutions/, exercises/ and every case."""
    from helpers import CASES, as_module

    from grader.topics import TOPIC_NAMES

    whole = [
        (folder, None, {t: (ROOT / folder / f"{t}.py").read_bytes() for t in TOPIC_NAMES})
        for folder in ("solutions", "exercises")
    ]
    cases = [
        (f"{case.parent.name}__{case.stem}", case.parent.name, {case.parent.name: as_module(case).encode()})
        for case in sorted(CASES.glob("*/*.py"))
    ]
    return whole + cases


def _reports(item) -> tuple[str, dict[str, str]]:
    import torch

    from grader.load.submission import Submission
    from grader.report import to_json, to_markdown, to_text
    from grader.score.grade import grade_submission

    torch.set_num_threads(1)
    name, topic, modules = item
    result = grade_submission(Submission(modules, name), topics=[topic] if topic else None)
    return name, {"txt": to_text(result, width=80), "json": to_json(result), "md": to_markdown(result)}


def write(folder: Path, jobs: int):
    folder.mkdir(parents=True, exist_ok=True)
    items = submissions()
    with ProcessPoolExecutor(jobs) as pool:
        for done, (name, reports) in enumerate(pool.map(_reports, items), 1):
            for suffix, text in reports.items():
                (folder / f"{name}.{suffix}").write_text(text)
            print(f"[{done}/{len(items)}] {name}", flush=True)


def _without(document, fields: set[str]):
    for topic in document.get("topics", {}).values():
        for test in topic.get("tests", []):
            for field in fields:
                test.pop(field, None)
    return document


def compare(before: Path, after: Path, fields: set[str]) -> int:
    differences = 0
    names = sorted(p.name for p in before.iterdir())
    missing = sorted(set(names) ^ {p.name for p in after.iterdir()})
    for name in missing:
        print(f"only in one folder: {name}")
    for name in names:
        if name in missing:
            continue
        old, new = (before / name).read_text(), (after / name).read_text()
        if name.endswith(".json"):
            old_doc, new_doc = json.loads(old), json.loads(new)
            reused = {
                f
                for topic in old_doc.get("topics", {}).values()
                for t in topic.get("tests", [])
                for f in fields
                if f in t
            }
            same = not reused and _without(new_doc, fields) == old_doc
        else:
            same = old == new
        if not same:
            differences += 1
            print(f"DIFFERS: {name}")
    print(f"{len(names)} reports compared; {differences} differ; {len(missing)} in one folder only")
    return 1 if differences or missing else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    writing = commands.add_parser("write", help="grade everything and write its reports to DIR")
    writing.add_argument("folder", type=Path)
    writing.add_argument("--jobs", type=int, default=2)
    comparing = commands.add_parser("compare", help="compare two folders written by `write`")
    comparing.add_argument("before", type=Path)
    comparing.add_argument("after", type=Path)
    comparing.add_argument(
        "--new-fields",
        default="counterexample,mistakes,features",
        help="comma-separated JSON keys of a test that AFTER may add",
    )
    args = parser.parse_args()
    if args.command == "write":
        write(args.folder, args.jobs)
        return 0
    return compare(args.before, args.after, set(filter(None, args.new_fields.split(","))))


if __name__ == "__main__":
    sys.exit(main())

"""Copies in a class of 300: how long `grader similarity` takes, where a planted copy ranks, and the margins.

    python benchmarks/similarity.py [--students 300] [-j 2] [--keep DIR [--reuse]]

The class is made from the repository by tests/grader/synthetic_class.py, the same on every run: a few
students hand in the stubs unchanged; the others, per topic, the stub or the solution rewritten as
that student would (locals renamed, another indent and spacing, now and then a function left
unwritten), and most of them a case or two of tests/grader/cases/ grafted in (each case in one
student's code only); one distinctive submission (two cases per topic) and its copy (other names,
another layout, the functions in reverse order). A tenth hand in a .zip, a tenth a notebook per topic.

`grader similarity CLASS --out OUT -j N` is timed (wall, and CPU of the command and its processes;
the load average tells what else the machine was doing), then OUT/similarity.json gives: the planted
pair's rank and score, and the highest score among pairs of students who handed in the stubs, of
students with the plain solutions, of a plain student and one with cases, and of students with
cases, apart for those whose cases come from the same topic (the case files of a topic are
variants of one implementation, so those pairs share code by construction). Exit status 1 if the
planted pair is not first or a pair of stubs or of plain solutions is flagged.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "grader")]


def category(a: str, b: str, kinds: dict, grafted: dict) -> str:
    """What two students' submissions have in common by construction."""
    pair = {kinds[a], kinds[b]}
    if pair == {"original", "copy"}:
        return "planted copy"
    if "stubs" in pair:
        return "stubs and anyone"
    if pair == {"plain"}:
        return "plain solutions"
    if "plain" in pair:
        return "plain solution and cases"
    topics = [{case.split("/")[0] for case in grafted[name]} for name in (a, b)]
    return "cases of the same topic" if topics[0] & topics[1] else "cases of other topics"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument("-j", "--jobs", type=int, default=2)
    parser.add_argument("--keep", type=Path, metavar="DIR", help="build the class and the reports here, and keep them")
    parser.add_argument("--reuse", action="store_true", help="time the class already built in --keep DIR")
    args = parser.parse_args()
    from synthetic_class import make_class

    work = args.keep or Path(tempfile.mkdtemp(prefix="similarity-"))
    started = time.monotonic()
    if args.reuse and args.keep:
        kinds, grafted = json.loads((work / "kinds.json").read_text())
    else:
        shutil.rmtree(work / "class", ignore_errors=True)
        kinds, grafted = make_class(work / "class", args.students)
        (work / "kinds.json").write_text(json.dumps([kinds, grafted]))
    counts = {kind: sum(k == kind for k in kinds.values()) for kind in ("stubs", "plain", "cases")}
    print(f"class: {args.students} students {counts} + a planted pair, built in {time.monotonic() - started:.0f} s")

    load = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    command = [sys.executable, "-m", "grader", "similarity", str(work / "class"), "--out", str(work / "out")]
    done = subprocess.run([*command, "-j", str(args.jobs), "--quiet"], cwd=ROOT, capture_output=True, text=True)
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        print(done.stderr, file=sys.stderr)
        return 2
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    print(f"grader similarity -j {args.jobs}: {wall:.1f} s wall, {cpu:.1f} s CPU (load average before: {load:.1f})")
    print(f"  {done.stderr.strip()}")

    report = json.loads((work / "out" / "similarity.json").read_text())
    threshold, pairs = report["threshold"], report["pairs"]
    lowest = pairs[-1]["score"] if report["pairs_not_listed"] else 0.0
    best, flagged = {}, {}
    for rank, pair in enumerate(pairs, start=1):
        kind = category(*pair["students"], kinds, grafted)
        best.setdefault(kind, (pair["score"], rank))
        flagged[kind] = flagged.get(kind, 0) + pair["flagged"]
    planted = best.get("planted copy", (0.0, None))
    print(f"planted copy: rank {planted[1]} of {len(pairs) + report['pairs_not_listed']} pairs, score {planted[0]:.2f}")
    print(f"threshold {threshold:g}; highest score by kind of pair (pairs flagged):")
    names = sorted(kinds)
    for kind in (
        "stubs and anyone",
        "plain solutions",
        "plain solution and cases",
        "cases of other topics",
        "cases of the same topic",
    ):
        possible = sum(category(a, b, kinds, grafted) == kind for a, b in combinations(names, 2))
        score = f"{best[kind][0]:.3f}" if kind in best else f"< {lowest:.3f}" if lowest else "0 (no own code shared)"
        print(f"  {kind:<26} {score:>8}  ({flagged.get(kind, 0)} of {possible} pairs flagged)")
    if args.keep:
        print(f"reports: {work / 'out'}")
    else:
        shutil.rmtree(work)
    failed = planted[1] != 1 or flagged.get("stubs and anyone", 0) or flagged.get("plain solutions", 0)
    print(
        f"under a minute: {'yes' if wall < 60 else 'NO'}; planted copy first and no stubs or plain pair flagged: "
        f"{'NO' if failed else 'yes'}"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

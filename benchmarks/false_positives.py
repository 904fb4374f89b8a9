"""False positives of the tampering detection on legitimate code: the count should be 0.

    python benchmarks/false_positives.py [--grade]

Static: the computed-access scan (``grader.checks.forbidden.computed_access``) and the static tampering rule
(``EVASION``) over solutions/ and every right and wrong case of tests/grader/cases/ (each as the module
the grader sees: the reference module with the case appended). The wrong cases are wrong answers, not
cheats, so a hit on any of them counts too. The grader scans only modules with "by loops" functions;
hits in the other topics are listed apart, for information.

``--grade`` also grades solutions/ and every right case of the "by loops" topics (real public code
among them) and counts the functions zeroed at run time, for tampering (tripwires, audit hook, a
broken denial) or for a forbidden built-in (the denial at the dispatcher refusing an operator they
may use).
The exit status is 1 if any false positive was found.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "grader")]


def graded_modules():
    """(topic, label, source) of solutions/ and of every case, as the grader sees them."""
    from helpers import CASES, as_module

    from grader.topics import TOPIC_NAMES

    for topic in TOPIC_NAMES:
        yield topic, f"solutions/{topic}.py", (ROOT / "solutions" / f"{topic}.py").read_text()
        for case in sorted((CASES / topic).glob("*.py")):
            yield topic, f"cases/{topic}/{case.name}", as_module(case)


def static_false_positives() -> int:
    from grader.checks.forbidden import EVASION, computed_access, static_hits
    from grader.topics import TOPICS

    flagged, scanned, elsewhere = 0, 0, []
    for topic, label, source in graded_modules():
        hits = computed_access(source.encode())
        if not TOPICS[topic].BY_LOOPS:
            elsewhere += [f"{label}: {hit}" for hit in hits]
            continue
        scanned += 1
        hits += [
            f"{function}: {EVASION.label}"
            for function in TOPICS[topic].BY_LOOPS
            if EVASION.label in static_hits(source.encode(), function, [])
        ]
        flagged += bool(hits)
        for hit in hits:
            print(f"FLAGGED {label}: {hit}")
    print(f"static scan: {flagged} of {scanned} modules of 'by loops' topics flagged (false positives)")
    for hit in elsewhere:
        print(f"  (not scanned by the grader: no 'by loops' function) {hit}")
    return flagged


def runtime_false_positives() -> int:
    from helpers import CASES, as_module

    import grader.score.grade as grade
    from grader.load.submission import Submission
    from grader.topics import TOPICS

    zeroed = 0
    for topic in [t for t in TOPICS if TOPICS[t].BY_LOOPS]:
        sources = [("solutions", (ROOT / "solutions" / f"{topic}.py").read_text())]
        sources += [(c.name, as_module(c)) for c in sorted((CASES / topic).glob("right_*.py"))]
        for label, source in sources:
            result = grade.grade_submission(Submission({topic: source.encode()}, label), topics=[topic])
            flagged = sorted(
                {
                    t.function
                    for t in result.topics[topic].tests
                    if "tampered with" in t.feedback or "uses a forbidden built-in" in t.feedback
                }
            )
            zeroed += len(flagged)
            print(f"{topic}/{label}: {'ZEROED: ' + ', '.join(flagged) if flagged else 'clean'}", flush=True)
    print(f"run time: {zeroed} functions of right answers zeroed (false positives)")
    return zeroed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--grade", action="store_true", help="also grade the right cases (minutes)")
    args = parser.parse_args()
    found = static_false_positives()
    if args.grade:
        found += runtime_false_positives()
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())

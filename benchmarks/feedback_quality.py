"""How good is the feedback on our own wrong implementations? Prints, per topic, over the failing tests:

- named: the feedback names a mistake (``TestResult.mistakes``) and every one it names is the case's own
  (its text contains one of the case's `expect-feedback` texts);
- misleading: it names a mistake the case does not make;
- described: it names none, but says precisely what is wrong (one of the case's `expect-feedback` texts);
- missing: neither a mistake nor a precise description;
- hand-sized: counterexamples a person can redo on paper (every array of the "Input:" line printed in
  full, at most 16 elements, no rounded value "…");
- credit: for every `expect-credit` of a case, the share it keeps against the share a reader judged fair;
  and the wrong cases that do not declare a credit for each test they fail.

Usage: python benchmarks/feedback_quality.py [--topic NAME ...]
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "grader")]

from helpers import CASES, case_credits, case_expectations  # noqa: E402
from test_grading import grade_case  # noqa: E402

ARRAY = re.compile(r"(tensor|array) of shape \(([\d, ]*)\)( \[)?")


def hand_sized(input_line: str) -> bool:
    """Every array of the counterexample printed in full (≤ 16 elements) and no rounded value."""
    arrays = list(ARRAY.finditer(input_line))
    return "…" not in input_line and all(match.group(3) for match in arrays)


KINDS = ("named", "described", "misleading", "missing")


def judged(test, expected: list[str]) -> str:
    """``test``'s feedback, judged against the case's own ``expect-feedback`` texts."""
    own = [m for m in test.mistakes if any(text.lower() in m.text.lower() for text in expected)]
    if len(own) < len(test.mistakes):
        return "misleading"
    if own:
        return "named"
    return "described" if any(text.lower() in test.feedback.lower() for text in expected) else "missing"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--topic", nargs="*", help="only these topics")
    args = parser.parse_args()
    rows = defaultdict(lambda: dict.fromkeys(KINDS + ("tests", "inputs", "hand"), 0))
    credits, undeclared, unexplained = [], [], []
    for case in sorted(CASES.glob("*/wrong_*.py")):
        topic = case.parent.name
        if args.topic and topic not in args.topic:
            continue
        failing, expected = case_expectations(case)
        result = grade_case(case)
        row = rows[topic]
        for test in (t for t in result.tests if not t.passed):
            kind = judged(test, expected)
            row["tests"] += 1
            row[kind] += 1
            if kind in ("misleading", "missing"):
                unexplained.append(f"{topic}/{case.stem}: {test.id} {kind}")
            inputs = [line for line in test.feedback.splitlines() if line.strip().startswith("Input:")]
            if inputs:
                row["inputs"] += 1
                row["hand"] += hand_sized(inputs[-1])
        declared = case_credits(case)
        undeclared += [f"{topic}/{case.stem}: {check}" for check in sorted(failing - set(declared))]
        for check, share in declared.items():
            got = next(t for t in result.tests if t.id == check)
            kept = got.score / got.max_score
            mark = "" if round(kept, 3) == share else "   <- differs"
            credits.append(f"{topic}/{case.stem}: {check} keeps {kept:.3f} (fair: {share:g}){mark}")
        print(f"{topic}/{case.stem}: graded", file=sys.stderr)
    keys = KINDS + ("tests", "inputs", "hand")
    total = {key: sum(row[key] for row in rows.values()) for key in keys}
    print(f"{'topic':<18}" + "".join(f"{k:>12}" for k in KINDS) + f"{'hand-sized':>14}")
    for topic, row in sorted(rows.items()) + [("all", total)]:
        shares = "".join(f"{row[k]:>5}/{row['tests']:<3} " for k in KINDS)
        hand = f"{row['hand']}/{row['inputs']} {100 * row['hand'] / max(row['inputs'], 1):.0f}%"
        print(f"{topic:<18}{shares}{hand:>14}")
    for title, lines in (
        ("failing tests without a hint or a precise description, or with a misleading hint", unexplained),
        ("failing tests without an expect-credit", undeclared),
        ("credit kept against credit judged fair", credits),
    ):
        print(f"\n{title}: {len(lines)}")
        print("\n".join(f"  {line}" for line in lines))


if __name__ == "__main__":
    main()

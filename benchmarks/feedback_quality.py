"""How good is the feedback on our own wrong implementations? Prints, per topic:

- named: wrong cases whose feedback names a mistake ("Likely mistake: ...") that is the case's own
  (one of its `expect-feedback` texts);
- misleading: cases whose feedback names a mistake the case does not make;
- hand-sized: failing tests whose counterexample a person can redo on paper (every array in the
  "Input:" line printed in full, at most 16 elements, no rounded value "…");
- partial credit: the score of every case that declares `expect-credit`.

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

from helpers import CASES, case_credits, case_expectations, named_mistakes  # noqa: E402
from test_grading import grade_case  # noqa: E402

ARRAY = re.compile(r"(tensor|array) of shape \(([\d, ]*)\)( \[)?")


def hand_sized(input_line: str) -> bool:
    """Every array of the counterexample printed in full (≤ 16 elements) and no rounded value."""
    arrays = list(ARRAY.finditer(input_line))
    return "…" not in input_line and all(match.group(3) for match in arrays)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--topic", nargs="*", help="only these topics")
    args = parser.parse_args()
    rows = defaultdict(lambda: {"cases": 0, "named": 0, "misleading": 0, "inputs": 0, "hand": 0})
    credits = []
    for case in sorted(CASES.glob("*/wrong_*.py")):
        topic = case.parent.name
        if args.topic and topic not in args.topic:
            continue
        _, expected = case_expectations(case)
        result = grade_case(case)
        failed = [t for t in result.tests if not t.passed]
        feedback = "\n".join(t.feedback for t in failed)
        named = named_mistakes(feedback)
        own = [n for n in named if any(text.lower() in n.lower() for text in expected)]
        row = rows[topic]
        row["cases"] += 1
        row["named"] += bool(own) and len(own) == len(named)
        row["misleading"] += len(named) != len(own)
        for test in failed:
            inputs = [line for line in test.feedback.splitlines() if line.strip().startswith("Input:")]
            if inputs:
                row["inputs"] += 1
                row["hand"] += hand_sized(inputs[-1])
        for check, share in case_credits(case).items():
            got = next(t for t in result.tests if t.id == check)
            credits.append(f"{topic}/{case.stem}: {check} {got.score:g} / {got.max_score:g} (expected share {share:g})")
        print(f"{topic}/{case.stem}: named={bool(own)} misleading={len(named) != len(own)}", file=sys.stderr)
    total = {key: sum(row[key] for row in rows.values()) for key in ("cases", "named", "misleading", "inputs", "hand")}
    print(f"{'topic':<18}{'named':>12}{'misleading':>12}{'hand-sized':>14}")
    for topic, row in sorted(rows.items()) + [("all", total)]:
        named = f"{row['named']}/{row['cases']} {100 * row['named'] / max(row['cases'], 1):.0f}%"
        hand = f"{row['hand']}/{row['inputs']} {100 * row['hand'] / max(row['inputs'], 1):.0f}%"
        print(f"{topic:<18}{named:>12}{row['misleading']:>12}{hand:>14}")
    if credits:
        print("\npartial credit:")
        print("\n".join(f"  {line}" for line in credits))


if __name__ == "__main__":
    main()

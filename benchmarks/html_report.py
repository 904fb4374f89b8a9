"""What the HTML report costs a student: its size and its rendering time against the grade's.

    python benchmarks/html_report.py [--jobs N] [--save DIR]

Grades a struggling student (solutions/ with the wrong cases of ``STUDENT`` put into nine topics:
a flipped kernel, transposed correlation, Sobel borders left at zero, ...) with ``grade_submission``
and times, on that result: the first HTML rendering in a fresh process (matplotlib imported, every
picture drawn), a second with the pictures drawn afresh, and one from the pictures remembered; then
the Gradescope results (PNG pictures). Prints the sizes (page, pictures) and each time as a share of
the grade's. ``--save DIR`` also writes the page and the results there.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "grader")]

STUDENT = {  # topic -> the wrong cases (tests/grader/cases/<topic>/) that make up its module, in order
    "convolution": ["wrong_flipped_kernel", "wrong_correlate_transposed", "wrong_size_ceil"],
    "edges": ["wrong_border_left_zero"],
    "pooling": ["wrong_cs231n_max_pool", "wrong_count_exclude_pad"],
    "layers": ["wrong_bn_no_eps"],
    "classification": ["wrong_bce_no_clamp"],
    "perceptron": ["wrong_missing_bias"],
    "gradient_descent": ["wrong_deriv_sign"],
}


def student_modules() -> dict[str, bytes]:
    """Every topic's module: the reference, followed by the chosen wrong cases of its topic."""
    from helpers import CASES, solution_source

    from grader.topics import TOPIC_NAMES

    modules = {}
    for topic in TOPIC_NAMES:
        cases = [(CASES / topic / f"{name}.py").read_text() for name in STUDENT.get(topic, [])]
        modules[topic] = "\n\n".join([solution_source(topic), *cases]).encode()
    return modules


def timed(function, *args, **kwargs):
    """``function``'s value, its wall time and the CPU time of this process (the grade's runs elsewhere too)."""
    started, cpu = time.perf_counter(), time.process_time()
    value = function(*args, **kwargs)
    return value, time.perf_counter() - started, time.process_time() - cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jobs", type=int, default=2, help="topics graded at a time (default 2)")
    parser.add_argument("--save", type=Path, metavar="DIR", help="also write the page and results.json here")
    args = parser.parse_args()

    import torch

    from grader.load.submission import Submission
    from grader.report import pictures
    from grader.report.gradescope_results import to_gradescope
    from grader.report.html import to_html
    from grader.score.grade import grade_submission

    torch.set_num_threads(1)
    result, grade, _ = timed(grade_submission, Submission(student_modules(), "struggling student"), jobs=args.jobs)
    page, *first = timed(to_html, result)
    pictures._pictures_of.cache_clear()
    _, *afresh = timed(to_html, result)
    _, *remembered = timed(to_html, result)
    pictures._pictures_of.cache_clear()
    results, *gradescope = timed(to_gradescope, result)

    failed = [t for topic in result.topics.values() for t in topic.tests if not t.passed]
    svg = sorted(len(p.svg) for t in failed for p in pictures.test_pictures(t)) or [0]
    print(f"grade: {grade:.2f} s (-j {args.jobs}), {result.score:g} / {result.max_score:g}, {len(failed)} tests failed")
    print(f"pictures: {len(svg)}, SVG {sum(svg) / 1024:.1f} KiB in all, the largest {svg[-1] / 1024:.1f} KiB")
    print(f"HTML page: {len(page.encode()) / 1024:.1f} KiB")
    print(f"Gradescope results.json: {len(results.encode()) / 1024:.1f} KiB")
    for what, seconds in [
        ("HTML, first in this process (imports matplotlib)", first),
        ("HTML, pictures drawn afresh", afresh),
        ("HTML, pictures remembered", remembered),
        ("Gradescope results, PNG pictures drawn afresh", gradescope),
    ]:
        wall, cpu = seconds
        print(f"{what}: {wall:.3f} s ({cpu:.3f} s CPU) = {100 * wall / grade:.1f}% of the grade")
    if args.save:
        args.save.mkdir(parents=True, exist_ok=True)
        (args.save / "struggling.html").write_text(page, encoding="utf-8")
        (args.save / "results.json").write_text(results, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

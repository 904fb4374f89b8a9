"""The ``grader`` command (also ``python -m grader``)."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

EPILOG = """examples:
  grader grade submissions/alice --format text
  grader grade alice.zip --format json --output alice.json
  grader grade solutions/ --topic convolution --topic pooling
  grader grade solutions/ -j 1  # one topic at a time (default: one per core)
  grader exercises --check      # are exercises/ the stubs solutions/ generate?
  grader release ../course-2026 # write a student's copy of the course
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="grader",
        description="convgrade: grade CNN/PyTorch exercise submissions with hidden property tests, "
                    "and build the student side of the course.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    grade = commands.add_parser(
        "grade", help="grade one submission (a folder of modules, or a .zip of one)",
        description="Grade one submission: a folder holding the student's exercise modules "
                    "(at its top level or in exercises/), or a .zip of such a folder. Exit status 0 "
                    "whenever the submission was graded, whatever its score.")
    grade.add_argument("submission", type=Path, help="folder or .zip with the student's modules")
    grade.add_argument("--format", choices=("text", "json", "markdown", "gradescope"), default="text",
                       help="report format (default: text)")
    grade.add_argument("--output", type=Path, help="write the report to this file instead of stdout")
    grade.add_argument("--config", type=Path, help="TOML config: points, example budgets, limits")
    grade.add_argument("--topic", action="append", metavar="NAME",
                       help="grade only this topic (repeatable); the others are left out of the report")
    grade.add_argument("-j", "--jobs", type=_jobs, default=_cores(), metavar="N",
                       help=f"grade N topics at a time, each in its own worker process (default: the number "
                            f"of cores, {_cores()} here); the report is the same for every N")
    grade.add_argument("--no-cache", dest="cache", action="store_false",
                       help="draw every input afresh instead of replaying those recorded by earlier grades "
                            "(the report is the same; the cache lives in $CONVGRADE_CACHE or ~/.cache/convgrade)")
    grade.add_argument("--quiet", action="store_true", help="no progress on stderr")

    exercises = commands.add_parser("exercises", help="regenerate exercises/ from solutions/",
                                    description="Write the student stubs in exercises/ from the marked "
                                                "regions of solutions/.")
    exercises.add_argument("--check", action="store_true",
                           help="only report stubs that differ from what the generator makes (exit 1 if any)")

    release = commands.add_parser("release", help="write a student's copy of the course to a new folder",
                                  description="Write exercises/, the visible tests, datasets/, a student "
                                              "README and pyproject.toml to DEST; no solutions, no grader.")
    release.add_argument("destination", type=Path, metavar="DEST")

    commands.add_parser("tests", help="list every hidden test id with its default points",
                        description="List the hidden tests (ids usable in a config's [tests] table).")
    return parser


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _jobs(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of jobs, 1 or more; got {text!r}")
    return int(text)


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    return {"grade": _grade, "exercises": _exercises, "release": _release, "tests": _tests}[args.command](args)


def _fail(message: str) -> int:
    print(f"grader: error: {message}", file=sys.stderr)
    return 2


def _grade(args) -> int:
    from grader.sandbox.session import Zygote

    Zygote.shared()  # start the sandbox's warm process now: it imports torch while we import the rest
    from grader.config import ConfigError, load_config
    from grader.grade import grade_submission
    from grader.load import SubmissionError, load_submission
    from grader.report import render
    from grader.topics import TOPICS

    unknown = [t for t in args.topic or [] if t not in TOPICS]
    if unknown:
        return _fail(f"unknown topic(s) {', '.join(unknown)}; choose from {', '.join(TOPICS)}")
    try:
        config = load_config(args.config)
        submission = load_submission(args.submission, TOPICS)
    except (ConfigError, SubmissionError) as exc:
        return _fail(str(exc))
    import torch

    torch.set_num_threads(1)  # the references are tiny; extra threads only contend with the sandbox
    total = len(args.topic or TOPICS)
    done = []

    def progress(topic):
        done.append(topic)
        print(f"[{len(done)}/{total}] graded {topic}", file=sys.stderr, flush=True)

    result = grade_submission(submission, config, topics=args.topic, progress=None if args.quiet else progress,
                              jobs=args.jobs, cache=args.cache)
    report = render(result, args.format)
    if args.output:
        try:
            args.output.parent.mkdir(parents=True, exist_ok=True)
            args.output.write_text(report, encoding="utf-8")
        except OSError as exc:
            return _fail(f"cannot write {args.output}: {exc.strerror or exc}")
    else:
        sys.stdout.write(report)
    return 0


def _exercises(args) -> int:
    from grader.authoring import stale_exercises, write_exercises

    if args.check:
        stale = stale_exercises()
        for name in stale:
            print(f"exercises/{name} differs from the stub generated from solutions/{name}")
        return 1 if stale else 0
    changed = write_exercises()
    print(f"exercises/: {len(changed)} file(s) rewritten" + (f": {', '.join(changed)}" if changed else ""))
    return 0


def _release(args) -> int:
    from grader.authoring import AuthoringError, write_release

    try:
        files = write_release(args.destination)
    except AuthoringError as exc:
        return _fail(str(exc))
    print(f"wrote {len(files)} files to {args.destination}")
    return 0


def _tests(args) -> int:
    from grader.config import Config
    from grader.grade import allocate_points
    from grader.topics import TOPICS

    for topic, module in TOPICS.items():
        for check, points in zip(module.CHECKS, allocate_points(topic, module.CHECKS, Config())):
            print(f"{topic}.{check.id}\t{points:g}\t{check.title}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The ``grader`` command (also ``python -m grader``)."""

from __future__ import annotations

import argparse
import contextlib
import functools
import math
import os
import signal
import sys
import threading
import time
from pathlib import Path

from grader.report import FORMATS

EPILOG = """examples:
  grader grade submissions/alice --format text
  grader grade alice.zip --format json --output alice.json
  grader grade solutions/ --topic convolution --topic pooling
  grader grade solutions/ -j 1  # one topic at a time (default: one per core)
  grader grade-all class/ --out results/   # every sub-folder or .zip of class/ is a student
  grader grade-all submissions.zip --out results/ --roster gradebook.csv  # an LMS's download
  grader similarity class/ --results results/ --out results/  # copies: similarity.md, .json, .html
  grader export canvas results/ --roster gradebook.csv --assignment "CNN lab (1234)" --dry-run
  grader gradescope build autograder.zip   # a Gradescope autograder bundle
  grader nbgrader init course/             # an nbgrader course: a notebook per topic
  grader nbgrader autograde course/ cnn    # grade submitted/ into nbgrader's gradebook
  grader exercises --check      # are exercises/ the stubs solutions/ generate?
  grader release ../course-2026 # write a student's copy of the course
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="grader",
        description="convgrade: grade CNN/PyTorch exercise submissions with hidden property tests, "
        "and build the student side of the course.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    grade = commands.add_parser(
        "grade",
        help="grade one submission (a folder of modules, or a .zip of one)",
        description="Grade one submission: a folder holding the student's exercise modules "
        "(at its top level or in exercises/), or a .zip of such a folder. Exit status 0 "
        "whenever the submission was graded, whatever its score.",
    )
    grade.add_argument("submission", type=Path, help="folder or .zip with the student's modules")
    grade.add_argument("--format", choices=FORMATS, default="text", help="report format (default: text)")
    grade.add_argument("--output", type=Path, help="write the report to this file instead of stdout")
    grade.add_argument("--config", type=Path, help="TOML config: points, example budgets, limits")
    grade.add_argument(
        "--topic",
        action="append",
        metavar="NAME",
        help="grade only this topic (repeatable); the others are left out of the report",
    )
    grade.add_argument(
        "-j",
        "--jobs",
        type=_jobs,
        default=_cores(),
        metavar="N",
        help=f"grade N topics at a time, each in its own worker process (default: the number "
        f"of cores, {_cores()} here); the report is the same for every N",
    )
    grade.add_argument(
        "--no-cache",
        dest="cache",
        action="store_false",
        help="draw every input afresh instead of replaying those recorded by earlier grades "
        "(the report is the same; the cache lives in $CONVGRADE_CACHE or ~/.cache/convgrade)",
    )
    grade.add_argument("--quiet", action="store_true", help="no progress on stderr")

    batch = commands.add_parser(
        "grade-all",
        help="grade a whole class into a folder: a gradebook, reports, a class summary",
        description="Grade every student of SUBMISSIONS into OUT: <student>.json and <student>.md as each "
        "finishes, then gradebook.csv, summary.md and scores.png. SUBMISSIONS is a folder or a .zip: "
        'Canvas\'s "Download Submissions", Moodle\'s "Download all submissions", Gradescope\'s export, '
        "nbgrader's submitted/ (each student named by the LMS's id for them), or a folder with one "
        "sub-folder, .zip or notebook per student (named by the entry). OUT/students.csv maps the "
        "students to the download's files and lists the entries that are no submission. Re-running "
        "the command grades only new or changed submissions (or those an interrupted run did not finish).",
    )
    batch.add_argument(
        "submissions", type=Path, metavar="SUBMISSIONS", help="the class: a folder or a .zip (an LMS's download)"
    )
    batch.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder for the results")
    batch.add_argument("--config", type=Path, help="TOML config: points, example budgets, limits")
    batch.add_argument(
        "-j",
        "--jobs",
        type=_jobs,
        default=_cores(),
        metavar="N",
        help=f"grade N students at a time (default: the number of cores, {_cores()} here)",
    )
    batch.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="grade on an existing Dask distributed cluster (e.g. tcp://10.0.0.5:8786) instead "
        "of local workers; needs the [cluster] extra",
    )
    batch.add_argument(
        "--roster",
        type=Path,
        metavar="FILE",
        help="the LMS's class list (Canvas gradebook export, Moodle grading worksheet or participants export, "
        "any CSV with a login, email or student id column): before grading, list the submissions it does "
        "not name, the ambiguous ones and the students without a submission",
    )
    batch.add_argument(
        "--similarity",
        action="store_true",
        help="after grading, look for copies as `grader similarity` does: DIR/similarity.md, .json and .html",
    )
    batch.add_argument("--quiet", action="store_true", help="no progress on stderr")

    similarity = commands.add_parser(
        "similarity",
        help="look for copies in a class: shared code, and the same wrong output on the same input",
        description="Compare every pair of students of SUBMISSIONS (a folder or a .zip, as grade-all takes it) "
        "and rank the pairs by shared code: tokens compared after names and layout are set aside "
        "(copydetect's winnowing), without the starter code (exercises/) and without code written the same "
        "way by many students. With --results (the folder grade-all wrote for this class), also list the "
        "students whose failing test gives the same wrong output on the same counterexample: weaker "
        "evidence, since a shared misconception does it too. Writes Markdown (a ranked list), JSON and "
        "an HTML page with the shared code highlighted.",
    )
    similarity.add_argument(
        "submissions", type=Path, metavar="SUBMISSIONS", help="the class: a folder or a .zip (an LMS's download)"
    )
    similarity.add_argument(
        "--results", type=Path, metavar="DIR", help="grade-all's output for this class: group the same wrong outputs"
    )
    similarity.add_argument(
        "--out",
        type=Path,
        metavar="FILE_OR_DIR",
        help="a folder for similarity.md, .json and .html, or one file ending in .md, .json or .html "
        "(default: the Markdown on stdout)",
    )
    similarity.add_argument(
        "--threshold",
        type=_share,
        metavar="X",
        help="flag pairs whose score (0 to 1: the share of a student's own code the other has too) is X "
        "or more (default: 0.5)",
    )
    similarity.add_argument(
        "--common",
        type=_students,
        metavar="N",
        help="code found in N or more students' submissions is common, no evidence (default: 5%% of the "
        "class, at least 4)",
    )
    similarity.add_argument(
        "-j", "--jobs", type=_jobs, default=_cores(), metavar="N", help=f"processes (default: {_cores()})"
    )
    similarity.add_argument("--quiet", action="store_true", help="no progress on stderr")

    export = commands.add_parser(
        "export",
        help="write the class's totals as a CSV that Canvas's or Moodle's gradebook imports",
        description="export canvas|moodle DIR --roster FILE: the totals of DIR (a grade-all result) as Canvas's "
        "gradebook import (Grades, Import) or Moodle's CSV grade import (Grades, Import, CSV file) takes "
        "them, matched to the roster's students; what would change is listed first. Only students graded "
        "without error are written; the others are listed.",
    )
    export.add_argument("lms", choices=["canvas", "moodle"], help="the LMS to import into")
    export.add_argument("dir", type=Path, metavar="DIR", help="the folder grade-all wrote (gradebook.csv)")
    export.add_argument(
        "--roster",
        type=Path,
        required=True,
        metavar="FILE",
        help="the LMS's class list: for Canvas its gradebook export, for Moodle its grading worksheet "
        "or participants export (or any CSV with a login, email or student id column)",
    )
    export.add_argument(
        "--assignment",
        metavar="NAME",
        help='the gradebook column: for Canvas "Name (id)" of an existing assignment (a name alone is looked up '
        "in the roster, else Canvas makes a new assignment); for Moodle the grade column's header "
        '(default: "convgrade")',
    )
    export.add_argument(
        "--points",
        type=_points,
        metavar="N",
        help="scale the totals to N points (default: the assignment's points in the roster, else the grader's)",
    )
    export.add_argument(
        "--identifier",
        choices=["email", "username", "idnumber"],
        help="moodle: the roster column that identifies students, mapped on import to useremail, username or "
        "useridnumber (default: email)",
    )
    export.add_argument("--output", type=Path, metavar="FILE", help="where to write (default: DIR/<lms>_import.csv)")
    export.add_argument("--dry-run", action="store_true", help="only list what would change; write nothing")

    gradescope = commands.add_parser(
        "gradescope",
        help="build a Gradescope autograder bundle",
        description="gradescope build OUT.zip: write a Gradescope autograder bundle (setup.sh, run_autograder, "
        "requirements.txt, the grader and datasets/, never solutions/). Upload it as the "
        "assignment's autograder; every submission is graded into results/results.json.",
    )
    gradescope.add_argument("action", choices=["build"], help="what to do (build the bundle)")
    gradescope.add_argument("bundle", type=Path, metavar="OUT.zip", help="where to write the bundle")
    gradescope.add_argument("--config", type=Path, help="a grader config to ship in the bundle (checked first)")
    gradescope.add_argument(
        "--no-cache",
        action="store_true",
        help="leave out the cache of drawn inputs and references (made by grading solutions/, about a minute): "
        "the container's first grades then draw everything afresh",
    )

    nbgrader = commands.add_parser(
        "nbgrader",
        help="the course as an nbgrader course, and its autograding outside the kernel",
        description="nbgrader init COURSE_DIR: write nbgrader_config.py and source/<assignment>/, a notebook "
        "per topic with solution cells and one autograded cell per topic. nbgrader autograde "
        "COURSE_DIR ASSIGNMENT: grade submitted/<student>/<assignment>/ with warm workers and "
        "the shared input cache (no kernel), and write nbgrader's autograded/ notebooks (each topic's feedback "
        "as its autograded cell's output) and the scores into nbgrader's gradebook.",
    )
    nbgrader.add_argument("action", choices=["init", "autograde"], help="what to do")
    nbgrader.add_argument("course", type=Path, metavar="COURSE_DIR", help="the nbgrader course folder")
    nbgrader.add_argument(
        "assignment",
        nargs="?",
        default=None,
        metavar="ASSIGNMENT",
        help="the assignment (autograde: required; init: default 'cnn')",
    )
    nbgrader.add_argument(
        "--topic",
        action="append",
        metavar="NAME",
        help="init: only this topic's notebook (repeatable; default: every topic)",
    )
    nbgrader.add_argument("--config", type=Path, help="TOML config: points, example budgets, limits")
    nbgrader.add_argument(
        "-j",
        "--jobs",
        type=_jobs,
        default=_cores(),
        metavar="N",
        help=f"autograde: N students at a time (default: {_cores()})",
    )
    nbgrader.add_argument("--quiet", action="store_true", help="no progress on stderr")

    exercises = commands.add_parser(
        "exercises",
        help="regenerate exercises/ from solutions/",
        description="Write the student stubs in exercises/ from the marked regions of solutions/.",
    )
    exercises.add_argument(
        "--check",
        action="store_true",
        help="only report stubs that differ from what the generator makes (exit 1 if any)",
    )

    release = commands.add_parser(
        "release",
        help="write a student's copy of the course to a new folder",
        description="Write exercises/, the visible tests, datasets/, a student "
        "README and pyproject.toml to DEST; no solutions, no grader.",
    )
    release.add_argument("destination", type=Path, metavar="DEST")

    commands.add_parser(
        "tests",
        help="list every hidden test id with its default points",
        description="List the hidden tests (ids usable in a config's [tests] table).",
    )
    return parser


def _cores() -> int:
    """The CPUs this process may use: its affinity, capped by a cgroup CPU quota (a container's
    "half a vCPU" counts as one)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    quota = _cgroup_cpu_quota()
    return max(1, min(cores, math.ceil(quota))) if quota else cores


def _cgroup_cpu_quota() -> float | None:
    """CPUs' worth of time the process's cgroup allows (cgroup v2 ``cpu.max``, v1 CFS quota), or None."""
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        _, controllers, path = line.split(":", 2)
        try:
            if controllers == "":
                quota, period = (Path("/sys/fs/cgroup") / path.lstrip("/") / "cpu.max").read_text().split()
            elif "cpu" in controllers.split(","):
                folder = Path("/sys/fs/cgroup/cpu") / path.lstrip("/")
                quota, period = ((folder / f"cpu.cfs_{part}_us").read_text().strip() for part in ("quota", "period"))
            else:
                continue
        except (OSError, ValueError):
            continue
        if quota not in ("max", "-1"):
            return int(quota) / int(period)
    return None


def _count(what: str):
    """An argparse type for a whole number of ``what``, 1 or more."""

    def parse(text: str) -> int:
        if not text.isdigit() or int(text) < 1:
            raise argparse.ArgumentTypeError(f"expected a whole number of {what}, 1 or more; got {text!r}")
        return int(text)

    return parse


_jobs, _students = _count("jobs"), _count("students")


def _points(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a number of points above 0; got {text!r}")
    return value


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    commands = {
        "grade": _grade,
        "grade-all": _grade_all,
        "similarity": _similarity,
        "export": _export,
        "gradescope": _gradescope,
        "nbgrader": _nbgrader,
        "exercises": _exercises,
        "release": _release,
        "tests": _tests,
    }
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, functools.partial(_interrupted, INTERRUPTED.get(args.command, "interrupted")))
    return commands[args.command](args)


INTERRUPTED = {
    "grade-all": "interrupted; run the same command again to resume (the students graded so far are kept)",
    "grade": "interrupted; nothing was written",
}


def _interrupted(message: str, *_):
    """Ctrl-C: one line, no traceback, at once. The workers, the sandbox's zygote and its children
    die with this process (``grader.sandbox.die_with_parent``); a class grade resumes where it was."""
    if sys.stderr.isatty():
        sys.stderr.write("\x1b[?25h")  # the progress bar hid the cursor
    sys.stderr.write(f"\ngrader: {message}\n")
    sys.stderr.flush()
    os._exit(130)


def _fail(message: str) -> int:
    print(f"grader: error: {message}", file=sys.stderr)
    return 2


def _grade(args) -> int:
    from grader.load.submission import SubmissionError, load_submission
    from grader.topics import CHILD_IMPORTS, TOPIC_NAMES

    unknown = [t for t in args.topic or [] if t not in TOPIC_NAMES]
    if unknown:
        return _fail(f"unknown topic(s) {', '.join(unknown)}; choose from {', '.join(TOPIC_NAMES)}")
    try:
        submission = load_submission(args.submission, TOPIC_NAMES)
    except SubmissionError as exc:
        return _fail(str(exc))
    from grader.score.config import ConfigError, load_config

    try:
        config = load_config(args.config)
    except ConfigError as exc:
        return _fail(str(exc))
    if not args.quiet:
        jobs = min(args.jobs, len(args.topic or TOPIC_NAMES))
        print(
            f"grading {args.submission}: {len(args.topic or TOPIC_NAMES)} topic(s), {jobs} at a time; "
            "starting the sandbox (importing PyTorch takes a few seconds)",
            file=sys.stderr,
            flush=True,
        )
    from grader.sandbox.session import Zygote, packages_needed

    # Start the sandbox's warm process now: it imports torch while we import the rest.
    Zygote.shared(packages_needed(args.topic or TOPIC_NAMES, submission.modules, CHILD_IMPORTS))
    import torch

    from grader.report import render
    from grader.score.grade import grade_submission

    torch.set_num_threads(1)  # the references are tiny; extra threads only contend with the sandbox
    with _topic_progress(args.quiet, len(args.topic or TOPIC_NAMES)) as progress:
        result = grade_submission(
            submission, config, topics=args.topic, progress=progress, jobs=args.jobs, cache=args.cache
        )
    if args.output and args.format == "text" and "COLUMNS" not in os.environ:  # a file, not this terminal
        from grader.report.text import PLAIN_WIDTH, to_text

        report = to_text(result, PLAIN_WIDTH)
    else:
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


def _grade_all(args) -> int:
    from grader.integrations.lms import class_students
    from grader.load.submission import SubmissionError

    try:
        found = class_students(args.submissions)
    except SubmissionError as exc:
        return _fail(str(exc))
    layout = {"folder": "a folder per student"}.get(found.layout, f"a {found.layout} download")
    if not args.quiet:
        print(f"{args.submissions}: {layout}, {len(found.students)} submission(s)", file=sys.stderr)
    if found.ignored:
        print(f"not graded, no submission of the layout: {', '.join(found.ignored)}", file=sys.stderr)
    if args.roster:
        from grader.integrations.lms.roster import RosterError, match, read_roster, report

        try:
            roster = read_roster(args.roster)
        except RosterError as exc:
            return _fail(str(exc))
        people = [(student.name, person) for student in found.students for person in student.people]
        print(report(people, match([person for _, person in people], roster), roster), file=sys.stderr)
    from grader.sandbox.session import Zygote

    Zygote.shared()
    from grader.integrations.batch import grade_all
    from grader.score.config import ConfigError, load_config

    try:
        config = load_config(args.config)
        with _class_progress(args.quiet) as progress:
            counts = grade_all(args.submissions, args.out, config, args.jobs, progress, args.scheduler)
    except (ConfigError, SubmissionError) as exc:
        return _fail(str(exc))
    except OSError as exc:
        return _fail(f"cannot write to {args.out}: {exc.strerror or exc}")
    done = ", ".join(f"{count} {what}" for what, count in sorted(counts.items())) or "no students"
    print(f"{done}; gradebook: {args.out / 'gradebook.csv'}", file=sys.stderr)
    if args.similarity:
        compared = _compare(args.submissions, args.out, args.out, None, None, args.jobs, args.quiet)
        if compared:
            return compared
        from grader.integrations.class_page import write_class_page

        write_class_page(args.out, [student.name for student in found.students])  # now with the pairs
    print(f"the class on one page: {args.out / 'index.html'}", file=sys.stderr)
    return 0


def _similarity(args) -> int:
    if args.results is not None and not args.results.is_dir():
        return _fail(f"{args.results} is not a folder: give the folder grade-all wrote for this class")
    return _compare(args.submissions, args.results, args.out, args.threshold, args.common, args.jobs, args.quiet)


def _compare(submissions: Path, results, out, threshold, common, jobs: int, quiet: bool) -> int:
    """``grader similarity``: compare the class, write or print the reports, say what was found."""
    from grader.integrations.similarity import THRESHOLD, compare_class
    from grader.integrations.similarity_report import to_markdown, write
    from grader.load.submission import SubmissionError

    try:
        with _similarity_progress(quiet) as progress:
            found = compare_class(submissions, results, threshold or THRESHOLD, common, jobs, progress)
        written = write(found, out) if out else []
    except SubmissionError as exc:
        return _fail(str(exc))
    except OSError as exc:
        return _fail(f"cannot write {out}: {exc.strerror or exc}")
    if not out:
        sys.stdout.write(to_markdown(found))
    top = f" (first: {found.pairs[0].a} and {found.pairs[0].b}, {found.pairs[0].score:.2f})" if found.flagged else ""
    print(
        f"{len(found.students)} students compared: {len(found.flagged)} pair(s) at {found.threshold:g} or more{top}; "
        f"{len(found.groups)} group(s) with the same wrong output"
        + (f"; wrote {', '.join(map(str, written))}" if written else ""),
        file=sys.stderr,
    )
    return 0


@contextlib.contextmanager
def _similarity_progress(quiet: bool):
    """``progress(done, total)`` of the students read: a bar on a terminal, a line at the start otherwise."""
    if quiet:
        yield None
        return
    if not sys.stderr.isatty():
        print("reading and fingerprinting the class's code", file=sys.stderr, flush=True)
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("comparing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()) as bar:
        task = bar.add_task("comparing", total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)


def _share(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"expected a number above 0 and at most 1; got {text!r}")
    return value


def _export(args) -> int:
    from grader.integrations.lms.export import export
    from grader.integrations.lms.roster import RosterError

    if args.identifier and args.lms != "moodle":
        return _fail("--identifier chooses Moodle's user field; Canvas finds students by its own ids")
    try:
        done = export(args.lms, args.dir, args.roster, args.assignment, args.points, args.identifier or "email")
    except RosterError as exc:
        return _fail(str(exc))
    print("\n".join(done.lines), file=sys.stderr)
    output = args.output or args.dir / f"{args.lms}_import.csv"
    if args.dry_run:
        print(f"dry run: nothing written ({output} would hold {done.written} student(s))", file=sys.stderr)
        return 0
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(done.text, encoding="utf-8")
    except OSError as exc:
        return _fail(f"cannot write {output}: {exc.strerror or exc}")
    where = {
        "canvas": "Canvas: Grades, Import",
        "moodle": "Moodle: Grades, Import, CSV file; map the identifier column to its user field and the "
        "grade column to the grade item",
    }[args.lms]
    print(f"wrote {output} ({done.written} student(s)); import it in {where}", file=sys.stderr)
    return 0


@contextlib.contextmanager
def _topic_progress(quiet: bool, topics: int):
    """``progress(topic, done, total)`` for one grade: a bar per topic with its tests on a terminal,
    a line per graded topic otherwise."""
    if quiet:
        yield None
        return
    graded = []
    if not sys.stderr.isatty():

        def line(topic, done, total):
            if done == total:
                graded.append(topic)
                print(f"[{len(graded)}/{topics}] graded {topic}", file=sys.stderr, flush=True)

        yield line
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("{task.description:<18}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), transient=False
    ) as bar:
        overall, tasks = bar.add_task("topics graded", total=topics), {}

        def live(topic, done, total):
            if topic not in tasks:
                tasks[topic] = bar.add_task(topic, total=total)
            bar.update(tasks[topic], completed=done)
            if done == total and topic not in graded:
                graded.append(topic)
                bar.advance(overall)

        yield live


@contextlib.contextmanager
def _class_progress(quiet: bool):
    """A progress bar with count, rate and ETA on a terminal; one line per student otherwise."""
    if quiet:
        yield None
        return
    if sys.stderr.isatty():
        with _class_bar() as bar:
            yield _BarProgress(bar)
        return
    yield _LineProgress()


def _class_bar(console=None):
    """The terminal's class progress bar: students graded of all, per minute, time taken and time left."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns = (TextColumn("grading"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[rate]}"))
    return Progress(*columns, TimeElapsedColumn(), TimeRemainingColumn(), transient=False, console=console)


class _BarProgress:
    def __init__(self, bar):
        self.bar, self.task = bar, None

    def start(self, total: int):
        self.task, self.done, self.started = self.bar.add_task("grading", total=total, rate=""), 0, time.monotonic()

    def advance(self, student: str, status: str):
        self.done += 1
        rate = self.done / max(time.monotonic() - self.started, 1e-9) * 60
        self.bar.update(self.task, advance=1, rate=f"{rate:.1f}/min")


class _LineProgress:
    def start(self, total: int):
        self.total, self.done, self.started = total, 0, time.monotonic()
        print(f"grading {total} submission(s)", file=sys.stderr, flush=True)

    def advance(self, student: str, status: str):
        self.done += 1
        rate = self.done / max(time.monotonic() - self.started, 1e-9)
        left = (self.total - self.done) / rate
        print(
            f"[{self.done}/{self.total}] {student}: {status} ({rate * 60:.1f}/min, about {left:.0f} s left)",
            file=sys.stderr,
            flush=True,
        )


def _nbgrader(args) -> int:
    from grader.score.config import ConfigError, load_config
    from grader.topics import TOPIC_NAMES

    unknown = [t for t in args.topic or [] if t not in TOPIC_NAMES]
    if unknown:
        return _fail(f"unknown topic(s) {', '.join(unknown)}; choose from {', '.join(TOPIC_NAMES)}")
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        return _fail(str(exc))
    from grader.integrations import nbgrader

    if args.action == "init":
        written = nbgrader.init_course(
            args.course, args.assignment or nbgrader.ASSIGNMENT, args.topic or TOPIC_NAMES, config.topic_points
        )
        print(
            f"wrote {len(written)} files under {args.course}; next: cd {args.course} && "
            f"nbgrader generate_assignment {args.assignment or nbgrader.ASSIGNMENT}",
            file=sys.stderr,
        )
        return 0
    if not args.assignment:
        return _fail("nbgrader autograde needs the assignment: grader nbgrader autograde COURSE_DIR ASSIGNMENT")
    if not (args.course / "gradebook.db").exists():
        return _fail(
            f"{args.course} has no gradebook.db: run `nbgrader generate_assignment {args.assignment}` in it first"
        )
    from grader.sandbox.session import Zygote

    Zygote.shared()  # it imports torch while we import nbgrader
    from grader.integrations.nbgrader.autograde import AutogradeError, autograde

    try:
        with _class_progress(args.quiet) as progress:
            done = autograde(args.course, args.assignment, config, args.jobs, progress)
    except (FileNotFoundError, AutogradeError) as exc:
        return _fail(str(exc))
    print(
        f"{len(done['scores'])} scores written to {args.course / 'gradebook.db'} and the notebooks to "
        f"{args.course / 'autograded'}; next: nbgrader generate_feedback {args.assignment}",
        file=sys.stderr,
    )
    return 0


def _gradescope(args) -> int:
    from grader.integrations.gradescope import build
    from grader.score.config import ConfigError, load_config

    if args.bundle.suffix.lower() != ".zip":
        return _fail(f"{args.bundle}: the bundle is a .zip file; give a name ending in .zip")
    try:
        load_config(args.config)
        if not args.no_cache:
            print("grading solutions/ for the bundle's cache ...", file=sys.stderr)
        names = build(args.bundle, args.config, warm=not args.no_cache)
    except ConfigError as exc:
        return _fail(str(exc))
    except OSError as exc:
        return _fail(f"cannot write {args.bundle}: {exc.strerror or exc}")
    print(f"wrote {args.bundle} ({len(names)} files); upload it as the Gradescope autograder", file=sys.stderr)
    return 0


def _exercises(args) -> int:
    from grader.authoring import expected_exercises, stale_exercises, write_exercises

    if args.check:
        stale = stale_exercises()
        for name in stale:
            print(f"exercises/{name} differs from the stub generated from solutions/{name}")
        if not stale:
            print(f"exercises/: all {len(expected_exercises())} files match the stubs generated from solutions/")
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
    from grader.score.config import Config
    from grader.score.grade import allocate_points
    from grader.topics import TOPICS

    for topic, module in TOPICS.items():
        for check, points in zip(module.CHECKS, allocate_points(topic, module.CHECKS, Config())):
            print(f"{topic}.{check.id}\t{points:g}\t{check.title}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Grade a whole class: every entry of a folder, in a pool of warm workers, nothing lost.

The class is a folder or a ``.zip``: an LMS's download (Canvas, Moodle, Gradescope, nbgrader's
``submitted/``), each student named by the LMS's id for them, or a plain folder whose entries (a
folder, a ``.zip`` or a notebook) are the students, named by the entry's name without its extension
(``grader.integrations.lms``); ``students.csv`` says who is who. Workers are forked once, with
torch, the checks and a channel to the sandbox's zygote already in place, and grade one topic of
one student at a time (``grade_topic``, assembled as ``grade_submission`` does); every student's
code still runs in its own confined children. The parent writes each student's ``<student>.json``
(the contract's JSON), ``<student>.md`` (their feedback) and the key that says which submission,
grader and config produced them, atomically, as soon as the result arrives. A re-run grades only
the students whose key changed or who have no result yet, so an interrupted run (Ctrl-C,
``kill -9``) resumes where it stopped; ``gradebook.csv``, ``summary.md`` and ``scores.png`` are
then written from every student's saved result.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import multiprocessing
import os
import statistics
import tempfile
from collections import Counter
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from grader import __version__
from grader.cache import grader_fingerprint
from grader.integrations.lms import class_students, students_table
from grader.load.submission import Submission, SubmissionError
from grader.score.config import Config
from grader.topics import TOPIC_NAMES

STATE = ".convgrade"  # per student: the key of the graded submission and the status of its grade


@dataclass(frozen=True)
class Student:
    name: str
    path: Path


def students_in(folder: Path) -> list[Student]:
    """The students of a class folder: its sub-folders, .zip files and notebooks, hidden entries left out."""
    entries = [
        p
        for p in sorted(folder.iterdir())
        if not p.name.startswith((".", "_")) and (p.is_dir() or p.suffix.lower() in (".zip", ".ipynb"))
    ]
    students = [Student(p.stem if p.is_file() else p.name, p) for p in entries]
    names = Counter(s.name for s in students)
    clashes = sorted(name for name, count in names.items() if count > 1)
    if clashes:
        raise SubmissionError(
            f"{folder}: two entries give the same student name ({', '.join(clashes)}), "
            "e.g. alice/ and alice.zip; keep one of them"
        )
    return students


def submission_key(submission: Submission, config_text: str) -> str:
    """What a result depends on: the student's module bytes, the grader's code and the config."""
    digest = hashlib.sha256(f"{grader_fingerprint()}\0{config_text}\0".encode())
    for topic in sorted(submission.modules):
        digest.update(topic.encode() + b"\0" + hashlib.sha256(submission.modules[topic]).digest())
    digest.update("\0".join(submission.notes).encode())
    digest.update(json.dumps([submission.found, submission.problems], sort_keys=True).encode())  # the report says them
    return digest.hexdigest()


def grade_all(
    folder: Path, out: Path, config: Config = Config(), jobs: int = 1, progress=None, scheduler: str | None = None
) -> dict:
    """Grade every student of ``folder`` not graded yet into ``out``; the counts of what happened.

    With ``scheduler`` (a Dask distributed scheduler's address) the students are graded by that
    cluster's workers instead of a local pool; results are saved here as they arrive, the same way.
    """
    import grader.score.grade  # noqa: F401 -- torch and every check imported once, before the workers fork

    out.mkdir(parents=True, exist_ok=True)
    (out / STATE).mkdir(exist_ok=True)
    found = class_students(folder)
    _write(out / "students.csv", students_table(found))
    students = found.students
    todo, counts = [], Counter()
    for student in students:
        try:
            submission = student.load(TOPIC_NAMES)
        except SubmissionError as exc:
            reason = f"not graded: {exc}"
            _save(out, student.name, _not_graded(reason, config), None, reason.splitlines()[0])  # a one-line status
            counts["unreadable"] += 1
            continue
        key = submission_key(submission, repr(config))
        if _state(out, student.name).get("key") == key and (out / f"{student.name}.json").exists():
            counts["unchanged"] += 1
            continue
        todo.append((student, submission, key))
    if progress:
        progress.start(len(todo))
    grading = _graded_by_cluster(todo, config, scheduler) if scheduler else _graded(todo, config, jobs)
    for student, result, key, status in grading:
        _save(out, student.name, result, key, status)
        counts["graded" if status == "graded" else "failed"] += 1
        if progress:
            progress.advance(student.name, status)
    write_reports(out, [s.name for s in students])
    return dict(counts)


def _graded(todo, config: Config, jobs: int):
    """(student, result, key, status) for each of ``todo``, in the order they finish.

    The pool's tasks are single topics (``grade_topic``), the students in order and each one's
    slowest topics first, so that both cores stay busy to the end of the class. A student's result
    is assembled as their last topic arrives, exactly as ``grade_submission`` would. Topics whose
    worker died are graded again in a fresh pool, once.
    """
    from grader.sandbox.session import Zygote
    from grader.score.grade import assemble, grade_topic, load_before_forking, start_worker
    from grader.topics import SLOWEST_FIRST

    topics = sorted(TOPIC_NAMES, key=SLOWEST_FIRST.index)
    students = {student.name: (student, submission, key) for student, submission, key in todo}
    done: dict[str, dict] = {name: {} for name in students}
    tasks = [(name, topic) for name in students for topic in topics]
    failed: dict[str, str] = {}
    for _attempt in (1, 2):
        if not tasks:
            break
        Zygote.shared()  # the workers share it
        load_before_forking(topics)
        context = multiprocessing.get_context("fork")
        lost = []
        with ProcessPoolExecutor(
            min(jobs, len(tasks)),
            mp_context=context,
            initializer=start_worker,
            initargs=(context.Lock(), None, os.getpid()),
        ) as pool:
            pending = {
                pool.submit(grade_topic, topic, students[name][1], config): (name, topic)
                for name, topic in tasks
                if name not in failed
            }
            for future in as_completed(pending):
                name, topic = pending[future]
                if name in failed:
                    continue
                try:
                    done[name][topic] = future.result()
                except BrokenProcessPool:
                    lost.append((name, topic))
                    continue
                except Exception as exc:  # noqa: BLE001 -- one student's failure never stops the class
                    failed[name] = f"grader error: {type(exc).__name__}: {exc}"
                    yield students[name][0], _not_graded(failed[name], config), None, failed[name]
                    continue
                if len(done[name]) == len(topics):
                    student, submission, key = students[name]
                    yield student, assemble(submission, list(TOPIC_NAMES), done.pop(name)), key, "graded"
        tasks = [(name, topic) for name, topic in lost if name not in failed]
    for name in dict.fromkeys(name for name, _ in tasks):
        reason = "grader error: the grading worker died twice on this submission"
        yield students[name][0], _not_graded(reason, config), None, reason


def _graded_by_cluster(todo, config: Config, scheduler: str):
    """(student, result, key, status) for each of ``todo``, graded on a Dask cluster, as they finish.

    Dask re-runs the task of a worker that died on another worker; a task that keeps failing
    becomes that student's "grader error" row (graded again on the next run).
    """
    try:
        from distributed import Client
        from distributed import as_completed as arrived
    except ImportError:
        raise SubmissionError("--scheduler needs Dask distributed: pip install 'convgrade[cluster]'") from None
    try:
        client = Client(scheduler, timeout="15s")
    except (OSError, TimeoutError) as exc:
        raise SubmissionError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
    with client:
        futures = {
            client.submit(grade_on_worker, submission, config, key=f"convgrade-{student.name}-{key[:16]}"): (
                student,
                key,
            )
            for student, submission, key in todo
        }
        for future in arrived(futures):
            student, key = futures[future]
            try:
                yield student, future.result(), key, "graded"
            except Exception as exc:  # noqa: BLE001 -- one student's failure never stops the class
                reason = f"grader error: {type(exc).__name__}: {exc}"
                yield student, _not_graded(reason, config), None, reason


def grade_on_worker(submission: Submission, config: Config):
    """``grade_submission`` on a Dask worker: its zygote and imports stay warm between students."""
    import torch

    from grader.score.grade import grade_submission

    torch.set_num_threads(1)
    return grade_submission(submission, config)


def _not_graded(reason: str, config: Config):
    """A result with every test failed for ``reason``: the student still gets a row and a report."""
    from grader.score.grade import GradeResult, all_failed, allocate_points
    from grader.topics import TOPICS

    topics = {}
    for name in TOPIC_NAMES:
        checks = TOPICS[name].CHECKS
        topics[name] = all_failed(name, checks, allocate_points(name, checks, config), reason)
    return GradeResult("", topics)


def _save(out: Path, student: str, result, key: str | None, status: str):
    """The student's JSON (as ``grader grade`` writes it) and feedback (Markdown, HTML), then the state that marks
    them done."""
    from grader.report import render

    _write(out / f"{student}.json", render(result, "json"))
    _write(out / f"{student}.md", render(result, "markdown"))
    _write(out / f"{student}.html", render(result, "html"))
    _write(out / STATE / f"{student}.json", json.dumps({"key": key, "status": status}) + "\n")


def _state(out: Path, student: str) -> dict:
    try:
        state = json.loads((out / STATE / f"{student}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def _write(path: Path, text: str):
    """Write ``text`` to ``path`` atomically: a reader sees the old file or the new one, never half."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    _publish(temporary, path)


def _publish(temporary: str, path: Path):
    """Move ``temporary`` to ``path`` with the permissions a plain ``open`` would have given it."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(temporary, 0o666 & ~umask)
    os.replace(temporary, path)


# ------------------------------------------------------------------ the class's reports


def write_reports(out: Path, students: list[str]):
    """``gradebook.csv``, ``summary.md`` and ``scores.png`` from every student's saved result."""
    results = {}
    for student in students:
        try:
            results[student] = json.loads((out / f"{student}.json").read_text(encoding="utf-8"))
            results[student]["status"] = _state(out, student).get("status", "not graded yet")
        except (OSError, ValueError):
            results[student] = None
    _write(out / "gradebook.csv", gradebook(results))
    _write(out / "summary.md", summary(results))
    scores_figure(results, out / "scores.png")


def gradebook(results: dict) -> str:
    """One row per student: a column per topic, the total, the maximum and the status (with the topics
    flagged for review)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["student", *TOPIC_NAMES, "total", "max_total", "status"])
    for student, document in results.items():
        if document is None:
            writer.writerow([student, *[""] * len(TOPIC_NAMES), "", "", "not graded yet"])
            continue
        topics = document["topics"]
        writer.writerow(
            [
                student,
                *(_number(topics[t]["score"]) if t in topics else "" for t in TOPIC_NAMES),
                _number(document["score"]),
                _number(document["max_score"]),
                _status(document),
            ]
        )
    return buffer.getvalue()


def _status(document: dict) -> str:
    """The grade's status, and the topics whose modules the instructor should review (``"review"`` in the JSON)."""
    flagged = [
        f"{topic} ({len(result['review'])})" for topic, result in document["topics"].items() if result.get("review")
    ]
    status = document.get("status", "")
    return f"{status}; review: {', '.join(flagged)}" if flagged else status


def _number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))


def summary(results: dict) -> str:
    """What the class got wrong: per-topic statistics, the tests failed most often, the mistakes named."""
    graded = {s: d for s, d in results.items() if d is not None and d.get("status") == "graded"}
    lines = [f"# Class summary (convgrade {__version__})", "", f"{len(graded)} of {len(results)} students graded.", ""]
    if not graded:
        return "\n".join(lines) + "\n"
    lines += ["| topic | max | mean | median | min | max reached | full marks |", "|---|---:|---:|---:|---:|---:|---:|"]
    for topic in TOPIC_NAMES:
        scores = [d["topics"][topic]["score"] for d in graded.values()]
        top = next(iter(graded.values()))["topics"][topic]["max_score"]
        full = sum(score >= top for score in scores)
        lines.append(
            f"| {topic} | {_number(top)} | {statistics.mean(scores):.2f} | {statistics.median(scores):.2f} "
            f"| {_number(min(scores))} | {_number(max(scores))} | {full} / {len(scores)} |"
        )
    failed, mistakes, words = Counter(), Counter(), {}
    for document in graded.values():
        named = set()
        for topic, result in document["topics"].items():
            for test in result["tests"]:
                if not test["passed"]:
                    failed[f"{topic}: {test['name']}"] += 1
                    for mistake in test.get("mistakes", []):  # by id: rewording a mistake keeps its count
                        named.add((topic, mistake["id"]))
                        words.setdefault((topic, mistake["id"]), f"{topic}: {mistake['text']}")
        mistakes.update(named)
    lines += ["", "## Tests failed most often", "", "| test | students |", "|---|---:|"]
    lines += [f"| {test} | {count} |" for test, count in failed.most_common(15)]
    lines += ["", "## Mistakes the feedback named", "", "| mistake | students |", "|---|---:|"]
    lines += [f"| {words[key]} | {count} |" for key, count in mistakes.most_common(25)]
    return "\n".join(lines) + "\n"


def scores_figure(results: dict, path: Path):
    """``scores_plot`` saved as a PNG."""
    figure = scores_plot(results)
    import matplotlib.pyplot as plt  # after scores_plot chose the Agg backend

    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".png")
    os.close(fd)
    figure.savefig(temporary, dpi=100)
    plt.close(figure)
    _publish(temporary, path)


def scores_plot(results: dict):
    """A box plot of each topic's score as a share of its points, over the graded students, with a
    legend for its median and mean marks."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    graded = [d for d in results.values() if d is not None and d.get("status") == "graded"]
    shares = [[d["topics"][t]["score"] / (d["topics"][t]["max_score"] or 1) * 100 for d in graded] for t in TOPIC_NAMES]
    figure, axes = plt.subplots(figsize=(10, 4.5))
    if graded:
        from matplotlib.patches import Patch

        marks = axes.boxplot(shares, showmeans=True)
        axes.legend(
            [marks["medians"][0], marks["means"][0], Patch(fill=False, edgecolor="black"), marks["fliers"][0]],
            ["median", "mean", "box: the middle half of the students", "outlier"],
            loc="upper left",
            bbox_to_anchor=(1.01, 1),
            frameon=False,
        )
    axes.set_xticks(range(1, len(TOPIC_NAMES) + 1), TOPIC_NAMES, rotation=30, ha="right")
    axes.set_ylabel("score (% of the topic's points)")
    axes.set_ylim(-5, 105)
    axes.set_title(f"Scores per topic ({len(graded)} students)")
    figure.tight_layout()
    return figure

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

import dataclasses
import hashlib
import json
import multiprocessing
import os
from collections import Counter
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from grader.cache import grader_fingerprint
from grader.integrations.class_page import write_class_page
from grader.integrations.class_reports import STATE, read_results, state, write, write_reports
from grader.integrations.lms import class_students, students_table
from grader.load.submission import Submission, SubmissionError
from grader.score.config import Config
from grader.topics import TOPIC_NAMES


def submission_key(submission: Submission, config_text: str) -> str:
    """What a result depends on: the student's module bytes, the grader's code and the config."""
    digest = hashlib.sha256(f"{grader_fingerprint()}\0{config_text}\0".encode())
    for topic in sorted(submission.modules):
        digest.update(topic.encode() + b"\0" + hashlib.sha256(submission.modules[topic]).digest())
    digest.update("\0".join(submission.notes).encode())
    digest.update(json.dumps([submission.found, submission.problems], sort_keys=True).encode())  # the report says them
    return digest.hexdigest()


def grade_all(
    folder: Path,
    out: Path,
    config: Config = Config(),
    jobs: int = 1,
    progress=None,
    scheduler: str | None = None,
    saved=None,
) -> dict:
    """Grade every student of ``folder`` not graded yet into ``out``; the counts of what happened.

    With ``scheduler`` (a Dask distributed scheduler's address) the students are graded by that
    cluster's workers instead of a local pool; results are saved here as they arrive, the same way.
    ``saved(student, result)``, if given, is called with each ``GradeResult`` just saved (not for the
    students left unchanged).
    """
    import grader.score.grade  # noqa: F401 -- torch and every check imported once, before the workers fork

    out.mkdir(parents=True, exist_ok=True)
    (out / STATE).mkdir(exist_ok=True)
    found = class_students(folder)
    write(out / "students.csv", students_table(found))
    students = found.students
    previous = read_results(out, [s.name for s in students])  # what a regrade changes is written from these
    todo, counts = [], Counter()
    for student in students:
        try:
            submission = student.load(TOPIC_NAMES)
        except SubmissionError as exc:
            reason = f"not graded: {exc}"
            result = _not_graded(reason, config)
            _save(out, student.name, result, None, reason.splitlines()[0])  # a one-line status
            if saved:
                saved(student.name, result)
            counts["unreadable"] += 1
            continue
        key = submission_key(submission, repr(config))
        if state(out, student.name).get("key") == key and (out / f"{student.name}.json").exists():
            counts["unchanged"] += 1
            continue
        todo.append((student, submission, key))
    if progress:
        progress.start(len(todo))
    grading = _graded_by_cluster(todo, config, scheduler) if scheduler else _graded(todo, config, jobs)
    for student, result, key, status in grading:
        _save(out, student.name, result, key, status)
        if saved:
            saved(student.name, result)
        counts["graded" if status == "graded" else "failed"] += 1
        if progress:
            progress.advance(student.name, status)
    write_reports(out, [s.name for s in students], previous)
    write_class_page(out, [s.name for s in students])
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

    result = dataclasses.replace(result, origin=student)  # each report names the student
    write(out / f"{student}.json", render(result, "json"))
    write(out / f"{student}.md", render(result, "markdown"))
    write(out / f"{student}.html", render(result, "html"))
    write(out / STATE / f"{student}.json", json.dumps({"key": key, "status": status}) + "\n")

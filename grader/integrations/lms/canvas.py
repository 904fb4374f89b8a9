"""Canvas's "Download Submissions" zip: every student's files side by side, renamed.

Relied on: Canvas's own zipper (instructure/canvas-lms ``lib/content_zipper.rb``, ``get_filename``
and ``add_upload_submission``) names an uploaded file ``<name>[_LATE]_<user id>_<attachment id>_<file>``:
``<name>`` is the student's sortable name ("Doe, Jane"), downcased, with every non-word character
removed ("doejane"), so an upper-case ``LATE`` after it can only be the late marker;
``<user id>`` is ``anon_<id>`` (and the name left out) when the assignment is anonymous; ``<file>``
is the file's display name. A text entry is ``<name>_<user id>_text.html``, a URL
``<name>_<user id>_link.html``. A file uploaded again under a name the student's submissions folder
already holds is renamed ``<stem>-<n><ext>`` (``Attachment.make_unique_filename``: n from 1, a
UUID after 8 tries); attachment ids grow with time, so the newest of ``convolution.py`` and
``convolution-1.py`` is the larger id. The stable id is the Canvas user id.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from grader.integrations.lms.base import ClassList, ClassStudent, Person, load_student_files, safe_name

UPLOAD = re.compile(r"(?:^|_)(?P<user>anon_[A-Za-z0-9]+|\d+)_(?P<attachment>\d+)_(?P<file>.+)$")
ENTRY = re.compile(r"(?:^|_)(?P<user>anon_[A-Za-z0-9]+|\d+)_(?P<kind>text|link)\.html$")
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
# Canvas's "-1" (or "-<uuid>") and a browser's " (1)" on a file saved twice.
RENAMED = re.compile(rf"^(?P<stem>.+?)(?:-(?:\d+|{UUID})| \(\d+\))(?P<ext>\.[A-Za-z0-9]+)$")


def canonical(file: str) -> str:
    """The name the student gave ``file`` before Canvas (or their browser) made it unique."""
    match = RENAMED.match(file)
    return f"{match['stem']}{match['ext']}" if match else file


class Entry(NamedTuple):
    head: str  # up to the user id: "doejane_LATE_101"
    name: str
    user: str
    late: bool
    attachment: int | None  # None for a text entry or a URL
    file: str | None


def parse(entry: str) -> Entry | None:
    """What a Canvas download entry's name says, or None when Canvas would not name a file so."""
    match = UPLOAD.search(entry) or ENTRY.search(entry)
    if not match:
        return None
    prefix = entry[: match.start()]
    name, late = prefix.removesuffix("LATE").rstrip("_"), prefix.endswith("LATE")
    head = entry[: match.end("user")]
    if "attachment" in match.groupdict():
        return Entry(head, name, match["user"], late, int(match["attachment"]), match["file"])
    return Entry(head, name, match["user"], late, None, None)


def students(source) -> ClassList | None:
    """The download's students, one per Canvas user id, or None when no entry is named as Canvas names them."""
    entries = [(name, parse(name)) for name, is_dir in source.children() if not is_dir]
    if not any(parsed for _, parsed in entries):
        return None
    by_user: dict[str, list] = {}
    ignored = [source.label(name) for name, is_dir in source.children() if is_dir]
    for entry, parsed in entries:
        if parsed:
            by_user.setdefault(parsed.user, []).append((entry, parsed))
        else:
            ignored.append(source.label(entry))
    return ClassList("canvas", [_student(source, user, found) for user, found in by_user.items()], sorted(ignored))


def _student(source, user: str, found: list[tuple[str, Entry]]) -> ClassStudent:
    """A student's files under the names they gave them, the newest upload of each name kept."""
    newest: dict[str, tuple[str, Entry]] = {}
    uploads: dict[str, list[str]] = {}
    for entry, parsed in found:
        if parsed.file is None:
            continue
        name = canonical(parsed.file)
        uploads.setdefault(name, []).append(parsed.file)
        if name not in newest or parsed.attachment > newest[name][1].attachment:
            newest[name] = (entry, parsed)
    notes = ["late"] if any(parsed.late for _, parsed in found) else []
    for name, files in sorted(uploads.items()):
        kept = newest[name][1].file
        if len(files) > 1:
            notes.append(f"kept {kept}, the newest of {', '.join(sorted(files))}")
        elif kept != name:
            notes.append(f"{kept} graded as {name}")
    files = {name: source.reader(entry) for name, (entry, _) in newest.items()}
    origin = source.label(f"{found[0][1].head}_*")
    return ClassStudent(
        safe_name(user),
        (Person("canvas", user, next((p.name for _, p in found if p.name), "")),),
        tuple(sorted(entry for entry, _ in found)),
        lambda topics: load_student_files(files, topics, origin),
        "; ".join(notes),
    )

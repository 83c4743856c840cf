"""Checking a library file for damage, cleaning up after killed saves, restoring backups.

:func:`check_library` only reads. :func:`fix_library` only deletes temporary
files that killed saves left behind, under the library lock (while the lock is
held no save is running, so every such file is a leftover), and abstracts that
no paper names any more.
:func:`restore_backup` validates a backup, keeps the current files as a
pre-restore backup (never rotated away), then replaces the library with the backup
through the storage, atomically: its abstracts first, then the paper records.
"""

from __future__ import annotations

import contextlib
import os
import re
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from readlist.errors import LibraryError
from readlist.keys import is_valid_key as is_bibtex_safe_key
from readlist.models import PAPER_FIELDS, Paper, Status
from readlist.paths import abstracts_path, lock_path
from readlist.store.abstracts import stored_texts
from readlist.store.backup import Backup, backup_folder, keep_before_restore, list_backups
from readlist.store.drafts import list_drafts
from readlist.store.format import (
    ABSTRACTS_KIND,
    ABSTRACTS_TABLE,
    LIBRARY_KIND,
    PAPERS_TABLE,
    FormatProblem,
    parse_file,
)
from readlist.store.records import ABSTRACT_REF, read_record
from readlist.store.repair import (
    AbstractRepair,
    Quarantined,
    move_directory_aside,
    quarantine_records,
    repair_abstracts,
)
from readlist.store.storage import SafeJSONStorage

#: At most this many findings of one kind are listed; the rest are counted.
MAX_PER_KIND = 20
#: Findings that mean the storage itself refuses the file (a backup would help).
UNLOADABLE = frozenset({"not-json", "not-library", "no-schema", "bad-record"})
#: A directory stands where the abstracts file belongs (``--fix`` moves it aside).
ABSTRACTS_DIRECTORY = "abstracts-directory"


class Severity(StrEnum):
    """How bad a finding is; only errors make ``readlist doctor`` fail."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing :func:`check_library` noticed about a library."""

    severity: Severity
    code: str
    message: str
    fixable: bool = False
    #: How many problems this finding stands for (more when it sums up hidden ones).
    count: int = 1

    def __str__(self) -> str:
        """``error: …`` as printed by ``readlist doctor``."""
        return f"{self.severity}: {self.message}"


@dataclass(frozen=True, slots=True)
class Restored:
    """What :func:`restore_backup` did."""

    backup: Path
    papers: int
    #: The pre-restore copy of the file that was replaced, if there was one.
    previous: Path | None
    #: Where a directory found in place of the abstracts file was moved.
    moved_directory: Path | None = None


# -- checking ------------------------------------------------------------------


def check_library(path: str | os.PathLike[str]) -> list[Finding]:
    """Everything wrong with (or worth knowing about) the library at ``path``."""
    library = Path(path)
    findings: list[Finding] = []
    if library.is_dir():
        return [_error("directory", f"{library} is a directory, not a library file")]
    findings += _lock_findings(library)
    findings += [_leftover(tmp) for tmp in leftover_files(library)]
    if not library.exists():
        findings.append(Finding(Severity.INFO, "missing", f"{library} does not exist yet"))
    else:
        try:
            raw = library.read_bytes()
        except OSError as error:
            findings.append(_error("unreadable", f"cannot read {library}: {error.strerror}"))
        else:
            tables, found = inspect_bytes(raw, library)
            findings += found
            if tables is not None:
                findings += _abstract_findings(tables, abstracts_path(library))
    findings += _backup_findings(library)
    findings += _draft_findings(library)
    return _capped(findings)


def inspect_bytes(
    raw: bytes, name: Path, kind: str = LIBRARY_KIND
) -> tuple[dict[str, Any] | None, list[Finding]]:
    """The tables in ``raw`` (``None`` if unusable) and what is wrong with them.

    ``kind`` says what the file should hold: a library, or the abstracts of one.
    """
    if not raw.strip():
        return {}, [Finding(Severity.INFO, "empty", f"{name} is empty (an empty library)")]
    parsed = parse_file(raw, name, kind)
    if isinstance(parsed, FormatProblem):
        advice = f"; {parsed.advice}" if parsed.advice else ""
        return None, [_error(parsed.code, parsed.message + advice)]
    data = parsed or {}
    if not data:
        return data, []
    if kind == ABSTRACTS_KIND:
        texts = data.get(ABSTRACTS_TABLE, {})
        if not all(isinstance(text, str) for text in texts.values()):
            return None, [_error("bad-record", f"{name} has an abstract that is not text")]
        return data, []
    findings = list(_record_findings(data.get(PAPERS_TABLE, {})))
    # A record that is not a paper is skipped by the library (and quarantined by --fix).
    usable = not any(f.code in UNLOADABLE and f.code != "bad-record" for f in findings)
    return (data if usable else None), findings


def _record_findings(records: dict[str, Any]) -> Iterator[Finding]:
    from readlist.merge import Identity, identity, same_paper

    keys: dict[str, list[str]] = defaultdict(list)
    identities: dict[tuple[str, str], list[tuple[str, Identity]]] = defaultdict(list)
    for doc_id, doc in records.items():
        where = f"paper #{doc_id}"
        if not doc_id.isdigit() or not isinstance(doc, dict):
            yield _damaged("bad-record", f"{where} is not a paper record")
            continue
        key = doc.get("key")
        if isinstance(key, str) and key:
            where = f"paper #{doc_id} ({key})"
            keys[key].append(doc_id)
            if not is_bibtex_safe_key(key):
                yield Finding(
                    Severity.WARNING, "unsafe-key", f"{where}: key {key!r} is not safe in BibTeX"
                )
        else:
            yield _damaged("no-key", f"{where} has no citation key")
        for name in STORED_FIELDS:
            if name not in doc and name not in OPTIONAL_FIELDS:
                message = f"{where}: no '{name}' field"
                yield Finding(Severity.WARNING, "missing-field", message)
        problems = field_problems(doc)
        for problem in problems:
            yield _damaged("bad-field", f"{where}: {problem}")
        for name in doc.keys() - set(STORED_FIELDS):
            yield Finding(Severity.WARNING, "unknown-field", f"{where}: unknown field {name!r}")
        if not problems:
            ident = identity(Paper.from_dict(doc))
            identities[ident.title, ident.author].append((str(key), ident))
    for key, ids in keys.items():
        if len(ids) > 1:
            records_list = ", ".join(f"#{i}" for i in ids)
            yield _error(
                "duplicate-key", f"key {key!r} is used by {len(ids)} papers ({records_list})"
            )
    for (title, _author), papers in identities.items():
        first = papers[0][1]
        same = [key for key, ident in papers if same_paper(first, ident)]
        if len(same) > 1 and title:
            yield Finding(
                Severity.WARNING,
                "duplicate-paper",
                f"papers {', '.join(same)} look like the same paper (same title and first author)",
            )


def _damaged(code: str, message: str) -> Finding:
    """An error in one record: ``doctor --fix`` moves the record into the quarantine file."""
    return Finding(Severity.ERROR, code, message, fixable=True)


def field_problems(doc: dict[str, Any]) -> list[str]:
    """Each field of a paper record with a wrong type, as ``'authors' should be …, not int``.

    The fields of :data:`FIELD_CHECKS` first, then what else the library would not
    read as it stands (inside ``source``, say): the rule of
    :func:`readlist.store.library.read_record`.
    """
    problems = []
    for name, (check, expected) in FIELD_CHECKS.items():
        if name in doc and not check(doc[name]):
            problems.append(f"'{name}' should be {expected}, not {type(doc[name]).__name__}")
    return problems or read_record(doc)[1]


def record_problems(doc_id: str, doc: Any) -> list[str]:
    """Why ``doctor --fix`` moves a stored record into quarantine (empty: it stays)."""
    if not doc_id.isdigit() or not isinstance(doc, dict):
        return ["not a paper record"]
    key = doc.get("key")
    missing = [] if isinstance(key, str) and key else ["no citation key"]
    return missing + field_problems(doc)


def _is_str_list(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _is_optional_str(value: object) -> bool:
    return value is None or isinstance(value, str)


def _is_links(value: object) -> bool:
    return isinstance(value, list) and all(
        isinstance(link, dict) and isinstance(link.get("url"), str) for link in value
    )


#: For every field of :data:`PAPER_FIELDS`: a test of the stored value and what it should be.
FIELD_CHECKS: dict[str, tuple[Callable[[object], bool], str]] = {
    "key": (lambda v: isinstance(v, str), "a string"),
    "title": (lambda v: isinstance(v, str), "a string"),
    "authors": (_is_str_list, "a list of strings"),
    "authors_truncated": (lambda v: isinstance(v, bool), "true or false"),
    "affiliations": (_is_str_list, "a list of strings"),
    "category": (_is_optional_str, "a string or null"),
    "published": (_is_optional_str, "a string or null"),
    "abstract": (lambda v: isinstance(v, str), "a string"),
    "has_code": (lambda v: isinstance(v, bool), "true or false"),
    "links": (_is_links, "a list of {url, kind}"),
    "tags": (_is_str_list, "a list of strings"),
    "status": (lambda v: isinstance(v, str) and v in set(Status), "unread, reading or read"),
    "notes": (lambda v: isinstance(v, str), "a string"),
    "added": (_is_optional_str, "a string or null"),
    "updated": (_is_optional_str, "a string or null"),
    "read_at": (_is_optional_str, "a string or null"),
    "source": (lambda v: v is None or isinstance(v, dict), "an object or null"),
    ABSTRACT_REF: (lambda v: isinstance(v, str) and bool(v), "a digest string"),
}
#: What a stored record may hold: a paper's fields, its abstract by reference or inline.
STORED_FIELDS: tuple[str, ...] = (*PAPER_FIELDS, ABSTRACT_REF)
#: Fields a stored record may lack: the abstract (inline only in schema 1 files).
OPTIONAL_FIELDS = frozenset({"abstract", ABSTRACT_REF})


def _abstract_findings(tables: dict[str, Any], path: Path) -> list[Finding]:
    """What is wrong with the abstracts file at ``path`` for the library ``tables``."""
    records = tables.get(PAPERS_TABLE, {})
    named: dict[str, str] = {}
    for doc_id, doc in records.items():
        if isinstance(doc, dict) and isinstance(doc.get(ABSTRACT_REF), str):
            named.setdefault(doc[ABSTRACT_REF], f"#{doc_id} ({doc.get('key')})")
    if path.is_dir():
        message = (
            f"{path} is a directory, not the abstracts file: abstracts cannot be shown, "
            "exported or imported (--fix moves it into the backup folder and rebuilds the file)"
        )
        return [Finding(Severity.ERROR, ABSTRACTS_DIRECTORY, message, fixable=True)]
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raw = b""
    except OSError as error:
        return [_error("unreadable", f"cannot read {path}: {error.strerror}")]
    if not raw.strip() and not named:
        return []
    stored, findings = inspect_bytes(raw, path, ABSTRACTS_KIND) if raw.strip() else ({}, [])
    if stored is None:  # --fix keeps a copy and rebuilds it from the backups
        return [Finding(f.severity, f.code, f.message, fixable=True) for f in findings]
    texts = stored.get(ABSTRACTS_TABLE, {})
    missing = [where for digest, where in named.items() if digest not in texts]
    for where in missing:
        message = f"paper {where}: its abstract is missing from {path}"
        findings.append(Finding(Severity.ERROR, "missing-abstract", message, fixable=True))
    unused = len(texts.keys() - named.keys())
    if unused:
        message = f"{unused} abstracts in {path} belong to no paper (left by removals)"
        findings.append(Finding(Severity.INFO, "unused-abstracts", message, fixable=True))
    return findings


def leftover_files(path: str | os.PathLike[str]) -> list[Path]:
    """Temporary files that saves (of the library or its backups) may have left behind."""
    library = Path(path)
    found = sorted(library.parent.glob(f".{_glob_escape(library.name)}.*.tmp"))
    folder = backup_folder(library)
    if folder.is_dir():
        found += sorted(folder.glob(".*.tmp"))
    return found


def _glob_escape(name: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", name)


def _leftover(tmp: Path) -> Finding:
    try:
        age = f", {_age(time.time() - tmp.stat().st_mtime)} old"
    except OSError:
        age = ""
    message = f"leftover temporary file from an interrupted save: {tmp}{age}"
    return Finding(Severity.WARNING, "leftover-temp", message, fixable=True)


def _age(seconds: float) -> str:
    if seconds < 120:
        return f"{max(seconds, 0):.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.0f} h"


def _lock_findings(library: Path) -> list[Finding]:
    lock_file = lock_path(library)
    if not lock_file.exists():
        return []
    lock = FileLock(str(lock_file), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        try:
            held = f" (lock file {_age(time.time() - lock_file.stat().st_mtime)} old)"
        except OSError:
            held = ""
        holders = lock_holders(lock_file)
        who = "; ".join(f"process {pid} ({command})" for pid, command in holders)
        message = (
            f"the library is locked by another readlist process right now{held}"
            + (f": held by {who}" if who else "")
            + "; check for running readlist processes and let them finish. "
            "Do not delete the lock file: that lets two processes change the library at once"
        )
        return [Finding(Severity.WARNING, "locked", message)]
    except OSError as error:
        return [Finding(Severity.WARNING, "locked", f"cannot take the lock {lock_file}: {error}")]
    lock.release()
    return []


#: How much of a lock holder's command line doctor shows.
MAX_COMMAND = 240
#: The kernel's table of file locks (Linux).
PROC_LOCKS = Path("/proc/locks")


def lock_holders(lock_file: Path, locks_table: Path = PROC_LOCKS) -> list[tuple[int, str]]:
    """Best effort: the processes holding a lock on ``lock_file``, as (pid, command line).

    Read from Linux's ``/proc/locks`` (matched by device and inode) and
    ``/proc/PID/cmdline``; empty where the platform cannot tell.
    """
    try:
        st = os.stat(lock_file)
        table = locks_table.read_text("ascii", "replace")
    except OSError:
        return []
    wanted = (os.major(st.st_dev), os.minor(st.st_dev), st.st_ino)
    holders: dict[int, str] = {}
    for line in table.splitlines():
        # "1: FLOCK  ADVISORY  WRITE 4321 fd:01:1234567 0 EOF"; blocked waiters have "->".
        fields = line.split()
        if len(fields) < 6 or "->" in fields:
            continue
        pid, where = fields[4], fields[5].split(":")
        if len(where) != 3 or not pid.lstrip("-").isdigit() or int(pid) <= 0:
            continue
        try:
            found = (int(where[0], 16), int(where[1], 16), int(where[2]))
        except ValueError:
            continue
        if found == wanted:
            holders.setdefault(int(pid), _command_line(int(pid), locks_table.parent))
    return sorted(holders.items())


def _command_line(pid: int, proc: Path) -> str:
    """The command line of process ``pid`` as one printable line ("?" if unknown)."""
    try:
        raw = (proc / str(pid) / "cmdline").read_bytes()
    except OSError:
        return "?"
    words = raw.rstrip(b"\0").decode("utf-8", "replace").split("\0")
    text = " ".join([os.path.basename(words[0]), *words[1:]])
    # A command line is data: no control characters reach the terminal.
    text = "".join(ch if ch.isprintable() else "?" for ch in text)
    return (text[: MAX_COMMAND - 1] + "…") if len(text) > MAX_COMMAND else (text or "?")


def _backup_findings(library: Path) -> list[Finding]:
    backups = list_backups(library)
    if not backups:
        return [Finding(Severity.INFO, "backups", "no backups yet")]
    count = f"{len(backups)} backup{'s' if len(backups) != 1 else ''}"
    message = f"{count} in {backup_folder(library)}, newest {backups[0].label}"
    return [Finding(Severity.INFO, "backups", message)]


def _draft_findings(library: Path) -> list[Finding]:
    """One warning per unsaved note draft: text the user typed that is in no note yet."""
    return [
        Finding(
            Severity.WARNING,
            "draft",
            f"unsaved note draft {draft}: copy what you need into the note, then delete it",
        )
        for draft in list_drafts(library)
    ]


def _error(code: str, message: str) -> Finding:
    return Finding(Severity.ERROR, code, message)


def _capped(findings: list[Finding]) -> list[Finding]:
    """At most :data:`MAX_PER_KIND` findings of each kind, then one that counts the rest."""
    shown: list[Finding] = []
    hidden: dict[str, list[Finding]] = defaultdict(list)
    seen: dict[str, int] = defaultdict(int)
    for finding in findings:
        seen[finding.code] += 1
        if seen[finding.code] <= MAX_PER_KIND:
            shown.append(finding)
        else:
            hidden[finding.code].append(finding)
    for code, rest in hidden.items():
        message = f"… and {len(rest)} more '{code}' findings like the above"
        shown.append(Finding(rest[0].severity, code, message, rest[0].fixable, len(rest)))
    return shown


# -- fixing --------------------------------------------------------------------


@dataclass(frozen=True)
class Fixes:
    """What :func:`fix_library` did."""

    #: Temporary files of killed saves, deleted.
    removed: list[Path]
    #: What was done to the abstracts file (``None``: the library could not be read).
    abstracts: AbstractRepair | None
    #: Damaged records moved into the quarantine file (``None``: none).
    quarantined: Quarantined | None = None


def fix_library(path: str | os.PathLike[str]) -> Fixes:
    """Delete leftover temporary files, quarantine damaged records, repair the abstracts.

    Records :func:`record_problems` finds fault with are moved, with their abstract,
    into ``library.quarantine.json`` (:func:`~readlist.store.repair.quarantine_records`).
    The abstracts file is made to hold exactly the texts the papers name: missing
    ones are taken from the backups, unused ones dropped, and an unreadable file
    is kept as a copy in the backup folder and rebuilt (see
    :func:`~readlist.store.repair.repair_abstracts`).
    """
    library = Path(path)
    if not library.parent.is_dir():
        return Fixes([], None)
    removed = []
    with SafeJSONStorage(library).locked():
        for tmp in leftover_files(library):
            try:
                tmp.unlink()
            except FileNotFoundError:
                continue
            except OSError as error:
                raise LibraryError(f"cannot delete {tmp}: {error.strerror}") from None
            removed.append(tmp)
    repair = quarantined = None
    if library.is_file():
        # Records first: the abstracts repair then drops the texts only they named,
        # which the quarantine file holds by then.
        quarantined = quarantine_records(library, record_problems)
        # A damaged library file cannot be repaired here: check_library says so; restore helps.
        with contextlib.suppress(LibraryError):
            repair = repair_abstracts(library)
    return Fixes(removed, repair, quarantined)


# -- backups -------------------------------------------------------------------


def inspect_backup(path: Path) -> int:
    """How many papers the backup file at ``path`` holds; :class:`LibraryError` if unusable."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise LibraryError(f"cannot read backup {path}: {error.strerror}") from None
    return len(_backup_tables(raw, path).get(PAPERS_TABLE, {}))


def _backup_tables(raw: bytes, path: Path) -> dict[str, Any]:
    """The tables of a usable backup; a :class:`LibraryError` saying why one is unusable."""
    tables, findings = inspect_bytes(raw, path)
    if tables is not None:
        findings += _abstract_findings(tables, abstracts_path(path))
    errors = [f for f in findings if f.severity is Severity.ERROR]
    if tables is None or errors:
        reason = errors[0].message if errors else "unusable"
        raise LibraryError(f"backup {reason}")
    return tables


def find_backup(path: str | os.PathLike[str], spec: str) -> Path:
    """The backup named by ``spec``: a date (``2026-11-24``), a stamp, or a file path.

    For a date, that day's daily backup is preferred over snapshots taken that day.
    """
    backups = list_backups(path)
    same_day = [b for b in backups if b.stamp.startswith(spec)]
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}(T\d{6})?", spec):
        daily = [b for b in same_day if b.stamp == spec]
        chosen = daily or same_day
        if not chosen:
            known = ", ".join(b.stamp for b in backups[:8]) or "none"
            raise LibraryError(f"no backup from {spec} (backups: {known})")
        return chosen[0].path
    candidate = Path(spec).expanduser()
    if not candidate.is_file():
        raise LibraryError(f"no backup {spec!r}: give a date such as 2026-11-24 or a backup file")
    return candidate


def latest_good_backup(path: str | os.PathLike[str]) -> Backup | None:
    """The newest backup that holds a usable library (daily ones before snapshots of a day)."""
    backups = sorted(list_backups(path), key=lambda b: (b.stamp[:10], not b.is_snapshot, b.stamp))
    for backup in reversed(backups):
        try:
            inspect_backup(backup.path)
        except LibraryError:
            continue
        return backup
    return None


def restore_backup(
    path: str | os.PathLike[str], backup: str | os.PathLike[str] | None = None
) -> Restored:
    """Replace the library at ``path`` by a backup (default: the newest usable one).

    The backup is validated first and nothing changes if it is unusable. The
    current file, if any, is kept as a pre-restore backup (which no rotation
    deletes) before it is replaced.
    The backup's abstracts are added to the abstracts file first (keeping the
    current ones, so a kill between the two writes leaves a usable library).
    """
    library = Path(path)
    if backup is None:
        latest = latest_good_backup(library)
        if latest is None:
            raise LibraryError(f"no usable backup of {library}; nothing was changed")
        source = latest.path
    else:
        source = Path(backup)
    try:
        raw = source.read_bytes()
    except OSError as error:
        raise LibraryError(f"cannot read backup {source}: {error.strerror}") from None
    try:
        tables = _backup_tables(raw, source)
    except LibraryError as error:
        raise LibraryError(f"{error}; nothing was changed") from None
    texts = stored_texts(abstracts_path(source))
    previous = None
    storage = SafeJSONStorage(library)
    with storage.locked():
        moved = move_directory_aside(library)  # a directory in place of the abstracts file
        if library.exists():
            try:
                previous = keep_before_restore(library)
            except OSError as error:
                raise LibraryError(
                    f"cannot keep a copy of the current {library} ({error.strerror}); "
                    "nothing was changed"
                ) from None
        if texts:
            current = abstracts_path(library)
            texts = {**stored_texts(current), **texts}
            abstracts = SafeJSONStorage(current, kind=ABSTRACTS_KIND, lock=storage.lock)
            abstracts.write({ABSTRACTS_TABLE: texts})
        storage.write(tables)  # as every save: the current schema, and atomic
    return Restored(
        backup=source,
        papers=len(tables.get(PAPERS_TABLE, {})),
        previous=previous,
        moved_directory=moved,
    )


def explain_library_error(error: LibraryError, path: str | os.PathLike[str]) -> str:
    """The error's message, naming the backups when the library file itself is damaged."""
    message = str(error)
    library = Path(path)
    try:
        raw = library.read_bytes()
    except OSError:
        return message
    tables, findings = inspect_bytes(raw, library)
    if tables is not None:
        findings = _abstract_findings(tables, abstracts_path(library))
        if any(f.code in UNLOADABLE or f.code == ABSTRACTS_DIRECTORY for f in findings):
            return f"{message}; readlist doctor --fix keeps a copy and rebuilds it from the backups"
    if not any(f.code in UNLOADABLE for f in findings):
        return message
    latest = latest_good_backup(library)
    if latest is None:
        return f"{message}; no backups found (see: readlist doctor)"
    return f"{message}; backups: readlist restore (latest {latest.label})"

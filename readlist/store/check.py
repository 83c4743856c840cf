"""Checking a library for damage, reading only: the findings ``readlist doctor`` reports.

:func:`check_library` looks at the library file (its format through
:func:`readlist.store.format.parse_file`, the same check the storage makes, then
each record), its abstracts file, the lock, temporary files left by killed saves,
the backups and unsaved note drafts. Each thing noticed is a :class:`Finding`;
the CLI prints them.

Why ~400 lines: one short check per kind of damage, each with the wording the user
reads; the fixes are apart, in :mod:`readlist.store.repair`.
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

from readlist.keys import is_valid_key as is_bibtex_safe_key
from readlist.models import PAPER_FIELDS, Paper, Status
from readlist.paths import abstracts_path, lock_path, quarantine_path
from readlist.store.backup import backup_folder, list_backups
from readlist.store.drafts import list_drafts
from readlist.store.format import (
    ABSTRACTS_KIND,
    ABSTRACTS_TABLE,
    LIBRARY_KIND,
    PAPERS_TABLE,
    FormatProblem,
    parse_file,
)
from readlist.store.index import index_path
from readlist.store.journal import journal_path
from readlist.store.listing import listing_path
from readlist.store.locks import lock_holders
from readlist.store.record_view import digest_path
from readlist.store.records import ABSTRACT_REF, read_record
from readlist.store.render_cache import render_cache_path
from readlist.view import plural

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
                findings += abstract_findings(tables, abstracts_path(library))
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
    "aliases": (_is_str_list, "a list of strings"),
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
    "conflicts": (_is_str_list, "a list of strings"),
    "edited": (_is_str_list, "a list of strings"),
    "pdf": (_is_optional_str, "a string or null"),
    "source": (lambda v: v is None or isinstance(v, dict), "an object or null"),
    ABSTRACT_REF: (lambda v: isinstance(v, str) and bool(v), "a digest string"),
}
#: What a stored record may hold: a paper's fields, its abstract by reference or inline.
STORED_FIELDS: tuple[str, ...] = (*PAPER_FIELDS, ABSTRACT_REF)
#: Fields a stored record may lack: the abstract (inline only in schema 1 files), the
#: aliases, the sync conflicts, the fields edited and the PDF (records written before
#: readlist kept them).
OPTIONAL_FIELDS = frozenset({"abstract", ABSTRACT_REF, "aliases", "conflicts", "edited", "pdf"})


def abstract_findings(tables: dict[str, Any], path: Path) -> list[Finding]:
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


#: A search index write takes well under a second, a render cache's a few (it is written
#: as the export is): a temp file of theirs older than this is left over.
_INDEX_WRITE_SECONDS = 60


def leftover_files(path: str | os.PathLike[str]) -> list[Path]:
    """Temporary files that saves (of the library, its backups, caches) may have left behind."""
    library = Path(path)
    found: list[Path] = []
    # The library, its abstracts and quarantine (saved under the lock), and a compaction
    # of the journal killed before its rename.
    saved_under_lock = (
        abstracts_path(library),
        quarantine_path(library),
        journal_path(library),
        digest_path(library),
    )
    for saved in (library, *saved_under_lock):
        found += sorted(library.parent.glob(f".{_glob_escape(saved.name)}.*.tmp"))
    # The search index, an export's render cache and the list cache are written without
    # the lock: only an old temp file is a leftover (the other may be being written now).
    stale = time.time() - _INDEX_WRITE_SECONDS
    for cache in (index_path(library), render_cache_path(library), listing_path(library)):
        for tmp in sorted(library.parent.glob(f".{_glob_escape(cache.name)}.*.tmp")):
            with contextlib.suppress(OSError):
                if tmp.stat().st_mtime < stale:
                    found.append(tmp)
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
    """A duration as doctor shows it: ``42 s``, ``17 min``, ``5 h``."""
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


def _backup_findings(library: Path) -> list[Finding]:
    backups = list_backups(library)
    if not backups:
        return [Finding(Severity.INFO, "backups", "no backups yet")]
    message = (
        f"{plural(len(backups), 'backup')} in {backup_folder(library)}, newest {backups[0].label}"
    )
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

"""The file format of readlist's JSON files: its tables, schema version and kinds, checked once.

Every file readlist writes (a library, its abstracts, its quarantine) is a JSON
object of tables in TinyDB's layout, with a :data:`META_TABLE` naming the schema
and what the file holds. :func:`parse_file` is the one check of that: the storage
raises what it finds (:meth:`FormatProblem.error`), ``readlist doctor`` reports it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from readlist.errors import LibraryError
from readlist.store.chunked_json import loads_tables

#: Name of the table that marks a file as a readlist library.
META_TABLE = "_readlist"
#: Version of the file layout; bump it with a migration when the layout changes.
#: 1: abstracts inside the paper records; 2: in a separate abstracts file
#: (records written by version 1 are still read).
SCHEMA_VERSION = 2
#: What the tables of a file are: a library, or the abstracts of one.
LIBRARY_KIND = "library"
ABSTRACTS_KIND = "abstracts"
#: The table of a library file that holds the paper records, by document id.
PAPERS_TABLE = "papers"
#: The table of the abstracts file that maps digests to texts.
ABSTRACTS_TABLE = "abstracts"

#: Codes of :class:`FormatProblem` (``readlist doctor`` shows findings by them).
NOT_JSON = "not-json"
NOT_LIBRARY = "not-library"
NO_SCHEMA = "no-schema"
NEWER_SCHEMA = "newer-schema"

Tables = dict[str, dict[str, Any]]


@dataclass(frozen=True, slots=True)
class FormatProblem:
    """Why a file is not a readlist file of the kind wanted."""

    code: str
    #: What is wrong, naming the file (``/x/library.json has no readable schema version``).
    message: str
    #: What the user can do about it, when that is more than restoring a backup.
    advice: str = ""

    def error(self, label: str) -> LibraryError:
        """The error the storage raises, refusing the file: ``label`` names it (``library``)."""
        message = f"{label} {self.message}" if self.code == NOT_JSON else self.message
        return LibraryError(f"{message}; {self.advice or 'it was left untouched'}")


def parse_file(raw: bytes, path: Path, kind: str = LIBRARY_KIND) -> Tables | FormatProblem | None:
    """The tables a file's bytes hold if it is a readlist file of ``kind``.

    ``None`` when it is empty (a file not written yet); a :class:`FormatProblem`
    when it is not JSON or not such a file.
    """
    if not raw.strip():
        return None
    try:
        data = loads_tables(raw)  # in pieces: a reload does not freeze the interface thread
    except orjson.JSONDecodeError as error:
        return FormatProblem(NOT_JSON, f"{path} is not valid JSON ({error.args[0]})")
    return check_tables(data, path, kind)


def check_tables(data: object, path: Path, kind: str = LIBRARY_KIND) -> Tables | FormatProblem:
    """``data`` as tables if it is a readlist file of ``kind``, else what is wrong with it."""
    if not isinstance(data, dict) or not all(isinstance(t, dict) for t in data.values()):
        return FormatProblem(NOT_LIBRARY, f"{path} is not a readlist library")
    if not data:
        return {}
    meta = data.get(META_TABLE)
    if not meta:
        return FormatProblem(NOT_LIBRARY, f"{path} is not a readlist library")
    first: object = next(iter(meta.values()), None)
    schema = first.get("schema") if isinstance(first, dict) else None
    if not isinstance(schema, int):
        return FormatProblem(NO_SCHEMA, f"{path} has no readable schema version")
    if schema > SCHEMA_VERSION:
        message = f"{path} was written by a newer readlist (schema {schema})"
        return FormatProblem(NEWER_SCHEMA, message, "upgrade readlist")
    found = first.get("kind", LIBRARY_KIND) if isinstance(first, dict) else LIBRARY_KIND
    if found != kind:
        what = "the abstracts of a library" if found == ABSTRACTS_KIND else f"a {found!r} file"
        return FormatProblem(NOT_LIBRARY, f"{path} holds {what}, not a {kind} file")
    return data


def meta_record(kind: str) -> dict[str, Any]:
    """The :data:`META_TABLE` a file of ``kind`` is written with."""
    return {"1": {"schema": SCHEMA_VERSION, "app": "readlist", "kind": kind}}

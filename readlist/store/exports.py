"""The exports kept up to date (``export --keep-updated``): a small JSON file beside the library.

``library.json`` keeps its registry in ``library.exports.json``: one record per
export file (its absolute path, the format, what selects its papers and the
options), in the order they were registered. It is a file of its own, never
part of a file under version control (the library or the export), and it is
replaced atomically under the library's lock.
"""

from __future__ import annotations

import os
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import Any

import orjson

from readlist.errors import LibraryError, ReadlistError
from readlist.paths import exports_path
from readlist.store.atomic import atomic_write, describe_os_error

#: The registry file's own version, so a later readlist can read an older file.
REGISTRY_VERSION = 1


@dataclass(frozen=True, slots=True)
class KeptExport:
    """One export kept up to date: where it goes, in which format, and which papers."""

    #: The export file, an absolute path.
    path: str
    format: str
    #: A query (``""``: every paper), narrowed to ``keys`` when they are given.
    query: str = ""
    keys: tuple[str, ...] = ()
    #: A LaTeX project's ``.aux`` or main ``.tex`` file (absolute), instead of a query.
    aux: str | None = None
    tex: str | None = None
    ascii: bool = False
    #: How BibTeX aliases are written (``bibtex`` or ``biblatex``; see the exporter).
    dialect: str = "bibtex"

    def describe(self) -> str:
        """What selects the papers, for a listing: ``aux paper.aux``, ``query 'tag:x'``."""
        if self.aux:
            return f"cited in {self.aux}"
        if self.tex:
            return f"cited in {self.tex} and the files it includes"
        what = f"query {self.query!r}" if self.query else "every paper"
        return f"{what}, keys {','.join(self.keys)}" if self.keys else what

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (``aux``/``tex`` only when set, ``dialect`` when not ``bibtex``)."""
        data: dict[str, Any] = {
            "path": self.path,
            "format": self.format,
            "query": self.query,
            "keys": list(self.keys),
            "ascii": self.ascii,
        }
        if self.dialect != "bibtex":
            data["dialect"] = self.dialect
        if self.aux:
            data["aux"] = self.aux
        if self.tex:
            data["tex"] = self.tex
        return data

    @classmethod
    def from_dict(cls, data: object) -> KeptExport:
        """The export a JSON record describes; ``ValueError`` if it is not one."""
        if not isinstance(data, dict):
            raise ValueError("not an object")
        path, format = data.get("path"), data.get("format")
        if not isinstance(path, str) or not path or not isinstance(format, str):
            raise ValueError("no path or format")
        keys = data.get("keys", [])
        if not isinstance(keys, list) or not all(isinstance(key, str) for key in keys):
            raise ValueError("keys are not a list of text")
        texts = {name: data.get(name) for name in ("query", "aux", "tex", "dialect")}
        if not all(value is None or isinstance(value, str) for value in texts.values()):
            raise ValueError("query, aux, tex or dialect is not text")
        if texts["dialect"] not in (None, "bibtex", "biblatex"):
            raise ValueError(f"unknown dialect {texts['dialect']!r}")
        return cls(
            path=path,
            format=format,
            query=texts["query"] or "",
            keys=tuple(keys),
            aux=texts["aux"] or None,
            tex=texts["tex"] or None,
            ascii=data.get("ascii") is True,
            dialect=texts["dialect"] or "bibtex",
        )


class ExportRegistry:
    """The kept exports of the library at ``library``; changes hold the library's ``lock``."""

    def __init__(
        self,
        library: str | os.PathLike[str],
        locked: AbstractContextManager[object] | None = None,
    ) -> None:
        """The registry beside ``library``; ``locked`` guards a change (the library's lock)."""
        self.path = exports_path(library)
        self._locked = locked

    def exports(self) -> list[KeptExport]:
        """The registered exports in the order they were added (none without a file).

        Raises :class:`LibraryError` when the file is unreadable or damaged.
        """
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return []
        except OSError as error:
            raise LibraryError(f"cannot read {self.path}: {describe_os_error(error)}") from None
        try:
            data = orjson.loads(raw)
            if not isinstance(data, dict) or not isinstance(data.get("exports"), list):
                raise ValueError("no list of exports")
            return [KeptExport.from_dict(item) for item in data["exports"]]
        except ValueError as error:  # orjson.JSONDecodeError is a ValueError
            raise LibraryError(
                f"the export registry {self.path} is damaged ({error}); "
                "fix it by hand or delete it (the exports themselves are not affected)"
            ) from None

    def add(self, export: KeptExport) -> bool:
        """Register ``export``; one with the same path is replaced. Whether it was new."""
        with self._lock():
            exports = self.exports()
            known = [n for n, kept in enumerate(exports) if kept.path == export.path]
            if known:
                exports[known[0]] = export
            else:
                exports.append(export)
            self._save(exports)
        return not known

    def remove(self, which: str) -> KeptExport:
        """Unregister the export whose path is ``which``, or the ``which``-th (from 1)."""
        with self._lock():
            exports = self.exports()
            index = _find(exports, which)
            removed = exports.pop(index)
            self._save(exports)
        return removed

    def _lock(self) -> AbstractContextManager[object]:
        return self._locked if self._locked is not None else nullcontext()

    def _save(self, exports: list[KeptExport]) -> None:
        data = {"version": REGISTRY_VERSION, "exports": [kept.to_dict() for kept in exports]}
        atomic_write(self.path, orjson.dumps(data, option=orjson.OPT_INDENT_2) + b"\n")


def _find(exports: list[KeptExport], which: str) -> int:
    """The index of the export ``which`` names (a path, or a number from 1)."""
    if which.isdigit():
        number = int(which)
        if 1 <= number <= len(exports):
            return number - 1
        raise ReadlistError(f"no kept export number {which} (there are {len(exports)})")
    wanted = {which, os.path.abspath(which), os.path.realpath(which)}
    for index, kept in enumerate(exports):
        if kept.path in wanted:
            return index
    raise ReadlistError(f"no kept export writes {which} (see 'readlist exports')")


def absolute(path: str | os.PathLike[str]) -> str:
    """``path`` made absolute (not resolved: a symlinked export stays the link)."""
    return os.path.abspath(os.fspath(path))

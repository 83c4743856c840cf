"""The list cache: a ``list`` it serves prints exactly what reading the library prints."""

from __future__ import annotations

import gc
import io
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readlist.cli import main
from readlist.cli.environment import Environment
from readlist.models import Paper, Status
from readlist.paths import abstracts_path
from readlist.store import Library, listing
from readlist.store.listing import listing_path
from readlist.store.render_cache import RACY_NS

Run = tuple[int, str, str]


def age(library: Path, seconds: float = 60) -> None:
    """Make the library's files look old, so that the cache may trust their stamps.

    The search index names the abstracts file's stamp: the next search builds it again.
    """
    for path in (library, abstracts_path(library)):
        if path.exists():
            touch(path, seconds)


def touch(path: Path, seconds: float) -> None:
    """Give ``path`` the modification time of ``seconds`` ago."""
    when = time.time_ns() - int(seconds * 10**9)
    os.utime(path, ns=(when, when))


def run(library: Path, *args: str, tty: bool = False) -> Run:
    """``readlist --library LIBRARY ARGS`` in this process: status, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    environ = {"COLUMNS": "100", "NO_COLOR": "1", "TERM": "xterm"}
    env = Environment(stdout=out, stderr=err, environ=environ, stdout_isatty=tty)
    try:
        code = main(["--library", str(library), *args], env)
    finally:
        gc.enable()  # a command runs without the cyclic collector
    return code, out.getvalue(), err.getvalue()


class Served:
    """Counts the ``list`` runs the cache served (and can turn the cache off)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        self.off = False
        real_served, real_save = listing.served, listing.save_listing

        def served(library: Library, query: Any) -> listing.Listed | None:
            if self.off:
                return None
            found = real_served(library, query)
            self.count += found is not None
            return found

        def save(library: Library, before: listing.Start | None, *shown: Any) -> None:
            if not self.off:
                real_save(library, before, *shown)

        monkeypatch.setattr(listing, "served", served)
        monkeypatch.setattr(listing, "save_listing", save)

    def full(self, library: Path, *args: str, tty: bool = False) -> Run:
        """The run reading the library, as without the cache (which is neither used nor written)."""
        self.off = True
        try:
            return run(library, *args, tty=tty)
        finally:
            self.off = False

    def cached(self, library: Path, *args: str, tty: bool = False) -> Run:
        """The run, which the cache must serve."""
        before = self.count
        result = run(library, *args, tty=tty)
        assert self.count == before + 1, f"list {args} was not served from the cache"
        return result


def _papers() -> list[Paper]:
    return [
        Paper(title="Sparse Attention at Scale", authors=["Zoë Müller", "B"], abstract="Quant."),
        Paper(title="QLoRA: Efficient Finetuning", authors=["Tim Dettmers"], abstract="LoRA."),
        Paper(
            title="Exploration \x1b[31min Colorado",
            authors=["Ann Lee"],
            abstract="Sparse attention.",
            tags=["ml", "to read"],
            status=Status.READ,
            published="2023-04-01",
            category="cs.LG",
        ),
        Paper(title="No Abstract Here 山田", authors=["Łukasz Kowalski"], notes="attention note"),
    ]


@pytest.fixture
def library_file(tmp_path: Path) -> Path:
    path = tmp_path / "lib" / "library.json"
    Library(path).import_papers(_papers())
    age(path)
    return path


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> Served:
    return Served(monkeypatch)


def warm(library: Path, served: Served) -> None:
    """Build the search index and the list cache (a free-word ``list``); count from zero."""
    run(library, "list", "attention")
    assert listing_path(library).exists()
    served.count = 0


QUERIES = ["attention", "sparse attention", '"sparse attention"', "-attention", "lora OR colo", ""]


def test_a_list_is_served_from_the_cache_and_prints_what_reading_the_library_prints(
    library_file: Path, served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = {q: served.full(library_file, "list", *q.split()) for q in QUERIES}
    assert not listing_path(library_file).exists()
    run(library_file, "list", "attention")  # builds the search index and the list cache
    assert listing_path(library_file).exists()

    def refuse(self: Library) -> bool:
        raise AssertionError("the library was read")

    monkeypatch.setattr(Library, "refresh", refuse)
    for query in QUERIES:
        assert served.cached(library_file, "list", *query.split()) == expected[query]


def test_on_a_terminal_and_with_a_limit_the_lines_are_the_same(
    library_file: Path, served: Served
) -> None:
    warm(library_file, served)
    for args in (("attention",), ("--limit", "1", "attention"), ("--limit", "0"), ()):
        for tty in (False, True):
            expected = served.full(library_file, "list", *args, tty=tty)
            assert served.cached(library_file, "list", *args, tty=tty) == expected
    assert "3 of 4 papers" in served.cached(library_file, "list", "attention", tty=True)[1]


def test_json_another_order_and_filters_are_never_served(
    library_file: Path, served: Served
) -> None:
    warm(library_file, served)
    for args in (
        ("--json", "attention"),
        ("--sort", "title", "attention"),
        ("attention", "sort:year"),
        ("tag:ml",),
        ("attention", "year:2023"),
        ("has:abstract",),
    ):
        assert run(library_file, "list", *args) == served.full(library_file, "list", *args)
    assert served.count == 0


def _edit_records(library: Path, change: Callable[[dict[str, Any]], None]) -> None:
    data = orjson.loads(library.read_bytes())
    change(data["papers"])
    library.write_bytes(orjson.dumps(data, option=orjson.OPT_INDENT_2))


def _retitle(papers: dict[str, Any]) -> None:
    next(iter(papers.values()))["title"] = "Attention Retitled By Hand"


def _damage(papers: dict[str, Any]) -> None:
    for record in papers.values():
        record["tags"] = "ml"  # the wrong type: a damaged record
    papers["999"] = "not a paper record"


def _abstracts_by_hand(library: Path) -> None:
    path = abstracts_path(library)
    path.write_bytes(path.read_bytes().replace(b"LoRA.", b"Attention!", 1))


def _header(change: Callable[[dict[str, Any]], None]) -> Callable[[Path], None]:
    def edit(library: Path) -> None:
        path = listing_path(library)
        header, rest = path.read_bytes().split(b"\n", 1)
        meta = orjson.loads(header)
        change(meta)
        path.write_bytes(orjson.dumps(meta) + b"\n" + rest)

    return edit


def _cache_bytes(change: Callable[[bytes], bytes]) -> Callable[[Path], None]:
    def edit(library: Path) -> None:
        path = listing_path(library)
        path.write_bytes(change(path.read_bytes()))

    return edit


def _shift_starts(raw: bytes) -> bytes:
    head, rows, starts, texts = raw.split(b"\n", 3)
    moved = [n + 1 if n else n for n in orjson.loads(starts)]
    return b"\n".join([head, rows, orjson.dumps(moved), texts])


#: Each library file the cache trusts, changed: the run must read the library instead.
LIBRARY_CHANGES: dict[str, Callable[[Path], None]] = {
    "a title edited by hand": lambda lib: _edit_records(lib, _retitle),
    "records damaged by hand": lambda lib: _edit_records(lib, _damage),
    "the abstracts edited by hand": _abstracts_by_hand,
    "the library removed": lambda lib: lib.unlink(),
    "the abstracts removed": lambda lib: abstracts_path(lib).unlink(),
}
#: The cache itself changed, or made by other code: likewise.
CACHE_CHANGES: dict[str, Callable[[Path], None]] = {
    "another cache version": _header(lambda m: m.update(version=m["version"] + 1)),
    "another readlist": _header(lambda m: m.update(readlist="0.0.0")),
    "other code": _header(lambda m: m.update(code=[["view.py", 1, 2]])),
    "another probe": _header(lambda m: m.update(probe=[[], ""])),
    "a cache made too soon after the library": _header(
        lambda m: m.update(built=m["library"][2] + RACY_NS - 1)
    ),
    "a truncated cache": _cache_bytes(lambda raw: raw[: len(raw) // 2]),
    "a cache cut after its rows": _cache_bytes(lambda raw: raw[: raw.index(b"\n") + 3]),
    "an empty cache": _cache_bytes(lambda raw: b""),
    "not JSON": _cache_bytes(lambda raw: b"\xff" + raw),
    "texts laid out otherwise": _cache_bytes(_shift_starts),
    "a row of another shape": _cache_bytes(lambda raw: raw.replace(b",null]", b"]", 1)),
    "a row holding a number": _cache_bytes(lambda raw: raw.replace('"○"'.encode(), b"7")),
}


@pytest.mark.parametrize("name", [*LIBRARY_CHANGES, *CACHE_CHANGES])
def test_whatever_the_cache_trusts_changed_the_library_is_read(
    library_file: Path, served: Served, name: str
) -> None:
    warm(library_file, served)
    if name in LIBRARY_CHANGES:
        LIBRARY_CHANGES[name](library_file)
        age(library_file, 30)  # a change, but old enough: the stamps alone tell it
        # (aging the abstracts file makes the search index stale: built again first, so
        # that the damage warnings compared are those of a search with its index)
        served.full(library_file, "list", "attention")
    else:
        CACHE_CHANGES[name](library_file)
    for n, query in enumerate(["lora", "attention", ""]):
        expected = served.full(library_file, "list", *query.split())
        assert run(library_file, "list", *query.split()) == expected
        if n == 0:
            assert served.count == 0  # then the cache is made again, true


def test_a_change_saved_by_another_command_is_listed(library_file: Path, served: Served) -> None:
    warm(library_file, served)
    key = orjson.loads(run(library_file, "list", "--json", "lora")[1])[0]["key"]
    run(library_file, "tag", key, "attention-tag")
    run(library_file, "note", key, "zyzzyva")
    touch(library_file, 60)  # the records only: the search index stays true
    assert "attention-tag" in run(library_file, "list", "zyzzyva")[1]
    assert served.count == 0
    assert "attention-tag" in served.cached(library_file, "list", "zyzzyva")[1]


def _edit_in_place(path: Path, old: bytes, new: bytes) -> None:
    """Change bytes of ``path`` keeping its inode, size and modification time (its stamp)."""
    assert len(old) == len(new)
    before = path.stat()
    raw = path.read_bytes()
    assert old in raw
    with path.open("r+b") as handle:
        handle.write(raw.replace(old, new, 1))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_ino, after.st_size, after.st_mtime_ns) == (
        before.st_ino,
        before.st_size,
        before.st_mtime_ns,
    )


def test_a_library_saved_just_now_is_trusted_by_its_bytes_not_its_stamp(
    library_file: Path, served: Served
) -> None:
    run(library_file, "list", "attention")  # the search index
    listing_path(library_file).unlink()
    touch(library_file, RACY_NS / 1e9 / 4)  # saved half a second ago
    run(library_file, "list", "attention")
    header = orjson.loads(listing_path(library_file).read_bytes().split(b"\n", 1)[0])
    assert type(header["sha1"]) is str
    expected = served.full(library_file, "list", "attention")
    assert served.cached(library_file, "list", "attention") == expected
    # Changed again within the timestamps' granularity: the same stamp, other bytes.
    _edit_in_place(library_file, b"Sparse Attention", b"Sparse Attentiox")
    served.count = 0
    for query in ("sparse", ""):  # the first reads the library, and makes the cache again
        expected = served.full(library_file, "list", *query.split())
        assert "Attentiox" in expected[1]
        assert run(library_file, "list", *query.split()) == expected
    assert served.count == 1


def test_the_digest_named_is_that_of_the_bytes_the_library_read(library_file: Path) -> None:
    from readlist.store.record_view import file_digest

    library = Library(library_file)
    library._storage.digest_reads = True
    raw = library_file.read_bytes()
    library.refresh()
    assert library._storage.read_digest == file_digest(raw)
    plain = Library(library_file)
    plain.refresh()
    assert plain._storage.read_digest is None  # only when asked: a normal read pays nothing


def test_abstracts_saved_just_now_keep_the_cache_unwritten(library_file: Path) -> None:
    touch(abstracts_path(library_file), RACY_NS / 1e9 / 4)
    run(library_file, "list", "attention")
    assert not listing_path(library_file).exists()
    touch(abstracts_path(library_file), 60)
    run(library_file, "list", "attention")
    assert listing_path(library_file).exists()


def test_damaged_records_are_warned_about_as_the_full_path_does(
    library_file: Path, served: Served
) -> None:
    _edit_records(library_file, _damage)
    age(library_file)
    warm(library_file, served)
    for query in QUERIES:
        expected = served.full(library_file, "list", *query.split())
        assert "see readlist doctor" in expected[2]
        assert served.cached(library_file, "list", *query.split()) == expected


def test_a_paper_whose_abstract_is_missing_keeps_the_cache_unwritten(
    library_file: Path,
) -> None:
    path = abstracts_path(library_file)
    data = orjson.loads(path.read_bytes())
    data["abstracts"].pop(next(iter(data["abstracts"])))
    path.write_bytes(orjson.dumps(data))
    age(library_file)
    for _ in range(3):
        run(library_file, "list", "attention")
    assert not listing_path(library_file).exists()


# -- random libraries and queries ------------------------------------------------------

WORDS = ["attention", "sparse", "lora", "QLoRA", "Müller", "山田", "k-means", "att", "x1b"]
_text = st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=8)), max_size=5).map(" ".join)
_paper = st.builds(
    Paper,
    title=_text,
    authors=st.lists(_text, max_size=3),
    abstract=_text,
    notes=_text,
    tags=st.lists(st.sampled_from(["ml", "to read", "\x1bx", "日本"]), max_size=2),
    status=st.sampled_from(list(Status)),
    published=st.sampled_from([None, "2023", "2021-05-01", "x"]),
    category=st.sampled_from([None, "cs.LG", "cs.\x07CL"]),
)
_word = st.sampled_from([*WORDS, "a", "e", "-", "lo"])
_query = st.lists(
    st.one_of(
        _word,
        _word.map(lambda w: f"-{w}"),
        st.tuples(_word, _word).map(lambda p: f'"{p[0]} {p[1]}"'),
        st.tuples(_word, _word).map(lambda p: f"{p[0]} OR {p[1]}"),
        st.tuples(_word, _word).map(lambda p: f"-({p[0]} OR {p[1]})"),
    ),
    max_size=3,
).map(" ".join)
_damages = st.lists(
    st.sampled_from(
        [
            ("tags", "ml"),
            ("status", 3),
            ("title", 7),
            ("authors", "one"),
            ("published", 2020),
            ("key", 5),
        ]
    ),
    max_size=3,
)


@pytest.fixture
def scratch() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as folder:
        yield Path(folder)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    papers=st.lists(_paper, min_size=1, max_size=6),
    damages=_damages,
    queries=st.lists(_query, min_size=1, max_size=4),
)
def test_random_libraries_and_queries_list_the_same_from_the_cache(
    served: Served,
    scratch: Path,
    papers: list[Paper],
    damages: list[tuple[str, object]],
    queries: list[str],
) -> None:
    folder = Path(tempfile.mkdtemp(dir=scratch))
    library = folder / "library.json"
    Library(library).import_papers(papers)
    if damages:

        def damage(records: dict[str, Any]) -> None:
            for record, (name, value) in zip(records.values(), damages, strict=False):
                record[name] = value

        _edit_records(library, damage)
    age(library)
    run(library, "list", "attention")  # the search index and the list cache
    assert listing_path(library).exists()
    for query in queries:
        for tty in (False, True):
            expected = served.full(library, "list", query, tty=tty)
            if expected[0] != 0:  # not a query (a lone "OR"): never served either
                assert run(library, "list", query, tty=tty) == expected
                continue
            assert served.cached(library, "list", query, tty=tty) == expected

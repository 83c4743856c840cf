"""The render cache: an export through it is byte for byte the export made afresh."""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readlist.errors import LibraryError
from readlist.exporters import FORMATS, export
from readlist.importers import parse_text
from readlist.models import Paper, Status
from readlist.paths import abstracts_path
from readlist.store import Library
from readlist.store.abstracts import AbstractStore, abstract_digest
from readlist.store.render_cache import (
    CACHE_VERSION,
    RACY_NS,
    ExportOptions,
    open_cache,
    render_cache_path,
)
from readlist.store.storage import SafeJSONStorage

BIB = r"""@string{acm = {{ACM} Press}}
@preamble{{\providecommand{\noopsort}[1]{}}}
@article{knuth1984, author = {Donald E. Knuth}, title = {Literate {P}rogramming},
  journal = acm # { Journal}, year = {1984}, abstract = {Programs as literature: 50\%.}}
@book{lamport1986, author = {Leslie Lamport}, title = {{\LaTeX}: A Document Preparation System},
  publisher = acm, year = 1986, month = jun}
@misc{o'brien:x, author = {O'Brien, Flann and {The CGAL Project}}, title = {At Swim},
  year = {1939}, note = {Zoë über alles}}
"""

OPTIONS = [
    ExportOptions("bibtex"),
    ExportOptions("bibtex", ascii=True),
    ExportOptions("bibtex", dialect="biblatex"),
    ExportOptions("csl-json"),
    ExportOptions("csl-json", ascii=True),
    ExportOptions("markdown"),
    ExportOptions("markdown", ascii=True),
]


def fresh(library: Path, options: ExportOptions, keys: list[str] | None = None) -> bytes:
    """The export made without any cache, from a library opened anew."""
    papers = Library(library).papers()
    if keys is not None:
        by_key = {paper.key: paper for paper in papers}
        papers = [by_key[key] for key in keys]
    text = export(papers, options.format, ascii=options.ascii, dialect=options.dialect)
    return text.encode("utf-8")


def cached(library: Path, options: ExportOptions, keys: list[str] | None = None) -> bytes:
    """The export through the render cache, from a library opened anew (a new command)."""
    count, chunks = Library(library).export_text(keys, options)
    text = b"".join(chunks)
    assert count == (len(Library(library)) if keys is None else len(keys))
    return text


def age(*paths: Path, seconds: float = 60) -> None:
    """Make files look written ``seconds`` ago (their stamps can then be trusted)."""
    when = time.time_ns() - int(seconds * 1e9)
    for path in paths:
        if path.exists():
            os.utime(path, ns=(when, when))


def files(library: Path) -> tuple[Path, Path]:
    return library, abstracts_path(library)


def make_library(tmp_path: Path) -> Path:
    path = tmp_path / "library.json"
    library = Library(path)
    library.import_papers(parse_text(BIB, source_name="refs.bib").papers)
    library.import_papers(
        [
            Paper(
                title="Sparse Attention & 100% $x_1$",
                key="lee2024sparse",
                authors=["Zoë Müller", "Jan van den Berg"],
                abstract="We {sparsify} attention; see https://github.com/x/y.",
                tags=["llm"],
                published="2024-03-02",
                category="cs.LG",
            ),
            Paper(title="Dense Attention", key="lee2024dense", aliases=["knuth1984a"]),
        ]
    )
    return path


def edit_record(library: Path, key: str, **fields: Any) -> None:
    """Change a record of ``library.json`` as a text editor would (a new write of the file)."""
    data = orjson.loads(library.read_bytes())
    for record in data["papers"].values():
        if record["key"] == key:
            record.update(fields)
    library.write_bytes(orjson.dumps(data, option=orjson.OPT_INDENT_2))


def edit_abstracts(library: Path, change: str) -> None:
    """Append ``change`` to every abstract in the abstracts file, by hand."""
    path = abstracts_path(library)
    data = orjson.loads(path.read_bytes())
    data["abstracts"] = {ref: text + change for ref, text in data["abstracts"].items()}
    path.write_bytes(orjson.dumps(data, option=orjson.OPT_INDENT_2))


@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: f"{o.format}-{o.ascii}-{o.dialect}")
def test_an_export_through_the_cache_is_the_export_made_afresh(
    tmp_path: Path, options: ExportOptions
) -> None:
    library = make_library(tmp_path)
    assert cached(library, options) == fresh(library, options)  # made, and the cache written
    assert render_cache_path(library).exists()
    assert cached(library, options) == fresh(library, options)  # from the cache, unit by unit
    age(*files(library))
    assert cached(library, options) == fresh(library, options)  # written again, now trusted
    assert cached(library, options) == fresh(library, options)  # the whole text, unread
    keys = ["lee2024dense", "knuth1984", "lee2024sparse"]
    assert cached(library, options, keys) == fresh(library, options, keys)


def test_the_whole_text_is_served_only_while_both_files_are_unchanged(tmp_path: Path) -> None:
    library = make_library(tmp_path)
    options = ExportOptions("bibtex")
    age(*files(library))
    cached(library, options)
    cache = open_cache(render_cache_path(library), options.identity())
    assert cache is not None
    opened = Library(library)
    assert cache.serves_whole(opened._storage.current_stamp(), opened._abstracts.current_stamp())
    served = Library(library)
    served.export_text(None, options)
    assert served._generation == -1  # the library file was not even read
    # A hand edit of the title: the file's stamp changes, the unit is made again.
    edit_record(library, "knuth1984", title="Illiterate Programming")
    assert b"Illiterate" in cached(library, options) == fresh(library, options)
    age(*files(library))
    cached(library, options)  # the whole text again
    # Edited again, and made to look as old as can be trusted: its stamp still differs.
    edit_record(library, "knuth1984", title="Literate Again")
    age(library, seconds=30)
    assert b"Literate Again" in cached(library, options) == fresh(library, options)


def test_a_racy_file_is_checked_record_by_record(tmp_path: Path) -> None:
    """A file changed within the timestamps' granularity may keep its stamp: not trusted."""
    library = make_library(tmp_path)
    options = ExportOptions("bibtex")
    cached(library, options)  # the library was written just now: its stamp is not trusted
    before = os.stat(library)
    # Same size, same inode, same modification time: only the content says it changed.
    text = library.read_bytes()
    changed = text.replace(b"Literate {P}rogramming", b"Literate {Q}rogramming")
    assert len(changed) == len(text) and changed != text
    with open(library, "r+b") as handle:
        handle.write(changed)
    os.utime(library, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert b"{Q}rogramming" in cached(library, options) == fresh(library, options)


def test_a_stamp_is_trusted_only_when_older_than_the_cache_by_the_margin(tmp_path: Path) -> None:
    library = make_library(tmp_path)
    options = ExportOptions("markdown")
    age(*files(library), seconds=RACY_NS / 1e9 / 4)
    cached(library, options)
    cache = open_cache(render_cache_path(library), options.identity())
    assert cache is not None and not cache.serves_whole(
        Library(library)._storage.current_stamp(), Library(library)._abstracts.current_stamp()
    )


def test_a_hand_edit_of_the_abstracts_file_is_never_served_stale(tmp_path: Path) -> None:
    library = make_library(tmp_path)
    options = ExportOptions("bibtex")
    age(*files(library))
    cached(library, options)
    cached(library, options)
    edit_abstracts(library, " Edited by hand.")
    assert cached(library, options).count(b"Edited by hand.") == 2
    assert cached(library, options) == fresh(library, options)
    age(*files(library))
    cached(library, options)  # trusted again: the whole text
    # Edited again, and made to look as old as can be trusted: its stamp still differs.
    edit_abstracts(library, " Twice.")
    age(abstracts_path(library), seconds=30)
    assert cached(library, options).count(b"Twice.") == 2


def test_a_rekey_an_alias_and_a_changed_dialect_are_never_served_stale(tmp_path: Path) -> None:
    library = make_library(tmp_path)
    for options in (ExportOptions("bibtex"), ExportOptions("bibtex", dialect="biblatex")):
        age(*files(library))
        cached(library, options)
        cached(library, options)
    Library(library).rename({"lee2024sparse": "sparse2024"})
    for options in (ExportOptions("bibtex"), ExportOptions("bibtex", dialect="biblatex")):
        text = cached(library, options)
        assert text == fresh(library, options)
        assert b"@misc{sparse2024," in text
    # The key a paper is exported under depends on the others: BibTeX ignores case, so
    # the later of two papers keyed alike gets a suffix, until the first one goes.
    options = ExportOptions("bibtex")
    Library(library).rename({"knuth1984": "LEE2024DENSE"})
    assert b"@misc{lee2024densea," in cached(library, options) == fresh(library, options)
    Library(library).remove(["knuth1984", "LEE2024DENSE"][1:])
    assert b"@misc{lee2024dense," in cached(library, options) == fresh(library, options)


def test_changes_made_through_readlist_are_never_served_stale(tmp_path: Path) -> None:
    library = make_library(tmp_path)
    options = ExportOptions("bibtex")
    age(*files(library))
    cached(library, options)
    opened = Library(library)
    opened.add_tags(["knuth1984"], ["classic"])
    opened.set_status(["lamport1986"], Status.READ)
    opened.import_papers([Paper(title="A New One", key="new2025", abstract="Fresh text.")])
    opened.remove(["lee2024dense"])
    for _ in range(2):
        text = cached(library, options)
        assert text == fresh(library, options)
    assert b"classic" in text and b"Fresh text." in text and b"lee2024dense" not in text


def test_a_damaged_or_foreign_cache_is_ignored(tmp_path: Path) -> None:
    library = make_library(tmp_path)
    options = ExportOptions("bibtex")
    age(*files(library))
    cached(library, options)
    path = render_cache_path(library)
    whole = path.read_bytes()
    other_version = whole.replace(b'"version":%d' % CACHE_VERSION, b'"version":0')
    for damaged in (b"", whole[:-5], whole[:100], b"x" * 40, other_version):
        path.write_bytes(damaged)
        assert cached(library, options) == fresh(library, options)
    assert other_version != whole
    # The header of another readlist.
    assert open_cache(path, {**options.identity(), "readlist": "0.0.0"}) is None


def test_a_cache_that_cannot_be_written_costs_only_time(tmp_path: Path) -> None:
    library = make_library(tmp_path)
    options = ExportOptions("csl-json")
    render_cache_path(library).mkdir()  # a folder where the cache would go
    assert cached(library, options) == fresh(library, options)


def test_a_library_kept_in_memory_has_no_cache(tmp_path: Path) -> None:
    from readlist.store.storage import MemoryStorage

    library = Library(tmp_path / "mem.json", storage=MemoryStorage)
    library.import_papers([Paper(title="Only In Memory", key="mem2024")])
    count, chunks = library.export_text(None, ExportOptions("bibtex"))
    assert count == 1 and b"mem2024" in b"".join(chunks)
    assert not render_cache_path(tmp_path / "mem.json").exists()


# -- property: random libraries, random edits ----------------------------------

WORDS = st.sampled_from(
    ["Sparse", "attention", "Zoë's", "LLaMA", "100%", "$x_1$", "&", "über", "{B}races", "and", "of"]
)
TITLES = st.lists(WORDS, min_size=1, max_size=5).map(" ".join)
NAMES = st.sampled_from(["Zoë Müller", "Jan van den Berg", "Kim, Ana", "Łukasz", "Lee"])
KEYS = st.sampled_from(["lee2024", "kim2023", "x", "o'brien:x", "kim2023a"])

EDITS = st.one_of(
    st.tuples(st.just("tag"), st.integers(0, 9), st.sampled_from(["a", "b c", "llm"])),
    st.tuples(st.just("note"), st.integers(0, 9), TITLES),
    st.tuples(st.just("rekey"), st.integers(0, 9), KEYS),
    st.tuples(st.just("remove"), st.integers(0, 9), st.just("")),
    st.tuples(st.just("hand title"), st.integers(0, 9), TITLES),
    st.tuples(st.just("hand abstracts"), st.integers(0, 9), TITLES),
    st.tuples(st.just("import"), st.integers(0, 9), TITLES),
    st.tuples(st.just("age"), st.integers(0, 9), st.just("")),
    st.tuples(st.just("hand damage"), st.integers(0, 9), st.integers(0, 100)),
)

#: Fields set by hand to what readlist cannot read as they are (the layout's among them).
DAMAGE: list[tuple[str, Any]] = [
    ("aliases", ["ok", 7]),
    ("aliases", "lee2024"),
    ("aliases", None),
    ("key", 2024),
    ("tags", "llm"),
    ("title", ["a", "b"]),
    ("source", "refs.bib"),
    ("source", {"file": "x.bib", "format": "bibtex", "raw": ["title"], "key": "k"}),
    ("source", {"file": "x.bib", "format": "bibtex", "raw": {"title": "T"}, "key": 5}),
    (
        "source",
        {
            "file": "x.bib",
            "format": "bibtex",
            "raw": {"title": "T", "n": 3},
            "key": "o'brien:y",
            "strings": {"acm": "ACM Two", "n": 1},
            "preamble": ["\\relax", 2],
        },
    ),
    ("status", "finished"),
    ("abstract_ref", 12),
]


@st.composite
def papers(draw: st.DrawFn) -> list[Paper]:
    return [
        Paper(
            title=draw(TITLES),
            key=draw(KEYS),
            authors=draw(st.lists(NAMES, max_size=3, unique=True)),
            abstract=draw(st.one_of(st.just(""), TITLES)),
            aliases=draw(st.lists(KEYS, max_size=2, unique=True)),
            tags=draw(st.lists(st.sampled_from(["llm", "to read"]), max_size=2, unique=True)),
        )
        for _ in range(draw(st.integers(0, 4)))
    ]


def apply(library: Path, edit: tuple[str, int, str | int]) -> None:
    kind, n, text = edit
    opened = Library(library)
    keys = [paper.key for paper in opened.papers()]
    key = keys[n % len(keys)] if keys else None
    if kind == "age":
        age(*files(library))
    elif kind == "import":
        assert isinstance(text, str)
        opened.import_papers([Paper(title=f"{text} {n}", key=f"imp{n}", abstract=text)])
    elif key is None:
        return
    elif kind == "tag":
        opened.add_tags([key], [str(text)])
    elif kind == "note":
        opened.set_note(key, str(text))
    elif kind == "rekey":
        assert isinstance(text, str)
        if text not in keys and opened.alias_of(text) is None:
            opened.rename({key: text})
    elif kind == "remove":
        opened.remove([key])
    elif kind == "hand title":
        edit_record(library, key, title=str(text))
    elif kind == "hand abstracts" and abstracts_path(library).exists():
        edit_abstracts(library, f" {text}")
    elif kind == "hand damage":
        field, value = DAMAGE[int(text) % len(DAMAGE)]
        edit_record(library, key, **{field: value})


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    papers(),
    st.lists(EDITS, max_size=6),
    st.lists(st.sampled_from(OPTIONS), min_size=1, max_size=3),
)
def test_property_the_cache_never_changes_an_export(
    tmp_path_factory: pytest.TempPathFactory,
    start: list[Paper],
    edits: list[tuple[str, int, str | int]],
    options: list[ExportOptions],
) -> None:
    library = tmp_path_factory.mktemp("lib") / "library.json"
    opened = Library(library)
    opened.import_papers(parse_text(BIB, source_name="refs.bib").papers)
    opened.import_papers(start)
    for edit in [("age", 0, ""), *edits]:
        apply(library, edit)
        for chosen in options:
            exporting = Library(library)
            _, chunks = exporting.export_text(None, chosen)
            assert b"".join(chunks) == fresh(library, chosen)
            # The records edited by hand are reported as an export afresh finds them.
            assert exporting.damaged() == Library(library).damaged(everywhere=True)
        keys = [paper.key for paper in Library(library).papers()][::2]
        assert cached(library, options[0], keys) == fresh(library, options[0], keys)


def test_formats_are_all_covered() -> None:
    assert {options.format for options in OPTIONS} == set(FORMATS)


def test_a_cache_cut_short_while_read_is_an_error_never_a_short_export(tmp_path: Path) -> None:
    library = make_library(tmp_path)
    options = ExportOptions("bibtex")
    age(*files(library))
    cached(library, options)
    opened = Library(library)
    _, chunks = opened.export_text(None, options)  # the whole text, from the open file
    assert opened._generation == -1
    os.truncate(render_cache_path(library), 10)  # by hand, in place
    with pytest.raises(LibraryError, match="changed while it was read; export again"):
        b"".join(chunks)


def test_a_changed_paper_is_rendered_with_its_abstract_found_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    library = make_library(tmp_path)
    options = ExportOptions("bibtex")
    age(*files(library))
    cached(library, options)
    Library(library).add_tags(["lee2024sparse"], ["fresh"])
    expected = fresh(library, options)

    def read_whole(store: AbstractStore) -> Mapping[str, str]:
        raise AssertionError("every abstract read for one changed paper")

    with monkeypatch.context() as patched:
        patched.setattr(AbstractStore, "texts", read_whole)
        text = cached(library, options)
    assert text == expected and b"sparsify" in text and b"fresh" in text
    # The cache names the abstracts file the text came from: trusted next time.
    age(*files(library))
    cached(library, options)
    with monkeypatch.context() as patched:
        patched.setattr(AbstractStore, "texts", read_whole)
        assert cached(library, options) == expected


@settings(max_examples=200, deadline=None)
@given(texts=st.lists(st.text(min_size=1), min_size=1, max_size=6, unique=True), pick=st.data())
def test_one_abstract_is_found_alone_whatever_the_texts_hold(
    texts: list[str], pick: st.DataObject
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "library.json"
        store = AbstractStore(abstracts_path(path), lock_of=SafeJSONStorage(path))
        # A text may quote another's digest as a JSON name: it must not be taken for it.
        digests = [abstract_digest(text) for text in texts]
        texts = [*texts, f'"{digests[0]}": "decoy"']
        with store._storage.locked():
            store.save({abstract_digest(text): text for text in texts}, [])
        wanted = pick.draw(st.sampled_from(texts))
        fresh_store = AbstractStore(abstracts_path(path), lock_of=SafeJSONStorage(path))
        assert fresh_store.text_of(abstract_digest(wanted)) == wanted
        assert fresh_store.text_of(abstract_digest(wanted + "x")) is None
        assert fresh_store.text_of("not a digest") is None


def test_a_text_edited_by_hand_is_not_found_alone(tmp_path: Path) -> None:
    library = make_library(tmp_path)
    [(digest, text)] = [
        (d, t)
        for d, t in orjson.loads(abstracts_path(library).read_bytes())["abstracts"].items()
        if "sparsify" in t
    ]
    edit_abstracts(library, " Edited by hand.")
    store = AbstractStore(abstracts_path(library), lock_of=SafeJSONStorage(library))
    assert store.text_of(digest) is None  # its digest no longer names it
    assert abstract_digest(text) == digest


# -- the layout's stand-ins ------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | st.sampled_from(["", "k", "o'brien:x", "€"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(["a", "b"]), inner),
    max_leaves=6,
)
SOURCE_FIELDS = st.fixed_dictionaries(
    {},
    optional={
        "file": JSON_VALUES,
        "format": JSON_VALUES,
        "key": JSON_VALUES,
        "raw": JSON_VALUES | st.dictionaries(st.sampled_from(["title", "year"]), JSON_VALUES),
        "strings": JSON_VALUES | st.dictionaries(st.sampled_from(["acm", "ieee"]), JSON_VALUES),
        "preamble": JSON_VALUES | st.lists(st.sampled_from(["\\relax", "x"]) | JSON_VALUES),
    },
)
RECORDS = st.fixed_dictionaries(
    {},
    optional={
        "key": JSON_VALUES,
        "aliases": JSON_VALUES | st.lists(st.sampled_from(["a", "b2024", "o'brien:x"])),
        "title": JSON_VALUES,
        "source": JSON_VALUES | SOURCE_FIELDS,
    },
)


@settings(max_examples=300, deadline=None)
@given(RECORDS)
def test_a_stand_in_reads_what_the_paper_reads(record: dict[str, Any]) -> None:
    from readlist.exporters import export_layout
    from readlist.store.layout_papers import layout_paper

    stand_in = layout_paper(record)
    paper = Paper.from_dict(record)
    if stand_in is None:
        return  # the caller builds the paper
    assert stand_in.key == paper.key and stand_in.aliases == paper.aliases
    assert (stand_in.source is None) == (paper.source is None)
    if paper.source is not None and paper.source.raw:
        assert stand_in.source == paper.source
    else:
        assert stand_in.source is None or not stand_in.source.raw
    for options in OPTIONS:
        made = [
            export_layout([it], options.format, ascii=options.ascii, dialect=options.dialect)
            for it in (stand_in, paper)
        ]
        assert made[0].contexts == made[1].contexts
        assert (made[0].head, made[0].empty) == (made[1].head, made[1].empty)


def test_after_one_change_only_the_changed_paper_is_built(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    library = make_library(tmp_path)
    options = ExportOptions("bibtex")
    age(*files(library))
    cached(library, options)
    Library(library).add_tags(["lamport1986"], ["fresh"])
    expected = fresh(library, options)
    built: list[str] = []
    from_dict = Paper.from_dict

    def counted(data: dict[str, Any], problems: list[str] | None = None) -> Paper:
        built.append(str(data.get("key")))
        return from_dict(data, problems)

    monkeypatch.setattr(Paper, "from_dict", counted)
    assert cached(library, options) == expected
    assert built == ["lamport1986"]

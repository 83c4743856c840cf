"""The fast BibTeX splitter gives exactly what bibtexparser gives, or hands the text over.

bibtexparser is the reference: on random .bib text, well-formed or not, the fast
path of ``parse_bibtex`` must yield the same papers, warnings and errors as the
bibtexparser path, and wherever ``split_entries`` answers, its entries must be
bibtexparser's entries. Pathological input must not make it slow.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from bibtexparser.entrypoint import parse_string
from bibtexparser.model import DuplicateFieldKeyBlock, Entry, ExplicitComment
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readlist.importers import ImportFormatError
from readlist.importers.bibtex import _parse_with_bibtexparser, comment_entry, parse_bibtex
from readlist.importers.bibtex_split import SplitEntry, SplitFile, split_entries

DATA = Path(__file__).parent / "data"

SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])

Outcome = tuple[str, object]


def outcome(parse: object, text: str) -> Outcome:
    """What a parse function made of ``text``: its result, or its error message."""
    try:
        return "ok", parse(text, source_name="fuzz.bib")  # type: ignore[operator]
    except ImportFormatError as error:
        return "error", str(error)


def reference_split(text: str) -> SplitFile | None:
    """bibtexparser's split of ``text`` (values as written), or None when it reports a problem."""
    library = parse_string(text, parse_stack=[])
    repeats = {
        id(block.ignore_error_block): frozenset(block.duplicate_keys)
        for block in library.failed_blocks
        if isinstance(block, DuplicateFieldKeyBlock)
    }
    if len(repeats) < len(library.failed_blocks):
        return None
    found = [
        block.ignore_error_block if isinstance(block, DuplicateFieldKeyBlock) else block
        for block in library.blocks
        if isinstance(block, Entry | DuplicateFieldKeyBlock)
        or (isinstance(block, ExplicitComment) and comment_entry(block) is not None)
    ]
    entries = []
    for block in found:
        entry = comment_entry(block) if isinstance(block, ExplicitComment) else block
        assert isinstance(entry, Entry)  # the filter above kept entries and entry comments
        assert entry.start_line is not None  # set by the parser
        fields = [(field.key, field.value) for field in entry.fields]
        repeated = repeats.get(id(entry), frozenset())
        entries.append(SplitEntry(entry.start_line, entry.entry_type, entry.key, fields, repeated))
    strings = [(string.key, string.value) for string in library.strings]
    preambles = [preamble.value.strip() for preamble in library.preambles]
    return SplitFile(entries, strings, preambles)


def assert_same_as_bibtexparser(text: str) -> list[SplitEntry] | None:
    split = split_entries(text)
    if split is not None:
        assert split == reference_split(text)
    assert outcome(parse_bibtex, text) == outcome(_parse_with_bibtexparser, text)
    return None if split is None else split.entries


# -- well-formed files: the fast path must answer, and agree ------------------------

SPACE = st.sampled_from(["", " ", "  ", "\n", "\n  ", "\t", "\r\n"])
SAFE_TEXT = st.lists(
    st.sampled_from(
        [
            "Plain", "words", " ", ", ", ": ", "--", "(x)", "{GAN}", "{{Nested} B}", r"M{\"u}ller",
            r"\"u", r"\'e", r"{\ss}", r"\&", r"\%", "50%", r"top\_k", "$V_1$", "~", "\n", "\n\n",
            "LeQua @ {CLEF}", "a@b.org", "https://github.com/a/b", r"\url{https://x.org/a}",
            "=", '"', "#", "ü", "Zoë", "and", " and ", "others", "2021", "sep", "\t",
        ]
    ),
    max_size=8,
).map("".join)  # fmt: skip
SAFE_QUOTED = SAFE_TEXT.map(lambda t: t.replace('"', "'"))
MACROS = ["jan", "sep", "acl", "ACL", "foo", "2021"]
PIECE = st.one_of(
    SAFE_TEXT.map(lambda t: "{" + t + "}"),
    SAFE_QUOTED.map(lambda t: '"' + t + '"'),
    st.sampled_from(["2021", "1999", "9", *MACROS, "n.d.", "x-y"]),
)
JOIN = st.sampled_from(["#", " # ", "\n  # ", "\t#"])


@st.composite
def value(draw: st.DrawFn) -> str:
    """A value as written: pieces joined by ``#``."""
    pieces = draw(st.lists(PIECE, min_size=1, max_size=3))
    return "".join(piece if not n else draw(JOIN) + piece for n, piece in enumerate(pieces))


VALUE = value()
FIELD_NAMES = [
    "title", "author", "year", "month", "day", "date", "abstract", "url", "doi", "eprint",
    "archivePrefix", "keywords", "primaryClass", "note", "journal", "pages", "howpublished",
]  # fmt: skip


@st.composite
def well_formed_entry(draw: st.DrawFn, key: str) -> str:
    names = draw(st.lists(st.sampled_from(FIELD_NAMES), unique_by=str.lower, max_size=6))
    fields = [
        f"{draw(SPACE)}{name}{draw(SPACE)}={draw(SPACE)}{draw(VALUE)}{draw(SPACE)}"
        for name in names
    ]
    entry_type = draw(st.sampled_from(["article", "Misc", "inproceedings", "software", "book "]))
    if not fields:
        return draw(st.sampled_from([f"@{entry_type}{{{key}}}", f"@{entry_type}{{{key},}}"]))
    trailing = draw(st.sampled_from(["", ",", f",{draw(SPACE)}"]))
    return f"@{entry_type}{{{key}," + ",".join(fields) + f"{trailing}}}"


@st.composite
def well_formed_file(draw: st.DrawFn) -> str:
    count = draw(st.integers(min_value=1, max_value=5))
    keys = [f"key{index}" for index in range(count)]
    blocks = [draw(well_formed_entry(key)) for key in keys]
    extras = st.lists(
        st.sampled_from(
            [
                '@string{acl = "Proceedings of the ACL"}',
                "@String{ foo = {Foo {Bar}} }",
                '@string{bar = foo # " and " # acl}',
                "@string{jan = {January}}",
                '@comment{a comment, with {braces} and "quotes}',
                '@preamble{ "\\newcommand{\\x}{y}" }',
                "% a TeX comment\n",
                "free text between entries\n",
                "",
            ]
        ),
        unique=True,  # a repeated @string is left to bibtexparser
        max_size=3,
    )
    for extra in draw(extras):
        blocks.insert(draw(st.integers(min_value=0, max_value=len(blocks))), extra)
    return "".join(block + draw(st.sampled_from(["\n", "\n\n", " ", "\r\n"])) for block in blocks)


@SETTINGS
@given(well_formed_file())
def test_well_formed_files_take_the_fast_path_and_agree(text: str) -> None:
    assert split_entries(text) is not None
    assert_same_as_bibtexparser(text)


# -- anything: the fast path agrees, or hands over -----------------------------------

ODD_PIECES = st.sampled_from(
    [
        "@article{", "@Misc {", "@{", "@article(", "@comment{", "@string{", "@preamble{",
        "@strings{", "@commentary{", "@book", ")", "k1", "k2", "K1", "a b", ",", ", ", "=",
        " = ", "title", "Title", "author", "year", "month", "abstract", "url", "{", "}", "{}",
        '"', '{"}', '\\"', "\\{", "\\}", "\\", "\\\n", "#", " # ", "@", "\n@", "\n  @misc{",
        "\n", "\r\n", "\t", " ", "x", "2021", "jan", "acl", "%", "$", "~", "\x00", "ü",
        "Title T", "{T}", "and", " and ", "others", "https://a.org/x", "\u202e", "\xa0",
        "\u2028", "\x0b", "\x1c", "\x85",
    ]
)  # fmt: skip
ANY_TEXT = st.one_of(
    st.lists(
        st.one_of(ODD_PIECES, well_formed_entry("k1"), well_formed_entry("k2")), max_size=25
    ).map("".join),
    st.text(max_size=200),
)


@SETTINGS
@given(ANY_TEXT)
def test_any_text_gives_what_bibtexparser_gives(text: str) -> None:
    assert_same_as_bibtexparser(text)


@pytest.mark.parametrize("name", ["bibtex_entries.bib", "malformed.bib"])
def test_data_files_give_what_bibtexparser_gives(name: str) -> None:
    assert_same_as_bibtexparser((DATA / name).read_text("utf-8"))


def test_values_are_split_as_written_on_the_fast_path() -> None:
    entries = assert_same_as_bibtexparser((DATA / "bibtex_entries.bib").read_text("utf-8"))
    assert entries is not None
    assert ("journal", "acl") in entries[0].fields


def test_concatenations_take_the_fast_path_as_written() -> None:
    text = '@string{stoc = "STOC"}\n@misc{k, booktitle = "Proc. ACM" #\n  stoc # {, 1984}}'
    split = split_entries(text)
    assert split is not None
    assert split.strings == [("stoc", '"STOC"')]
    assert split.entries[0].fields == [("booktitle", '"Proc. ACM" #\n  stoc # {, 1984}')]
    assert_same_as_bibtexparser(text)


def test_a_type_that_only_starts_with_comment_is_an_entry_on_both_paths() -> None:
    # jurabib's @COMMENTED (a legal commentary): BibTeX skips only @comment itself.
    text = "@COMMENTED{erm, title = {Kommentar}, year = 1993}\n@comment{not an entry}"
    split = split_entries(text)
    assert split is not None
    assert [(e.entry_type, e.key) for e in split.entries] == [("commented", "erm")]
    papers, _ = parse_bibtex(text)
    assert [(p.key, p.title) for p in papers] == [("erm", "Kommentar")]
    assert_same_as_bibtexparser(text)
    # ... also in a file only bibtexparser reads (a repeated key sends it there).
    odd = text + "\n@misc{k, title = {A}}\n@misc{k, title = {B}}"
    assert split_entries(odd) is None
    assert [p.key for p in parse_bibtex(odd)[0]] == ["erm", "k"]


def test_a_repeated_field_takes_the_fast_path_and_keeps_the_first_value() -> None:
    # One repeated field is no reason to hand a whole file to bibtexparser.
    text = "@misc{k, title = {T}, note = {n}, title = {U}}\n@misc{j, title = {V}}"
    split = split_entries(text)
    assert split is not None
    assert split.entries[0].repeated == {"title"}
    papers, warnings = parse_bibtex(text, source_name="r.bib")
    assert [paper.title for paper in papers] == ["T", "V"]
    assert warnings == ["line 1 (k): field(s) title given more than once; the first value is kept"]
    assert_same_as_bibtexparser(text)


@pytest.mark.parametrize(
    "text",
    [
        "@article(k, title = {T})",  # parentheses: bibtexparser's own rules
        "@misc{k, title = {T}}\n@misc{k, title = {U}}",  # repeated key
        "@misc{k, title = {T\n@misc{j, title = {U}}",  # never closed
        "@misc{k, title = {A\\\nB}}",  # escaped newline: bibtexparser's line count differs
        '@misc{k, title = "a{"}b"}',  # bibtexparser's {"} escape
        "@string{a = {x}}\n@string{A = {y}}\n@misc{k, title = a}",  # names differ only in case
    ],
)
def test_unusual_text_is_left_to_bibtexparser(text: str) -> None:
    assert split_entries(text) is None
    assert_same_as_bibtexparser(text)


# -- pathological input stays linear ---------------------------------------------------
# Sized so that anything quadratic would take minutes.

BIG = 100_000


@pytest.mark.parametrize(
    "text",
    [
        "@article{k, title = {" + "{" * BIG,
        "@article{k, title = {" + "{" * BIG + "}}",
        "@a{" * BIG,
        "@misc{k, title = {T}, abstract = {" + "\n  @" * BIG + "}}",
        '@misc{k, title = "' + '\\"' * BIG,
        "@misc{k, title = {" + "\\{" * BIG + "}}",
        "@" + "a" * BIG + " " * BIG,
        "@misc{" + " " * BIG,
        "@misc{k," + " x " * BIG,
        "\x00" * BIG + "@misc{k, title = {T}}",
        "@misc{k, title = {T}, author = {x" + " " * BIG + "y}}",
        "@misc{k, title = {T}, author = {" + "x and " * BIG + "y}}",
        "@misc{k, title = {T}, author = {" + "{" * BIG + "}}",
    ],
    ids=lambda text: repr(text[:24]),
)
def test_pathological_input_finishes(text: str) -> None:
    try:
        papers, warnings = parse_bibtex(text)
    except ImportFormatError as error:
        assert "\n" not in str(error)
    else:
        assert all(paper.title for paper in papers)
        assert all("\n" not in warning for warning in warnings)


def test_many_entries_take_the_fast_path() -> None:
    entry = "@misc{{k{0}, title = {{T {0}}}, author = {{Lee, Ann and Roe, Bo}}, year = 2021}}\n"
    text = "".join(entry.format(index) for index in range(20_000))
    entries = split_entries(text)
    assert entries is not None and len(entries.entries) == 20_000
    assert entries.entries[-1].start_line == 19_999
    papers, warnings = parse_bibtex(text)
    assert len(papers) == 20_000 and warnings == []
    assert papers[-1].authors == ["Ann Lee", "Bo Roe"]

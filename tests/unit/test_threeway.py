"""The three-way merge of library files (git's merge driver): per paper, per field, nothing lost."""

from __future__ import annotations

from typing import Any

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from readlist.store.format import META_TABLE, PAPERS_TABLE, Tables, meta_record
from readlist.store.threeway import (
    OURS_LABEL,
    THEIRS_LABEL,
    encode,
    merge_abstracts,
    merge_library,
    merge_paper,
)

Record = dict[str, Any]


def record(key: str, **fields: Any) -> Record:
    base: Record = {
        "key": key,
        "aliases": [],
        "title": f"Title of {key}",
        "authors": ["Ann Lee"],
        "tags": [],
        "status": "unread",
        "notes": "",
        "updated": "2026-12-01T00:00:00+00:00",
        "read_at": None,
    }
    base.update(fields)
    return base


def library(*records: Record) -> dict[str, dict[str, Any]]:
    return {
        PAPERS_TABLE: {str(n): r for n, r in enumerate(records, 1)},
        META_TABLE: meta_record("library"),
    }


def papers(tables: dict[str, dict[str, Any]]) -> dict[str, Record]:
    return {r["key"]: r for r in tables[PAPERS_TABLE].values()}


def test_tags_merge_as_sets_adds_and_removals_of_both_sides_survive() -> None:
    base = library(record("a", tags=["x", "y", "z"]))
    ours = library(record("a", tags=["x", "y", "mine"]))  # removed z, added mine
    theirs = library(record("a", tags=["y", "z", "theirs"]))  # removed x, added theirs
    merged, report = merge_library(base, ours, theirs)
    assert papers(merged)["a"]["tags"] == ["y", "mine", "theirs"]
    assert report.changed == ["a"] and not report.conflicts


def test_notes_merge_by_lines_and_a_clash_keeps_both_and_flags_the_paper() -> None:
    base = library(record("a", notes="one\ntwo\nthree"))
    ours = library(record("a", notes="ONE\ntwo\nthree"))
    theirs = library(record("a", notes="one\ntwo\nTHREE"))
    merged, _ = merge_library(base, ours, theirs)
    assert papers(merged)["a"]["notes"] == "ONE\ntwo\nTHREE"
    assert "conflicts" not in papers(merged)["a"]

    clash = library(record("a", notes="uno\ntwo\nthree"))
    merged, report = merge_library(base, ours, clash)
    note = papers(merged)["a"]["notes"]
    assert note == f"{OURS_LABEL}\nONE\n=======\nuno\n{THEIRS_LABEL}\ntwo\nthree"  # sorted
    assert merge_library(base, clash, ours)[0] == merged
    assert papers(merged)["a"]["conflicts"] == [
        "notes: both machines changed the same lines; both are kept between markers"
    ]
    assert report.conflicts == ["a"]


def test_status_changed_on_both_sides_takes_the_later_change_with_its_read_date() -> None:
    base = library(record("a"))
    ours = library(record("a", status="reading", updated="2026-12-02T00:00:00+00:00"))
    theirs = library(
        record("a", status="read", read_at="2026-12-03T00:00:00+00:00",
               updated="2026-12-03T00:00:00+00:00")
    )  # fmt: skip
    merged, report = merge_library(base, ours, theirs)
    paper = papers(merged)["a"]
    assert (paper["status"], paper["read_at"]) == ("read", "2026-12-03T00:00:00+00:00")
    assert paper["updated"] == "2026-12-03T00:00:00+00:00" and not report.conflicts
    merged, _ = merge_library(base, theirs, ours)  # the same from the other machine
    assert papers(merged)["a"]["status"] == "read"


def test_another_field_changed_on_both_sides_keeps_the_later_and_names_the_other() -> None:
    base = library(record("a"))
    early = library(record("a", title="Early", updated="2026-12-02T00:00:00+00:00"))
    late = library(record("a", title="Late", updated="2026-12-03T00:00:00+00:00"))
    for ours, theirs in ((early, late), (late, early)):
        merged, report = merge_library(base, ours, theirs)
        paper = papers(merged)["a"]
        assert paper["title"] == "Late"
        assert paper["conflicts"] == [
            "title: changed on both machines; kept 'Late' (the later change), the other was 'Early'"
        ]
        assert report.conflicts == ["a"]


def test_a_field_changed_on_both_sides_at_the_same_time_keeps_the_value_sorting_last() -> None:
    base = library(record("a"))
    mine, theirs = library(record("a", title="Mine")), library(record("a", title="Theirs"))
    for one, other in ((mine, theirs), (theirs, mine)):
        merged, _ = merge_library(base, one, other)
        assert papers(merged)["a"]["title"] == "Theirs"  # '"Theirs"' sorts after '"Mine"'


def test_removed_on_one_side_and_changed_on_the_other_is_kept_and_flagged() -> None:
    base = library(record("a"), record("b"))
    ours = library(record("b"))  # removed a
    theirs = library(record("a", tags=["keep"]), record("b"))
    merged, report = merge_library(base, ours, theirs)
    assert papers(merged)["a"]["tags"] == ["keep"]
    assert papers(merged)["a"]["conflicts"] == [
        "removed on one machine but changed on another: kept"
    ]
    # Removed on one side and untouched on the other: removed.
    merged, report = merge_library(base, ours, base)
    assert set(papers(merged)) == {"b"}
    merged, report = merge_library(base, base, ours)
    assert set(papers(merged)) == {"b"} and report.removed == ["a"]


def test_papers_added_on_each_side_are_all_kept_numbered_in_key_order() -> None:
    base = library(record("a"))
    ours = library(record("a"), record("zed"))
    theirs = library(record("a"), record("theirs1"), record("theirs2"))
    merged, report = merge_library(base, ours, theirs)
    table = merged[PAPERS_TABLE]
    assert [(doc_id, r["key"]) for doc_id, r in table.items()] == [
        ("1", "a"), ("2", "theirs1"), ("3", "theirs2"), ("4", "zed"),
    ]  # fmt: skip
    # Added on one side only, they keep that side's ids.
    assert list(merge_library(base, ours, base)[0][PAPERS_TABLE]) == ["1", "2"]
    assert report.added == ["theirs1", "theirs2"]
    assert encode(merge_library(base, theirs, ours)[0]) == encode(merged)


def test_the_same_paper_added_on_both_sides_under_two_keys_is_one_with_an_alias() -> None:
    base = library()
    paper = {"title": "Attention Is All You Need", "authors": ["Ashish Vaswani"]}
    ours = library(record("vaswani2017attention", tags=["a"], **paper))
    theirs = library(record("Vaswani17", tags=["b"], **paper))
    merged, _ = merge_library(base, ours, theirs)
    (only,) = papers(merged).values()
    assert only["key"] == "Vaswani17"  # sorts first (by code point: capitals first)
    assert only["aliases"] == ["vaswani2017attention"] and only["tags"] == ["a", "b"]
    assert encode(merge_library(base, theirs, ours)[0]) == encode(merged)


def test_a_rekey_on_one_side_meets_a_tag_on_the_other() -> None:
    base = library(record("old", tags=["x"]))
    ours = library(record("new", aliases=["old"], tags=["x"]))  # readlist rekey
    theirs = library(record("old", tags=["x", "y"]))
    merged, report = merge_library(base, ours, theirs)
    (only,) = papers(merged).values()
    assert (only["key"], only["aliases"], only["tags"]) == ("new", ["old"], ["x", "y"])
    assert not report.conflicts
    # And seen from the other machine.
    merged, _ = merge_library(base, theirs, ours)
    (only,) = papers(merged).values()
    assert (only["key"], only["aliases"], only["tags"]) == ("new", ["old"], ["x", "y"])


def test_abstracts_files_unite() -> None:
    meta = meta_record("abstracts")
    ours = {"abstracts": {"aa": "A"}, META_TABLE: meta}
    theirs = {"abstracts": {"bb": "B", "aa": "A"}, META_TABLE: meta}
    assert merge_abstracts(None, ours, theirs)["abstracts"] == {"aa": "A", "bb": "B"}


# -- properties ----------------------------------------------------------------------

TAGS = st.lists(st.sampled_from(["a", "b", "c", "d", "e"]), unique=True, max_size=5)
LINES = st.lists(st.sampled_from(["x", "y", "z", "w", ""]), max_size=5).map("\n".join)
STATUS = st.sampled_from(["unread", "reading", "read"])


@st.composite
def versions(draw: st.DrawFn) -> tuple[Record, Record, Record]:
    base = record("k", tags=draw(TAGS), notes=draw(LINES), status=draw(STATUS))

    def edit() -> Record:
        changed = dict(base)
        if draw(st.booleans()):
            changed["tags"] = draw(TAGS)
        if draw(st.booleans()):
            changed["notes"] = draw(LINES)
        if draw(st.booleans()):
            changed["status"] = draw(STATUS)
        changed["updated"] = draw(st.sampled_from(["2026-12-02", "2026-12-03"]))
        return changed

    return base, edit(), edit()


@settings(max_examples=300, deadline=None)
@given(versions())
def test_merge_properties(three: tuple[Record, Record, Record]) -> None:
    base, ours, theirs = three
    merged = merge_paper(base, ours, theirs)
    assert merged is not None
    assert merge_paper(base, ours, theirs) == merged  # deterministic
    assert merge_paper(base, ours, base) == ours  # merge(O, A, O) == A
    assert merge_paper(base, base, theirs) == theirs
    # No tag added on either side is lost unless removed on the other.
    for side in (ours, theirs):
        for tag in set(side["tags"]) - set(base["tags"]):
            assert tag in merged["tags"]
        for tag in set(base["tags"]) - set(side["tags"]):
            assert tag not in merged["tags"]
        # No line of either side's note disappears.
        for line in side["notes"].split("\n"):
            if line and line not in base["notes"].split("\n"):
                assert line in merged["notes"].split("\n")


@settings(max_examples=300, deadline=None)
@given(versions())
def test_one_paper_merges_the_same_whichever_side_is_ours(
    three: tuple[Record, Record, Record],
) -> None:
    base, ours, theirs = three
    merged = merge_paper(base, ours, theirs)
    assert orjson.dumps(merged) == orjson.dumps(merge_paper(base, theirs, ours))


KEYS = ["k1", "k2", "k3", "k4"]
TITLES = st.sampled_from(["One", "Two", "Attention"])
STAMPS = st.sampled_from(["2026-12-02T00:00:00+00:00", "2026-12-03T00:00:00+00:00"])


@st.composite
def libraries(draw: st.DrawFn) -> tuple[Tables, Tables, Tables]:
    """A base library and two machines' edits of it, document ids as TinyDB gives them."""
    base_keys = draw(st.lists(st.sampled_from(KEYS[:3]), unique=True, max_size=3))
    base_records = {
        str(n): record(key, tags=draw(TAGS), notes=draw(LINES), title=draw(TITLES))
        for n, key in enumerate(base_keys, 1)
    }

    def edit() -> Tables:
        table = {doc_id: dict(r) for doc_id, r in base_records.items()}
        for doc_id in list(table):
            choice = draw(st.sampled_from(["keep", "edit", "edit", "remove"]))
            if choice == "remove":
                del table[doc_id]
            elif choice == "edit":
                changed = table[doc_id]
                for name, values in (("tags", TAGS), ("notes", LINES), ("status", STATUS)):
                    if draw(st.booleans()):
                        changed[name] = draw(values)
                if draw(st.booleans()):
                    changed["title"] = draw(TITLES)
                changed["updated"] = draw(STAMPS)
        for key in draw(st.lists(st.sampled_from(KEYS), unique=True, max_size=2)):
            if any(r["key"] == key for r in table.values()):
                continue
            next_id = max((int(doc_id) for doc_id in table), default=0) + 1
            table[str(next_id)] = record(
                key, title=draw(TITLES), tags=draw(TAGS), notes=draw(LINES), updated=draw(STAMPS)
            )
        return {PAPERS_TABLE: table, META_TABLE: meta_record("library")}

    base = {PAPERS_TABLE: base_records, META_TABLE: meta_record("library")}
    return base, edit(), edit()


@settings(max_examples=400, deadline=None)
@given(libraries())
def test_library_merge_is_symmetric_byte_for_byte_and_loses_nothing(
    three: tuple[Tables, Tables, Tables],
) -> None:
    base, ours, theirs = three
    merged, _ = merge_library(base, ours, theirs)
    assert encode(merge_library(base, theirs, ours)[0]) == encode(merged)
    assert encode(merge_library(base, ours, ours)[0]) == encode(ours)
    assert encode(merge_library(base, ours, base)[0]) == encode(ours)  # merge(O, A, O) == A
    assert encode(merge_library(base, base, theirs)[0]) == encode(theirs)
    doc_ids = list(merged[PAPERS_TABLE])
    assert len(set(doc_ids)) == len(doc_ids)
    result = {r["key"]: r for r in merged[PAPERS_TABLE].values()}
    for alias_holder in list(result.values()):
        for alias in alias_holder["aliases"]:
            result.setdefault(alias, alias_holder)
    old = papers(base)
    for side, other_side in ((ours, theirs), (theirs, ours)):
        others = papers(other_side)
        for key, paper in papers(side).items():
            before = old.get(key)
            unchanged = before is not None and {**paper, "updated": ""} == {
                **before,
                "updated": "",
            }
            if key not in result:  # only a removal on the other side of an untouched paper
                assert unchanged and key not in others
                continue
            got = result[key]
            old_tags = set(before["tags"]) if before else set()
            other = others.get(key)
            removed_there = old_tags - set(other["tags"]) if other and before else set()
            for tag in set(paper["tags"]) - old_tags:
                assert tag in got["tags"]  # a tag added on a side stays...
            for tag in removed_there:
                if got["key"] == key and not (before and "conflicts" in got):
                    assert tag not in got["tags"]  # ...and one removed on a side goes
            old_lines = before["notes"].split("\n") if before else []
            for line in paper["notes"].split("\n"):
                if line and line not in old_lines:
                    assert line in got["notes"].split("\n")  # no note text lost


DIGESTS = st.dictionaries(st.sampled_from(["aa", "bb", "cc", "dd"]), st.sampled_from(["A", "B"]))


@settings(max_examples=200, deadline=None)
@given(DIGESTS, DIGESTS, DIGESTS)
def test_abstracts_merge_symmetrically_and_keep_every_digest(
    old: dict[str, str], mine: dict[str, str], other: dict[str, str]
) -> None:
    meta = meta_record("abstracts")
    base, ours, theirs = ({"abstracts": t, META_TABLE: meta} for t in (old, mine, other))
    merged = merge_abstracts(base, ours, theirs)
    assert encode(merged) == encode(merge_abstracts(base, theirs, ours))
    assert merge_abstracts(base, ours, base) == ours  # merge(O, A, O) == A
    if mine != old:  # (equal to the base but in another order: either order is A)
        assert encode(merge_abstracts(base, ours, base)) == encode(ours)
    if mine != old and other != old:
        assert set(merged["abstracts"]) == set(mine) | set(other)


@st.composite
def three_machines(draw: st.DrawFn) -> tuple[Tables, Tables, Tables, Tables]:
    """A base and three machines' edits of it: tags, removals, papers added (with ids)."""
    base_keys = draw(st.lists(st.sampled_from(KEYS[:3]), unique=True, max_size=3))
    base_records = {str(n): record(key, tags=draw(TAGS)) for n, key in enumerate(base_keys, 1)}

    def edit() -> Tables:
        table = {doc_id: dict(r) for doc_id, r in base_records.items()}
        for doc_id in list(table):
            choice = draw(st.sampled_from(["keep", "tags", "remove"]))
            if choice == "remove":
                del table[doc_id]
            elif choice == "tags":
                table[doc_id]["tags"] = draw(TAGS)
                table[doc_id]["updated"] = draw(STAMPS)
        # (A paper removed and added again under its old key is left out: its id may
        # then depend on the order of the merges.)
        for key in draw(st.lists(st.sampled_from([*KEYS, "k5", "k6"]), unique=True, max_size=2)):
            if key not in base_keys:
                next_id = max((int(doc_id) for doc_id in table), default=0) + 1
                table[str(next_id)] = record(key, tags=draw(TAGS), updated=draw(STAMPS))
        return {PAPERS_TABLE: table, META_TABLE: meta_record("library")}

    base = {PAPERS_TABLE: base_records, META_TABLE: meta_record("library")}
    return base, edit(), edit(), edit()


def merged_in_every_order(base: Tables, a: Tables, b: Tables, c: Tables) -> set[bytes]:
    """The bytes of three machines' libraries merged in four orders (one, if symmetric)."""

    def merge(ours: Tables, theirs: Tables) -> Tables:
        return merge_library(base, ours, theirs)[0]

    return {
        encode(merge(c, merge(a, b))),
        encode(merge(a, merge(b, c))),
        encode(merge(b, merge(c, a))),
        encode(merge(merge(b, a), c)),
    }


@settings(max_examples=300, deadline=None)
@given(three_machines())
def test_three_machines_merged_in_any_order_give_the_same_bytes(
    four: tuple[Tables, Tables, Tables, Tables],
) -> None:
    base, a, b, c = four

    assert len(merged_in_every_order(base, a, b, c)) == 1


def test_tag_lists_reordered_and_a_removal_merge_alike_in_any_order() -> None:
    # Found by the property above: a paper removed on one machine and its tags
    # reordered differently on two others gave two results, by the merges' order.
    def library(tags: list[str] | None) -> Tables:
        papers = {"1": record("k1")}
        if tags is not None:
            updated = (
                "2026-12-01T00:00:00+00:00"
                if tags == list("abcde")
                else "2026-12-02T00:00:00+00:00"
            )
            papers["2"] = record("k3", tags=tags, updated=updated)
        return {PAPERS_TABLE: papers, META_TABLE: meta_record("library")}

    base, a, b, c = (
        library(list("abcde")),
        library(None),
        library(list("abced")),
        library(list("abdce")),
    )

    assert len(merged_in_every_order(base, a, b, c)) == 1

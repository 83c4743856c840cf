"""Identity and field-by-field merging of papers (readlist.merge), as pure functions."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from readlist import merge
from readlist.merge import identity, merge_papers, record_tokens, same_paper, title_key
from readlist.models import Link, LinkKind, Paper, Source

GITHUB = Link("https://github.com/SqueezeAILab/SqueezeLLM", LinkKind.CODE)


@pytest.fixture(autouse=True)
def cold_merge_caches() -> None:
    """Each test computes its keys afresh, so it checks the code, not an earlier test's cache."""
    for cached in (merge.title_key, merge.author_key, merge._field_ids, merge._is_latin):
        cached.cache_clear()


def bib(title: str, authors: list[str], **fields: str) -> Paper:
    """A paper as the BibTeX importer gives it, with raw ``fields``."""
    return Paper(
        title=title,
        authors=authors,
        source=Source("refs.bib", "bibtex", "article", "k", dict(fields)),
    )


def listing() -> Paper:
    """A rich listing paper: truncated authors, affiliations, a day-precise date, code."""
    return Paper(
        title="SqueezeLLM: Dense-and-Sparse Quantization",
        authors=["Sehoon Kim", "Coleman Hooper", "Amir Gholami"],
        authors_truncated=True,
        affiliations=["berkeley"],
        category="cs.CL",
        published="2023-06-13",
        abstract="Our code is available at https://github.com/SqueezeAILab/SqueezeLLM.",
        has_code=True,
        links=[GITHUB],
        source=Source("listing.txt", "listing"),
    )


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("C++ for Machine Learning", "C# for Machine Learning"),
        ("C++ for Machine Learning", "C for Machine Learning"),
        (r"$\alpha$-Nets", "A-Nets"),
        ("α-Nets", "A-Nets"),
        ("语言模型的研究", "预言模型的研究"),
        ("A* Search Revisited", "A Search Revisited"),
        ("Recall@1 Is Not Enough", "Recall 1 Is Not Enough"),
        ("がくしゅう", "かくしゅう"),
    ],
)
def test_titles_that_differ_in_meaning_have_different_keys(one: str, other: str) -> None:
    assert title_key(one) != title_key(other)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Aligning  models!", "aligning models"),
        (r"$\alpha$-Nets", "α-Nets"),
        (r"$\Omega$-Nets", "Ω-NETS"),
        ("Müller's Theorem", "Muller's theorem"),
        ("Ｆｕｌｌ‐width: Ｔｅｘｔ", "full width text"),
    ],
)
def test_titles_that_differ_in_form_only_have_equal_keys(one: str, other: str) -> None:
    assert title_key(one) == title_key(other)


def test_same_title_and_author_with_different_arxiv_ids_are_two_papers() -> None:
    one = bib("Attention", ["Ann Lee"], eprint="2301.00001", archiveprefix="arXiv")
    other = bib("Attention", ["Ann Lee"], eprint="2301.00002v3", archiveprefix="arXiv")
    assert not same_paper(identity(one), identity(other))


def test_same_title_and_author_with_different_dois_are_two_papers() -> None:
    one = bib("Attention", ["Ann Lee"], doi="10.1000/one")
    other = bib("Attention", ["Ann Lee"], doi="10.1000/two")
    assert not same_paper(identity(one), identity(other))


def test_equal_identifiers_in_any_spelling_are_one_paper_whatever_the_title() -> None:
    eprint = bib("A Preprint Title", ["Ann Lee"], eprint="arXiv:2306.07629v2")
    arxiv_doi = bib("The Published Title", ["A. Lee"], doi="10.48550/arXiv.2306.07629")
    pdf_link = Paper(title="Other", links=[Link("https://arxiv.org/pdf/2306.07629v1.pdf")])
    assert same_paper(identity(eprint), identity(arxiv_doi))
    assert same_paper(identity(eprint), identity(pdf_link))
    doi = bib("One", ["Ann Lee"], doi="10.1145/ABC.def")
    doi_url = Paper(title="Two", links=[Link("https://doi.org/10.1145/abc.DEF")])
    doi_field_url = bib("Three", [], doi="https://dx.doi.org/10.1145/abc.def")
    assert same_paper(identity(doi), identity(doi_url))
    assert same_paper(identity(doi), identity(doi_field_url))


def test_an_arxiv_link_the_abstract_mentions_is_not_the_papers_identifier() -> None:
    cites = Paper(
        title="Attention",
        authors=["Ann Lee"],
        abstract="We build on https://arxiv.org/abs/2101.00001 and improve it.",
        links=[Link("https://arxiv.org/abs/2101.00001")],
    )
    own = bib("Attention", ["Ann Lee"], eprint="2309.99999")
    assert identity(cites).arxiv == frozenset()
    assert same_paper(identity(cites), identity(own))


def test_title_only_match_never_overrides_different_identifiers() -> None:
    with_authors = bib("Attention", ["Ann Lee"], doi="10.1/a")
    no_authors = bib("Attention", [], doi="10.1/b")
    assert not same_paper(identity(with_authors), identity(no_authors))
    assert same_paper(identity(with_authors), identity(bib("Attention", [])))


def test_first_author_compared_by_family_name_and_initial() -> None:
    assert same_paper(
        identity(Paper(title="T", authors=["Zhiqing Sun"])),
        identity(Paper(title="T", authors=["Z. Sun", "X"])),
    )
    assert not same_paper(
        identity(Paper(title="T", authors=["Ann Lee"])),
        identity(Paper(title="T", authors=["Bob Lee"])),
    )


def test_poorer_source_erases_nothing_and_adds_its_identifiers() -> None:
    rich = listing()
    poor = bib(
        "SqueezeLLM: Dense-and-Sparse Quantization",
        ["Sehoon Kim", "Coleman Hooper", "Amir Gholami"],
        eprint="2306.07629",
        archiveprefix="arXiv",
    )
    poor.published = "2023"
    poor.links = [Link("https://arxiv.org/abs/2306.07629")]
    merged = merge_papers(rich, poor)
    assert merged.abstract == rich.abstract
    assert merged.affiliations == ["berkeley"]
    assert merged.published == "2023-06-13"
    assert merged.authors == rich.authors and merged.authors_truncated  # et al. kept
    assert merged.links == [GITHUB, Link("https://arxiv.org/abs/2306.07629")]
    assert merged.has_code and merged.code_url == GITHUB.url
    assert merged.category == "cs.CL"
    assert merged.source is not None and merged.source.fields["eprint"] == "2306.07629"
    assert merged.source.entry_type == "article" and merged.source.file == "refs.bib"
    assert identity(merged).arxiv == {"2306.07629"}


def test_richer_facts_replace_poorer_ones() -> None:
    poor = Paper(title="T", authors=["Ann Lee", "Bob Ray"], authors_truncated=True)
    poor.published = "2023"
    full = Paper(
        title="T",
        authors=["Ann Lee", "Bob Ray", "Cy Dee"],
        published="2023-06",
        category="cs.LG",
        abstract="new",
        affiliations=["mit"],
    )
    merged = merge_papers(poor, full)
    assert merged.authors == full.authors and not merged.authors_truncated
    assert (merged.published, merged.category, merged.abstract) == ("2023-06", "cs.LG", "new")
    assert merged.affiliations == ["mit"]
    # A full list that names no more than the truncated one does not drop the et al.
    same_names = Paper(title="T", authors=["Ann Lee", "Bob Ray"])
    assert merge_papers(poor, same_names).authors_truncated
    # A truncated list never replaces a full one.
    assert merge_papers(full, poor).authors == full.authors


def test_a_source_without_authors_still_updates_every_other_fact() -> None:
    known = listing()
    search = Paper(
        title=known.title,
        abstract="A better abstract.",
        published="2023-06-14",
        category="cs.LG",
        source=Source("search.txt", "search"),
    )
    merged = merge_papers(known, search)
    assert merged.authors == known.authors and merged.authors_truncated
    assert merged.affiliations == known.affiliations
    assert (merged.abstract, merged.published, merged.category) == (
        "A better abstract.",
        "2023-06-14",
        "cs.LG",
    )
    assert merged.source is not None and merged.source.file == "search.txt"


def test_merge_that_teaches_nothing_keeps_the_source_file() -> None:
    known = listing()
    same_elsewhere = known.copy()
    assert same_elsewhere.source is not None
    same_elsewhere.source.file = "renamed.txt"
    assert merge_papers(known, same_elsewhere) == known


def test_a_plain_misc_does_not_replace_a_known_entry_type() -> None:
    article = bib("T", ["Ann Lee"], journal="J. Tests")
    misc = bib("T", ["Ann Lee"], doi="10.1/x", journal="")
    assert misc.source is not None
    misc.source.entry_type = "misc"
    merged = merge_papers(article, misc)
    assert merged.source is not None and merged.source.entry_type == "article"
    assert merged.source.fields == {"journal": "J. Tests", "doi": "10.1/x"}
    assert merge_papers(misc, article).source.entry_type == "article"  # type: ignore[union-attr]


def test_merge_keeps_the_users_data_and_unites_tags() -> None:
    known = listing()
    known.key, known.notes, known.tags = "kim2023squeezellm", "mine", ["llm"]
    incoming = listing()
    incoming.key, incoming.tags = "other", ["Quantization"]
    merged = merge_papers(known, incoming, ["Week 1"])
    assert (merged.key, merged.notes) == ("kim2023squeezellm", "mine")
    assert merged.tags == ["llm", "quantization", "week-1"]


# -- properties ------------------------------------------------------------------

_text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30)
_tag = st.from_regex(r"[a-z0-9\-]{1,8}", fullmatch=True)
_date = st.one_of(
    st.none(),
    st.from_regex(r"20[0-9]{2}(-(0[1-9]|1[0-2])(-(0[1-9]|1[0-9]|2[0-8]))?)?", fullmatch=True),
)
_link = st.builds(
    Link,
    url=st.one_of(
        st.from_regex(r"https://arxiv\.org/abs/2[0-9]{3}\.0000[0-9]", fullmatch=True),
        st.from_regex(r"https://doi\.org/10\.1/[a-c]", fullmatch=True),
        st.from_regex(r"https://github\.com/[a-c]/[a-c]", fullmatch=True),
    ),
    kind=st.sampled_from(LinkKind),
)
_fields = st.dictionaries(
    st.sampled_from(["eprint", "doi", "journal", "archiveprefix"]),
    st.one_of(st.sampled_from(["2301.00001", "10.1/a", "10.1/b", "arXiv", ""]), _text),
    max_size=3,
)
_source = st.one_of(
    st.none(),
    st.builds(
        Source,
        file=st.sampled_from(["a.bib", "b.txt"]),
        format=st.sampled_from(["bibtex", "listing", "search"]),
        entry_type=st.one_of(st.none(), st.sampled_from(["misc", "article"])),
        key=st.one_of(st.none(), st.sampled_from(["k1", "k2"])),
        fields=_fields,
    ),
)
papers = st.builds(
    Paper,
    title=st.one_of(st.sampled_from(["C++ Nets", "C# Nets", r"$\alpha$-Nets", "A-Nets"]), _text),
    authors=st.lists(st.sampled_from(["Ann Lee", "A. Lee", "Bob Ray", "李明", "Émile Zola"])),
    authors_truncated=st.booleans(),
    affiliations=st.lists(_text, max_size=2),
    category=st.one_of(st.none(), st.sampled_from(["cs.CV", "cs.CL"])),
    published=_date,
    abstract=_text,
    has_code=st.booleans(),
    links=st.lists(_link, max_size=3, unique_by=lambda link: link.url),
    tags=st.lists(_tag, max_size=3, unique=True).map(sorted),
    source=_source,
)


@settings(max_examples=300)
@given(papers)
def test_merging_a_paper_with_itself_changes_nothing(paper: Paper) -> None:
    assert merge_papers(paper, paper.copy()) == paper


@settings(max_examples=300)
@given(papers, papers)
def test_merging_never_empties_a_non_empty_field(current: Paper, incoming: Paper) -> None:
    merged = merge_papers(current, incoming)
    for name in ("title", "authors", "affiliations", "category", "published", "abstract"):
        if getattr(current, name):
            assert getattr(merged, name), name
    assert set(current.links) <= set(merged.links)
    assert set(current.tags) <= set(merged.tags)
    assert merged.has_code >= current.has_code
    assert len(merged.published or "") >= len(current.published or "")
    if current.authors and current.authors_truncated is False and incoming.authors_truncated:
        assert merged.authors == current.authors and not merged.authors_truncated
    if current.source is not None:
        assert merged.source is not None
        for name, value in current.source.fields.items():
            assert merged.source.fields.get(name, "").strip() or not value.strip()


@settings(max_examples=500)
@given(papers, papers)
def test_identity_is_symmetric(one: Paper, other: Paper) -> None:
    assert same_paper(identity(one), identity(other)) == same_paper(identity(other), identity(one))
    assert same_paper(identity(one), identity(one.copy())) == bool(
        title_key(one.title) or identity(one).arxiv or identity(one).doi
    )


# -- identifiers of stored records and BibTeX fields -------------------------------


@pytest.mark.parametrize(
    ("fields", "arxiv", "doi"),
    [
        ({"eprint": "2306.07629v2"}, {"2306.07629"}, set()),  # no prefix: arXiv assumed
        ({"eprint": "2306.07629", "archiveprefix": " arXiv "}, {"2306.07629"}, set()),
        ({"eprint": "2306.07629", "eprinttype": "arxiv"}, {"2306.07629"}, set()),  # biblatex
        ({"eprint": "2306.07629", "archiveprefix": "PubMed"}, set(), set()),  # another archive
        ({"eprint": "2306.07629", "eprinttype": "jstor"}, set(), set()),
        ({"doi": "10.1/X"}, set(), {"10.1/x"}),
        ({"doi": "10.48550/arXiv.2306.07629"}, {"2306.07629"}, set()),
        ({"eprint": "2101.00001", "doi": "10.1/x"}, {"2101.00001"}, {"10.1/x"}),
        ({"journal": "J"}, set(), set()),
    ],
)
def test_identifiers_read_from_bibtex_fields(
    fields: dict[str, str], arxiv: set[str], doi: set[str]
) -> None:
    ident = identity(bib("T", ["Ann Lee"], **fields))
    assert (ident.arxiv, ident.doi) == (frozenset(arxiv), frozenset(doi))
    expected = [f"arxiv:{a}" for a in sorted(arxiv)] + [f"doi:{d}" for d in sorted(doi)]
    assert ident.tokens() == expected
    assert record_tokens(bib("T", ["Ann Lee"], **fields).to_dict()) == ("t", expected)


def test_record_tokens_name_a_stored_papers_title_and_identifiers() -> None:
    stored = Paper(
        title="SqueezeLLM: Dense-and-Sparse Quantization",
        abstract="We build on https://arxiv.org/abs/2101.00001.",
        links=[
            Link("https://arxiv.org/abs/2101.00001"),  # included: a superset is enough
            Link("https://doi.org/10.1145/ABC"),
            GITHUB,
        ],
        source=Source("refs.bib", "bibtex", "article", "k", {"eprint": "2306.07629"}),
    )
    assert record_tokens(stored.to_dict()) == (
        "squeezellm dense and sparse quantization",
        ["arxiv:2101.00001", "arxiv:2306.07629", "doi:10.1145/abc"],
    )


@pytest.mark.parametrize(
    "record",
    [
        {},
        {"title": 5, "source": "refs.bib", "links": "https://arxiv.org/abs/2101.00001"},
        {"title": "T", "source": {"fields": "eprint"}, "links": [5, {"url": 5}, {}]},
        {"title": "T", "source": None, "links": None},
    ],
)
def test_record_tokens_of_a_hand_edited_record_name_only_what_is_well_formed(
    record: dict[str, object],
) -> None:
    title = "t" if record.get("title") == "T" else ""
    assert record_tokens(record) == (title, [])
    good_link = {"url": "https://arxiv.org/abs/2101.00001v3"}
    written = record.get("links")
    links = [*(written if isinstance(written, list) else []), good_link]
    assert record_tokens({**record, "links": links}) == (title, ["arxiv:2101.00001"])


@settings(max_examples=300)
@given(papers)
def test_record_tokens_find_every_identifier_of_the_paper(paper: Paper) -> None:
    title, tokens = record_tokens(paper.to_dict())
    assert title == identity(paper).title
    assert set(identity(paper).tokens()) <= set(tokens)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        (r"Sorting in $O(n \log n)$", "Sorting in O(n log n)"),  # not Greek: the name stays
        (r"$\ell_1$-Norms", "ell_1 norms"),
        (r"$\Gamma$-Convergence", "Γ-convergence"),
    ],
)
def test_latex_math_macros_read_as_their_names(one: str, other: str) -> None:
    assert title_key(one) == title_key(other)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Why ∑ Matters", "Why Matters"),  # a math symbol carries meaning
        ("x ≤ y in Übersetzung", "x y in Übersetzung"),
        ("C# für Maschinen", "C für Maschinen"),  # kept symbols in a non-ASCII title too
        ("C++ für Maschinen", "C für Maschinen"),
    ],
)
def test_symbols_that_carry_meaning_are_kept_in_any_script(one: str, other: str) -> None:
    assert title_key(one) != title_key(other)


def test_an_author_list_at_least_as_long_replaces_the_known_one() -> None:
    none = Paper(title="T")
    initials = Paper(title="T", authors=["A. Lee", "B. Ray"])
    spelled = Paper(title="T", authors=["Ann Lee", "Bob Ray"])
    more = Paper(title="T", authors=["Ann Lee", "Bob Ray", "Cy Dee"])
    assert merge_papers(none, initials).authors == initials.authors
    assert merge_papers(initials, spelled).authors == spelled.authors
    assert merge_papers(spelled, more).authors == more.authors
    assert merge_papers(more, spelled).authors == more.authors


def test_links_are_united_each_url_once() -> None:
    arxiv = Link("https://arxiv.org/abs/2306.07629")
    merged = merge_papers(Paper(title="T"), Paper(title="T", links=[arxiv, arxiv, GITHUB]))
    assert merged.links == [arxiv, GITHUB]


def test_a_known_citation_key_stays_and_a_missing_one_is_learned() -> None:
    keyless = Paper(title="T", source=Source("list.txt", "listing"))
    first = Paper(title="T", source=Source("a.bib", "bibtex", "article", "lee2023"))
    second = Paper(title="T", source=Source("b.bib", "bibtex", "article", "other"))
    learned = merge_papers(keyless, first)
    assert learned.source is not None and learned.source.key == "lee2023"
    assert (learned.source.file, learned.source.format) == ("a.bib", "bibtex")
    kept = merge_papers(learned, second)
    assert kept.source is not None and kept.source.key == "lee2023"


def test_a_bib_preamble_is_learned_from_the_file_that_has_one() -> None:
    known = Paper(title="T", source=Source("a.bib", "bibtex", "article", "k"))
    incoming = Paper(
        title="T",
        source=Source(
            "a.bib",
            "bibtex",
            "article",
            "k",
            {"journal": "J"},
            {"journal": "{J}"},
            preamble=[r"\newcommand{\x}{x}"],
        ),
    )
    merged = merge_papers(known, incoming)
    assert merged.source is not None and merged.source.preamble == [r"\newcommand{\x}{x}"]


def test_tags_already_known_in_any_order_change_nothing() -> None:
    known = Paper(title="T", tags=["zeta", "alpha"])
    assert merge_papers(known, Paper(title="T", tags=["alpha"]), ["zeta", "  "]) == known


def test_identifiers_in_their_other_spellings() -> None:
    old_style = bib("One", ["Ann Lee"], eprint="hep-th/9901001")
    old_link = Paper(title="Two", links=[Link("https://arxiv.org/abs/hep-th/9901001v2")])
    assert identity(old_style).arxiv == identity(old_link).arxiv == {"hep-th/9901001"}
    escaped = bib("One", ["Ann Lee"], doi=r"10.1000/a\_b")
    assert (
        identity(escaped).doi
        == identity(Paper(title="Two", links=[Link("https://doi.org/10.1000/a_b")])).doi
        == {"10.1000/a_b"}
    )


@pytest.mark.parametrize("doi", ["abc/def", "10.1000", "see the journal", ""])
def test_a_doi_field_that_is_no_doi_names_nothing(doi: str) -> None:
    assert identity(bib("T", ["Ann Lee"], doi=doi)).doi == frozenset()


def test_an_arxiv_page_that_is_no_paper_names_nothing() -> None:
    listing_page = Paper(title="T", links=[Link("https://arxiv.org/list/cs.LG/recent")])
    assert identity(listing_page) == identity(Paper(title="T"))


def test_a_doi_link_the_abstract_mentions_in_any_case_is_not_the_papers_identifier() -> None:
    cites = Paper(
        title="T",
        abstract="We extend https://doi.org/10.1145/ABC.Def here.",
        links=[Link("https://doi.org/10.1145/abc.def")],
    )
    assert identity(cites).doi == frozenset()

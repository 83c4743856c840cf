"""Free words match at word starts; phrases match whole words; both case- and accent-folded."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from readlist.models import Paper, fold
from readlist.query import parse_query, search_text
from readlist.query.words import (
    fold_words,
    folded_names,
    folded_text,
    matches_words,
    phrase_needle,
    word_needle,
)


def finds(query: str, *texts: str) -> list[str]:
    """The texts (each a paper's title) that ``query`` matches."""
    papers = [Paper(key=f"p{index}", title=text) for index, text in enumerate(texts)]
    return [paper.title for paper in parse_query(query).filter(papers)]


@pytest.mark.parametrize(
    ("query", "text", "found"),
    [
        ("lora", "Efficient exploration in RL", False),
        ("lora", "Snow in Colorado", False),
        ("lora", "LoRA: Low-Rank Adaptation", True),
        ("lora", "Fine-tuning with lora adapters", True),
        ("or", "Efficient exploration", False),
        ("or", "Order matters", True),
        ("quant", "Post-training quantization", True),
        ("quant", "Adequant", False),
        ("QUANT", "post-training Quantization", True),
        ("tion", "quantization", False),
        ("muller", "Zoë Müller", True),
        ("MÜLLER", "Zoe Muller", True),
        ("lodz", "Łódź", True),
    ],
)
def test_a_free_word_matches_at_the_start_of_a_word(query: str, text: str, found: bool) -> None:
    assert finds(query, text) == ([text] if found else [])


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("LLaMA-2", " llama 2 "),
        ("GPT-4o", " gpt 4o "),
        ("k-means", " k means "),
        ("don't", " don t "),
        ("snake_case", " snake case "),
        ("ResNet50", " resnet50 "),
        ("Müller, Zoë", " muller zoe "),
        ("深度学习", " shen du xue xi "),
        ("カタカナ", " ka ta ka na "),
        ("  ", ""),
        ("+++", ""),
    ],
)
def test_words_are_runs_of_letters_and_digits_or_one_cjk_character(text: str, words: str) -> None:
    assert fold_words(text) == words


@pytest.mark.parametrize(
    ("query", "text", "found"),
    [
        ("llama-2", "LLaMA 2: Open Foundation Models", True),
        ("llama-2", "Llama-2-chat", True),
        ("llama-2", "LLaMA-3", False),
        ("llama-2", "Llama models, 2 of them", False),
        ("gpt-4o", "GPT-4o system card", True),
        ("4o", "GPT-4o system card", True),
        ("gpt4", "GPT-4o system card", False),  # letters and digits together are one word
        ("k-means", "K-Means clustering", True),
        ("k-means", "k means clustering", True),
        ("kmeans", "k-means clustering", False),
        ("https://github.com/x", "code at https://github.com/x/y", True),
        ("https://github.com/x", "https is a protocol; github.com is a host", False),
        ("学习", "深度学习", True),  # every ideograph is a word of its own
        ("度学", "深度学习", True),
        ("学深", "深度学习", False),
        ("カナ", "カタカナ", True),
    ],
)
def test_a_word_with_punctuation_is_its_words_in_a_row(query: str, text: str, found: bool) -> None:
    assert finds(query, text) == ([text] if found else [])


@pytest.mark.parametrize(
    ("query", "text", "found"),
    [
        ("lora", "QLoRA: Efficient Finetuning", True),
        ("lora", "LongLoRA", True),
        ("llm", "SqueezeLLM: Dense-and-Sparse Quantization", True),
        ("attention", "MixAttention", True),
        ("bert", "RoBERTa", True),
        ("squeezellm", "SqueezeLLM", True),
        ("llama", "LLaMA", True),
        ("ms", "Scaling LLMs", False),  # a plural of capitals is no compound
        ("qlora", "LoRA", False),
    ],
)
def test_an_inner_capital_starts_a_word(query: str, text: str, found: bool) -> None:
    assert finds(query, text) == ([text] if found else [])


@pytest.mark.parametrize(
    ("phrase", "text", "found"),
    [
        ('"dense-and-sparse quantization"', "SqueezeLLM: Dense-and-Sparse Quantization", True),
        ('"dense and sparse"', "SqueezeLLM: Dense-and-Sparse Quantization", True),
        ('"dense and spar"', "SqueezeLLM: Dense-and-Sparse Quantization", False),
        ('"sparse dense"', "SqueezeLLM: Dense-and-Sparse Quantization", False),
        ('"and sparse"', "Dense-and-Sparse", True),
        ('"nd sparse"', "Dense-and-Sparse", False),
        ('"MÜLLER"', "Zoe Muller", True),
    ],
)
def test_a_phrase_matches_whole_words_in_order(phrase: str, text: str, found: bool) -> None:
    assert finds(phrase, text) == ([text] if found else [])


def test_a_phrase_never_runs_from_one_field_into_the_next() -> None:
    paper = Paper(key="k", title="Deep Learning", authors=["Ada Lovelace", "Alan Turing"])
    assert parse_query('"deep learning"').filter([paper]) == [paper]
    assert parse_query('"learning ada"').filter([paper]) == []
    assert parse_query('"lovelace alan"').filter([paper]) == []


def test_title_and_author_match_at_word_starts_too() -> None:
    papers = [
        Paper(key="li", title="Exploration", authors=["Bo Li"]),
        Paper(key="julia", title="LoRA", authors=["Julia Smith"]),
    ]
    assert [p.key for p in parse_query("author:li").filter(papers)] == ["li"]
    assert [p.key for p in parse_query("title:lora").filter(papers)] == ["julia"]


def test_the_matcher_is_a_pure_function_of_the_folded_text() -> None:
    # What a search index relies on: search_text once per paper, needles once per query.
    paper = Paper(key="k", title="QLoRA", authors=["Tim Dettmers"], abstract="Finetuning")
    text = search_text(paper)
    assert text == folded_text(("QLoRA", "Tim Dettmers", "Finetuning", ""))
    assert matches_words(text, [word_needle("lora"), word_needle("dett"), phrase_needle("tim")])
    assert not matches_words(text, [word_needle("lora"), word_needle("ora")])
    assert matches_words(text, [])


def test_on_the_sample_library_or_and_lora_find_only_words_that_start_so(tmp_path: Path) -> None:
    from readlist.sources import import_sources, sample_sources
    from readlist.store.library import Library

    library = Library(tmp_path / "library.json")
    import_sources(library, sample_sources())
    papers = library.papers()

    def starts_a_word(prefix: str, paper: Paper) -> bool:
        fields = (paper.title, *paper.authors, paper.abstract, paper.notes)
        return any(
            word.startswith(prefix) for word in re.findall(r"[a-z0-9]+", fold(" ".join(fields)))
        )

    for prefix, count in (("or", 43), ("lora", 3), ("quant", 19)):
        found = library.search(prefix)
        assert len(found) == count  # measured; "or" used to match all 85
        assert found == [paper for paper in papers if starts_a_word(prefix, paper)]


@settings(max_examples=300)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(["Zoë Müller", "QLoRA Team", "SqueezeLLM", "山田 太郎", "LLMs", "aB"]),
            st.text(),
        ),
        max_size=5,
    )
)
def test_folded_names_are_the_folded_text_of_the_names(names: list[str]) -> None:
    assert folded_names(names) == folded_text(names)
    assert folded_names(names) == folded_text(names)  # remembered: the same again

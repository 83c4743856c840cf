"""Word-start matching: a paper's folded search text, and the needles free words become.

Both sides go through :func:`fold_words`: text is transliterated to ASCII
(``Müller`` → ``muller``), lowercased and cut into words, which are runs of
ASCII letters and digits (``LLaMA-2`` → ``llama``, ``2``; ``GPT-4o`` → ``gpt``,
``4o``; ``k-means`` → ``k``, ``means``; ``don't`` → ``don``, ``t``). Each CJK
ideograph, kana or hangul syllable is a word of its own, since those scripts
do not put spaces between words. A folded text is its words, each with a
space before and after, so that a word start is a space:

- a free word matches where its words follow one another in the text, the
  last one as a prefix: ``quant`` finds "quantization", ``lora`` does not
  find "exploration", ``llama-2`` finds "LLaMA 2" and "Llama-2-chat";
- a phrase matches whole words in order (``"dense and sparse"``).

Inner capitals start words too: :func:`folded_text` adds the tails of a
compound such as ``QLoRA``, ``SqueezeLLM`` or ``MixAttention`` (``lora``,
``llm``, ``attention``) on lines of their own, so ``lora`` finds QLoRA. A
query is folded without that split: ``LLaMA`` means ``llama``.

Everything here is a pure function of strings, so that a search index can keep
:func:`folded_text` per paper (``readlist.query.search_text``) and match with
:func:`matches_words` later.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

# Scripts written without spaces between words: each character is a word.
_SPACELESS = re.compile(
    "[\u1100-\u11ff\u3040-\u30ff\u3100-\u312f\u3400-\u4dbf\u4e00-\u9fff"
    "\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f\U00020000-\U0003134f]"
)
# ASCII letters and digits, lowercased; every other character becomes a space
# (str.translate and split are several times faster than a regular expression here).
_WORD_CHARS = str.maketrans(
    {code: chr(code).lower() if chr(code).isalnum() else " " for code in range(128)}
)
# An inner capital: "aB" (SqueezeLLM, LoRA) or "ABc" (QLoRA), but not a plural of
# capitals ("LLMs"). Starting at the capital makes the scan about 4 times faster.
_INNER_CAPITAL = re.compile(r"[A-Z](?:(?<=[a-z][A-Z])|[A-Z](?!s\b)[a-z])")
_INNER_START = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z](?!s\b)[a-z])")
_WORD_REST = re.compile(r"[A-Za-z0-9]*")


def _ascii(text: str) -> str:
    if text.isascii():
        return text
    from anyascii import anyascii  # loads importlib.resources, tempfile, …: only when needed

    return anyascii(_SPACELESS.sub(r" \g<0> ", text))


def _spaced(ascii_text: str) -> str:
    words = " ".join(ascii_text.translate(_WORD_CHARS).split())
    return f" {words} " if words else ""


def _compound_tails(ascii_text: str) -> list[str]:
    """The tails of each compound word from each inner capital on, lowercased."""
    tails: list[str] = []
    done = -1  # the end of the last compound, whose other inner capitals are done
    for match in _INNER_CAPITAL.finditer(ascii_text):
        if match.start() < done:
            continue
        start = match.start()
        while start > 0 and ascii_text[start - 1].isascii() and ascii_text[start - 1].isalnum():
            start -= 1
        end = _WORD_REST.match(ascii_text, match.start()).end()  # type: ignore[union-attr]
        done = end
        parts = _INNER_START.split(ascii_text[start:end])
        tails.extend("".join(parts[i:]).lower() for i in range(1, len(parts)))
    return tails


def fold_words(text: str) -> str:
    """``text`` as folded words, each with a space on both sides (``""`` when it has none).

    >>> fold_words("LLaMA-2: Müller's model")
    ' llama 2 muller s model '
    """
    return _spaced(_ascii(text))


def folded_text(fields: Iterable[str]) -> str:
    """The folded text of ``fields`` that free words are matched against.

    Each field is a line of its own, so that a phrase never runs from one into
    the next; the tails of compound words (see the module docstring) follow,
    one per line.
    """
    lines: list[str] = []
    tails: list[str] = []
    for field in fields:
        ascii_text = _ascii(field)
        lines.append(_spaced(ascii_text))
        tails.extend(f" {tail} " for tail in _compound_tails(ascii_text))
    return "\n".join(lines + tails)


def folded_names(names: Iterable[str]) -> str:
    """:func:`folded_text` of ``names``, each name folded once and remembered.

    ``author:`` folds every paper's authors for each query (60,000 names at
    50,000 papers); names repeat across papers, so each is folded only once.
    """
    lines: list[str] = []
    tails: list[str] = []
    for name in names:
        line, name_tails = _folded_name(name)
        lines.append(line)
        tails += name_tails
    return "\n".join(lines + tails)


@lru_cache(maxsize=1 << 16)
def _folded_name(name: str) -> tuple[str, tuple[str, ...]]:
    """One field's line and compound tails, as :func:`folded_text` makes them."""
    ascii_text = _ascii(name)
    return _spaced(ascii_text), tuple(f" {tail} " for tail in _compound_tails(ascii_text))


def word_needle(word: str) -> str:
    """What a free word looks for in a folded text: its words in a row, the last a prefix.

    ``""`` when ``word`` has no letters or digits.
    """
    return fold_words(word).rstrip()


def phrase_needle(phrase: str) -> str:
    """What a quoted phrase looks for in a folded text: its whole words in a row."""
    return fold_words(phrase)


def matches_words(text: str, needles: Iterable[str]) -> bool:
    """Whether the folded ``text`` holds every needle (from :func:`word_needle`)."""
    return all(needle in text for needle in needles)

"""Deterministic synthetic inputs for the benchmarks: listing files and BibTeX files.

    python benchmarks/generate.py [--sizes 1000,10000,50000] [--out DIR] [--seed N]

writes ``listing-<n>.txt`` (the exact three-lines-a-paper format of
``readlist/data/sample_listing.txt``) and ``papers-<n>.bib`` for each size. The
same seed and size always give the same bytes. Titles are all distinct after
readlist's title normalisation, so an import keeps every paper.

Realism: titles with acronyms (``SqueezeLLM:``), LaTeX specials (``&``, ``%``,
``$V_1$``, ``_``); Unicode names (``Zoë Müller``, ``Łukasz``, particles such as
``van den``); ``et al.`` and `` · affiliations``; ~200-word abstracts, about a
third of them ending with a GitHub code URL; dates with and without a year.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

DEFAULT_SIZES = (1000, 10000, 50000)
SEED = 20261124

GIVEN = (
    "Zoë", "Łukasz", "Sehoon", "Zhiqing", "Sheng", "Amir", "Coleman", "Chenfeng", "Marie-Julie",
    "François", "Søren", "José", "María", "Jürgen", "Ingrid", "Ahmed", "Fatima", "Kenji",
    "Yuki", "Priya", "Rahul", "Olga", "Dmitri", "Aoife", "Siobhán", "Nguyễn", "Hyun-woo",
    "Ji-ho", "Lena", "Mateo", "Chiara", "Björn", "Ewa", "Tomás", "Ana", "Kurt", "Pete",
    "Harman", "Kusha", "Yuezhou", "Haocheng", "Monishwaran", "Rishabh", "Colorado", "Ritwik",
)  # fmt: skip
FAMILY = (
    "Müller", "Kowalski", "Kim", "Sun", "Shen", "Gholami", "Hooper", "Xu", "Rakotosaona",
    "Lefèvre", "Kierkegaard", "García", "Núñez", "Schmidhuber", "Bergström", "Hassan",
    "El-Amin", "Tanaka", "Watanabe", "Sharma", "Gupta", "Ivanova", "Petrov", "O'Brien",
    "McCarthy", "Ní Bhriain", "Văn An", "Park", "Lee", "Novák", "Dvořák", "Wiśniewska",
    "Keutzer", "Walsh", "Singh", "Sareen", "Hu", "Xi", "Maheswaran", "Tiwari", "Reed", "Zhang",
)  # fmt: skip
PARTICLE_NAMES = ("Jan van den Berg", "Ludwig von Mises", "Maria de la Cruz", "Pieter de Vries")
AFFILIATIONS = (
    "berkeley", "cmu", "stanford", "mit", "eth", "epfl", "tsinghua", "pku", "oxford",
    "cambridge", "mila", "inria", "kaist", "utokyo", "allen-ai", "gatech", "tum", "uw",
)  # fmt: skip
CATEGORIES = ("CV", "CL", "LG", "AI", "AS", "RO", "IR", "CR", "DC", "NE", "ML", "SD", "HC")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
BIB_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")

ACRONYM_PARTS = (
    "Squeeze", "Flash", "Sparse", "Mix", "Quant", "Mobile", "Nano", "Omni", "Deep", "Fast",
    "Hyper", "Meta", "Turbo", "Lite", "Edge", "Neuro", "Vision", "Graph", "Token", "Prompt",
)  # fmt: skip
ACRONYM_TAILS = ("LLM", "Former", "Net", "GPT", "ViT", "BERT", "Diff", "NeRF", "MoE", "RL", "KV")
ADJECTIVES = (
    "Efficient", "Scalable", "Robust", "Unified", "Sparse", "Adaptive", "Hierarchical",
    "Self-Supervised", "Zero-Shot", "Few-Shot", "Multimodal", "Contrastive", "Causal",
    "Differentiable", "Federated", "Quantized", "Low-Rank", "Memory-Efficient", "Open-Vocabulary",
    "Long-Context", "Streaming", "Equivariant", "Probabilistic", "Lossless", "Training-Free",
)  # fmt: skip
NOUNS = (
    "Attention", "Transformers", "Diffusion Models", "Language Models", "Vision Transformers",
    "Mixture of Experts", "Retrieval", "Speculative Decoding", "Quantization", "Distillation",
    "Prompt Tuning", "Neural Radiance Fields", "Graph Networks", "State Space Models",
    "Tokenizers", "Reward Models", "World Models", "Point Clouds", "Agents", "KV Caches",
)  # fmt: skip
TASKS = (
    "3D Object Detection", "Speech Recognition", "Machine Translation", "Code Generation",
    "Image Editing", "Video Understanding", "Reasoning", "Question Answering", "Summarization",
    "Robot Manipulation", "Autonomous Driving", "Protein Folding", "Recommendation",
    "Semantic Segmentation", "Text-to-Image Generation", "Tool Use", "Theorem Proving",
    "Time-Series Forecasting", "Inference on the Edge", "Scientific Discovery",
)  # fmt: skip
SPECIALS = (
    "with 100% Recall", "& Beyond", "via $V_1$ Verification", "with top_k Routing",
    "at $\\mathcal{O}(n)$ Cost", "in 4-bit & 8-bit", "for $k$-NN Search", "— A Survey",
)  # fmt: skip
ABSTRACT_WORDS = (
    "model", "models", "training", "inference", "latency", "memory", "accuracy", "benchmark",
    "dataset", "datasets", "baseline", "baselines", "performance", "efficient", "scalable",
    "approach", "method", "framework", "results", "tasks", "representations", "learning",
    "parameters", "tokens", "layers", "attention", "compute", "throughput", "generalization",
    "robustness", "quantization", "pruning", "distillation", "alignment", "evaluation",
    "state-of-the-art", "significantly", "consistently", "outperforms", "improves", "reduces",
    "existing", "novel", "simple", "effective", "large-scale", "downstream", "pretrained",
    "fine-tuning", "objective", "loss", "gradient", "optimization", "architecture", "data",
)  # fmt: skip
OPENERS = (
    "We propose", "In this work, we introduce", "This paper studies", "We present",
    "Recent work has shown that", "To address this, we develop", "We show that",
    "Extensive experiments demonstrate that", "Our analysis reveals that", "Moreover,",
)  # fmt: skip


@dataclass(slots=True)
class SyntheticPaper:
    """One generated paper, before it is written in either format."""

    title: str
    authors: list[str]
    truncated: bool
    affiliations: list[str]
    category: str
    month: int
    day: int
    year: int | None
    code: str | None
    abstract: str


def _normalise(title: str) -> str:
    """What readlist's import dedup compares (models.normalize_title), without importing it."""
    import re
    import unicodedata

    folded = unicodedata.normalize("NFKD", title.casefold())
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return re.sub(r"[\W_]+", " ", folded).strip()


def _acronym(rng: random.Random) -> str:
    style = rng.random()
    if style < 0.5:
        return rng.choice(ACRONYM_PARTS) + rng.choice(ACRONYM_TAILS)
    if style < 0.8:
        letters = "".join(rng.choice("ABCDEFGHKLMPQRSTVXZ") for _ in range(rng.randint(2, 5)))
        return f"{letters}-{rng.choice(ACRONYM_TAILS)}"
    return "".join(rng.choice("ABCDEFGHKLMNPQRSTVWXYZ") for _ in range(rng.randint(3, 6)))


def _title(rng: random.Random) -> str:
    shape = rng.random()
    adjective, noun, task = rng.choice(ADJECTIVES), rng.choice(NOUNS), rng.choice(TASKS)
    if shape < 0.45:
        title = f"{_acronym(rng)}: {adjective} {noun} for {task}"
    elif shape < 0.7:
        title = f"{adjective} {noun} for {task}"
    elif shape < 0.85:
        title = f"Towards {adjective} {task} with {noun}"
    else:
        title = f"{_acronym(rng)}: Scaling {noun} to {task}"
    if rng.random() < 0.25:
        title += " " + rng.choice(SPECIALS)
    return title


def _person(rng: random.Random) -> str:
    if rng.random() < 0.04:
        return rng.choice(PARTICLE_NAMES)
    if rng.random() < 0.1:
        return f"{rng.choice(GIVEN)} {rng.choice('ABCDEHJKLMPRSTW')}. {rng.choice(FAMILY)}"
    return f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}"


def _abstract(rng: random.Random, title: str, code: str | None) -> str:
    sentences = [f"{rng.choice(OPENERS)} {title.split(':')[0]}, a new approach."]
    words = len(sentences[0].split())
    while words < 190:
        length = rng.randint(14, 28)
        body = " ".join(rng.choice(ABSTRACT_WORDS) for _ in range(length))
        if rng.random() < 0.1:
            body += f" by {rng.randint(2, 60)}\\% on {rng.choice(TASKS)}"
        sentence = f"{rng.choice(OPENERS)} {body}."
        sentences.append(sentence)
        words += len(sentence.split())
    if code is not None:
        sentences.append(f"Our code is available at {code}.")
    return " ".join(sentences)


def papers(count: int, seed: int = SEED) -> Iterator[SyntheticPaper]:
    """``count`` papers with distinct normalised titles; the same for the same arguments."""
    rng = random.Random(seed * 1_000_003 + count)
    seen: set[str] = set()
    produced = 0
    while produced < count:
        title = _title(rng)
        if rng.random() < 0.3 or _normalise(title) in seen:
            # Large sets need more variety than the templates give: a version tag.
            title = f"{title} (v{rng.randint(2, 99)}.{rng.randint(0, 9999)})"
        if _normalise(title) in seen:
            continue
        seen.add(_normalise(title))
        authors = list(dict.fromkeys(_person(rng) for _ in range(rng.randint(1, 5))))
        has_code = rng.random() < 0.4
        slug = _normalise(title.split(":")[0]).replace(" ", "-")[:30] or "code"
        owner = rng.choice(FAMILY).lower()[:6]
        if not owner.isascii() or not owner.isalpha():
            owner = f"lab{produced % 97}"
        code = f"https://github.com/{owner}lab/{slug}" if has_code else None
        yield SyntheticPaper(
            title=title,
            authors=authors,
            truncated=len(authors) >= 3 and rng.random() < 0.7,
            affiliations=rng.sample(AFFILIATIONS, rng.randint(0, 2)),
            category=rng.choice(CATEGORIES),
            month=rng.randint(1, 12),
            day=rng.randint(1, 28),
            year=None if rng.random() < 0.08 else rng.randint(2019, 2026),
            code=code,
            abstract=_abstract(rng, title, code),
        )
        produced += 1


def listing_record(paper: SyntheticPaper) -> str:
    """The three lines of one listing record."""
    date = f"{MONTHS[paper.month - 1]} {paper.day}"
    if paper.year is not None:
        date += f", {paper.year}"
    header = f"{paper.category}{date}{'Code' if paper.code else ''}"
    byline = paper.title + ", ".join(paper.authors) + (" et al." if paper.truncated else "")
    if paper.affiliations:
        byline += " · " + ", ".join(paper.affiliations)
    return f"{header}\n{byline}\n{paper.abstract}\n"


_LATEX_ACCENTS = {
    "ë": '{\\"e}', "ü": '{\\"u}', "ö": '{\\"o}', "é": "{\\'e}", "è": "{\\`e}", "á": "{\\'a}",
    "ú": "{\\'u}", "ñ": "{\\~n}", "ø": "{\\o}", "Ł": "{\\L}", "ł": "{\\l}", "ç": "{\\c c}",
    "ř": "{\\v r}", "ś": "{\\'s}",
}  # fmt: skip


def _bib_name(name: str, latex: bool) -> str:
    parts = name.split()
    particles = [p for p in parts[1:-1] if p.islower()]
    given = [p for p in parts[:-1] if p not in particles]
    text = f"{' '.join([*particles, parts[-1]])}, {' '.join(given)}"
    if latex:
        text = "".join(_LATEX_ACCENTS.get(ch, ch) for ch in text)
    return text


def _bib_title(title: str) -> str:
    # Protect the acronym's case, escape the specials outside math.
    head, sep, tail = title.partition(": ")
    if sep:
        title = f"{{{head}}}{sep}{tail}"
    out, in_math = [], False
    for ch in title:
        if ch == "$":
            in_math = not in_math
        elif not in_math and ch in "&%_":
            ch = "\\" + ch
        out.append(ch)
    return "".join(out)


def bib_entry(paper: SyntheticPaper, key: str, latex_names: bool) -> str:
    """One BibTeX entry."""
    fields = [
        ("title", _bib_title(paper.title)),
        ("author", " and ".join(_bib_name(a, latex_names) for a in paper.authors)),
        ("journal", "arXiv preprint"),
        ("year", str(paper.year or 2026)),
        ("abstract", paper.abstract),
    ]
    if paper.code:
        fields.append(("url", paper.code))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    month = BIB_MONTHS[paper.month - 1]
    return f"@article{{{key},\n{body},\n  month = {month}\n}}\n"


def _key(paper: SyntheticPaper, taken: set[str]) -> str:
    family = _normalise(paper.authors[0].split()[-1]).replace(" ", "")
    word = next((w for w in _normalise(paper.title).split() if len(w) > 3), "paper")
    base = f"{family}{paper.year or 2026}{word}"
    key, n = base, 1
    while key in taken:
        n += 1
        key = f"{base}{n}"
    taken.add(key)
    return key


def write_listing(path: Path, count: int, seed: int = SEED) -> Path:
    """Write a listing of ``count`` papers to ``path``."""
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        for paper in papers(count, seed):
            handle.write(listing_record(paper))
    return path


def write_bib(path: Path, count: int, seed: int = SEED) -> Path:
    """Write a BibTeX file of ``count`` papers to ``path`` (other titles than the listing)."""
    taken: set[str] = set()
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        for n, paper in enumerate(papers(count, seed + 1)):
            handle.write(bib_entry(paper, _key(paper, taken), latex_names=n % 2 == 0) + "\n")
    return path


def generate(out: Path, sizes: tuple[int, ...], seed: int = SEED) -> list[Path]:
    """Write both files for every size into ``out``; returns the paths."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for size in sizes:
        written.append(write_listing(out / f"listing-{size}.txt", size, seed))
        written.append(write_bib(out / f"papers-{size}.bib", size, seed))
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)))
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "data")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    sizes = tuple(int(s) for s in args.sizes.split(",") if s)
    for path in generate(args.out, sizes, args.seed):
        sys.stdout.write(f"{path} ({path.stat().st_size / 1e6:.1f} MB)\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

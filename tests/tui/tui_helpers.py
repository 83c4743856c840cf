"""Helpers for the TUI tests: fixed data, a fake clock and browser, waiting for the app."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from rich.console import Console
from rich.text import Text
from textual.pilot import Pilot
from textual.widgets import Static

from readlist.models import Link, LinkKind, Paper, Status
from readlist.store import Library
from readlist.tui.app import ReadlistApp
from tests.sample_papers import rlhf_paper

TODAY = date(2024, 5, 20)
START = datetime(2024, 3, 4, 9, 30, tzinfo=UTC)
SIZE = (120, 35)

HOSTILE_TITLE = "[bold red]x[/] [@click=app.quit]quit[/] \x1b[31mred\x1b[0m\x07 end"


@dataclass
class Clock:
    """A fake ``now_iso`` for the store: fixed, moved on by hand."""

    now: datetime = START

    def __call__(self) -> str:
        return self.now.replace(microsecond=0).isoformat()

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def sample_papers() -> list[Paper]:
    """Six papers with every kind of field, in a fixed order."""
    return [
        rlhf_paper(
            abstract="We adapt RLHF from the text domain to vision-language alignment.",
            links=[Link("https://github.com/llava-rlhf/LLaVA-RLHF", LinkKind.CODE)],
            tags=["rlhf", "vision"],
        ),
        Paper(
            title="S-LoRA: Serving Thousands of Concurrent LoRA Adapters",
            authors=["Ying Sheng", "Shiyi Cao", "Dacheng Li"],
            category="cs.LG",
            published="2023-11-06",
            abstract="A system for the scalable serving of many LoRA adapters.",
            has_code=True,
            links=[Link("https://github.com/S-LoRA/S-LoRA", LinkKind.CODE)],
            tags=["systems"],
        ),
        Paper(
            title="Scaling Vision-Language Models with Sparse Mixture of Experts",
            authors=["Sheng Shen", "Zhewei Yao"],
            category="cs.CV",
            published="2023-03-13",
            abstract="We explore mixture-of-experts for scaling vision-language models.",
            tags=["vision"],
        ),
        Paper(
            title="NoisyQuant: Noisy Bias-Enhanced Post-Training Activation Quantization",
            authors=["Yijiang Liu", "Huanrui Yang"],
            category="cs.CV",
            published="2022-11-29",
            abstract="Adding a fixed noisy bias reduces the quantization error.",
        ),
        Paper(
            title="Efficient Streaming Language Models with Attention Sinks",
            authors=["Guangxuan Xiao", "Yuandong Tian"],
            category="cs.CL",
            published="2023-09-29",
            abstract="Keeping the first tokens lets window attention stream forever.",
            tags=["llm"],
        ),
        Paper(
            title="Zero Bubble Pipeline Parallelism",
            authors=["Penghui Qi", "Xinyi Wan"],
            category="cs.DC",
            published="2023-11-30",
            abstract="A scheduling strategy that achieves zero pipeline bubbles.",
            tags=["llm", "systems"],
        ),
    ]


NOTE = (
    "**Key idea**: add noise *before* quantizing.\n\n"
    "- works for ViT, DeiT and Swin\n"
    "- see [the project page](https://example.org/noisyquant)\n"
)


def build_library(path: Path, clock: Clock, papers: list[Paper] | None = None) -> Library:
    """A library at ``path``: the sample papers added a week apart, some read, one noted."""
    library = Library(path)
    keys = []
    for paper in papers if papers is not None else sample_papers():
        keys += library.import_papers([paper]).added
        clock.advance(days=7)
    if papers is None:
        by_title = {library.get(k).title.split(":")[0].split(" ")[0]: k for k in keys}
        library.set_status([by_title["Scaling"]], Status.READING)
        clock.advance(days=1)
        library.set_status([by_title["NoisyQuant"]], Status.READ)
        library.set_note(by_title["NoisyQuant"], NOTE.rstrip("\n"))
        clock.advance(days=2)
        library.set_status([by_title["Zero"]], Status.READ)
    return library


@dataclass
class Browser:
    """Stands in for :func:`webbrowser.open`: records URLs, opens nothing."""

    urls: list[str] = field(default_factory=list)

    def __call__(self, url: str, *args: object, **kwargs: object) -> bool:
        self.urls.append(url)
        return True


async def settle(pilot: Pilot[None]) -> None:
    """Let workers finish and the screen catch up."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def wait_until(pilot: Pilot[None], condition: Callable[[], bool], timeout: float) -> None:
    """Let the app run until ``condition()`` holds; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"not within {timeout} s"
        await pilot.pause(0.02)


def fresh(path: Path) -> Library:
    """The library as another process would read it from the file."""
    return Library(path)


def key_of(path: Path, title_start: str) -> str:
    """The key of the paper whose title starts with ``title_start``."""
    for paper in fresh(path).papers():
        if paper.title.startswith(title_start):
            return paper.key
    raise KeyError(title_start)


AppFactory = Callable[[Path], ReadlistApp]


def static_text(widget: Static) -> str:
    """What a Static shows, as plain text (Text, Content or any Rich renderable)."""
    content = widget.content
    if isinstance(content, Text):
        return content.plain
    if isinstance(content, str):
        return content
    console = Console(width=200, color_system=None, legacy_windows=False)
    with console.capture() as capture:
        console.print(content)
    return capture.get()

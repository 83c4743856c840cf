"""Papers several test folders build on (tests/ is on the path of every test)."""

from __future__ import annotations

from typing import Any

from readlist.models import Link, LinkKind, Paper


def rlhf_paper(**fields: Any) -> Paper:
    """The LLaVA-RLHF paper of the sample listing, as its listing gives it, with ``fields`` set."""
    facts: dict[str, Any] = {
        "title": "Aligning Large Multimodal Models with Factually Augmented RLHF",
        "authors": ["Zhiqing Sun", "Sheng Shen", "Shengcao Cao"],
        "authors_truncated": True,
        "affiliations": ["berkeley", "cmu"],
        "category": "cs.CV",
        "published": "2023-09-25",
        "has_code": True,
    }
    return Paper(**(facts | fields))


def rlhf_links() -> list[Link]:
    """Its project page and its code, as the listing's abstract links them."""
    return [
        Link("https://llava-rlhf.github.io", LinkKind.PROJECT),
        Link("https://github.com/llava-rlhf/LLaVA-RLHF", LinkKind.CODE),
    ]

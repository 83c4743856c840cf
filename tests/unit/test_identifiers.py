"""What a THING names (readlist.identifiers): every form docs/add.md lists."""

from __future__ import annotations

import pytest

from readlist.identifiers import ThingError, parse_thing


@pytest.mark.parametrize(
    ("text", "kind", "id", "version"),
    [
        ("2306.07629", "arxiv", "2306.07629", ""),
        ("2306.07629v2", "arxiv", "2306.07629", "v2"),
        ("arXiv:2306.07629v2", "arxiv", "2306.07629", "v2"),
        ("math/0307200", "arxiv", "math/0307200", ""),
        ("math.GT/0307200v1", "arxiv", "math.gt/0307200", "v1"),
        ("1234.5678", "arxiv", "1234.5678", ""),
        ("https://arxiv.org/abs/2306.07629", "arxiv", "2306.07629", ""),
        ("https://arxiv.org/abs/2306.07629v3/", "arxiv", "2306.07629", "v3"),
        ("http://export.arxiv.org/abs/hep-th/9901001", "arxiv", "hep-th/9901001", ""),
        ("https://arxiv.org/pdf/2306.07629.pdf", "arxiv", "2306.07629", ""),
        ("https://arxiv.org/pdf/2306.07629v2", "arxiv", "2306.07629", "v2"),
        ("https://www.arxiv.org/abs/2306.07629", "arxiv", "2306.07629", ""),
        ("<https://arxiv.org/abs/2306.07629>", "arxiv", "2306.07629", ""),
        ("https://huggingface.co/papers/2306.07629", "arxiv", "2306.07629", ""),
        ("10.1145/3368089.3409741", "doi", "10.1145/3368089.3409741", ""),
        ("doi:10.1145/3368089.3409741", "doi", "10.1145/3368089.3409741", ""),
        ("https://doi.org/10.1145/3368089.3409741", "doi", "10.1145/3368089.3409741", ""),
        ("http://dx.doi.org/10.1002/(SICI)1097-4571", "doi", "10.1002/(SICI)1097-4571", ""),
        ("10.48550/arxiv.2306.07629", "doi", "10.48550/arXiv.2306.07629", ""),
        ("https://doi.org/10.48550/ARXIV.2306.07629", "doi", "10.48550/arXiv.2306.07629", ""),
        ("2020.acl-main.463", "acl", "2020.acl-main.463", ""),
        ("P19-1001", "acl", "P19-1001", ""),
        ("https://aclanthology.org/2020.acl-main.463/", "acl", "2020.acl-main.463", ""),
        ("https://aclanthology.org/2020.acl-main.463.pdf", "acl", "2020.acl-main.463", ""),
        ("https://aclanthology.org/D16-1001.bib", "acl", "D16-1001", ""),
        ("https://www.aclweb.org/anthology/D16-1001", "acl", "D16-1001", ""),
    ],
)
def test_every_form(text: str, kind: str, id: str, version: str) -> None:
    thing = parse_thing(text)
    assert (thing.kind, thing.id, thing.version) == (kind, id, version)
    assert thing.text == text


@pytest.mark.parametrize(
    "text",
    [
        "SqueezeLLM",
        "2306.076",
        "https://arxiv.org/list/cs.CL/recent",
        "https://huggingface.co/datasets/x/y",
        "https://example.org/10.1145/1",
        "11.1145/3368089",
        "https://aclanthology.org/events/acl-2020/",
        "2306.07629\x1b[2J",
    ],
)
def test_what_names_no_paper_is_one_line(text: str) -> None:
    with pytest.raises(ThingError) as caught:
        parse_thing(text)
    message = str(caught.value)
    assert "is not an arXiv id, a DOI or an ACL Anthology id" in message
    assert "\x1b" not in message and "\n" not in message


def test_a_mirror_host_from_the_settings() -> None:
    thing = parse_thing("http://127.0.0.1:8000/papers/2306.07629", {"127.0.0.1": "hf"})
    assert (thing.kind, thing.id) == ("arxiv", "2306.07629")

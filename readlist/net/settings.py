"""Where readlist asks for papers and how politely: base URLs, arXiv's pace, offline mode.

Each setting comes from its environment variable, else from the ``[network]``
table of the settings file, else from the default below, so that tests and
mirrors can point readlist elsewhere (``docs/add.md`` lists them).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from readlist.config import config_path, load_config
from readlist.errors import ReadlistError

#: Each base URL: (environment variable, key in ``[network]``, default).
BASE_URLS: dict[str, tuple[str, str]] = {
    "arxiv_api": ("READLIST_ARXIV_API", "https://export.arxiv.org/api/query"),
    "crossref_api": ("READLIST_CROSSREF_API", "https://api.crossref.org"),
    "datacite_api": ("READLIST_DATACITE_API", "https://api.datacite.org"),
    "doi_resolver": ("READLIST_DOI_RESOLVER", "https://doi.org"),
    "acl_base": ("READLIST_ACL_BASE", "https://aclanthology.org"),
    "hf_base": ("READLIST_HF_BASE", "https://huggingface.co"),
    "arxiv_pdf": ("READLIST_ARXIV_PDF", "https://arxiv.org/pdf"),
}
DELAY_ENV = "READLIST_ARXIV_DELAY"
OFFLINE_ENV = "READLIST_OFFLINE"
MAILTO_ENV = "READLIST_MAILTO"
CACHE_ENV = "READLIST_CACHE_DAYS"
PDF_MAX_ENV = "READLIST_PDF_MAX_MB"
#: The biggest PDF downloaded, in MiB: a paper is a few; a thesis with scans, tens.
DEFAULT_PDF_MAX_MB = 100.0
#: Days a successful answer is reused from the cache in the user cache folder.
DEFAULT_CACHE_DAYS = 7.0
#: arXiv asks for no more than one request every three seconds.
DEFAULT_ARXIV_DELAY = 3.0
#: Seconds to wait for a connection or for the next bytes of an answer.
DEFAULT_TIMEOUT = 20.0


@dataclass(frozen=True, slots=True)
class NetSettings:
    """The network settings in force: base URLs without a trailing slash, pace, mode."""

    arxiv_api: str = BASE_URLS["arxiv_api"][1]
    crossref_api: str = BASE_URLS["crossref_api"][1]
    datacite_api: str = BASE_URLS["datacite_api"][1]
    doi_resolver: str = BASE_URLS["doi_resolver"][1]
    acl_base: str = BASE_URLS["acl_base"][1]
    hf_base: str = BASE_URLS["hf_base"][1]
    #: Where an arXiv paper's PDF is asked for: ``{arxiv_pdf}/{id}``.
    arxiv_pdf: str = BASE_URLS["arxiv_pdf"][1]
    arxiv_delay: float = DEFAULT_ARXIV_DELAY
    offline: bool = False
    #: The user's email, sent to Crossref (its "polite pool") and in the User-Agent.
    mailto: str = ""
    timeout: float = DEFAULT_TIMEOUT
    #: Days answers are kept in the user cache folder; 0 turns the cache off.
    cache_days: float = 0.0
    #: The biggest PDF ``fetch-pdf`` and ``add --pdf`` download, in MiB.
    pdf_max_mb: float = DEFAULT_PDF_MAX_MB


def _number(value: object, name: str, where: str) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        number = math.nan
    if not math.isfinite(number) or number < 0:
        raise ReadlistError(f"{where}: {name} must be a number of seconds, not {value!r}")
    return number


def _size(value: object, name: str, where: str) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        number = math.nan
    if not math.isfinite(number) or number <= 0:
        raise ReadlistError(f"{where}: {name} must be a positive number of MiB, not {value!r}")
    return number


def _flag(value: object) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("1", "true", "yes", "on")


def _url(value: object, name: str, where: str) -> str:
    text = str(value).strip().rstrip("/")
    if not text.startswith(("http://", "https://")):
        raise ReadlistError(f"{where}: {name} must be an http(s) URL, not {value!r}")
    return text


def net_settings(path: Path | None = None) -> NetSettings:
    """The settings: environment variables first, then ``[network]`` in the settings file."""
    path = config_path() if path is None else path
    table: Any = load_config(path).get("network", {})
    if not isinstance(table, dict):
        raise ReadlistError(f"settings file {path}: [network] must be a table")
    where_file = f"settings file {path}"
    values: dict[str, Any] = {}
    for name, (env, _default) in BASE_URLS.items():
        if os.environ.get(env):
            values[name] = _url(os.environ[env], env, "environment")
        elif name in table:
            values[name] = _url(table[name], f"[network] {name}", where_file)
    if os.environ.get(DELAY_ENV):
        values["arxiv_delay"] = _number(os.environ[DELAY_ENV], DELAY_ENV, "environment")
    elif "arxiv_delay" in table:
        values["arxiv_delay"] = _number(table["arxiv_delay"], "arxiv_delay", where_file)
    if os.environ.get(CACHE_ENV):
        values["cache_days"] = _number(os.environ[CACHE_ENV], CACHE_ENV, "environment")
    else:
        values["cache_days"] = _number(
            table.get("cache_days", DEFAULT_CACHE_DAYS), "cache_days", where_file
        )
    if os.environ.get(PDF_MAX_ENV):
        values["pdf_max_mb"] = _size(os.environ[PDF_MAX_ENV], PDF_MAX_ENV, "environment")
    elif "pdf_max_mb" in table:
        values["pdf_max_mb"] = _size(table["pdf_max_mb"], "pdf_max_mb", where_file)
    if "timeout" in table:
        values["timeout"] = _number(table["timeout"], "timeout", where_file) or DEFAULT_TIMEOUT
    values["offline"] = _flag(os.environ.get(OFFLINE_ENV) or table.get("offline", False))
    mailto = os.environ.get(MAILTO_ENV) or table.get("mailto", "")
    if not isinstance(mailto, str) or (mailto and ("@" not in mailto or any(
        c.isspace() or not c.isprintable() for c in mailto
    ))):  # fmt: skip
        raise ReadlistError(f"{where_file}: [network] mailto must be an email address")
    values["mailto"] = mailto
    return NetSettings(**values)

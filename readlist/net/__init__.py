"""Talking to the paper world: arXiv, Crossref, DataCite, doi.org and the ACL Anthology.

The only package that opens network connections. It sits above the importers,
whose pure parsers turn each service's response into papers, and below the
services, the CLI and the TUI. Every failure is a :class:`NetworkError`, one line.
"""

from __future__ import annotations

from readlist.net.client import Fetcher, NetworkError
from readlist.net.settings import NetSettings, net_settings

__all__ = ["Fetcher", "NetSettings", "NetworkError", "net_settings"]

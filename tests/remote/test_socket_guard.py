"""The socket guard of tests/conftest.py: no test reaches a host other than this machine."""

from __future__ import annotations

import socket

import httpx
import pytest

from tests.socket_guard import NonLoopbackConnection


def test_a_connection_to_another_host_fails_the_test_before_any_packet() -> None:
    with pytest.raises(NonLoopbackConnection):
        socket.create_connection(("192.0.2.1", 80), timeout=1)  # TEST-NET-1: never routed


def test_a_name_lookup_of_another_host_fails_the_test() -> None:
    with pytest.raises(NonLoopbackConnection):
        socket.getaddrinfo("export.arxiv.org", 443)


def test_an_http_client_cannot_reach_the_real_arxiv() -> None:
    with pytest.raises(NonLoopbackConnection):
        httpx.get("https://export.arxiv.org/api/query?id_list=1605.08386", timeout=1)


def test_loopback_stays_allowed(services) -> None:
    answer = httpx.get(f"{services.base}/ra/10.7554/elife.01567", timeout=5)
    assert answer.json()[0]["RA"] == "Crossref"

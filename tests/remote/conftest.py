"""The fake services every test here talks to, with readlist pointed at them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fake_services import FakeServices


@pytest.fixture
def services(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeServices]:
    """A fresh fake-services server; the READLIST_* variables point at it."""
    server = FakeServices()
    server.start()
    for name, value in server.env().items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("READLIST_OFFLINE", raising=False)
    monkeypatch.delenv("READLIST_MAILTO", raising=False)
    try:
        yield server
    finally:
        server.stop()

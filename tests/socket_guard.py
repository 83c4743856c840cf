"""What the socket guard of tests/conftest.py refuses: any host but this machine."""

from __future__ import annotations

import ipaddress


class NonLoopbackConnection(AssertionError):
    """A test tried to reach a host other than this machine."""


def is_loopback(host: object) -> bool:
    """Whether ``host`` (a name or an address) is this machine."""
    if host is None or host in ("localhost", b"localhost", ""):
        return True
    text = host.decode() if isinstance(host, bytes) else str(host)
    try:
        return ipaddress.ip_address(text.split("%")[0]).is_loopback
    except ValueError:
        return False

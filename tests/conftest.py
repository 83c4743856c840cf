"""Shared fixtures: every test runs with its own data dir, never the user's."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.fake_services import FakeServices
from tests.socket_guard import NonLoopbackConnection, is_loopback


@pytest.fixture(autouse=True, scope="session")
def refuse_non_loopback_sockets() -> Iterator[None]:
    """Fail any test that looks up or connects to a host other than 127.0.0.1 / ::1.

    Tests never touch the internet: HTTP goes to a local server (tests/remote).
    """
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo

    def check(sock: socket.socket, address: object) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            host = address[0] if isinstance(address, tuple) else address
            if not is_loopback(host):
                raise NonLoopbackConnection(f"test tried to connect to {address!r}")

    def connect(sock: socket.socket, address: object) -> None:
        check(sock, address)
        real_connect(sock, address)  # type: ignore[arg-type]

    def connect_ex(sock: socket.socket, address: object) -> int:
        check(sock, address)
        return real_connect_ex(sock, address)  # type: ignore[arg-type]

    def getaddrinfo(host: object, *args: object, **kwargs: object) -> object:
        if not is_loopback(host):
            raise NonLoopbackConnection(f"test tried to look up {host!r}")
        return real_getaddrinfo(host, *args, **kwargs)  # type: ignore[arg-type]

    # Signatures looser than socket's own: they only check the address, then pass it on.
    socket.socket.connect = connect  # type: ignore[method-assign,assignment]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign,assignment]
    socket.getaddrinfo = getaddrinfo  # type: ignore[assignment]
    try:
        yield
    finally:
        socket.socket.connect = real_connect  # type: ignore[method-assign]
        socket.socket.connect_ex = real_connect_ex  # type: ignore[method-assign]
        socket.getaddrinfo = real_getaddrinfo


@pytest.fixture(autouse=True)
def isolated_data_dir(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """Point platformdirs (XDG), READLIST_LIBRARY, _CONFIG and _STATE away from the user's own."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))  # the HTTP cache too
    monkeypatch.delenv("READLIST_LIBRARY", raising=False)
    monkeypatch.delenv("READLIST_CONFIG", raising=False)
    monkeypatch.setenv("READLIST_STATE", str(home / "tui-state.json"))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("BROWSER", "true")  # never a real browser, whatever a test forgets
    yield home


def _readlist_command() -> list[str]:
    script = Path(sys.executable).with_name("readlist")
    if script.exists():
        return [str(script)]
    found = shutil.which("readlist")
    return [found] if found else [sys.executable, "-m", "readlist"]


@pytest.fixture
def readlist_command() -> list[str]:
    """The command that starts the installed readlist."""
    return _readlist_command()


RunCLI = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def library_file(tmp_path: Path) -> Path:
    """A library path in a fresh temp folder (the file does not exist yet)."""
    return tmp_path / "lib" / "library.json"


@pytest.fixture
def run_cli(library_file: Path) -> RunCLI:
    """Run the installed ``readlist`` command on ``library_file``; returns the process."""

    def run(
        *args: str,
        input: str | None = None,
        env: dict[str, str] | None = None,
        library: Path | None = None,
        check: bool = False,
    ) -> subprocess.CompletedProcess[str]:
        full_env = {**os.environ, "COLUMNS": "200", **(env or {})}
        command = [*_readlist_command(), "--library", str(library or library_file), *args]
        result = subprocess.run(
            command,
            input=input,
            capture_output=True,
            text=True,
            env=full_env,
            timeout=120,
            check=False,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"{command} failed: {result.stderr}")
        return result

    return run


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

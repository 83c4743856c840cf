"""The one HTTP client: timeouts, a User-Agent naming readlist, arXiv's pace, clear failures.

Every failure, whether offline mode, a DNS failure, a timeout, a refused
connection, HTTP 429 or 5xx, or an answer too big, becomes one
:class:`NetworkError` line naming the service and what to do.
"""

from __future__ import annotations

import hashlib
import sqlite3
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import httpx

from readlist import __version__
from readlist.errors import ReadlistError
from readlist.net.settings import OFFLINE_ENV, NetSettings
from readlist.text import escape_controls

if TYPE_CHECKING:
    from hishel import BaseStorage

#: The most bytes one answer may hold; a metadata record is a few kilobytes.
MAX_RESPONSE_BYTES = 16 * 1024 * 1024
#: Phrases of the resolver's errors that mean the host name was not found.
_DNS_FAILURES = (
    "name or service not known",
    "nodename nor servname",
    "temporary failure in name resolution",
    "no address associated",
    "getaddrinfo failed",
    "name resolution",
)


class NetworkError(ReadlistError):
    """A service could not be asked, or did not answer usefully; the message is one line."""


@dataclass(frozen=True, slots=True)
class Answer:
    """A successful HTTP answer: its status, content type and body."""

    status: int
    content_type: str
    body: bytes
    url: str
    #: Whether the answer came from the cache rather than the service.
    from_cache: bool = False


def cache_path() -> Path:
    """The HTTP cache: ``http-cache.sqlite`` in the user cache folder."""
    from platformdirs import user_cache_dir

    from readlist.paths import APP_NAME

    return Path(user_cache_dir(APP_NAME, appauthor=False)) / "http-cache.sqlite"


def _cache_key(url: str) -> str:
    """Hishel's key for a GET of ``url`` (its default: method and URL, hashed)."""
    return hashlib.sha256(f"GET {url}".encode()).hexdigest()


def project_url() -> str:
    """The project's home page from the installed package's metadata (``""`` when none)."""
    from importlib.metadata import PackageNotFoundError, metadata

    try:
        meta = metadata("readlist")
    except PackageNotFoundError:
        return ""
    entries: list[str] = list(meta.get_all("Project-URL") or [])
    urls = [entry.partition(",")[2].strip() for entry in entries]
    home = str(meta["Home-page"] or "") if "Home-page" in meta else ""
    return next((url for url in [*urls, home] if url.startswith("https://")), "")


def user_agent(settings: NetSettings) -> str:
    """``readlist/0.1.0 (+URL; mailto:EMAIL)``, each part only when known."""
    parts = [f"+{url}" for url in [project_url()] if url]
    if settings.mailto:
        parts.append(f"mailto:{settings.mailto}")
    return f"readlist/{__version__}" + (f" ({'; '.join(parts)})" if parts else "")


def _host(url: str) -> str:
    try:
        return urlsplit(url).netloc or url
    except ValueError:
        return url


def _retry_after(value: str | None) -> str:
    """How long a ``Retry-After`` header asks to wait, said for a person (``""`` if none)."""
    if not value:
        return ""
    value = value.strip()
    if value.isdigit():
        return f"{int(value)} s"
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return ""
    wait = max(0, round(when.timestamp() - time.time()))
    return f"{wait} s"


class Fetcher:
    """GETs for the lookups: one connection pool, arXiv's pace kept across calls.

    ``transport`` replaces httpx's (tests); ``sleep`` and ``clock`` replace the
    time module's, so that the pace can be checked without waiting.
    """

    def __init__(
        self,
        settings: NetSettings,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """A fetcher for ``settings``; nothing is opened until the first request."""
        self.settings = settings
        self._transport = transport
        self._client: httpx.Client | None = None
        self._sleep = sleep
        self._clock = clock
        self._last_arxiv: float | None = None
        self._storage: BaseStorage | None = None
        #: The number of requests sent, for progress lines and tests.
        self.requests = 0

    def __enter__(self) -> Fetcher:
        """The fetcher itself; its connections close on exit."""
        return self

    def __exit__(self, *exc: object) -> None:
        """Close the connections."""
        self.close()

    def close(self) -> None:
        """Close the connections, if any were opened."""
        if self._client is not None:
            self._client.close()  # closes the cache's storage too
            self._client = None
            self._storage = None

    def _cached_transport(self, inner: httpx.BaseTransport) -> httpx.BaseTransport:
        """``inner`` behind the answer cache, when it is on and its file can be opened."""
        days = self.settings.cache_days
        if days <= 0:
            return inner
        from hishel import SqliteStorage
        from hishel.httpx import CacheTransport

        path = cache_path()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            storage = SqliteStorage(database_path=path, default_ttl=days * 86400)
        except (OSError, sqlite3.Error):
            return inner  # a cache folder that cannot be written: go without
        self._storage = storage
        return CacheTransport(next_transport=inner, storage=storage)

    def _http(self) -> httpx.Client:
        if self._client is None:
            inner = self._transport or httpx.HTTPTransport()
            self._client = httpx.Client(
                timeout=httpx.Timeout(self.settings.timeout),
                headers={"User-Agent": user_agent(self.settings)},
                follow_redirects=True,
                max_redirects=5,
                transport=self._cached_transport(inner),
                trust_env=self._transport is None,
            )
        return self._client

    def _is_cached(self, url: str, params: Mapping[str, str] | None) -> bool:
        """Whether a GET of ``url`` with ``params`` would be answered from the cache."""
        self._http()
        if self._storage is None:
            return False
        full = str(httpx.Request("GET", url, params=params).url)
        try:
            return bool(self._storage.get_entries(_cache_key(full)))
        except sqlite3.Error:
            return False

    def forget(self, answer: Answer) -> None:
        """Drop ``answer`` from the cache: it could not be read, so it must be asked again."""
        if self._storage is None:
            return
        try:
            for entry in self._storage.get_entries(_cache_key(answer.url)):
                self._storage.remove_entry(entry.id)
        except sqlite3.Error:
            pass

    def get(
        self,
        url: str,
        *,
        service: str,
        what: str,
        params: Mapping[str, str] | None = None,
        accept: str | None = None,
        missing_ok: bool = False,
    ) -> Answer | None:
        """The answer to a GET of ``url``; ``None`` for a 404 when ``missing_ok``.

        ``service`` (``arXiv``) and ``what`` (``paper 2306.07629``) name the request in
        messages. Raises :class:`NetworkError` for anything but a 2xx answer.
        """
        if self.settings.offline:
            raise NetworkError(
                f"offline ({OFFLINE_ENV}=1): readlist did not ask {service} for {what}"
            )
        headers = {"Accept": accept} if accept else {}
        host = _host(url)
        self.requests += 1
        try:
            with self._http().stream("GET", url, params=params, headers=headers) as response:
                status = response.status_code
                if status == 404 and missing_ok:
                    return None
                if not 200 <= status < 300:
                    raise self._status_error(response, service, what)
                body = self._read(response, service)
                content_type = response.headers.get("content-type", "")
                final_url = str(response.request.url)
                status_of_cache = response.extensions.get("caching")
                from_cache = bool(getattr(status_of_cache, "from_cache", False))
        except httpx.TimeoutException:
            raise NetworkError(
                f"{service} ({host}) did not answer within {self.settings.timeout:g} s "
                f"while readlist asked for {what}; try again later"
            ) from None
        except httpx.TooManyRedirects:
            raise NetworkError(f"{service} ({host}) redirected too many times for {what}") from None
        except httpx.ConnectError as error:
            raise NetworkError(_connect_message(error, service, host)) from None
        except httpx.HTTPError as error:
            reason = escape_controls(
                str(error).splitlines()[0] if str(error) else type(error).__name__
            )
            raise NetworkError(f"{service} ({host}) failed for {what}: {reason}") from None
        return Answer(status, content_type, body, final_url, from_cache)

    def arxiv(self, params: Mapping[str, str], *, what: str) -> Answer:
        """The arXiv API's answer to ``params``, sent ``arxiv_delay`` after the last call.

        An answer the cache holds is not a call: it neither waits nor makes the next wait.
        """
        url = self.settings.arxiv_api
        if self.settings.offline or self._is_cached(url, params):
            answer = self.get(url, service="arXiv", what=what, params=params)
            assert answer is not None  # missing_ok is False
            return answer
        delay = self.settings.arxiv_delay
        if self._last_arxiv is not None and delay > 0:
            wait = self._last_arxiv + delay - self._clock()
            if wait > 0:
                self._sleep(wait)
        try:
            answer = self.get(url, service="arXiv", what=what, params=params)
        finally:
            self._last_arxiv = self._clock()
        assert answer is not None  # missing_ok is False
        return answer

    @staticmethod
    def _read(response: httpx.Response, service: str) -> bytes:
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > MAX_RESPONSE_BYTES:
                raise NetworkError(
                    f"{service} sent more than {MAX_RESPONSE_BYTES // (1024 * 1024)} MiB; "
                    "readlist stopped reading"
                )
            chunks.append(chunk)
        return b"".join(chunks)

    @staticmethod
    def _status_error(response: httpx.Response, service: str, what: str) -> NetworkError:
        return status_error(response, service, what)


def status_error(response: httpx.Response, service: str, what: str) -> NetworkError:
    """The one line that says why ``service`` did not answer ``what`` with a 2xx."""
    status = response.status_code
    host = _host(str(response.url))
    label = f"HTTP {status}" + (f" {response.reason_phrase}" if response.reason_phrase else "")
    if status == 429:
        wait = _retry_after(response.headers.get("retry-after"))
        later = f"try again in {wait}" if wait else "try again later"
        return NetworkError(f"{service} ({host}) asks readlist to slow down ({label}); {later}")
    if status >= 500:
        return NetworkError(f"{service} ({host}) failed ({label}) for {what}; try again later")
    if status == 404:
        return NetworkError(f"{service} ({host}) has no {what} ({label})")
    return NetworkError(f"{service} ({host}) refused the request for {what} ({label})")


def _connect_message(error: httpx.ConnectError, service: str, host: str) -> str:
    text = str(error).lower()
    if any(phrase in text for phrase in _DNS_FAILURES):
        return f"cannot find {host} (DNS lookup failed): are you online? ({service})"
    reason = escape_controls(str(error).splitlines()[0]) if str(error) else "connection failed"
    return f"cannot connect to {service} ({host}): {reason}"

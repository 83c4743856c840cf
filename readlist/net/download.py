"""Downloading a paper's PDF: streamed into a file, checked to be a PDF, never too big.

The answer must be a PDF by its content type (or say nothing more than "bytes")
and by its first bytes (``%PDF-``); a web page sent in its place (a login or a
landing page) is refused, and so is an answer bigger than ``pdf_max_mb``, before
or while reading it. PDFs are not cached: the file kept beside the library is the copy.
"""

from __future__ import annotations

from typing import BinaryIO

import httpx

from readlist.net.client import NetworkError, _connect_message, _host, status_error, user_agent
from readlist.net.settings import OFFLINE_ENV, NetSettings
from readlist.text import escape_controls

#: How a PDF file starts (within its first KiB, as PDF readers accept).
PDF_MAGIC = b"%PDF-"
#: Content types a server may send a PDF under.
PDF_TYPES = frozenset(
    {"application/pdf", "application/x-pdf", "application/octet-stream", "binary/octet-stream"}
)


def download_pdf(
    url: str,
    sink: BinaryIO,
    settings: NetSettings,
    *,
    key: str,
    transport: httpx.BaseTransport | None = None,
) -> int:
    """Write the PDF at ``url`` into ``sink``; how many bytes. :class:`NetworkError` otherwise.

    ``key`` names the paper in messages.
    """
    host = _host(url)
    what = f"the PDF of {key}"
    if settings.offline:
        raise NetworkError(f"offline ({OFFLINE_ENV}=1): readlist did not download {what}")
    limit = int(settings.pdf_max_mb * 1024 * 1024)
    too_big = NetworkError(
        f"{what} at {host} is bigger than {settings.pdf_max_mb:g} MiB (pdf_max_mb); "
        "nothing was kept"
    )
    client = httpx.Client(
        timeout=httpx.Timeout(settings.timeout),
        headers={"User-Agent": user_agent(settings), "Accept": "application/pdf"},
        follow_redirects=True,
        max_redirects=5,
        transport=transport,
        trust_env=transport is None,
    )
    try:
        with client, client.stream("GET", url) as response:
            status = response.status_code
            if status == 404:
                label = f"HTTP 404 {response.reason_phrase or 'Not Found'}"
                raise NetworkError(f"{host} has no PDF for {key} ({label}); nothing was kept")
            if not 200 <= status < 300:
                raise status_error(response, "the server", what)
            kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
            if kind and kind not in PDF_TYPES:
                raise NetworkError(
                    f"{host} sent {escape_controls(kind)}, not a PDF, for {what} (a login or "
                    "landing page?); nothing was kept"
                )
            length = response.headers.get("content-length", "")
            if length.isdigit() and int(length) > limit:
                raise too_big
            return _copy(response, sink, limit, too_big, f"{host} sent no PDF for {what}")
    except httpx.TimeoutException:
        raise NetworkError(
            f"{host} did not answer within {settings.timeout:g} s for {what}; try again later"
        ) from None
    except httpx.TooManyRedirects:
        raise NetworkError(f"{host} redirected too many times for {what}") from None
    except httpx.ConnectError as error:
        raise NetworkError(_connect_message(error, "the PDF's server", host)) from None
    except httpx.HTTPError as error:
        reason = escape_controls(str(error).splitlines()[0] if str(error) else type(error).__name__)
        raise NetworkError(f"{host} failed for {what}: {reason}") from None


def _copy(
    response: httpx.Response, sink: BinaryIO, limit: int, too_big: NetworkError, not_pdf: str
) -> int:
    """Copy the body into ``sink``, checking its first bytes and its size as they come."""
    size = 0
    head = b""
    for chunk in response.iter_bytes():
        if len(head) < 1024:
            head += chunk[: 1024 - len(head)]
            if len(head) >= len(PDF_MAGIC) and PDF_MAGIC not in head and len(head) >= 1024:
                raise NetworkError(f"{not_pdf} (its bytes do not start a PDF); nothing was kept")
        size += len(chunk)
        if size > limit:
            raise too_big
        sink.write(chunk)
    if PDF_MAGIC not in head:
        raise NetworkError(f"{not_pdf} (its bytes do not start a PDF); nothing was kept")
    return size

"""A threaded HTTP server on 127.0.0.1 that answers like arXiv, doi.org, Crossref, DataCite and
the ACL Anthology, with the recorded responses in remote/fixtures/ (see its README.md).
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

FIXTURES = Path(__file__).parent / "remote" / "fixtures"


def fixture(name: str) -> bytes:
    """A recorded response body, as recorded."""
    return (FIXTURES / name).read_bytes()


def arxiv_search(name: str) -> Reply:
    """A recorded arXiv search answer (arxiv.py's XML files are the body as sent)."""
    return Reply(fixture(name), headers={"Content-Type": "application/atom+xml"})


def arxiv_fixture(name: str) -> bytes:
    """The body of one of arxiv.py's recorded answers (stored as Latin-1 text in JSON)."""
    data = json.loads((FIXTURES / name).read_text("utf-8"))
    body: str = data["body"]
    return body.encode("latin-1")


@dataclass
class Reply:
    """What the server answers to one path: status, body, headers, and a delay before it."""

    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


#: arXiv id_list → the recorded feed that answers it.
ARXIV_FEEDS = {
    "1605.08386": "arxiv_id_1605.08386_s0_m100_199195aa31ad.json",
    "quant-ph/0201082v1": "arxiv_id_quant-ph_0201082v1_s0_m100_86989fe779ef.json",
    "astro-ph/0601001": "arxiv_id_astro-ph_0601001_s0_m100_3150dca9dc76.json",
    "0808.05394,1707.08567": "arxiv_id_0808.05394_1707.08567_s0_m100_42e5aa0ec3af.json",
    "0000.0000": "arxiv_id_0000.0000_s0_m100_8b51d9633a68.json",
}


def recorded_routes() -> dict[str, Reply]:
    """Every recorded answer, by the path (and arXiv query) it answers."""
    routes = {
        f"/api/query?id_list={ids}": Reply(arxiv_fixture(name), headers={"Content-Type":
                                           "application/atom+xml"})
        for ids, name in ARXIV_FEEDS.items()
    }  # fmt: skip
    json_type = {"Content-Type": "application/json"}
    # doi.org's /ra/ takes a prefix or a whole DOI and names the agency of its prefix;
    # the recorded answers were asked by prefix, so every DOI of a prefix gets that answer.
    for prefix in ("10.7554", "10.48550", "10.99999"):
        routes[f"/ra/{prefix}"] = Reply(fixture(f"doi_ra_{prefix}.json"), headers=json_type)
    routes["/works/10.7554/elife.01567"] = Reply(
        fixture("crossref_works_10.7554_elife.01567.json"), headers=json_type
    )
    routes["/dois/10.48550/arXiv.1902.02534"] = Reply(
        fixture("datacite_dois_10.48550_arxiv.1902.02534.json"),
        headers={"Content-Type": "application/vnd.api+json"},
    )
    routes["/acl/D16-1001.bib"] = Reply(
        fixture("acl_D16-1001.bib"), headers={"Content-Type": "text/plain; charset=utf-8"}
    )
    return routes


class FakeServices:
    """The server: ``routes`` answer requests, ``requests`` records them (path, query, headers)."""

    def __init__(self) -> None:
        self.routes: dict[str, Reply] = recorded_routes()
        self.requests: list[tuple[str, dict[str, list[str]], dict[str, str]]] = []
        self.times: list[float] = []
        services = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                query = parse_qs(parts.query)
                services.requests.append((parts.path, query, dict(self.headers.items())))
                services.times.append(time.monotonic())
                reply = services.find(parts.path, query)
                if reply.delay:
                    time.sleep(reply.delay)
                try:
                    self.send_response(reply.status)
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(reply.body)))
                    self.end_headers()
                    self.wfile.write(reply.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def find(self, path: str, query: dict[str, list[str]]) -> Reply:
        """The reply for a request: by path and arXiv id_list, else by path, else by prefix.

        Paths are compared ignoring case, as DOIs are (Crossref answers any spelling).
        """
        ids = query.get("id_list", [""])[0]
        routes = {key.lower(): reply for key, reply in self.routes.items()}
        if "search_query" in query and f"{path}?search" in routes:
            return routes[f"{path}?search"]  # a test's choice of recorded search answer
        for key in (f"{path}?id_list={ids}".lower(), path.lower()):
            if key in routes:
                return routes[key]
        if path.startswith("/ra/"):
            prefix = path.removeprefix("/ra/").split("/")[0]
            if f"/ra/{prefix}" in self.routes:
                return self.routes[f"/ra/{prefix}"]
        return Reply(b"Not found", status=404)

    def env(self) -> dict[str, str]:
        """The environment variables that point readlist at this server."""
        return {
            "READLIST_ARXIV_API": f"{self.base}/api/query",
            "READLIST_CROSSREF_API": self.base,
            "READLIST_DATACITE_API": self.base,
            "READLIST_DOI_RESOLVER": self.base,
            "READLIST_ACL_BASE": f"{self.base}/acl",
            "READLIST_HF_BASE": self.base,
            "READLIST_ARXIV_PDF": f"{self.base}/pdf",
            "READLIST_ARXIV_DELAY": "0",
        }

    def start(self) -> None:
        """Serve in a background thread."""
        self._thread.start()

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self._server.shutdown()
        self._server.server_close()

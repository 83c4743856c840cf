"""The network layer's failures, pace and manners, against the fake services."""

from __future__ import annotations

import json

import httpx
import pytest

from readlist.identifiers import Thing, parse_thing
from readlist.net import Fetcher, NetSettings, NetworkError, net_settings
from readlist.net.lookup import look_up
from tests.fake_services import ARXIV_FEEDS, FakeServices, Reply, arxiv_fixture


def _fetcher(**changes: object) -> Fetcher:
    settings = net_settings()
    values = {name: getattr(settings, name) for name in NetSettings.__dataclass_fields__}
    return Fetcher(NetSettings(**{**values, **changes}))


def _things(*texts: str) -> list[Thing]:
    return [parse_thing(text) for text in texts]


def test_http_429_names_the_wait_retry_after_asks_for(services: FakeServices) -> None:
    services.routes["/api/query?id_list=1605.08386"] = Reply(
        b"slow down", status=429, headers={"Retry-After": "30"}
    )  # the status and header are the test's own; no 429 was recorded
    with _fetcher() as fetcher, pytest.raises(NetworkError) as caught:
        look_up(_things("1605.08386"), fetcher)
    message = str(caught.value)
    assert "asks readlist to slow down (HTTP 429" in message
    assert message.endswith("try again in 30 s")
    assert "\n" not in message


def test_http_500_is_one_line_saying_try_again_later(services: FakeServices) -> None:
    services.routes["/works/10.7554/elife.01567"] = Reply(b"<html>boom</html>", status=500)
    with _fetcher() as fetcher, pytest.raises(NetworkError) as caught:
        look_up(_things("10.7554/elife.01567"), fetcher)
    assert str(caught.value) == (
        f"Crossref ({services.base.removeprefix('http://')}) failed "
        "(HTTP 500 Internal Server Error) for DOI 10.7554/elife.01567; try again later"
    )


def test_a_server_that_never_answers_times_out(services: FakeServices) -> None:
    services.routes["/api/query?id_list=1605.08386"] = Reply(
        arxiv_fixture(ARXIV_FEEDS["1605.08386"]), delay=3
    )
    with _fetcher(timeout=0.3) as fetcher, pytest.raises(NetworkError) as caught:
        look_up(_things("1605.08386"), fetcher)
    assert "did not answer within 0.3 s" in str(caught.value)


def test_a_truncated_feed_is_a_malformed_answer(services: FakeServices) -> None:
    whole = arxiv_fixture(ARXIV_FEEDS["1605.08386"])
    services.routes["/api/query?id_list=1605.08386"] = Reply(whole[: len(whole) // 2])
    with _fetcher() as fetcher, pytest.raises(NetworkError) as caught:
        look_up(_things("1605.08386"), fetcher)
    assert str(caught.value).startswith("arXiv sent a malformed answer (not XML:")


def test_an_empty_feed_means_arxiv_has_no_such_paper(services: FakeServices) -> None:
    with _fetcher() as fetcher:
        (found,) = look_up(_things("0000.0000"), fetcher)
    assert found.paper is None and str(found.error) == "arXiv has no paper 0000.0000"


def test_a_doi_no_agency_knows(services: FakeServices) -> None:
    with _fetcher() as fetcher:
        (found,) = look_up(_things("10.99999/nothing.here"), fetcher)
    assert str(found.error) == "doi.org knows no DOI 10.99999/nothing.here (DOI does not exist)"
    assert [path for path, _, _ in services.requests] == ["/ra/10.99999/nothing.here"]


def test_malformed_json_from_crossref(services: FakeServices) -> None:
    services.routes["/works/10.7554/elife.01567"] = Reply(b'{"status":"ok","mess')
    with _fetcher() as fetcher, pytest.raises(NetworkError, match="Crossref sent a malformed"):
        look_up(_things("10.7554/elife.01567"), fetcher)


def test_arxiv_ids_go_in_one_batched_call(services: FakeServices) -> None:
    with _fetcher() as fetcher:
        missing, found = look_up(_things("0808.05394", "1707.08567"), fetcher)
    assert [query["id_list"] for _, query, _ in services.requests] == [["0808.05394,1707.08567"]]
    assert found.paper is not None and found.paper.category == "cs.IT"
    assert str(missing.error) == "arXiv has no paper 0808.05394"


def test_arxiv_calls_are_kept_apart_by_the_delay() -> None:
    now = [100.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    feed = arxiv_fixture(ARXIV_FEEDS["1605.08386"])
    transport = httpx.MockTransport(lambda request: httpx.Response(200, content=feed))
    fetcher = Fetcher(NetSettings(arxiv_delay=3.0), transport=transport, sleep=sleep,
                      clock=lambda: now[0])  # fmt: skip
    fetcher.arxiv({"id_list": "1605.08386"}, what="one")
    now[0] += 1.0
    fetcher.arxiv({"id_list": "1605.08386"}, what="two")
    fetcher.arxiv({"id_list": "1605.08386"}, what="three")
    assert slept == [pytest.approx(2.0), pytest.approx(3.0)]


def test_the_real_pace_between_two_calls(services: FakeServices) -> None:
    with _fetcher(arxiv_delay=0.4) as fetcher:
        look_up(_things("1605.08386"), fetcher)
        look_up(_things("astro-ph/0601001"), fetcher)
    first, second = services.times
    assert second - first >= 0.4


def test_offline_sends_nothing(services: FakeServices) -> None:
    with _fetcher(offline=True) as fetcher, pytest.raises(NetworkError, match="offline"):
        look_up(_things("10.7554/elife.01567"), fetcher)
    assert services.requests == []


def test_a_dns_failure_says_the_host_was_not_found() -> None:
    def fail(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[Errno -2] Name or service not known", request=request)

    fetcher = Fetcher(NetSettings(), transport=httpx.MockTransport(fail))
    with pytest.raises(NetworkError) as caught:
        fetcher.get("https://api.crossref.org/works/10.1/x", service="Crossref", what="DOI 10.1/x")
    assert str(caught.value) == (
        "cannot find api.crossref.org (DNS lookup failed): are you online? (Crossref)"
    )


def test_user_agent_names_readlist_and_the_mailto_goes_to_crossref(
    services: FakeServices, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("READLIST_MAILTO", "reader@example.org")
    with Fetcher(net_settings()) as fetcher:
        look_up(_things("10.7554/elife.01567"), fetcher)
    from readlist import __version__

    for _, _, headers in services.requests:
        assert headers["User-Agent"].startswith(f"readlist/{__version__} (")
        assert "mailto:reader@example.org" in headers["User-Agent"]
    (_, crossref_query, _) = services.requests[-1]
    assert crossref_query == {"mailto": ["reader@example.org"]}


def test_settings_come_from_the_environment_then_the_settings_file(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        '[network]\narxiv_api = "http://127.0.0.1:9/api"\narxiv_delay = 5\noffline = true\n'
        'crossref_api = "http://127.0.0.1:9/"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("READLIST_CONFIG", str(config))
    for name in ("READLIST_ARXIV_API", "READLIST_CROSSREF_API", "READLIST_ARXIV_DELAY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("READLIST_OFFLINE", raising=False)
    settings = net_settings()
    assert settings.arxiv_api == "http://127.0.0.1:9/api"
    assert settings.crossref_api == "http://127.0.0.1:9"
    assert settings.arxiv_delay == 5 and settings.offline
    assert settings.doi_resolver == "https://doi.org"
    monkeypatch.setenv("READLIST_ARXIV_API", "http://127.0.0.1:8/q")
    monkeypatch.setenv("READLIST_ARXIV_DELAY", "0")
    settings = net_settings()
    assert settings.arxiv_api == "http://127.0.0.1:8/q" and settings.arxiv_delay == 0


def test_a_wrong_setting_is_one_clear_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("READLIST_ARXIV_DELAY", "soon")
    with pytest.raises(Exception, match="READLIST_ARXIV_DELAY must be a number of seconds"):
        net_settings()
    monkeypatch.setenv("READLIST_ARXIV_DELAY", "3")
    monkeypatch.setenv("READLIST_CROSSREF_API", "ftp://mirror")
    with pytest.raises(Exception, match="READLIST_CROSSREF_API must be an http"):
        net_settings()


def test_answers_are_cached_in_the_user_cache_folder(
    services: FakeServices, run_cli, isolated_data_dir
) -> None:
    run_cli("add", "1605.08386", "10.7554/elife.01567", check=True)
    asked = len(services.requests)
    assert (isolated_data_dir / ".cache" / "readlist" / "http-cache.sqlite").is_file()
    key = json.loads(run_cli("list", "--json").stdout)[0]["key"]
    run_cli("remove", "--yes", key, check=True)
    run_cli("add", "1605.08386", "10.7554/elife.01567", check=True)
    assert len(services.requests) == asked  # all from the cache
    run_cli("add", "1605.08386", env={"READLIST_CACHE_DAYS": "0"}, check=True)
    assert len(services.requests) == asked + 1


def test_an_answer_that_could_not_be_read_is_not_kept(services: FakeServices, run_cli) -> None:
    whole = arxiv_fixture(ARXIV_FEEDS["1605.08386"])
    services.routes["/api/query?id_list=1605.08386"] = Reply(whole[:300])  # cut by the test
    failed = run_cli("add", "1605.08386")
    assert failed.returncode == 1 and "malformed" in failed.stderr
    services.routes["/api/query?id_list=1605.08386"] = Reply(whole)
    run_cli("add", "1605.08386", check=True)
    assert len(services.requests) == 2

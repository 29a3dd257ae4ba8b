"""Endpoint sessions read the environment once (proxies, CA bundle, .netrc), with the rules requests uses.

requests would read them again for every request; syndicate settles them when
an endpoint opens. These tests check that the outcome is what requests itself
would do: a proxy variable still routes deliveries through the proxy, NO_PROXY
still bypasses it, and a CA bundle or a .netrc entry still applies.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from syndicate.config import Endpoint
from syndicate.delivery.endpoints.base import Remote
from syndicate.delivery.endpoints.http import make_session
from syndicate.delivery.endpoints.webhook import WebhookEndpoint
from tests.loopback import recording_server

PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (*PROXY_VARIABLES, "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "NETRC"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


def webhook(url: str) -> WebhookEndpoint:
    return WebhookEndpoint(Endpoint("hook", "webhook", "community-web", settings={"url": url}), Path(), {})


def test_a_proxy_variable_routes_deliveries_through_the_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    with recording_server() as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        endpoint = webhook("http://hooks.example.org/syndicate")
        endpoint.delete(Remote("a-slug", ""), "a-slug", "k" * 32)
        endpoint.close()
    assert [r.path for r in proxy.requests] == ["http://hooks.example.org/syndicate"]
    assert json.loads(proxy.requests[0].body) == {"event": "delete", "article": "a-slug"}


def test_no_proxy_still_bypasses_the_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    with recording_server() as proxy, recording_server() as hook:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        monkeypatch.setenv("NO_PROXY", "127.0.0.1")
        endpoint = webhook(hook.url)
        endpoint.delete(Remote("a-slug", ""), "a-slug", "k" * 32)
        endpoint.close()
    assert proxy.requests == []
    assert len(hook.requests) == 1


def test_the_environment_is_read_when_the_session_is_made(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text("machine hooks.example.org login editor password from-netrc\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tmp_path / "bundle.pem"))
    session = make_session("https://hooks.example.org/syndicate")
    assert session.trust_env is False  # nothing is read again per request
    assert session.verify == str(tmp_path / "bundle.pem")
    assert session.auth == ("editor", "from-netrc")
    assert make_session("https://elsewhere.example.org/").auth is None


@pytest.mark.parametrize(
    ("page", "words"),
    [
        ("<!DOCTYPE html><html><head><title> Not &amp; Found </title></head></html>", "Not & Found"),
        ("<!-- a proxy --><html><head><style>h1 {color: red}</style></head><body><h1>Bad Gateway</h1>", "Bad Gateway"),
        ("<html><body><script>var x = 1;</script>" + "word " * 100 + "</body></html>", "word " * 29 + "word…"),
    ],
)
def test_an_html_error_page_is_said_in_a_few_words(page: str, words: str) -> None:
    from syndicate.delivery.endpoints.http import _page_words

    assert _page_words(page) == words


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (
            "HTTPSConnectionPool(host='x.example.org', port=443): Max retries exceeded with url: / (Caused by "
            "SSLError(SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: "
            "self-signed certificate (_ssl.c:1006)')))",
            "certificate verify failed: self-signed certificate",
        ),
        (
            "HTTPConnectionPool(host='127.0.0.1', port=9): Max retries exceeded with url: / (Caused by "
            "NewConnectionError('<urllib3.connection.HTTPConnection object at 0x7f>: Failed to establish a new "
            "connection: [Errno 111] Connection refused'))",
            "Connection refused",
        ),
        ("something else entirely", "ConnectionError"),
    ],
)
def test_a_failed_connection_is_said_by_its_cause(text: str, reason: str) -> None:
    import requests

    from syndicate.errors import network_reason

    assert network_reason(requests.ConnectionError(text)) == reason

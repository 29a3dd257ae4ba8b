"""A secret stays a secret in every form it takes, and is sent as the server checks it."""

from __future__ import annotations

import base64
from typing import Any

from syndicate.config import Endpoint
from syndicate.endpoints.wordpress import WordPressEndpoint
from tests.faultserver import fault_server

USER = "syndication-bot"


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def endpoint_config(name: str, url: str, **settings: Any) -> Endpoint:
    return Endpoint(name=name, type=name, channel="community-web", settings={"url": url, **settings})


def test_a_wordpress_password_beyond_latin1_is_sent_as_utf8() -> None:
    """WordPress checks the UTF-8 bytes of a password; requests would send Latin-1, or fail on "€"."""
    password = "p\u00e4ss \u20ac 1234 wxyz"
    with fault_server("wordpress", USER, password) as wordpress:
        environ = {"WP_USER": USER, "WP_PASSWORD": password}
        config = endpoint_config("wordpress", wordpress.url, username_env="WP_USER", password_env="WP_PASSWORD")
        endpoint = WordPressEndpoint(config, environ)
        assert endpoint.find("a-slug", "k" * 32) is None
        endpoint.close()
        assert wordpress.requests[-1].headers["Authorization"] == f"Basic {b64(f'{USER}:{password}')}"

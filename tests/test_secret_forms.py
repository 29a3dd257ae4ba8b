"""A secret a server echoes stays hidden in every form it comes back in.

Servers rarely echo a secret as it was sent: `500 {"message": {"echo": SECRET}}`
comes back inside JSON, a Python repr, percent-encoded, or as the base64 of an
Authorization header. None of those forms may reach what syndicate prints
(`push`, `run --format json`, `status --format json`) or stores (the ledger's
last_error): checked here for random secrets with quotes, backslashes, control
characters and non-ASCII, through real loopback servers, webhook- and
WordPress-shaped, that echo them. SYNDICATE_FUZZ_EXAMPLES=200 searches harder.
A secret written in syndicate.toml is hidden too where a problem quotes it as
its repr; a secret of a few characters never eats the rest of a message.
"""

from __future__ import annotations

import base64
import html
import json
import os
import re
import shutil
import sqlite3
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from syndicate.articles.article import Article
from syndicate.articles.front_matter import parse_article_bytes
from syndicate.config import Endpoint
from syndicate.delivery.endpoints.base import Remote
from syndicate.delivery.endpoints.http import WITHHELD, printable
from syndicate.delivery.endpoints.webhook import WebhookEndpoint
from syndicate.delivery.endpoints.wordpress import WordPressEndpoint
from syndicate.errors import DeliveryError
from syndicate.licences.profiles import load_registry
from syndicate.render.copies import Copy, make_copy
from tests.conftest import DEMO
from tests.faultserver import Fault, fault_server

USER = "syndication-bot"
NOW = "2026-11-26T12:00:00+00:00"
NASTY = "p\\a\"s's\x01\x1b\tw\u00f6r\u20acd/+ %\U0001d11e"


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def json_ascii(text: str) -> str:
    return json.dumps(text)[1:-1]


def json_utf8(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)[1:-1]


def python_repr(text: str) -> str:
    return repr(text)[1:-1]


#: the forms of a secret a text may show (the brief's list, written apart from syndicate's)
FORMS: dict[str, Callable[[str], str]] = {
    "raw": str,
    "json": json_ascii,
    "json-utf8": json_utf8,
    "repr": python_repr,
    "repr-in-json": lambda s: json_ascii(python_repr(s)),
    "json-in-json": lambda s: json_utf8(json_ascii(s)),
    "quote": lambda s: quote(s, safe=""),
    "quote-lower-hex": lambda s: re.sub("%[0-9A-F]{2}", lambda hex_byte: hex_byte[0].lower(), quote(s, safe="")),
    "quote-slash": quote,
    "quote_plus": quote_plus,
    "base64": b64,
    "basic-auth": lambda s: b64(f"{USER}:{s}"),
    "html": html.escape,
}


def forms(secret: str, kind: str = "wordpress") -> dict[str, str]:
    """The forms of `secret`; a webhook has no user, hence no `user:password` form."""
    return {name: form(secret) for name, form in FORMS.items() if kind == "wordpress" or name != "basic-auth"}


# --- printable ----------------------------------------------------------------------------------


@pytest.mark.parametrize("form", FORMS)
def test_every_form_of_a_secret_is_hidden(form: str) -> None:
    shown = printable(f"expected {FORMS[form](NASTY)}, got nothing", secrets=[NASTY, b64(f"{USER}:{NASTY}")])
    assert shown.startswith("expected ***")
    assert shown.endswith(", got nothing")
    assert not any(f in shown for f in forms(NASTY).values())


def test_a_short_secret_withholds_a_text_that_shows_it_and_no_other() -> None:
    """A two-letter secret cut out of a text would leave it in pieces ("N***t logged in.")."""
    assert printable("Not logged in.", secrets=["xq"]) == "Not logged in."
    assert printable("key xq refused", secrets=["xq"]) == WITHHELD
    assert printable("key q%26 refused", secrets=["q&"]) == WITHHELD  # percent-encoded
    assert printable("key xq refused", secrets=["xq"], withheld="") == ""


def test_asterisks_that_spell_a_secret_withhold_the_text() -> None:
    assert printable("x******y", secrets=["****"]) == WITHHELD


# --- syndicate.toml -------------------------------------------------------------------------------

HOOK = (
    '\n[[endpoints]]\nname = "hook"\ntype = "webhook"\nchannel = "community-web"\nurl = "https://hooks.example.org/"\n'
)


@pytest.mark.parametrize(
    ("literal", "secret"),
    [("secret_env = 'wh\\sec\"9f8e-7d6c'", 'wh\\sec"9f8e-7d6c'), ('secret_env = "a b"', "a b"), ("api_key = 1", "1")],
    ids=["escaped", "short", "digit"],
)
def test_a_secret_in_the_config_is_hidden_in_its_quoted_forms_and_the_keys_stay_named(
    run_cli: Any, site: Path, literal: str, secret: str
) -> None:
    """A schema problem quotes a value as its repr; a short secret ("1") must not eat "endpoints[1]"."""
    config = site / "syndicate.toml"
    config.write_text(config.read_text() + HOOK + literal + "\n")
    result = run_cli("--config", str(config), "validate")
    assert result.status == 2
    assert f"endpoints[1].{literal.split()[0]}" in result.err
    for form in (repr(secret), json.dumps(secret), *(forms(secret).values() if len(secret) >= 4 else ())):
        assert form not in result.out + result.err, form


# --- what the endpoints make of an echo ---------------------------------------------------------------


def endpoint_config(name: str, url: str, **settings: Any) -> Endpoint:
    return Endpoint(name=name, type=name, channel="community-web", settings={"url": url, **settings})


def test_a_json_message_that_is_not_text_is_shown_as_compact_json() -> None:
    secret = 'tr\\icky"one'
    with fault_server("webhook") as hook:
        answers = [{"message": {"echo": secret, "limits": [1, None]}}, [secret, 2], {"error": {"n": 1.5}}]
        hook.faults = [Fault(status=422, body=json.dumps(answer).encode()) for answer in answers]
        endpoint = WebhookEndpoint(endpoint_config("webhook", hook.url, secret_env="S"), Path(), {"S": secret})
        said = []
        for _ in answers:
            with pytest.raises(DeliveryError) as error:
                endpoint.delete(Remote("1", hook.url), "a-slug", "k" * 32)
            said.append(error.value.message.split("answered HTTP 422: ", 1)[1])
        endpoint.close()
    assert said == ['{"echo":"***","limits":[1,null]}', '["***",2]', '{"n":1.5}']


def demo_copy() -> Copy:
    path = sorted((DEMO / "content").glob("*.md"))[0]
    parsed = parse_article_bytes(path.read_bytes(), path.name)
    assert parsed.data is not None
    article = Article.from_data(path, parsed.data, parsed.body)
    profile = load_registry().get(article.license_id)
    assert profile is not None
    return make_copy(article, profile)


def test_a_short_secret_in_an_answer_leaves_the_copy_its_own_name() -> None:
    """The receiver's id and address are withheld, not shown as "(withheld: ...)": the slug and url stand in."""
    copy = demo_copy()
    with fault_server("webhook") as hook:
        hook.answer = json.dumps({"id": "id-with-xq", "url": "https://receiver.example/xq"}).encode()
        endpoint = WebhookEndpoint(endpoint_config("webhook", hook.url, secret_env="S"), Path(), {"S": "xq"})
        remote = endpoint.create(copy, "k" * 32)
        endpoint.close()
    assert remote == Remote(copy.slug, hook.url)


def test_a_wordpress_password_beyond_latin1_is_sent_as_utf8() -> None:
    """WordPress checks the UTF-8 bytes of a password; requests would send Latin-1, or fail on "€"."""
    password = "p\u00e4ss \u20ac 1234 wxyz"
    with fault_server("wordpress", USER, password) as wordpress:
        environ = {"WP_USER": USER, "WP_PASSWORD": password}
        config = endpoint_config("wordpress", wordpress.url, username_env="WP_USER", password_env="WP_PASSWORD")
        endpoint = WordPressEndpoint(config, Path(), environ)
        assert endpoint.find("a-slug", "k" * 32) is None
        endpoint.close()
        assert wordpress.requests[-1].headers["Authorization"] == f"Basic {b64(f'{USER}:{password}')}"


def test_a_wordpress_password_echoed_without_its_spaces_is_hidden() -> None:
    """WordPress takes an Application Password with or without its spaces, and may say it either way."""
    password = "abcd EFGH 1234 ijkl MNOP 5678"
    with fault_server("wordpress", USER, password) as wordpress:
        echoed = json.dumps({"message": password.replace(" ", "")}).encode()
        wordpress.faults = [Fault(status=500, body=echoed, path="/wp/v2/posts")]
        config = endpoint_config("wordpress", wordpress.url, username_env="U", password_env="P", retries=1)
        endpoint = WordPressEndpoint(config, Path(), {"U": USER, "P": password})
        with pytest.raises(DeliveryError) as error:
            endpoint.find("a-slug", "k" * 32)
        endpoint.close()
    assert error.value.message.endswith("answered HTTP 500: ***")


# --- whole runs against servers that echo random secrets -----------------------------------------------

EXAMPLES = int(os.environ.get("SYNDICATE_FUZZ_EXAMPLES", "6"))
#: quotes, backslashes, what percent-encoding and base64 use, control characters and non-ASCII
ODD = [*"\"'\\/%+ =:&<", *"\t\n\r\x01\x1b\x7f\x85\u2028\u202e\ufeff", *"éß€ж", "\U0001d11e"]
SECRETS = (
    st.text(
        st.sampled_from(ODD) | st.characters(exclude_categories=["Cs"], exclude_characters="\x00"),
        min_size=8,
        max_size=16,
    )
    .filter(lambda s: len(set(s)) >= 4)  # (a run of one character may be in any output: a table's rule)
    # Hypothesis also draws strings from the code's own constants ("content_" was one): such a
    # "secret" is in every output, hidden or not; a character no output has makes it a secret
    .map(lambda s: s[:4] + "\u00a7" + s[4:])
)


def echo(shape: str, secret: str) -> Callable[[dict[str, str]], bytes]:
    """An error answer repeating the secret, or the Authorization header the server was sent."""

    def body(headers: dict[str, str]) -> bytes:
        said: Any = {
            "dict": {"code": "echo", "message": {"echo": secret}},
            "text": {"message": f"expected {secret}"},
            "list": {"message": [secret, quote(secret, safe=""), quote_plus(secret)]},
            # a webhook sends no Authorization header (nor user): its receiver echoes the secret's base64
            "header": {"error": {"authorization": headers.get("Authorization"), "secret": b64(secret)}},
            "repr": {"message": repr({"echo": secret})},
        }.get(shape)
        if said is not None:
            return json.dumps(said).encode()
        if shape == "page":
            return f"<html><title>{html.escape(secret)}</title></html>".encode()
        return f"secret={quote(secret)}&echo={secret}".encode()

    return body


ECHOES = ["dict", "text", "list", "header", "repr", "page", "plain"]


@pytest.mark.parametrize("kind", ["webhook", "wordpress"])
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(secret=SECRETS, shape=st.sampled_from(ECHOES), status=st.sampled_from([400, 401, 422, 500]))
def test_an_echoed_secret_is_in_no_output_and_no_stored_error(
    run_cli: Any, monkeypatch: pytest.MonkeyPatch, kind: str, secret: str, shape: str, status: int
) -> None:
    monkeypatch.setenv("TEST_SECRET", secret)
    monkeypatch.setenv("TEST_USER", USER)
    with tempfile.TemporaryDirectory() as folder, fault_server(kind, USER, secret) as server:
        site = Path(folder) / "site"
        shutil.copytree(DEMO, site, ignore=shutil.ignore_patterns(".syndicate", "out", "feeds"))
        for article in sorted((site / "content").glob("*.md"))[1:]:
            article.unlink()  # one article: a quicker run
        settings = (
            'secret_env = "TEST_SECRET"'
            if kind == "webhook"
            else 'username_env = "TEST_USER"\npassword_env = "TEST_SECRET"'
        )
        config = site / "syndicate.toml"
        config.write_text(
            config.read_text() + f'\n[[endpoints]]\nname = "far"\ntype = "{kind}"\nchannel = "community-web"\n'
            f'url = "{server.url}"\n{settings}\nretries = 1\n'
        )
        path = "/" if kind == "webhook" else "/wp/v2/"
        server.faults = [Fault(status=status, echo=echo(shape, secret), path=path) for _ in range(4)]
        printed = []
        for command in (["push"], ["status", "--format", "json"], ["run", "--now", NOW, "--format", "json"]):
            result = run_cli("--config", str(config), *command)
            printed.append(result.out + result.err)
        with sqlite3.connect(site / ".syndicate" / "state.db") as ledger:
            stored = [row[0] or "" for row in ledger.execute("SELECT last_error FROM deliveries")]
    assert "***" in printed[0], printed[0]  # the echo was shown, and hidden
    for name, form in forms(secret).items():
        for text in [*printed, *stored]:
            assert form not in text, (name, form, text)

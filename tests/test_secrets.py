"""Secrets come only from the environment, and never come out again.

A secret written in syndicate.toml is a configuration error that names the key
(and never repeats the value). A whole session of the tool (validate, feeds,
push to a signed webhook and to a WordPress-shaped server that echoes what it
was sent, run, status, plan) with known secrets leaves them nowhere: not in
what it printed, not in any file under the site (the ledger's bytes included).
Credentials never go over plain http to another machine unless the endpoint
says allow_insecure.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from syndicate.config import load_config
from syndicate.errors import ConfigError
from tests.faultserver import Fault, FaultServer, fault_server

HOOK_SECRET = "hook-secret-7Hq2Lp9Zx"
WP_USER = "syndication-bot"
WP_PASSWORD = "abcd EFGH 1234 ijkl MNOP 5678"
BASIC = base64.b64encode(f"{WP_USER}:{WP_PASSWORD}".encode()).decode()
FORMS = (HOOK_SECRET, WP_PASSWORD, BASIC, WP_PASSWORD.replace(" ", ""))
NOW = "2026-11-26T12:00:00+00:00"


def append(site: Path, text: str) -> str:
    config = site / "syndicate.toml"
    config.write_text(config.read_text() + text)
    return str(config)


# --- secrets written in the file -----------------------------------------------------------------

LITERALS = [
    ('[[endpoints]]\nname = "wp"\ntype = "wordpress"\nchannel = "community-web"\nurl = "https://wp.example.org"\n'
     'username_env = "WP_USER"\npassword_env = "WP_PASSWORD"\npassword = "S3cret-literal-pw"\n',
     "endpoints[1].password", "S3cret-literal-pw"),
    ('[[endpoints]]\nname = "hook"\ntype = "webhook"\nchannel = "community-web"\nurl = "https://hooks.example.org/"\n'
     'token = "tok_live_8f7e6d5c"\n', "endpoints[1].token", "tok_live_8f7e6d5c"),
    ('[[endpoints]]\nname = "hook"\ntype = "webhook"\nchannel = "community-web"\nurl = "https://hooks.example.org/"\n'
     'api_key = 123456789\n', "endpoints[1].api_key", "123456789"),
    ('[[endpoints]]\nname = "hook"\ntype = "webhook"\nchannel = "community-web"\n'
     'url = "https://bot:pa55-in-url@hooks.example.org/in"\n', "endpoints[1].url", "pa55-in-url"),
    ('[[endpoints]]\nname = "hook"\ntype = "webhook"\nchannel = "community-web"\n'
     'url = "https://hooks.example.org/in?channel=news&token=q1w2e3r4t5"\n', "endpoints[1].url", "q1w2e3r4t5"),
    ('[[endpoints]]\nname = "wp"\ntype = "wordpress"\nchannel = "community-web"\nurl = "https://wp.example.org"\n'
     'username_env = "WP_USER"\npassword_env = "abcd EFGH 1234 ijkl"\n', "endpoints[1].password_env",
     "abcd EFGH 1234 ijkl"),
    ('[[endpoints]]\nname = "hook"\ntype = "webhook"\nchannel = "community-web"\nurl = "https://hooks.example.org/"\n'
     'secret_env = "whsec_9f8e-7d6c"\n', "endpoints[1].secret_env", "whsec_9f8e-7d6c"),
    ('[feeds]\nhubs = ["https://hubuser:hubpass-77@hub.example.org/"]\n', "feeds.hubs[0]", "hubpass-77"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "key", "secret"), LITERALS, ids=[key for _, key, _ in LITERALS])
@pytest.mark.parametrize("command", [("validate",), ("push", "--dry-run"), ("run", "--now", NOW), ("plan",)])
def test_a_secret_in_the_config_is_an_error_naming_the_key(
    run_cli: Any, site: Path, text: str, key: str, secret: str, command: tuple[str, ...]
) -> None:
    config = append(site, "\n" + text)
    result = run_cli("--config", config, *command)
    assert result.status == 2
    assert key in result.err
    assert secret not in result.out + result.err
    with pytest.raises(ConfigError) as error:
        load_config(Path(config))
    everything = " ".join([str(error.value), error.value.hint, *error.value.problems, repr(error.value.args)])
    assert secret not in everything
    assert any(p.startswith(key) for p in error.value.problems)


def test_names_of_variables_and_ordinary_keys_are_fine(site: Path) -> None:
    config = append(
        site,
        '\n[[endpoints]]\nname = "hook"\ntype = "webhook"\nchannel = "community-web"\n'
        'url = "https://hooks.example.org/in?channel=news&page=2"\nsecret_env = "HOOK_SECRET"\n',
    )
    assert load_config(Path(config)).endpoint("hook") is not None


# --- a whole session with known secrets --------------------------------------------------------------


@pytest.fixture
def servers(site: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[FaultServer, FaultServer]]:
    monkeypatch.setattr("syndicate.delivery.push.BACKOFF_BASE", 0.01)
    monkeypatch.setattr("syndicate.delivery.push.BACKOFF_CAP", 0.05)
    monkeypatch.setenv("TEST_HOOK_SECRET", HOOK_SECRET)
    monkeypatch.setenv("TEST_WP_USER", WP_USER)
    monkeypatch.setenv("TEST_WP_PASSWORD", WP_PASSWORD)
    with fault_server("webhook") as hook, fault_server("wordpress", WP_USER, WP_PASSWORD) as wordpress:
        append(
            site,
            f'\n[[endpoints]]\nname = "hook"\ntype = "webhook"\nchannel = "community-web"\nurl = "{hook.url}"\n'
            'secret_env = "TEST_HOOK_SECRET"\nretries = 2\nconcurrency = 1\n'
            f'\n[[endpoints]]\nname = "wp"\ntype = "wordpress"\nchannel = "community-web"\nurl = "{wordpress.url}"\n'
            'username_env = "TEST_WP_USER"\npassword_env = "TEST_WP_PASSWORD"\nretries = 2\nconcurrency = 1\n',
        )
        yield hook, wordpress


def echo(*parts: str) -> bytes:
    """An error answer that repeats what a careless or hostile server was sent."""
    return json.dumps({"code": "echo", "message": " | ".join(parts)}).encode()


def test_no_secret_is_printed_or_written_anywhere(
    run_cli: Any, site: Path, servers: tuple[FaultServer, FaultServer]
) -> None:
    hook, wordpress = servers
    config = str(site / "syndicate.toml")
    printed: list[str] = []

    def cli(*args: str) -> Any:
        result = run_cli("-v", "--config", config, *args)
        printed.extend([result.out, result.err])
        return result

    # servers that repeat the secrets back in their errors, bodies and redirects
    hook.faults = [Fault(status=500, body=echo(f"expected secret {HOOK_SECRET}"), method="POST") for _ in range(2)] + [
        Fault(status=400, body=echo(f"signature made with {HOOK_SECRET} refused"), method="POST")
    ]
    wordpress.faults = [
        Fault(status=401, body=echo(f"Basic {BASIC}", f"password {WP_PASSWORD}"), method="POST", path="/wp/v2/posts"),
        Fault("redirect", status=302, location=f"{wordpress.url}login?pw={WP_PASSWORD}", method="GET"),
        Fault(status=500, body=f"<html>{WP_PASSWORD}\x00{BASIC}</html>".encode(), method="GET", path="/wp/v2/tags"),
    ]
    cli("validate")
    cli("feeds")
    cli("push")  # failures, each echoing a secret
    cli("status", "--format", "json")
    cli("status", "--failed")
    hook.answer = json.dumps({"id": HOOK_SECRET, "url": f"https://receiver.example/{HOOK_SECRET}"}).encode()
    cli("push")
    hook.answer = None
    cli("retry", "--all")
    cli("run", "--now", NOW, "--format", "json")
    cli("run", "--now", NOW)
    cli("plan", "--format", "json")
    cli("status")

    assert any(r.headers.get("X-Syndicate-Signature") for r in hook.requests)  # the secret was used
    assert any(r.headers.get("Authorization") == f"Basic {BASIC}" for r in wordpress.requests)
    assert all(r.headers.get("Authorization") is None for r in hook.requests)
    output = "\n".join(printed)
    assert "***" in output  # what the servers echoed, hidden
    for secret in FORMS:
        assert secret not in output, secret
    written = [p for p in site.rglob("*") if p.is_file()]
    assert any(p.name == "state.db" for p in written)
    for path in written:
        content = path.read_bytes()
        for secret in FORMS:
            assert secret.encode() not in content, (path, secret)
            assert secret.encode("utf-16-le") not in content, (path, secret)


def test_exceptions_carry_no_secret(site: Path, servers: tuple[FaultServer, FaultServer]) -> None:
    from syndicate.delivery.endpoints import open_endpoint
    from syndicate.delivery.endpoints.base import Remote
    from syndicate.errors import DeliveryError

    hook, wordpress = servers
    config = load_config(site / "syndicate.toml")
    environ = {"TEST_HOOK_SECRET": HOOK_SECRET, "TEST_WP_USER": WP_USER, "TEST_WP_PASSWORD": WP_PASSWORD}
    hook.faults = [Fault(status=422, body=echo(HOOK_SECRET))]
    wordpress.faults = [Fault(status=403, body=echo(WP_PASSWORD, BASIC), method="DELETE")]
    for name, server in (("hook", hook), ("wp", wordpress)):
        endpoint_config = config.endpoint(name)
        assert endpoint_config is not None
        endpoint = open_endpoint(endpoint_config, config.root, environ)
        with pytest.raises(DeliveryError) as error:
            endpoint.delete(Remote("12", server.url), "a-slug", "k" * 32)
        text = " ".join([str(error.value), error.value.message, error.value.hint, repr(error.value.args)])
        assert "***" in text
        assert not any(secret in text for secret in FORMS)
        endpoint.close()


# --- plain http -------------------------------------------------------------------------------------


def test_wordpress_credentials_never_cross_plain_http(
    run_cli: Any, site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TEST_WP_USER", WP_USER)
    monkeypatch.setenv("TEST_WP_PASSWORD", WP_PASSWORD)
    endpoint = (
        '\n[[endpoints]]\nname = "wp"\ntype = "wordpress"\nchannel = "community-web"\nurl = "http://wp.example.org"\n'
        'username_env = "TEST_WP_USER"\npassword_env = "TEST_WP_PASSWORD"\nretries = 1\n'
    )
    config = append(site, endpoint)
    refused = run_cli("--config", config, "push", "--endpoint", "wp")
    assert refused.status == 2  # a configuration problem of that endpoint: nothing sent or recorded there
    assert "is plain http, and the password would cross the network unencrypted" in refused.err
    (site / "syndicate.toml").write_text((site / "syndicate.toml").read_text() + "allow_insecure = true\n")
    allowed = run_cli("--config", config, "push", "--endpoint", "wp")
    assert "plain http" not in allowed.err
    assert "check the endpoint's url and that the server is up" in allowed.err  # it tried (no network here)


def test_a_signed_webhook_may_use_plain_http(run_cli: Any, site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The signing secret never travels: only the HMAC of each body does (see endpoints/webhook.py)."""
    monkeypatch.setenv("TEST_HOOK_SECRET", HOOK_SECRET)
    config = append(
        site,
        '\n[[endpoints]]\nname = "hook"\ntype = "webhook"\nchannel = "community-web"\n'
        'url = "http://hooks.example.org/in"\nsecret_env = "TEST_HOOK_SECRET"\nretries = 1\n',
    )
    result = run_cli("--config", config, "push", "--endpoint", "hook")
    assert "check the endpoint's url and that the server is up" in result.err and "plain http" not in result.err
    assert HOOK_SECRET not in result.out + result.err

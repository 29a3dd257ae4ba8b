"""The ghost endpoint's configuration: its keys validated, its Admin API key only from the environment,
checked for shape and never shown; and the JWT it signs (no Ghost needed: tests/test_ghost.py has those)."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import jwt
import pytest

from syndicate.config import load_config
from syndicate.delivery.endpoints import open_endpoint
from syndicate.delivery.endpoints.ghost import GhostEndpoint
from syndicate.errors import ConfigError
from tests.conftest import DEMO
from tests.faultserver import Fault, fault_server
from tests.test_config import SITE, problems, write

KEY_ID = "0123456789abcdef01234567"
SECRET = "ab" * 32
ENDPOINT = (
    '[[endpoints]]\nname = "ghost"\ntype = "ghost"\nchannel = "community-web"\n'
    'url = "http://127.0.0.1:18368/"\nadmin_key_env = "PARTNER_GHOST_KEY"\n'
)


def test_a_ghost_endpoints_keys_are_validated(tmp_path: Path) -> None:
    found = problems(tmp_path, SITE + ENDPOINT + 'stauts = "draft"\nusername_env = "X"\n')
    assert any("unknown field 'endpoints[0].stauts'" in p and "did you mean 'status'?" in p for p in found)
    assert any("unknown field 'endpoints[0].username_env'" in p for p in found)
    bad_status = problems(tmp_path, SITE + ENDPOINT + 'status = "publish"\n')
    assert any("endpoints[0].status" in p and "published" in p for p in bad_status)
    missing = problems(tmp_path, SITE + ENDPOINT.replace('admin_key_env = "PARTNER_GHOST_KEY"\n', ""))
    assert any("missing required field 'endpoints[0].admin_key_env'" in p for p in missing)


def test_an_admin_key_written_in_the_file_is_refused_and_never_shown(tmp_path: Path) -> None:
    key = f"{KEY_ID}:{SECRET}"
    for text in (ENDPOINT + f'admin_key = "{key}"\n', ENDPOINT.replace('"PARTNER_GHOST_KEY"', f'"{key}"')):
        found = problems(tmp_path, SITE + text)
        assert any("secret" in p for p in found), found
        assert not any(SECRET in p or KEY_ID in p for p in found)


def open_ghost(tmp_path: Path, environ: dict[str, str], extra: str = "") -> GhostEndpoint:
    config = load_config(write(tmp_path, SITE + ENDPOINT + extra))
    endpoint = open_endpoint(config.endpoints[0], tmp_path, environ)
    assert isinstance(endpoint, GhostEndpoint)
    return endpoint


@pytest.mark.parametrize(
    ("value", "says"),
    [
        (None, "the environment variable PARTNER_GHOST_KEY is not set"),
        ("", "the environment variable PARTNER_GHOST_KEY is not set"),
        ("a1b2c3d4e5f6a7b8c9d0e1f2a3", "PARTNER_GHOST_KEY does not hold a Ghost Admin API key"),  # a Content API key
        (f"{KEY_ID}-{SECRET}", "PARTNER_GHOST_KEY does not hold a Ghost Admin API key"),
        (f"{KEY_ID}:{SECRET[:-1]}x", "PARTNER_GHOST_KEY does not hold a Ghost Admin API key"),
    ],
)
def test_a_missing_or_malformed_key_names_the_variable_not_the_value(
    tmp_path: Path, value: str | None, says: str
) -> None:
    environ = {} if value is None else {"PARTNER_GHOST_KEY": value}
    with pytest.raises(ConfigError) as info:
        open_ghost(tmp_path, environ)
    assert says in info.value.message
    assert "Integrations" in info.value.hint
    if value:
        assert value not in info.value.message + info.value.hint


def test_the_token_is_a_short_lived_hs256_jwt_for_the_admin_api(tmp_path: Path) -> None:
    endpoint = open_ghost(tmp_path, {"PARTNER_GHOST_KEY": f"{KEY_ID}:{SECRET}"})
    token = endpoint._token()
    assert jwt.get_unverified_header(token) == {"alg": "HS256", "kid": KEY_ID, "typ": "JWT"}
    claims: dict[str, Any] = jwt.decode(token, bytes.fromhex(SECRET), algorithms=["HS256"], audience="/admin/")
    assert claims["exp"] - claims["iat"] == 300
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(token, SECRET.encode(), algorithms=["HS256"], audience="/admin/")  # the secret is hex: its bytes
    endpoint.close()


def test_plain_http_to_another_host_is_refused_unless_allowed(tmp_path: Path) -> None:
    environ = {"PARTNER_GHOST_KEY": f"{KEY_ID}:{SECRET}"}
    remote = ENDPOINT.replace("http://127.0.0.1:18368/", "http://ghost.example.org/")
    config = load_config(write(tmp_path, SITE + remote))
    with pytest.raises(ConfigError) as info:
        open_endpoint(config.endpoints[0], tmp_path, environ)
    assert "plain http" in info.value.message
    allowed = load_config(write(tmp_path, SITE + remote + "allow_insecure = true\n"))
    open_endpoint(allowed.endpoints[0], tmp_path, environ).close()


def test_cron_names_the_key_variable(tmp_path: Path, run_cli: Any) -> None:
    config = write(tmp_path, SITE + ENDPOINT)
    (tmp_path / "content").mkdir()
    text = run_cli("--config", str(config), "cron").out
    assert "PARTNER_GHOST_KEY" in text


def test_a_key_or_token_a_server_echoes_is_never_shown(run_cli: Any, tmp_path: Path) -> None:
    """A misbehaving server repeats the Authorization header and the key in its error (Ghost does not):
    the key, its secret and the token stay out of what push prints and what the ledger keeps."""
    key = f"{KEY_ID}:{SECRET}"
    tokens: list[str] = []

    def echo(headers: dict[str, str]) -> bytes:
        tokens.append(headers["Authorization"].removeprefix("Ghost "))
        said = f"refused {headers['Authorization']} for {key} ({SECRET})"
        return json.dumps({"errors": [{"message": said, "type": "InternalServerError"}]}).encode()

    with fault_server("webhook") as server:
        server.faults = [Fault(status=500, echo=echo, path="/ghost/api/admin/") for _ in range(8)]
        config = write(tmp_path, SITE + ENDPOINT.replace("http://127.0.0.1:18368/", server.url) + "retries = 1\n")
        shutil.copytree(DEMO / "content", tmp_path / "content")
        with pytest.MonkeyPatch.context() as env:
            env.setenv("PARTNER_GHOST_KEY", key)
            result = run_cli("--config", str(config), "push")
    printed = result.out + result.err
    assert result.status == 1 and "HTTP 500: refused Ghost ***" in printed, printed
    with sqlite3.connect(tmp_path / ".syndicate" / "state.db") as ledger:
        stored = " ".join(row[0] or "" for row in ledger.execute("SELECT last_error FROM deliveries"))
    assert tokens and "refused" in stored
    for secret in (SECRET, KEY_ID, *tokens):
        assert secret not in printed and secret not in stored

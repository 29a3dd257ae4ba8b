"""The test servers that scripts start (scripts/*-test-server.sh): their details read from the env file
a script wrote, and a module's tests skipped (failed in CI) when the server does not answer."""

from __future__ import annotations

import os
import secrets
import shutil
import tomllib
from pathlib import Path

import pytest
import requests

from tests.conftest import DEMO


def server_details(env_file: Path, url_key: str, probe: str, script: str) -> dict[str, str]:
    """The KEY=value lines of `env_file` when the server at `url_key` answers GET `probe` (a path after
    the URL); else the calling test module is skipped, saying how to start it (in CI: fails)."""
    details: dict[str, str] = {}
    if env_file.is_file():
        for line in env_file.read_text().splitlines():
            if "=" in line and not line.startswith("#"):
                key, value = line.split("=", 1)
                details[key] = value
    try:
        requests.get(details[url_key] + probe, timeout=5).raise_for_status()
    except (KeyError, requests.RequestException):
        reason = f"no test server answers (start it: scripts/{script}; env file {env_file})"
        if os.environ.get("CI"):
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason, allow_module_level=True)
    return details


def demo_with_endpoint(tmp_path: Path, letter: str, endpoint: str) -> tuple[Path, str]:
    """A copy of the demo site with `endpoint` (its [[endpoints]] table, named in the articles that name
    their endpoints), and every slug prefixed with `letter` and a token unique to this test run, which
    is returned: the test server keeps the posts of earlier runs."""
    root = shutil.copytree(DEMO, tmp_path / "site", ignore=shutil.ignore_patterns(".syndicate", "out", "feeds"))
    name = tomllib.loads(endpoint)["endpoints"][0]["name"]
    prefix = letter + secrets.token_hex(4) + "-"
    for article in (root / "content").glob("*.md"):
        text = article.read_text().replace("\nslug: ", "\nslug: " + prefix, 1)
        article.write_text(text.replace("  - archive\n", f"  - archive\n  - {name}\n"))
    config = root / "syndicate.toml"
    config.write_text(config.read_text() + "\n" + endpoint)
    return root, prefix

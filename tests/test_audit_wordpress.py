"""`syndicate audit` against the real WordPress the suite runs: copies changed behind syndicate's back.

Skips (or fails in CI) as tests/test_wordpress.py does when no test WordPress runs.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import requests

from tests.test_wordpress import ALDER, HARBOUR, WP, posts, site

__all__ = ["site"]  # (the fixture, from test_wordpress)


def _edit(post_id: int, **fields: Any) -> None:
    """Change a post through the REST API, as a partner's editor would."""
    response = requests.post(
        WP["WP_TEST_URL"] + "/",
        params={"rest_route": f"/wp/v2/posts/{post_id}"},
        json=fields,
        auth=(WP["WP_TEST_USER"], WP["WP_TEST_APP_PASSWORD"]),
        timeout=10,
    )
    response.raise_for_status()


def _audit(run_cli: Any, config: str, *args: str) -> Any:
    return run_cli("--config", config, "audit", "--endpoint", "partner", *args)


def test_audit_finds_a_stripped_attribution_and_a_restored_retraction(run_cli: Any, site: tuple[Path, str]) -> None:
    root, prefix = site
    config = str(root / "syndicate.toml")
    (root / "syndicate.toml").write_text((root / "syndicate.toml").read_text() + "\n[audit]\nper_host_interval = 0\n")
    assert run_cli("--config", config, "push", "--endpoint", "partner").status == 0
    harbour, alder = posts(prefix + HARBOUR)[0], posts(prefix + ALDER)[0]
    assert harbour["link"].startswith(WP["WP_TEST_URL"])  # the post's public address, as the ledger keeps it

    clean = _audit(run_cli, config, "-v")
    assert clean.status == 0, clean.out + clean.err
    assert f"{harbour['link']}: ok ({prefix}{HARBOUR} at partner)" in clean.out
    assert "not-checked" not in clean.out and "jsonld-stripped" not in clean.out  # WordPress kept the JSON-LD

    # the partner's editor strips the attribution block (the body keeps its own footer line)
    stripped = re.sub(
        r'<footer class="syndicate-attribution">.*?</footer>', "", harbour["content"]["raw"], flags=re.DOTALL
    )
    assert stripped != harbour["content"]["raw"]
    _edit(harbour["id"], content=stripped)
    found = _audit(run_cli, config, "--article", prefix + HARBOUR)
    assert found.status == 1
    assert found.out.startswith(f"{harbour['link']}: attribution-missing the page does not show the copyright notice")

    # retracted by the newsroom, taken down by syndicate, put back by the partner (un-trashed)
    article = root / "content" / f"{ALDER}.md"
    article.write_text(article.read_text().replace("status: ready", "status: retracted"))
    assert run_cli("--config", config, "push", "--endpoint", "partner").status == 0
    assert posts(prefix + ALDER, "publish") == []
    assert _audit(run_cli, config, "--article", prefix + ALDER).out == ""  # gone, as it should be
    _edit(alder["id"], status="publish")
    restored = _audit(run_cli, config, "--article", prefix + ALDER)
    assert restored.status == 1
    assert restored.out == (
        f"{alder['link']}: retraction-ignored the page still shows the article, but the article is retracted "
        "(hint: the partner restored or kept the copy: ask them to take it down) [new]\n"
    )


def test_audit_finds_an_edited_sentence_and_what_wordpress_keeps_of_the_policy(
    run_cli: Any, site: tuple[Path, str]
) -> None:
    """An editor changes a sentence of a no-derivatives post: body-altered, with the sentence. And
    what core WordPress keeps of the canonical policy: its own canonical link to the post (so
    "original" cannot be carried: one note, no finding), the site's robots noindex when it
    discourages search engines (the test site does)."""
    root, prefix = site
    config = str(root / "syndicate.toml")
    (root / "syndicate.toml").write_text((root / "syndicate.toml").read_text() + "\n[audit]\nper_host_interval = 0\n")
    assert run_cli("--config", config, "push", "--endpoint", "partner").status == 0
    alder = posts(prefix + ALDER)[0]
    page = requests.get(alder["link"], timeout=10).text
    head = page[: page.index("</head>")]
    assert f'<link rel="canonical" href="{alder["link"]}" />' in head  # WordPress's own, to the post itself
    assert "<meta name='robots' content='noindex, nofollow' />" in head  # "discourage search engines" is on

    clean = _audit(run_cli, config)
    assert clean.status == 0 and clean.out == "", clean.out
    assert "note: endpoint 'partner': canonical = 'original' cannot be carried there (core WordPress" in clean.err

    edited = alder["content"]["raw"].replace("voted 5-2 on Tuesday evening", "voted 4-3 on Tuesday evening")
    assert edited != alder["content"]["raw"]
    _edit(alder["id"], content=edited)
    found = _audit(run_cli, config, "--article", prefix + ALDER)
    assert found.status == 1
    assert found.out.startswith(f"{alder['link']}: body-altered the text differs from the article")
    assert "“…Authority's board voted 5-2 on Tuesday evening…” became “…Authority's board voted 4-3 on" in found.out

    base = (root / "syndicate.toml").read_text()
    for policy in ("copy", "noindex"):  # WordPress's own canonical link is the copy's; the site is noindex
        (root / "syndicate.toml").write_text(
            base.replace('name = "partner"\n', f'name = "partner"\ncanonical = "{policy}"\n')
        )
        held = _audit(run_cli, config, "--article", prefix + HARBOUR)
        assert (held.status, held.out) == (0, ""), held.out + held.err
        assert ("cannot be carried" in held.err) is (policy == "noindex")

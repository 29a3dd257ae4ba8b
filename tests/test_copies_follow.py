"""Every live copy follows the article's latest state: back to draft, ready again, a disabled endpoint."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.loopback import recording_server

ALDER = "alder-valley-water-board-approves-tiered-rates"


def set_status(site: Path, slug: str, status: str) -> None:
    article = site / "content" / f"{slug}.md"
    text = article.read_text()
    for old in ("status: ready", "status: draft", "status: retracted"):
        text = text.replace(old, f"status: {status}")
    article.write_text(text)


def add_hook(site: Path, url: str) -> None:
    config = site / "syndicate.toml"
    config.write_text(
        config.read_text() + f'\n[[endpoints]]\nname = "hook"\ntype = "webhook"\nchannel = "community-web"\n'
        f'url = "{url}"\nretries = 1\n'
    )


def events(hook: Any) -> list[tuple[str, str]]:
    return [(body["event"], body["article"]) for body in (json.loads(r.body) for r in hook.requests)]


def test_a_delivered_article_set_back_to_draft_has_its_copies_taken_down(site: Path, run_cli: Any) -> None:
    config = ["--config", str(site / "syndicate.toml")]
    page = site / "out" / "archive" / f"{ALDER}.html"
    with recording_server() as hook:
        add_hook(site, hook.url)
        assert run_cli(*config, "push").status == 0
        assert page.is_file() and (("create", ALDER) in events(hook))
        hook.requests.clear()

        set_status(site, ALDER, "draft")
        planned = json.loads(run_cli(*config, "plan", "--format", "json").out)
        mine = {p["endpoint"]: p for p in planned if p["article"] == ALDER}
        assert {e: (p["action"], p["reason"]) for e, p in mine.items()} == {
            "archive": ("delete", "set back to draft: its copy is taken down"),
            "hook": ("delete", "set back to draft: its copy is taken down"),
        }
        down = run_cli(*config, "push")
        assert down.status == 0, down.err
        assert not page.exists()
        assert events(hook) == [("delete", ALDER)]
        # a draft with no live copy is only skipped
        again = json.loads(run_cli(*config, "plan", "--format", "json").out)
        skipped = {(p["action"], p["reason"]) for p in again if p["article"] == ALDER}
        assert skipped == {("skipped", "draft: not pushed")}
        hook.requests.clear()

        set_status(site, ALDER, "ready")
        back = run_cli(*config, "push")
        assert back.status == 0, back.err
        assert page.is_file()
        assert events(hook) == [("create", ALDER)]
        assert "its copy was taken down: restored" not in back.out  # push prints outcomes, not reasons


def test_a_retracted_copy_at_a_disabled_endpoint_is_named_until_it_comes_down(site: Path, run_cli: Any) -> None:
    config_file = site / "syndicate.toml"
    config = ["--config", str(config_file)]
    with recording_server() as hook:
        add_hook(site, hook.url)
        assert run_cli(*config, "run", "--now", "2030-01-01T00:00:00+00:00").status == 0
        set_status(site, ALDER, "retracted")
        config_file.write_text(config_file.read_text().replace('name = "hook"\n', 'name = "hook"\nenabled = false\n'))
        line = f"{ALDER} -> hook: retracted, copy still live at hook: endpoint disabled"

        planned = run_cli(*config, "plan")
        assert planned.status == 1
        assert f"syndicate: {line}" in planned.err

        ran = run_cli(*config, "run", "--now", "2030-01-01T00:10:00+00:00")
        assert ran.status == 1
        assert f"  {line}" in ran.err
        assert not (site / "out" / "archive" / f"{ALDER}.html").exists()  # the enabled endpoint took it down
        # nothing changed since: the quick no-op answer still names it, and fails
        quiet = run_cli(*config, "run", "--now", "2030-01-01T00:20:00+00:00")
        assert quiet.status == 1 and line in quiet.err

        shown = run_cli(*config, "status")
        assert "live copies that should come down" in shown.out and f"  {line}" in shown.out
        rows = json.loads(run_cli(*config, "status", "--format", "json").out)
        flagged = {(r["article"], r["endpoint"]): r["stranded"] for r in rows}
        assert flagged[(ALDER, "hook")] == "retracted, copy still live at hook: endpoint disabled"
        assert flagged[(ALDER, "archive")] is None

        hook.requests.clear()
        config_file.write_text(config_file.read_text().replace("enabled = false\n", ""))
        fixed = run_cli(*config, "run", "--now", "2030-01-01T00:30:00+00:00")
        assert fixed.status == 0, fixed.err
        assert events(hook) == [("delete", ALDER)]
        assert "should come down" not in run_cli(*config, "status").out


def test_a_copy_taken_down_when_its_grant_is_withdrawn_is_deleted_once(site: Path, run_cli: Any) -> None:
    config_file = site / "syndicate.toml"
    config_file.write_text(
        config_file.read_text() + '\n[[endpoints]]\nname = "letter"\ntype = "directory"\nchannel = "newsletter"\n'
        'path = "out/letter"\n'
    )
    config = ["--config", str(config_file)]
    eastbrook = "eastbrook-council-election-turnout-by-ward"  # all rights reserved, with a grant
    article = site / "content" / f"{eastbrook}.md"
    granted = "- channels: [community-web]"
    text = article.read_text().replace(granted, "- channels: [community-web, newsletter]")
    article.write_text(text.replace("endpoints:\n  - archive\n", ""))  # every endpoint its grants allow
    assert run_cli(*config, "push").status == 0
    assert (site / "out" / "letter" / f"{eastbrook}.html").is_file()
    article.write_text(article.read_text().replace("- channels: [community-web, newsletter]", granted))
    down = run_cli(*config, "push")
    assert f"deleted {eastbrook} -> letter" in down.out, down.out + down.err
    assert not (site / "out" / "letter" / f"{eastbrook}.html").exists()
    for _ in range(2):  # from then on refused, and nothing is sent: no delete of a copy already gone
        planned = json.loads(run_cli(*config, "plan", "--format", "json").out)
        assert {p["action"] for p in planned if (p["article"], p["endpoint"]) == (eastbrook, "letter")} == {"refused"}
        assert eastbrook not in run_cli(*config, "push").out

"""No derivatives is pinned to what was delivered: once copies of a no-derivatives article are
out, its body must stay the one they carry, whatever `body_hash` says."""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
from pathlib import Path
from typing import Any

from syndicate.articles.front_matter import parse_article_text
from syndicate.checks.article_checks import Checks, check_article
from syndicate.checks.attribution import body_hash
from syndicate.checks.validate import validate_articles
from syndicate.config import load_config
from syndicate.cron.incremental import _to_row, load_site_cached
from syndicate.cron.records import _from_row
from syndicate.delivery.ledger import Ledger
from syndicate.delivery.ledger_migrations import MIGRATIONS
from syndicate.findings import Code, Severity
from tests.conftest import settled

ALDER = "alder-valley-water-board-approves-tiered-rates"  # CC-BY-ND-4.0
HARBOUR = "harbour-library-digitises-shipping-registers"  # CC-BY-NC-ND-4.0
EASTBROOK = "eastbrook-council-election-turnout-by-ward"  # all-rights-reserved (with a grant): edits are free
EDITED = ("voted 5-2 on Tuesday evening", "voted 5-2 on Tuesday night")
PINNED = "body-changed-since-delivery"  # (a stable code: as scripts match it)


def article_path(site: Path, slug: str) -> Path:
    return site / "content" / f"{slug}.md"


def edit_body_and_drop_its_hash(site: Path) -> Path:
    path = article_path(site, ALDER)
    text = path.read_text()
    assert EDITED[0] in text
    path.write_text(re.sub(r"(?m)^body_hash: .*\n", "", text.replace(*EDITED)))
    return path


def record_offered_hash(path: Path, findings: list[dict[str, Any]]) -> None:
    """What an editor does with missing-body-hash's hint: paste the value it offers."""
    offered = next(f for f in findings if f["code"] == Code.MISSING_BODY_HASH)
    value = re.search(r"body_hash: (sha256:[0-9a-f]{64})", offered["hint"])
    assert value is not None
    path.write_text(path.read_text().replace("\nsummary:", f'\nbody_hash: "{value.group(1)}"\nsummary:', 1))


def add_mirror(site: Path) -> None:
    config = site / "syndicate.toml"
    config.write_text(
        config.read_text() + '\n[[endpoints]]\nname = "mirror"\ntype = "directory"\n'
        'channel = "community-web"\npath = "out/mirror"\n'
    )


def copies(site: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in sorted((site / "out").rglob(f"{ALDER}.*"))}


def findings_of(run_cli: Any, config: list[str], *paths: str) -> tuple[int, list[dict[str, Any]]]:
    done = run_cli(*config, "validate", "--format", "json", *paths)
    return done.status, [f for f in json.loads(done.out) if f["path"].endswith(f"{ALDER}.md")]


def test_an_edited_body_with_its_hash_recorded_again_is_not_sent(site: Path, run_cli: Any) -> None:
    config = ["--config", str(site / "syndicate.toml")]
    add_mirror(site)
    state = load_config(site / "syndicate.toml").paths.state
    assert run_cli(*config, "validate").status == 0
    assert not state.exists()  # validate reads a ledger, never makes one
    assert run_cli(*config, "push").status == 0
    delivered = copies(site)
    assert len(delivered) == 4  # .html and .md at archive and at mirror
    with Ledger(state) as ledger:
        pinned = ledger.delivered_bodies()[ALDER]
    assert pinned == {"archive": body_of(site), "mirror": body_of(site)}

    path = edit_body_and_drop_its_hash(site)
    status, found = findings_of(run_cli, config)
    assert status == 1
    assert {f["code"] for f in found} == {Code.MISSING_BODY_HASH, PINNED}
    record_offered_hash(path, found)
    status, found = findings_of(run_cli, config)
    assert status == 1
    assert [(f["code"], f["severity"]) for f in found] == [(PINNED, "error")]
    assert "delivered to archive, mirror" in found[0]["message"]
    assert "CC-BY-ND-4.0 forbids derivatives" in found[0]["message"]
    assert "retract" in found[0]["hint"] and "license.grants" in found[0]["hint"]

    planned = json.loads(run_cli(*config, "plan", "--format", "json").out)
    assert {(p["endpoint"], p["action"], p["reason"]) for p in planned if p["article"] == ALDER} == {
        ("archive", "skipped", "has errors: see syndicate validate"),
        ("mirror", "skipped", "has errors: see syndicate validate"),
    }
    dry = run_cli(*config, "push", "--dry-run")
    assert dry.status == 1 and ALDER not in dry.out
    pushed = run_cli(*config, "push")
    assert pushed.status == 1
    assert PINNED in pushed.err and ALDER not in pushed.out
    assert copies(site) == delivered
    with Ledger(state) as ledger:
        assert ledger.delivered_bodies()[ALDER] == pinned  # still the body delivered


def body_of(site: Path) -> str:
    """The body hash of the article as it is now (its body after the front matter)."""
    path = site / "content" / f"{ALDER}.md"
    return body_hash(parse_article_text(path.read_text(), str(path)).body)


def test_headline_dateline_and_house_style_edits_are_delivered(site: Path, run_cli: Any) -> None:
    """Only the body is pinned: what the publishers of no-derivatives material allow to change does."""
    config = ["--config", str(site / "syndicate.toml")]
    assert run_cli(*config, "push").status == 0
    path = article_path(site, ALDER)
    original = path.read_text()
    edit_body_and_drop_its_hash(site)
    _, found = findings_of(run_cli, config)
    record_offered_hash(path, found)
    assert run_cli(*config, "push").status == 1  # the body is held back ...
    path.write_text(
        original.replace('title: "Alder Valley', 'title: "In Alder Valley', 1)
        .replace("published: 2026-09-17\nsource:", "published: 2026-09-17\nupdated: 2026-09-18\nsource:", 1)
        .replace("  - Water\n", "  - Water supply\n", 1)
    )
    assert run_cli(*config, "validate", str(path)).status == 0
    pushed = run_cli(*config, "push")  # ... the headline, dateline and tags are not
    assert pushed.status == 0, pushed.err
    assert f"updated {ALDER} -> archive" in pushed.out
    assert "In Alder Valley" in (site / "out" / "archive" / f"{ALDER}.html").read_text()


def test_a_body_without_no_derivatives_stays_free_to_edit(site: Path, run_cli: Any) -> None:
    config = ["--config", str(site / "syndicate.toml")]
    assert run_cli(*config, "push").status == 0
    path = article_path(site, EASTBROOK)
    text = path.read_text()
    body_start = text.index("\n---\n", 4) + 5
    path.write_text(text[:body_start] + "Corrected: " + text[body_start:].lstrip("\n"))
    nd = edit_body_and_drop_its_hash(site)
    _, found = findings_of(run_cli, config)
    record_offered_hash(nd, found)
    pushed = run_cli(*config, "push")
    assert pushed.status == 1  # the no-derivatives body is held back, the other goes out
    assert f"updated {EASTBROOK} -> archive" in pushed.out and ALDER not in pushed.out
    assert "Corrected: " in (site / "out" / "archive" / f"{EASTBROOK}.html").read_text()
    assert EDITED[1] not in (site / "out" / "archive" / f"{ALDER}.html").read_text()


def test_the_pre_commit_hook_catches_it(site: Path, run_cli: Any) -> None:
    """`validate FILE...`, as the hook runs it on the staged files, reads the ledger too."""
    config = ["--config", str(site / "syndicate.toml")]
    assert run_cli(*config, "push").status == 0
    path = edit_body_and_drop_its_hash(site)
    _, found = findings_of(run_cli, config, str(path))
    record_offered_hash(path, found)
    status, found = findings_of(run_cli, config, str(path))
    assert status == 1
    assert [f["code"] for f in found] == [PINNED]
    # the other articles named with it are checked as before
    status, _ = findings_of(run_cli, config, str(article_path(site, HARBOUR)))
    assert status == 0


def test_cron_run_catches_it_every_run_until_the_body_is_restored(site: Path, run_cli: Any) -> None:
    config = ["--config", str(site / "syndicate.toml")]
    times = iter(f"2026-11-26T10:{minute:02d}:00+00:00" for minute in range(60))

    def run() -> Any:
        return run_cli(*config, "run", "--format", "json", "--now", next(times))

    assert json.loads(run().out)["ok"] is True
    delivered = copies(site)
    path = article_path(site, ALDER)
    original = path.read_text()
    edit_body_and_drop_its_hash(site)
    _, found = findings_of(run_cli, config)
    record_offered_hash(path, found)
    settled(path)

    first = run()
    summary = json.loads(first.out)
    assert first.status == 1 and summary["invalid"] == 1
    assert any(PINNED in line and "archive" in line for line in summary["problems"])
    assert copies(site) == delivered
    # nothing changed: the problem stands
    again = run()
    assert again.status == 1 and json.loads(again.out)["noop"] is True
    assert any(PINNED in line for line in json.loads(again.out)["problems"])
    # another file changed: this one comes from the cache, and is checked against the ledger again
    other = article_path(site, HARBOUR)
    other.write_text(other.read_text().replace('title: "', 'title: "New: ', 1))
    third = run()
    assert third.status == 1 and json.loads(third.out)["noop"] is False
    assert any(PINNED in line for line in json.loads(third.out)["problems"])
    assert copies(site) == delivered

    path.write_text(original)
    restored = run()
    assert restored.status == 0, restored.out
    assert copies(site) == delivered


def test_a_cached_article_is_checked_against_bodies_delivered_since(site: Path) -> None:
    """A run's cache keeps a file's own findings; those the ledger decides are made every run."""
    config = load_config(site / "syndicate.toml")
    day = dt.date(2026, 11, 26)
    with Ledger(config.paths.state) as ledger:
        first = load_site_cached(config, ledger, day)
        assert first.report.ok
        # the copy out there carries another body (delivered by a push meanwhile, say)
        ledger.delivered(ALDER, "archive", "x", "file:///x", "sha256:copy", body_hash("another text"))
        second = load_site_cached(config, ledger, day)
        assert [f.code for f in second.report.errors] == [PINNED]
        assert ALDER in second.invalid
        ledger.removed(ALDER, "archive")  # taken down: no copy carries it
        assert load_site_cached(config, ledger, day).report.ok


def test_a_cached_row_keeps_the_body_digest_and_an_older_row_is_hashed_again() -> None:
    text = (article_path(Path("examples/demo"), ALDER)).read_text()
    article = parse_article_text(text, "a.md")
    check_article(article, Checks.for_config(None, dt.date(2026, 11, 26)))
    assert article.body_digest == body_hash(article.body)
    back = _from_row(_to_row(article))
    assert back.body_digest == article.body_digest
    # a row an older version cached: no digest kept, the body is hashed when a copy is out
    stored: dict[str, Any] = {
        "path": "a.md",
        "data": article.data,
        "body": article.body,
        "body_line": 30,
        "findings": [],
    }
    older = _from_row(json.dumps(stored))
    assert older.body_digest == ""
    checks = Checks.for_config(None, dt.date(2026, 11, 26))
    found = validate_articles([older], checks, already_checked=True, delivered={ALDER: {"archive": "sha256:other"}})
    assert [f.code for f in found] == [PINNED]
    same = {ALDER: {"archive": article.body_digest}}
    assert validate_articles([_from_row(json.dumps(stored))], checks, already_checked=True, delivered=same) == []


def checked(text: str, status: str = "ready") -> Any:
    article = parse_article_text(text.replace("status: ready", f"status: {status}"), "a.md")
    check_article(article, Checks.for_config(None, dt.date(2026, 11, 26)))
    return article


def test_a_draft_is_warned_a_retracted_article_is_not_checked() -> None:
    text = article_path(Path("examples/demo"), ALDER).read_text()
    checks = Checks.for_config(None, dt.date(2026, 11, 26))
    elsewhere = {ALDER: {"partner": "sha256:other", "archive": body_hash(checked(text).body)}}
    ready = validate_articles([checked(text)], checks, True, delivered=elsewhere)
    assert [(f.code, f.severity) for f in ready] == [(PINNED, Severity.ERROR)]
    assert "delivered to partner," in ready[0].message  # only the copies whose body differs are named
    draft = validate_articles([checked(text, "draft")], checks, True, delivered=elsewhere)
    assert [(f.code, f.severity) for f in draft] == [(PINNED, Severity.WARNING)]
    assert validate_articles([checked(text, "retracted")], checks, True, delivered=elsewhere) == []


def test_a_draft_of_a_delivered_article_has_its_copies_taken_down_and_is_then_free(site: Path, run_cli: Any) -> None:
    """The pin holds while a copy is out there: set back to draft (or retracted) and pushed, none is."""
    config = ["--config", str(site / "syndicate.toml")]
    assert run_cli(*config, "push").status == 0
    path = edit_body_and_drop_its_hash(site)
    _, found = findings_of(run_cli, config)
    record_offered_hash(path, found)
    path.write_text(path.read_text().replace("status: ready", "status: draft"))
    status, found = findings_of(run_cli, config)
    assert status == 0 and [(f["code"], f["severity"]) for f in found] == [(PINNED, "warning")]
    assert run_cli(*config, "push").status == 0  # (the draft's copies come down)
    assert copies(site) == {}
    status, found = findings_of(run_cli, config)
    assert status == 0 and found == []


def test_the_ledger_keeps_the_body_of_each_live_copy(tmp_path: Path) -> None:
    from syndicate.delivery.ledger_open import bodies_at as recorded_bodies

    with Ledger(tmp_path / "state.db") as ledger:
        ledger.delivered("a", "one", "1", "u1", "sha256:c1", "sha256:b1")
        ledger.delivered("a", "two", "2", "u2", "sha256:c2", "sha256:b1")
        ledger.delivered("b", "one", "3", "u3", "sha256:c3", "sha256:b2")
        ledger.failed("a", "two", "timed out", None)  # an update that failed: the copy is as it was
        ledger.removed("b", "one")
        assert ledger.delivered_bodies() == {"a": {"one": "sha256:b1", "two": "sha256:b1"}}
        assert ledger.get("b", "one") is not None and ledger.get("b", "one").body_hash is None  # type: ignore[union-attr]
        ledger.begin_attempt("b", "one", "create", "k")
        ledger.failed("b", "one", "refused", None)  # a copy taken down whose new create failed: none is out
        assert "b" not in ledger.delivered_bodies()
    assert recorded_bodies(tmp_path / "state.db") == {"a": {"one": "sha256:b1", "two": "sha256:b1"}}
    assert recorded_bodies(tmp_path / "none.db") == {}
    assert not (tmp_path / "none.db").exists()


def test_copies_delivered_before_the_ledger_kept_bodies_pin_nothing(tmp_path: Path) -> None:
    """A ledger made before migration 0005: what its copies carry is not known, so nothing is guessed."""
    path = tmp_path / "state.db"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    for name, migrate in MIGRATIONS[:4]:
        migrate(db)
        db.execute("INSERT INTO schema_migrations VALUES (?, ?)", (name, "2026-01-01T00:00:00+00:00"))
    db.execute(
        "INSERT INTO deliveries (article, endpoint, state, remote_id, content_hash, created_at, updated_at) "
        "VALUES ('a', 'one', 'delivered', '1', 'sha256:c', 'then', 'then')"
    )
    db.commit()
    db.close()
    with Ledger(path) as ledger:
        assert "0005_delivered_body" in ledger.applied_migrations()
        assert ledger.get("a", "one").body_hash is None  # type: ignore[union-attr]
        assert ledger.delivered_bodies() == {}
        ledger.delivered("a", "one", "1", "u", "sha256:c2", "sha256:b")  # the next delivery records it
        assert ledger.delivered_bodies() == {"a": {"one": "sha256:b"}}


def test_retracting_takes_the_copies_down_whatever_the_body_says_then_the_text_may_be_imported_again(
    site: Path, run_cli: Any
) -> None:
    """The hint's way out: retract (an edited body, with or without its hash, does not hold the
    copies back), then the source's text imported again goes out."""
    config = ["--config", str(site / "syndicate.toml")]
    assert run_cli(*config, "push").status == 0
    path = edit_body_and_drop_its_hash(site)
    edited = path.read_text()
    path.write_text(edited.replace("status: ready", "status: retracted"))
    status, found = findings_of(run_cli, config)
    assert (status, found) == (0, [])
    pushed = run_cli(*config, "push")
    assert pushed.status == 0, pushed.err
    assert f"deleted {ALDER} -> archive" in pushed.out and copies(site) == {}
    # imported again (as the source now has it), with its body_hash recorded
    path.write_text(edited)
    _, found = findings_of(run_cli, config)
    record_offered_hash(path, found)
    assert findings_of(run_cli, config) == (0, [])
    assert run_cli(*config, "push").status == 0
    assert EDITED[1] in (site / "out" / "archive" / f"{ALDER}.html").read_text()

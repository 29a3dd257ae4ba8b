"""The no-op decision: one digest of the content folder's stat, compared with the one the last run stored."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

from syndicate import noop
from syndicate.config import load_config
from syndicate.ledger import Ledger


def digest_of(folder: Path) -> str:
    return noop.files_digest(noop.scan(str(folder.resolve())))


def test_files_digest_sees_every_change_to_the_article_files(tmp_path: Path) -> None:
    content = tmp_path / "content"
    (content / "2024").mkdir(parents=True)
    article = content / "2024" / "a.md"
    article.write_text("---\ntitle: A\n---\nbody\n")
    (content / "b.markdown").write_text("b")
    first = digest_of(content)
    assert digest_of(content) == first
    stat = article.stat()

    os.utime(article, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1))  # touched
    assert digest_of(content) != first
    os.utime(article, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert digest_of(content) == first

    article.write_text("---\ntitle: A\n---\nbody!\n")  # one byte more, mtime put back
    os.utime(article, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert digest_of(content) != first
    article.write_text("---\ntitle: A\n---\nbody\n")
    os.utime(article, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert digest_of(content) == first

    article.rename(content / "2024" / "c.md")  # renamed: same stat, another path
    assert digest_of(content) != first
    (content / "2024" / "c.md").rename(article)
    assert digest_of(content) == first

    (content / "new.md").write_text("new")  # added, then removed
    assert digest_of(content) != first
    (content / "new.md").unlink()
    assert digest_of(content) == first

    (content / ".hidden.md").write_text("x")  # what validate skips does not count
    (content / "notes.txt").write_text("x")
    (content / ".drafts").mkdir()
    (content / ".drafts" / "d.md").write_text("x")
    assert digest_of(content) == first


def test_files_digest_does_not_depend_on_the_order_files_were_listed() -> None:
    stats = {"/s/b.md": (2, 20), "/s/a.md": (1, 10), "/s/c/d.md": (3, 30)}
    assert noop.files_digest(stats) == noop.files_digest(dict(reversed(stats.items())))
    assert noop.files_digest(stats) != noop.files_digest({**stats, "/s/a.md": (1, 11)})
    assert noop.files_digest({}) != noop.files_digest(stats)


def state_db(site: Path) -> Path:
    return load_config(site / "syndicate.toml").paths.state


def test_a_run_stores_the_digest_and_an_older_ledger_gets_it_from_its_rows(site: Path, run_cli: Any) -> None:
    assert run_cli("--config", str(site / "syndicate.toml"), "run").status == 0
    state = state_db(site)
    with Ledger(state) as ledger:
        stored = ledger.get_state("files_digest")
    assert stored == digest_of(site / "content")
    with sqlite3.connect(state) as db:  # as a ledger written before the digest existed
        db.execute("DELETE FROM run_state WHERE key = 'files_digest'")
        db.execute("DELETE FROM schema_migrations WHERE name = '0003_files_digest'")
    db.close()
    with Ledger(state) as ledger:
        assert ledger.get_state("files_digest") == stored

"""The no-op decision: one digest of the content folder, and the answer given before the command line loads."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import syndicate
from syndicate import site_paths
from syndicate.cli.reports import run_summary
from syndicate.config import load_config
from syndicate.cron import noop
from syndicate.cron.run import RunResult
from syndicate.delivery.ledger import Ledger
from syndicate.delivery.lock import run_lock
from tests.conftest import REPO, settled

ALDER = "alder-valley-water-board-approves-tiered-rates"
NOW = "2030-01-01T10:00:00+00:00"


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


def first_run(site: Path, run_cli: Any, *args: str) -> str:
    config = str(site / "syndicate.toml")
    done = run_cli("--config", config, "run", "--now", NOW, *args)
    assert done.status == 0, done.err
    return config


@pytest.mark.parametrize(
    "args",
    [
        ["run"],
        ["-v", "run"],
        ["-q", "run", "--format", "json"],
        ["-v", "run", "--format", "text"],
    ],
)
def test_the_early_answer_is_what_the_command_line_says(site: Path, run_cli: Any, args: list[str]) -> None:
    config = first_run(site, run_cli)
    argv = ["--config", config, *args, "--now", NOW]
    answer = noop.answer_noop(argv, {})
    assert answer is not None
    normal = run_cli(*argv)
    assert (normal.status, normal.out, normal.err) == (answer[2], answer[0], answer[1]) and answer[2] == 0


def test_the_noop_json_is_the_run_summary() -> None:
    summary = run_summary(RunResult(noop=True))
    assert json.dumps(summary, ensure_ascii=False, sort_keys=True) == noop.NOOP_JSON


def touch(site: Path) -> None:
    path = site / "content" / f"{ALDER}.md"
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))


def add(site: Path) -> None:
    text = (site / "content" / f"{ALDER}.md").read_text()
    (site / "content" / "copy.md").write_text(text.replace(f"slug: {ALDER}", "slug: copy-of-alder"))
    settled(site / "content" / "copy.md")


def remove(site: Path) -> None:
    (site / "content" / f"{ALDER}.md").unlink()


def rename(site: Path) -> None:
    (site / "content" / f"{ALDER}.md").rename(site / "content" / "renamed.md")


def edit_config(site: Path) -> None:
    config = site / "syndicate.toml"
    config.write_text(config.read_text() + "\n# a comment is a change too\n")


def drop_feed(site: Path) -> None:
    (site / "feeds" / "atom.xml").unlink()


def drop_rss(site: Path) -> None:
    (site / "feeds" / "rss.xml").unlink()


def drop_tag_feed(site: Path) -> None:
    next((site / "feeds" / "tags").rglob("atom.xml")).unlink()


def drop_page(site: Path) -> None:
    (site / "feeds" / "index.html").unlink()


def drop_tag_page(site: Path) -> None:
    next((site / "feeds" / "tags").rglob("index.html")).unlink()


def drop_stylesheet(site: Path) -> None:
    (site / "feeds" / "feed.xsl").unlink()


def with_stylesheet(site: Path) -> Path:
    """The site with [feeds] xsl = true, the stylesheet's option."""
    config = site / "syndicate.toml"
    config.write_text(config.read_text() + "\n[feeds]\nxsl = true\n")
    return site


def edit_feed_by_hand(site: Path) -> None:
    rss = site / "feeds" / "rss.xml"
    rss.write_bytes(rss.read_bytes().replace(b"<channel>", b"<channel >"))


def wake_up_due(site: Path) -> None:
    with Ledger(state_db(site)) as ledger:
        ledger.set_state({"next_wakeup": "2030-01-01T10:30:00+00:00"})


def forget_digest(site: Path) -> None:
    with Ledger(state_db(site)) as ledger:
        ledger.set_state({"files_digest": "from another scan"})


@pytest.mark.parametrize(
    "change",
    [
        touch,
        add,
        remove,
        rename,
        edit_config,
        drop_feed,
        drop_rss,
        drop_tag_feed,
        drop_page,
        drop_tag_page,
        edit_feed_by_hand,
        wake_up_due,
        forget_digest,
    ],
    ids=lambda f: f.__name__,
)
def test_no_early_answer_when_the_run_has_work(site: Path, run_cli: Any, change: Any) -> None:
    config = first_run(site, run_cli)
    argv = ["--config", config, "run", "--format", "json", "--now", "2030-01-01T11:00:00+00:00"]
    assert noop.answer_noop(argv, {}) is not None
    change(site)
    assert noop.answer_noop(argv, {}) is None
    assert json.loads(run_cli(*argv).out)["noop"] is False
    assert (site / "feeds" / "rss.xml").read_bytes().count(b"<channel>") == 1  # (rebuilt)
    assert (site / "feeds" / "index.html").is_file() and next((site / "feeds" / "tags").rglob("atom.xml"), None)
    assert all((feed.parent / "index.html").is_file() for feed in (site / "feeds" / "tags").rglob("atom.xml"))
    assert noop.answer_noop(argv, {}) is not None  # and the run after that has nothing to do


def test_no_early_answer_when_the_stylesheet_a_site_keeps_is_gone(site: Path, run_cli: Any) -> None:
    config = first_run(with_stylesheet(site), run_cli)
    argv = ["--config", config, "run", "--format", "json", "--now", "2030-01-01T11:00:00+00:00"]
    assert noop.answer_noop(argv, {}) is not None
    drop_stylesheet(site)
    assert noop.answer_noop(argv, {}) is None
    assert json.loads(run_cli(*argv).out)["noop"] is False
    assert (site / "feeds" / "feed.xsl").is_file()
    assert noop.answer_noop(argv, {}) is not None


def test_the_run_after_the_early_answer_does_not_scan_the_files_again(
    site: Path, run_cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = first_run(site, run_cli)
    touch(site)
    scans: list[str] = []
    real_scan = noop.scan

    def counted_scan(root: str) -> dict[str, tuple[int, int]]:
        scans.append(root)
        return real_scan(root)

    monkeypatch.setattr(noop, "scan", counted_scan)
    argv = ["--config", config, "run", "--format", "json", "--now", "2030-01-01T11:00:00+00:00"]
    assert noop.answer_noop(argv, {}) is None
    assert len(scans) == 1
    assert json.loads(run_cli(*argv).out)["noop"] is False
    assert len(scans) == 1  # the run's no-op check took the answer's word, and its load the answer's scan
    # the word is taken once: the next run looks again, and finds nothing to do
    assert json.loads(run_cli(*argv).out)["noop"] is True
    assert len(scans) == 2 and noop.take_scan(scans[0]) is None


def test_no_early_answer_on_another_day(site: Path, run_cli: Any) -> None:
    config = first_run(site, run_cli)
    late = ["--config", config, "run", "--now", "2030-01-01T23:59:59+00:00"]
    assert noop.answer_noop(late, {}) is not None
    next_day = ["--config", config, "run", "--now", "2030-01-02T00:00:01+00:00"]
    assert noop.answer_noop(next_day, {}) is None


def test_no_early_answer_when_a_licence_profile_changes(site: Path, run_cli: Any) -> None:
    (site / "licenses").mkdir()
    config = site / "syndicate.toml"
    config.write_text(config.read_text().replace("[paths]", '[paths]\nlicenses = "licenses"'))
    first_run(site, run_cli)
    argv = ["--config", str(config), "run", "--now", NOW]
    assert noop.answer_noop(argv, {}) is not None
    profile = json.loads((REPO / "schemas" / "licenses" / "CC-BY-4.0.json").read_text())
    profile["id"] = "site-own"
    (site / "licenses" / "site-own.json").write_text(json.dumps(profile))
    assert noop.answer_noop(argv, {}) is None
    again = run_cli("-v", *argv)
    assert again.status == 0 and "syndicate run: 4 articles" in again.err


def test_no_early_answer_while_another_run_holds_the_lock(site: Path, run_cli: Any) -> None:
    config = first_run(site, run_cli)
    argv = ["--config", config, "run", "--now", NOW]
    with run_lock(state_db(site)):
        assert noop.answer_noop(argv, {}) is None
        assert run_cli(*argv).status == 75
    assert noop.answer_noop(argv, {}) is not None


@pytest.mark.parametrize("args", [["run"], ["-v", "run"], ["-q", "run", "--format", "json"]])
def test_the_early_answer_says_the_problems_that_stand_as_the_command_line_does(
    site: Path, run_cli: Any, args: list[str]
) -> None:
    article = site / "content" / f"{ALDER}.md"
    article.write_text(article.read_text().replace("\ntitle:", "\ntitle: [", 1))
    settled(article)
    config = str(site / "syndicate.toml")
    assert run_cli("--config", config, "run", "--now", NOW).status == 1
    argv = ["--config", config, *args, "--now", NOW]
    answer = noop.answer_noop(argv, {})  # a no-op all the same: nothing changed since
    assert answer is not None and answer[2] == 1 and ALDER in answer[0] + answer[1]
    normal = run_cli(*argv)
    assert (normal.status, normal.out, normal.err) == (answer[2], answer[0], answer[1])
    if "json" in args:
        assert json.loads(answer[0])["noop"] is True and json.loads(answer[0])["ok"] is False
    else:
        assert "syndicate run: problems:" in answer[1]


def test_no_early_answer_when_a_standing_problem_holds_an_escape(site: Path, run_cli: Any) -> None:
    config = first_run(site, run_cli)
    with Ledger(site / ".syndicate" / "state.db") as ledger:
        ledger.set_state({"problems": json.dumps(["a \x1b[31mred\x1b[0m line"])})
    assert noop.answer_noop(["--config", config, "run", "--now", NOW], {}) is None


def test_no_early_answer_without_a_ledger_or_config(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert noop.answer_noop(["--config", str(site / "syndicate.toml"), "run"], {}) is None  # never run
    assert noop.answer_noop(["--config", str(tmp_path / "missing.toml"), "run"], {}) is None
    monkeypatch.chdir(tmp_path)
    assert noop.answer_noop(["run"], {}) is None


def test_the_ledger_is_found_without_parsing_the_config(site: Path, run_cli: Any) -> None:
    config = site / "syndicate.toml"
    config.write_text(config.read_text().replace('state = ".syndicate/state.db"', "state = '.syndicate/s.db'  # x"))
    first_run(site, run_cli)
    argv = ["--config", str(config), "run", "--now", NOW]
    assert noop._state_guess(config.read_text()) == ".syndicate/s.db"
    assert noop.answer_noop(argv, {}) is not None
    # written so that the guess misses (\\u0073 is s): the normal path answers
    config.write_text(config.read_text().replace("state = '.syndicate/s.db'  # x", 'state = ".syndicate/\\u0073.db"'))
    first_run(site, run_cli)
    assert noop._state_guess(config.read_text()) == ".syndicate/\\u0073.db"
    assert noop.answer_noop(argv, {}) is None
    assert "nothing changed" in run_cli("-v", *argv).err
    # the same ledger by another name will do: the lock is taken by the name the normal path uses
    (site / ".syndicate" / "\\u0073.db").symlink_to("s.db")
    assert noop.answer_noop(argv, {}) is not None
    assert not (site / ".syndicate" / "\\u0073.db.lock").exists()


def test_a_decoy_ledger_where_the_guess_looks_is_not_trusted(site: Path, run_cli: Any) -> None:
    config = site / "syndicate.toml"
    paths = ("[paths]", "content = ", "feeds = ", "state = ")
    kept = [line for line in config.read_text().splitlines() if not line.startswith(paths)]
    # an inline table: the guess misses it, and looks in the default place
    config.write_text('paths = {state = "s.db"}\n' + "\n".join(kept) + "\n")
    first_run(site, run_cli)
    argv = ["--config", str(config), "run", "--now", NOW]
    assert noop._state_guess(config.read_text()) == ".syndicate/state.db"
    assert noop.answer_noop(argv, {}) is None  # nothing there
    (site / ".syndicate").mkdir()
    (site / ".syndicate" / "state.db").write_bytes((site / "s.db").read_bytes())  # same config digest and paths
    assert noop.answer_noop(argv, {}) is None
    assert "nothing changed" in run_cli("-v", *argv).err


def test_a_moved_site_is_answered_once_a_run_has_seen_it(site: Path, run_cli: Any, tmp_path: Path) -> None:
    first_run(site, run_cli)
    moved = site.rename(tmp_path / "moved")
    argv = ["--config", str(moved / "syndicate.toml"), "run", "--format", "json", "--now", NOW]
    assert noop.answer_noop(argv, {}) is None
    assert json.loads(run_cli(*argv).out)["noop"] is False  # the files have other paths
    assert noop.answer_noop(argv, {}) is not None


def test_a_site_whose_path_sqlite_would_read_as_a_uri(tmp_path: Path, site: Path, run_cli: Any) -> None:
    odd = tmp_path / "a?b#c%41"
    odd.mkdir()
    site = site.rename(odd / "site")
    first_run(site, run_cli)
    argv = ["--config", str(site / "syndicate.toml"), "-v", "run", "--now", NOW]
    assert noop.answer_noop(argv, {}) == ("", noop.NOTHING_CHANGED + "\n", 0)
    assert sorted(p.name for p in (site / ".syndicate").iterdir()) == ["state.db", "state.db.lock", "state.db.receipt"]


def test_config_from_the_environment_or_the_working_folder(
    site: Path, run_cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    first_run(site, run_cli)
    env = {site_paths.CONFIG_ENV: str(site / "syndicate.toml")}
    assert noop.answer_noop(["run", "--now", NOW], env) is not None
    monkeypatch.chdir(site)
    assert noop.answer_noop(["run", "--now", NOW], {}) is not None


ACCEPTED = [
    ["run"],
    ["--config", "a.toml", "run"],  # what `syndicate cron` writes
    ["--config", "a.toml", "-v", "run", "--format", "json", "--now", NOW],
    ["-q", "run", "--format", "text"],
    ["--config", "-v", "run"],  # a config file named -v: click reads it so too
    ["run", "--now", "-v"],
    ["-v", "--config", "a.toml", "run"],  # the README's first command
]
REFUSED = [
    [],
    ["--help"],
    ["run", "--help"],
    ["-h"],
    ["--version"],
    ["validate"],
    ["run", "extra"],
    ["-v", "-q", "run"],
    ["--config", "a.toml", "-v", "--config", "b.toml", "run"],
    ["run", "-v"],
    ["-vq", "run"],
    ["-vvv", "--quiet", "run"],  # click takes these: the command line runs them, the long way
    ["--format", "json", "run"],
    ["--config"],
    ["--config", "a.toml"],
    ["--config=a=b.toml", "run", "--format=text", "--now="],
    ["--config", "a.toml", "--config", "b.toml", "run"],
    ["run", "--now", NOW, "--format", "json"],
    ["run", "--format"],
    ["run", "--format", "xml"],
    ["run", "--now"],
    ["--", "run"],
    ["--verbose=1", "run"],
    ["run", "--config", "a.toml"],
]


@pytest.mark.parametrize("argv", ACCEPTED)
def test_arguments_read_as_click_reads_them(argv: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import click

    from syndicate.cli.app import Options, cli

    seen: dict[str, Any] = {}

    def run(options: Options, /, output_format: str, now_text: str | None, **after: Any) -> int:
        assert not any(after.values())  # (the group's options given after the command: none of these)
        seen.update(options=options, output_format=output_format, now_text=now_text)
        return 0

    monkeypatch.setattr(cli.commands["run"], "callback", click.pass_obj(run))
    assert cli.main(args=list(argv), prog_name="syndicate", standalone_mode=False) == 0
    args = noop._parse(argv)
    assert args is not None
    assert args.config == seen["options"].config_path
    assert args.verbose == bool(seen["options"].verbose)
    assert args.json == (seen["output_format"] == "json")
    assert args.now == (seen["now_text"] or "")


@pytest.mark.parametrize("argv", REFUSED)
def test_anything_else_goes_to_the_command_line(argv: list[str]) -> None:
    assert noop._parse(argv) is None


def probe_script(modules: str, more: str = "") -> str:
    """Python that runs `syndicate` (argv: its arguments), then prints its exit status, which of
    `modules` (a tuple's source) it imported, and `more` (an expression's source, after a comma)."""
    return (
        "import sys\nfrom syndicate.__main__ import main\ntry:\n    main()\nexcept SystemExit as e:\n"
        f"    print(e.code, sorted(m for m in {modules} if m in sys.modules){more})"
    )


def test_the_command_answers_a_noop_without_loading_click(site: Path, run_cli: Any) -> None:
    config = first_run(site, run_cli)
    probe = probe_script("('click', 'syndicate.cli', 'syndicate.config', 'tomllib')")
    argv = ["--config", config, "-v", "run", "--now", NOW]
    done = subprocess.run([sys.executable, "-c", probe, *argv], capture_output=True, text=True, check=False)
    assert (done.stdout, done.stderr) == ("0 []\n", noop.NOTHING_CHANGED + "\n")
    touch(site)
    done = subprocess.run([sys.executable, "-c", probe, *argv], capture_output=True, text=True, check=False)
    assert done.stdout.endswith("0 ['click', 'syndicate.cli', 'syndicate.config', 'tomllib']\n")
    assert "syndicate run: 4 articles" in done.stderr


def test_a_run_with_no_hub_and_no_http_endpoint_does_not_load_an_http_client(site: Path, run_cli: Any) -> None:
    config = first_run(site, run_cli)
    touch(site)  # a run with work: feeds are rewritten, copies planned
    probe = (
        "import sys\nfrom syndicate.__main__ import main\ntry:\n    main()\nexcept SystemExit as e:\n"
        "    print(e.code, 'requests' in sys.modules)"
    )
    argv = ["--config", config, "-v", "run", "--now", NOW]
    done = subprocess.run([sys.executable, "-c", probe, *argv], capture_output=True, text=True, check=False)
    assert done.stdout == "0 False\n", done.stderr  # importing requests took 0.1 s of such a run


def test_the_console_script_is_the_early_entry() -> None:
    import tomllib

    scripts = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts == {"syndicate": "syndicate.__main__:main"}


def test_scan_counts_links_to_files_but_does_not_enter_linked_folders(tmp_path: Path) -> None:
    content = tmp_path / "content"
    (content / "year").mkdir(parents=True)
    (content / "year" / "a.md").write_text("a")
    (content / "B.MARKDOWN").write_text("b")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "c.md").write_text("c")
    (content / "linked.md").symlink_to(tmp_path / "elsewhere" / "c.md")
    (content / "linked-folder").symlink_to(tmp_path / "elsewhere")
    (content / "folder.md").mkdir()
    (content / "folder.md" / "d.md").write_text("d")
    found = noop.scan(str(content.resolve()))
    root = str(content.resolve())
    assert sorted(found) == [f"{root}/B.MARKDOWN", f"{root}/folder.md/d.md", f"{root}/linked.md", f"{root}/year/a.md"]
    assert found[f"{root}/linked.md"][1] == 1  # the target's stat


def test_a_link_to_nowhere_is_an_unreadable_article_not_silence(site: Path, run_cli: Any) -> None:
    content = site / "content"
    (content / "moved.md").symlink_to(site / "nowhere" / "moved.md")
    root = str(content.resolve())
    assert noop.scan(root)[f"{root}/moved.md"] == (0, -1)
    checked = run_cli("--config", str(site / "syndicate.toml"), "validate")
    assert checked.status == 1
    assert "moved.md:0: unreadable the file is a symbolic link to " in checked.out
    assert "which does not exist (hint: fix the link or remove it)" in checked.out
    first = run_cli("--config", str(site / "syndicate.toml"), "run", "--now", NOW)
    assert first.status == 1 and "moved.md:0: unreadable" in first.err
    # once its target appears, the next run sees the change, though nothing in the folder changed
    (site / "nowhere").mkdir()
    text = (content / f"{ALDER}.md").read_text().replace(f"slug: {ALDER}", "slug: moved-article")
    (site / "nowhere" / "moved.md").write_text(text)
    argv = ["--config", str(site / "syndicate.toml"), "run", "--now", NOW]
    assert noop.answer_noop(argv, {}) is None
    again = json.loads(run_cli(*argv, "--format", "json").out)
    assert (again["noop"], again["ok"], again["invalid"], again["articles"]) == (False, True, 0, 5)


def test_a_new_output_revision_is_work_for_the_next_run(
    site: Path, run_cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Copies whose rendering changed reach the endpoints at the next run: a run after an upgrade
    never takes the last run's "nothing to do" (nor its cached renders)."""
    config = first_run(site, run_cli)
    argv = ["--config", config, "run", "--format", "json", "--now", "2030-01-01T11:00:00+00:00"]
    assert noop.answer_noop(argv, {}) is not None
    monkeypatch.setattr(noop, "OUTPUT_REVISION", syndicate.OUTPUT_REVISION + 1)
    assert noop.answer_noop(argv, {}) is None
    assert json.loads(run_cli(*argv).out)["noop"] is False

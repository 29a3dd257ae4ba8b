"""Progress bars: `run` (each phase), `import` of several sources and `audit` show one on a
terminal (a pseudo-terminal here); piped output, --format json and -q get nothing of it."""

from __future__ import annotations

import json
import os
import pty
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.conftest import REPO
from tests.loopback import recording_server
from tests.page_server import page_server
from tests.terminal import drain
from tests.test_audit import ARTICLE, SLUG, copy_html, deliver, page

IMPORTS = REPO / "tests" / "golden" / "import"
SOURCES = [str(IMPORTS / name) for name in ("globalresearch-s400.txt", "no-license.txt", "truncated.txt")]
SLUG_DEMO = "alder-valley-water-board-approves-tiered-rates"
#: what rich's bar (and any other cursor work) writes, and never to a file or a pipe
ESCAPE = b"\x1b["


@dataclass
class Terminal:
    status: int
    #: what the terminal showed: standard error, and standard output unless it went to a file
    shown: bytes
    stdout: bytes


def on_a_terminal(*args: str, stdout_to_file: bool = False) -> Terminal:
    """`syndicate ARGS` with standard error (and output, unless `stdout_to_file`) on a pseudo-terminal."""
    leader, follower = pty.openpty()
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "100", "LINES": "40"}
    with tempfile.TemporaryFile() as out:
        command = [sys.executable, "-m", "syndicate", *args]
        stdout = out if stdout_to_file else follower
        with subprocess.Popen(command, stdout=stdout, stderr=follower, stdin=subprocess.DEVNULL, env=env) as process:
            os.close(follower)
            shown = drain(leader)
            status = process.wait(timeout=120)
        os.close(leader)
        out.seek(0)
        return Terminal(status, shown, out.read())


def piped(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "syndicate", *args], capture_output=True, check=False)


def with_hook(site: Path, url: str) -> str:
    config = site / "syndicate.toml"
    config.write_text(
        config.read_text()
        + f'\n[[endpoints]]\nname = "hook"\ntype = "webhook"\nchannel = "community-web"\nurl = "{url}"\n'
    )
    return str(config)


def test_run_shows_each_phase_on_a_terminal(site: Path) -> None:
    with recording_server() as hook:
        config = with_hook(site, hook.url)
        shown = on_a_terminal("--config", config, "run")
        assert shown.status == 0, shown.shown
        for phase in (b"checking articles", b"writing feeds", b"pushing"):
            assert phase in shown.shown
        assert len(hook.requests) == 2


def test_run_piped_with_json_or_quiet_shows_no_bar(site: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    shutil.copytree(site, other)
    with recording_server() as hook:
        config, other_config = with_hook(site, hook.url), with_hook(other, hook.url)
        done = piped("--config", config, "-v", "run")
        assert done.returncode == 0 and done.stdout == b""
        assert done.stderr.startswith(b"syndicate run: ") and done.stderr.count(b"\n") == 1
        assert ESCAPE not in done.stderr and b"pushing" not in done.stderr
        # on a terminal, the whole of what --format json shows is its one line
        shown = on_a_terminal("--config", other_config, "run", "--format", "json")
        assert shown.status == 0
        summary = json.loads(shown.shown)
        assert summary["ok"] is True and ESCAPE not in shown.shown
        # with -q: nothing at all (a run after an edit, so that it has work to do)
        edit = site / "content" / f"{SLUG_DEMO}.md"
        edit.write_text(edit.read_text().replace('title: "', 'title: "Again: ', 1))
        quiet = on_a_terminal("--config", config, "-q", "run")
        assert quiet.status == 0 and quiet.shown == b""


def test_import_of_several_sources_shows_a_bar_and_writes_its_lines_as_when_piped(tmp_path: Path) -> None:
    shown = on_a_terminal("import", *SOURCES, "--out", str(tmp_path / "a"))
    assert shown.status == 0
    assert b"importing" in shown.shown and ESCAPE in shown.shown
    assert shown.shown.count(b" -> ") == 3  # each source's line, above the bar
    # standard output to a file, the bar on the terminal: the file gets what a pipe gets
    to_file = on_a_terminal("import", *SOURCES, "--out", str(tmp_path / "b"), stdout_to_file=True)
    done = piped("import", *SOURCES, "--out", str(tmp_path / "c"))
    assert done.returncode == to_file.status == 0
    assert to_file.stdout.replace(b"/b/", b"/c/") == done.stdout
    assert done.stderr == b"" and b"importing" in to_file.shown
    # one source, or -q: no bar
    single = on_a_terminal("import", SOURCES[0], "--out", str(tmp_path / "d"))
    assert b"importing" not in single.shown
    quiet = on_a_terminal("-q", "import", *SOURCES, "--out", str(tmp_path / "e"))
    assert b"importing" not in quiet.shown and ESCAPE not in quiet.shown


def test_audit_shows_a_bar_on_a_terminal_only(tmp_path: Path, run_cli: Any) -> None:
    root = tmp_path / "site"
    (root / "content").mkdir(parents=True)
    (root / "content" / f"{SLUG}.md").write_text(ARTICLE)
    (root / "syndicate.toml").write_text(
        '[site]\ntitle = "Review"\nurl = "https://review.example.org/"\nchannel = "community-web"\n'
        "[audit]\nper_host_interval = 0\ntimeout = 1\n"
    )
    config = str(root / "syndicate.toml")
    with page_server() as server:
        deliver(root, server.page("/copy", page(copy_html(root))))
        shown = on_a_terminal("--config", config, "audit")
        assert shown.status == 0 and b"auditing" in shown.shown
        done = piped("--config", config, "audit")
        assert done.returncode == 0 and done.stdout == b""
        assert done.stderr == b"syndicate audit: 1 copy: 1 hold, 0 violate, 0 not checked\n"
        as_json = on_a_terminal("--config", config, "audit", "--format", "json")
        assert json.loads(as_json.shown)["hold"] == 1 and ESCAPE not in as_json.shown

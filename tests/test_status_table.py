"""`syndicate status` as people read it: a table that fits the terminal, errors whole under --failed,
and one plain line per row when piped."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.loopback import recording_server
from tests.terminal import drain

ALDER = "alder-valley-water-board-approves-tiered-rates"
#: long, with a word cut at 60 characters by the old table ("…the webho…")
ERROR_TEXT = (
    "HTTP 422 Unprocessable Entity: the webhook receiver rejected the payload because the field "
    "copy.license.contact must be an email address or an https URL"
)


def _failed_site(site: Path, run_cli: Any) -> str:
    """The demo site pushed once, its webhook having refused both copies with ERROR_TEXT."""
    config = site / "syndicate.toml"
    with recording_server() as hook:
        hook.status = 422
        hook.answer = f'{{"message": "{ERROR_TEXT}"}}'.encode()
        config.write_text(
            config.read_text()
            + f'\n[[endpoints]]\nname = "hook"\ntype = "webhook"\nchannel = "community-web"\nurl = "{hook.url}"\n'
        )
        assert run_cli("--config", str(config), "push").status == 1
    return str(config)


def _on_a_terminal(config: str, *args: str, columns: int) -> str:
    """What `syndicate status` prints to a real terminal (a pseudo-terminal) COLUMNS wide."""
    leader, follower = pty.openpty()
    env = {**os.environ, "COLUMNS": str(columns), "LINES": "50"}
    command = [sys.executable, "-m", "syndicate", "--config", config, "status", *args]
    with subprocess.Popen(command, stdout=follower, stderr=subprocess.PIPE, env=env) as process:
        os.close(follower)
        shown = drain(leader)
        assert process.wait(timeout=120) == 0
    os.close(leader)
    return shown.decode().replace("\r\n", "\n")


def test_a_terminal_gets_a_table_of_its_width_and_failed_shows_errors_whole(site: Path, run_cli: Any) -> None:
    config = _failed_site(site, run_cli)
    for columns in (80, 120):
        table = _on_a_terminal(config, columns=columns)
        assert table.split("\n")[0].split() == ["ARTICLE", "ENDPOINT", "STATE", "REMOTE", "LAST", "ERROR", "WHEN"]
        assert max(len(line) for line in table.splitlines()) <= columns
        assert "delivered" in table and "failed" in table
        assert "copy.license.contact" not in table  # shortened, after a whole word
        whole = _on_a_terminal(config, "--failed", columns=columns)
        assert max(len(line) for line in whole.splitlines()) <= columns
        assert "delivered" not in whole
        # the error is there whole, in its column (wrapped at the column's edge)
        lines = whole.splitlines()
        start, end = lines[0].index("LAST ERROR"), lines[0].index("WHEN")
        column = "".join("".join(line[start:end].split()) for line in lines[1:])
        assert column.count("".join(ERROR_TEXT.split())) == 2


def test_piped_status_is_one_plain_line_per_row(site: Path, run_cli: Any) -> None:
    config = _failed_site(site, run_cli)
    shown = run_cli("--config", config, "status")
    lines = shown.out.splitlines()
    assert lines[0].split() == ["ARTICLE", "ENDPOINT", "STATE", "REMOTE", "LAST", "ERROR", "WHEN"]
    assert len(lines) == 1 + 5  # a row per article x endpoint (3 folder copies, 2 failed), none wrapped
    failed_row = next(line for line in lines if ALDER in line and " failed " in line)
    error = next(r["last_error"] for r in json.loads(run_cli("--config", config, "status", "--format", "json").out)
                 if r["article"] == ALDER and r["endpoint"] == "hook")  # fmt: skip
    # cut after a whole word, not mid-word, and said so once
    cut = failed_row.split(" failed ", 1)[1].strip().split("…")[0]
    assert error.startswith(cut) and error[len(cut)] == " " and len(cut) < 60
    assert shown.err == "(errors shortened: `syndicate status --failed` shows them whole)\n"
    whole = run_cli("--config", config, "status", "--failed")
    assert whole.err == ""
    assert [line.count(ERROR_TEXT) for line in whole.out.splitlines()[1:]] == [1, 1]

"""`syndicate init`: a new site that validates and runs as it is, and never a file written over another."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from syndicate.config import load_config
from syndicate.starter import EXAMPLE_SLUG


def syndicate(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "syndicate", *args]
    env = {k: v for k, v in os.environ.items() if k != "SYNDICATE_CONFIG"}
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False, timeout=120, env=env)


def test_init_then_validate_then_run_pushes_the_example_to_the_folder(tmp_path: Path) -> None:
    started = syndicate(tmp_path, "init", "daily-example")
    assert started.returncode == 0, started.stderr
    site = tmp_path / "daily-example"
    assert (site / "content" / f"{EXAMPLE_SLUG}.md").is_file()
    assert "cd daily-example && syndicate validate && syndicate run" in started.stderr
    assert 'title = "Daily Example"' in (site / "syndicate.toml").read_text()
    validated = syndicate(site, "validate")
    assert (validated.returncode, validated.stdout) == (0, ""), validated.stdout
    assert "0 errors, 0 warnings" in validated.stderr
    ran = syndicate(site, "run")
    assert (ran.returncode, ran.stdout, ran.stderr) == (0, "", "")
    assert (site / "out" / "archive" / f"{EXAMPLE_SLUG}.html").is_file()
    assert (site / "feeds" / "atom.xml").is_file()
    ignored = (site / ".gitignore").read_text().splitlines()
    assert "/.syndicate/" in ignored and "/out/" in ignored  # the ledger, and the folder endpoint's copies


def test_init_writes_into_this_folder_by_default(tmp_path: Path) -> None:
    assert syndicate(tmp_path, "init").returncode == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [".gitignore", "content", "syndicate.toml"]
    assert syndicate(tmp_path, "validate").returncode == 0


def test_init_refuses_to_write_over_any_file_and_then_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("mine\n")
    refused = syndicate(tmp_path, "init")
    assert refused.returncode == 2
    assert refused.stderr.startswith("syndicate: error: .gitignore: already exists; init writes no file over another")
    assert (tmp_path / ".gitignore").read_text() == "mine\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".gitignore"]
    assert syndicate(tmp_path, "init").returncode == 2  # again: the same
    (tmp_path / ".gitignore").unlink()
    assert syndicate(tmp_path, "init").returncode == 0
    (tmp_path / "syndicate.toml").write_text("# edited\n")
    again = syndicate(tmp_path, "init")
    assert again.returncode == 2 and "syndicate.toml: already exists" in again.stderr
    assert (tmp_path / "syndicate.toml").read_text() == "# edited\n"


def test_the_commented_endpoints_are_complete(tmp_path: Path, run_cli: Any) -> None:
    """Uncommented, the webhook, WordPress and Ghost endpoints make a valid config, naming their variables."""
    assert run_cli("init", str(tmp_path)).status == 0
    config = tmp_path / "syndicate.toml"
    lines, in_endpoint = [], False
    for line in config.read_text().splitlines():
        in_endpoint = line == "# [[endpoints]]" or (in_endpoint and line.startswith("# "))
        lines.append(line.removeprefix("# ") if in_endpoint else line)
    config.write_text("\n".join(lines) + "\n")
    loaded = load_config(config)
    assert [(e.name, e.type, e.enabled) for e in loaded.endpoints] == [
        ("archive", "directory", True),
        ("newsroom-hook", "webhook", True),
        ("partner", "wordpress", True),
        ("partner-ghost", "ghost", True),
    ]
    assert loaded.endpoints[2].settings["date"] == "published"
    printed = run_cli("--config", str(config), "cron").out
    assert "NEWSROOM_HOOK_SECRET, PARTNER_WP_USER, PARTNER_WP_APP_PASSWORD, PARTNER_GHOST_ADMIN_KEY" in printed


def test_init_says_why_it_cannot_write(tmp_path: Path, run_cli: Any) -> None:
    (tmp_path / "taken").write_text("a file")
    result = run_cli("init", str(tmp_path / "taken" / "site"))
    assert result.status == 2 and "syndicate: error:" in result.err and "Traceback" not in result.err

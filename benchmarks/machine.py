"""What the benchmark ran on: the machine, the libraries' versions and the code's commit."""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import os
import platform
import shutil
import subprocess
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent


def cpu_info(field: str) -> str:
    """The first value of `field` in /proc/cpuinfo ('model name', 'cpu MHz', 'cache size')."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.split(":", 1)[0].strip() == field:
                return line.split(":", 1)[1].strip()
    return ""


def version_of(package: str) -> str | None:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def git(*args: str) -> str:
    program = shutil.which("git")
    if program is None:
        return ""
    try:
        done = subprocess.run(  # noqa: S603 (fixed arguments)
            [program, *args],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=False,
            timeout=10,
        )
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout.strip()


def machine() -> dict[str, Any]:
    import yaml

    return {
        "nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "cpu": cpu_info("model name") or platform.processor() or "unknown",
        "cpu_mhz": cpu_info("cpu MHz"),
        "cpu_cache": cpu_info("cache size"),
        "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "libyaml": bool(getattr(yaml, "__with_libyaml__", False)),
        "packages": {
            name: version_of(name)
            for name in (
                "syndicate",
                "jsonschema",
                "jsonschema-rs",
                "cmarkgfm",
                "markdown-it-py",
                "PyYAML",
                "nh3",
                "lxml",
                "feedgen",
                "zstandard",
                "requests",
                "check-jsonschema",
            )
        },
    }


def code_state() -> dict[str, Any]:
    """The commit measured, and a digest of syndicate's files as they are (others may be editing them)."""
    digest = hashlib.sha256()
    for path in sorted((REPO / "syndicate").rglob("*.py")) + sorted((REPO / "schemas").rglob("*.json")):
        digest.update(str(path.relative_to(REPO)).encode() + b"\0" + path.read_bytes())
    return {
        "git_commit": git("rev-parse", "--short", "HEAD"),
        "uncommitted_changes": bool(git("status", "--porcelain", "--", "syndicate", "schemas")),
        "sources_sha256": digest.hexdigest()[:16],
    }

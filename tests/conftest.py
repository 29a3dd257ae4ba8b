"""Shared fixtures: the network is blocked except loopback, and the CLI runs in-process."""

from __future__ import annotations

import ipaddress
import os
import shutil
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from syndicate.cli.main import main
from tests.pg import ENGINES, on_engine

REPO = Path(__file__).resolve().parent.parent
DEMO = REPO / "examples" / "demo"
GOLDEN = Path(__file__).resolve().parent / "golden"


def _is_loopback(address: Any) -> bool:
    if isinstance(address, (str, bytes)):  # AF_UNIX
        return True
    host = address[0]
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True)
def _block_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Tests reach only servers they start themselves, on loopback."""
    real_connect = socket.socket.connect

    def guarded_connect(self: socket.socket, address: Any) -> None:
        if not _is_loopback(address):
            raise OSError(f"network blocked in tests: {address!r}")
        real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    yield


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A copy of the demo site (without anything a run wrote) to change freely."""
    return demo_copy(tmp_path)


def settled(path: Path) -> Path:
    """`path` as if written a minute ago: a file modified just before a run is read again by
    the next run (cron/incremental.racy_marked), which is then no no-op."""
    then = time.time_ns() - 60 * 10**9
    os.utime(path, ns=(then, then))
    return path


def demo_copy(folder: Path) -> Path:
    shutil.copytree(DEMO, folder / "site", ignore=shutil.ignore_patterns(".syndicate", "out", "feeds"))
    return folder / "site"


@dataclass
class Result:
    status: int
    out: str
    err: str


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]) -> Any:
    """Run `syndicate ARGS...` in this process; returns its exit status and output."""

    def run(*args: str) -> Result:
        capsys.readouterr()
        with pytest.raises(SystemExit) as exit_info:
            main(list(args))
        captured = capsys.readouterr()
        code = exit_info.value.code
        return Result(code if isinstance(code, int) else 1, captured.out, captured.err)

    return run


@pytest.fixture(params=ENGINES)
def engine_site(tmp_path: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The demo site with its ledger on each engine: SQLite at [paths] state, then PostgreSQL
    ([ledger], a site of its own in the test database: tests/pg.py). A module runs its tests on
    both by overriding `site` with it."""
    with on_engine(demo_copy(tmp_path), request.param, monkeypatch) as site:
        yield site

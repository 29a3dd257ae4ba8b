"""Runners sharing a PostgreSQL ledger: delivery throughput against runners, and a no-op run on each engine.

    .venv/bin/python benchmarks/run.py --shared-ledger                  # 1, 2, 4, 8 runners, 10,000 copies
    .venv/bin/python benchmarks/run.py --shared-ledger --copies 2000 --runners 1,2
    .venv/bin/python benchmarks/run.py --shared-ledger --runners none   # the no-op runs only

Needs the test PostgreSQL (scripts/postgresql-test-server.sh start; PG_TEST_ENV_FILE names its
env file). For each number of runners: a fresh site of the corpus (benchmarks/corpus.py, no
drafts) with one webhook endpoint (concurrency 8) on 127.0.0.1 that answers after 50 ms, its
ledger a fresh site in the database. One runner starts first (it validates every article and
keeps them in the ledger, as a site's first run does); the others start when the first copy
arrives, as cron would start them, and read the articles from the ledger. Throughput is copies
over the time from the first copy's arrival to the last one's answer, beside the floor: copies x
50 ms / (runners x 8), the time the webhook alone needs at that concurrency. Then a no-op `run`
(nothing changed) on SQLite, on PostgreSQL, and on PostgreSQL while another runner holds the
site's lock, median of NOOP_RUNS each (wall and CPU). `--runners none`: only the no-op runs
(written to benchmarks/results-shared-noop.json).

Not a test: prints a Markdown table and writes benchmarks/results-shared.json.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import corpus
from machine import machine
from measure import Hook, log, measure

HERE = Path(__file__).resolve().parent
DELAY = 0.05
NOOP_RUNS = 9


def pg_env() -> dict[str, str]:
    path = Path(os.environ.get("PG_TEST_ENV_FILE", "/tmp/syndicate-pg.env"))  # noqa: S108 (the test server's)
    try:
        lines = path.read_text().splitlines()
    except OSError:
        raise SystemExit(f"{path} missing: start PostgreSQL with scripts/postgresql-test-server.sh start") from None
    return dict(line.split("=", 1) for line in lines if "=" in line)


def make_site(where: Path, copies: int, hook: Hook, env: dict[str, str] | None) -> tuple[Path, str | None]:
    """A corpus site with one webhook endpoint; with `env`, its ledger a fresh site in the database."""
    corpus.write_site(where, copies, 1, webhook=hook.url, drafts=0.0)
    config = where / "syndicate.toml"
    text = corpus.config_text(directory=False, webhook=hook.url)
    name = None
    if env is not None:
        name = f"bench-{uuid.uuid4().hex[:10]}"
        text += f'\n[ledger]\nurl = "{env["PG_TEST_URL"]}"\nsite = "{name}"\n'
    config.write_text(text, encoding="utf-8")
    return config, name


def drop(env: dict[str, str], name: str) -> None:
    import psycopg

    with psycopg.connect(env["PG_TEST_URL"], password=env["PGPASSWORD"], autocommit=True) as db:
        db.execute(f'DROP SCHEMA IF EXISTS "syndicate:{name}" CASCADE')  # (a name made here)


def deliver(where: Path, copies: int, runners: int, env: dict[str, str]) -> dict[str, Any]:
    """`runners` runs over `copies` copies; throughput from the first copy's arrival to the last answer."""
    with Hook(DELAY) as hook:
        config, name = make_site(where, copies, hook, env)
        assert name is not None
        command = [sys.executable, "-m", "syndicate", "--config", str(config), "run"]
        child_env = {**os.environ, "PGPASSWORD": env["PGPASSWORD"]}
        started = time.perf_counter()
        start = {"env": child_env, "stdout": subprocess.DEVNULL, "stderr": subprocess.PIPE}
        processes = [subprocess.Popen(command, **start)]  # noqa: S603 (the benchmark's own command)
        while hook.requests == 0 and processes[0].poll() is None:
            time.sleep(0.01)
        processes += [
            subprocess.Popen(command, **start)  # noqa: S603 (the benchmark's own command)
            for _ in range(runners - 1)
        ]
        codes = [p.wait() for p in processes]
        errors = [p.stderr.read().decode(errors="replace")[-500:] for p in processes if p.stderr and p.returncode]
        spans = sorted(hook.spans)
        first, last = spans[0][0], max(end for _, end in spans)
        drop(env, name)
        seconds = last - first
        floor = copies * DELAY / (runners * corpus.WEBHOOK_CONCURRENCY)
        row = {
            "runners": runners,
            "copies": copies,
            "requests": hook.requests,
            "distinct_keys": len(hook.keys),
            "exit_codes": codes,
            "errors": errors,
            "first_copy_after_s": round(first - started, 1),
            "delivering_s": round(seconds, 1),
            "copies_per_s": round(hook.requests / seconds, 1),
            "floor_s": round(floor, 1),
            "floor_ratio": round(seconds / floor, 2),
        }
        log(f"{runners} runner(s): {row}")
        return row


#: the command line's own no-op, as it was before the early answer (cron/noop.py) and as a run
#: that the early answer leaves to it goes: `syndicate` without __main__'s early answer
FULL_PATH = "import sys; from syndicate.cli.main import main; sys.argv[0] = 'syndicate'; main()"


def noop(where: Path, env: dict[str, str] | None) -> dict[str, dict[str, Any]]:
    """`syndicate run` with nothing changed (after a first run that did the work), NOOP_RUNS times
    each way, interleaved so that the machine's load falls on both alike: the early answer, the
    command line's own (FULL_PATH), and on PostgreSQL the early answer while another connection
    holds the site's advisory lock, as a runner at work does (it is left to the command line)."""
    label = "PostgreSQL" if env else "SQLite"
    with Hook(0.0) as hook:
        config, name = make_site(where, 100, hook, env)
        child_env = {**os.environ, **({"PGPASSWORD": env["PGPASSWORD"]} if env else {})}
        args = ["--config", str(config), "run", "--format", "json"]
        ways = {
            f"{label}, early answer": [sys.executable, "-m", "syndicate", *args],
            f"{label}, command line (as before)": [sys.executable, "-c", FULL_PATH, *args],
        }
        first = measure(next(iter(ways.values())), env=child_env)
        assert first.returncode == 0, first.stderr
        samples: dict[str, list[Any]] = {way: [] for way in ways}
        held = f"{label}, early answer while another runner holds the site's lock"
        for _ in range(NOOP_RUNS):
            for way, argv in ways.items():
                samples[way].append(measure(argv, env=child_env))
            if env is not None and name is not None:
                holder = _hold(env, name)
                samples.setdefault(held, []).append(measure(ways[f"{label}, early answer"], env=child_env))
                holder.close()
        for found in samples.values():
            assert all(s.returncode == 0 and '"noop": true' in s.stdout for s in found), found[0].stderr
        if env is not None and name is not None:
            drop(env, name)
    return {way: _stats(found) for way, found in samples.items()}


def _stats(samples: list[Any]) -> dict[str, Any]:
    seconds, cpu = [s.seconds for s in samples], [s.cpu_seconds for s in samples]
    return {
        "wall_median_s": round(statistics.median(seconds), 4),
        "cpu_median_s": round(statistics.median(cpu), 4),
        "wall_runs_s": [round(x, 4) for x in seconds],
        "cpu_runs_s": [round(x, 4) for x in cpu],
    }


def import_floor() -> dict[str, dict[str, Any]]:
    """What Python alone costs, and Python importing psycopg: the floor of an answer that needs psycopg."""
    floors = {"python -c pass": "pass", "python -c 'import psycopg'": "import psycopg"}
    found: dict[str, list[Any]] = {label: [] for label in floors}
    for _ in range(NOOP_RUNS):
        for label, code in floors.items():
            found[label].append(measure([sys.executable, "-c", code]))
    return {label: _stats(samples) for label, samples in found.items()}


def _hold(env: dict[str, str], name: str) -> Any:
    """A connection holding the site's advisory lock (ledger_pg.try_site_lock's), as a runner at work holds it."""
    import psycopg

    from syndicate.ledger_settings import LedgerSettings

    db = psycopg.connect(env["PG_TEST_URL"], password=env["PGPASSWORD"], autocommit=True)
    db.execute("SELECT pg_advisory_lock(%s, hashtext(%s))", LedgerSettings(env["PG_TEST_URL"], name).lock_key)
    return db


def table(rows: list[dict[str, Any]], noops: dict[str, dict[str, Any]]) -> str:
    lines = [
        "| runners | copies | delivering (s) | copies/s | floor (s) | x floor | every copy once |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in rows:
        once = r["requests"] == r["distinct_keys"] == r["copies"]
        lines.append(
            f"| {r['runners']} | {r['copies']:,} | {r['delivering_s']} | {r['copies_per_s']} | {r['floor_s']} | "
            f"{r['floor_ratio']} | {'yes' if once else 'NO'} |"
        )
    lines = lines if rows else []
    lines += [
        "",
        f"| no-op `run` (100 articles, median of {NOOP_RUNS}) | wall (s) | CPU (s) | wall, each run (s) |",
        "| --- | ---: | ---: | --- |",
    ]
    for label, found in noops.items():
        runs = ", ".join(f"{x:.2f}" for x in found["wall_runs_s"])
        lines.append(f"| {label} | {found['wall_median_s']:.3f} | {found['cpu_median_s']:.3f} | {runs} |")
    return "\n".join(lines)


def main(copies: int, runner_counts: list[int], where: Path) -> int:
    env = pg_env()
    os.environ["PGPASSWORD"] = env["PGPASSWORD"]
    started = dt.datetime.now(dt.UTC)
    load_before = os.getloadavg()
    rows = [deliver(where / f"runners-{n}", copies, n, env) for n in runner_counts]
    noops = {**noop(where / "noop-sqlite", None), **noop(where / "noop-postgresql", env), **import_floor()}
    text = table(rows, noops)
    print(text)
    results = {
        "date": started.isoformat(timespec="seconds"),
        "hook_delay_s": DELAY,
        "webhook_concurrency": corpus.WEBHOOK_CONCURRENCY,
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "machine": machine(),
        "rows": rows,
        "noop": noops,
        "table_markdown": text,
    }
    (HERE / ("results-shared.json" if rows else "results-shared-noop.json")).write_text(
        json.dumps(results, indent=2) + "\n", encoding="utf-8"
    )
    failed = [r for r in rows if set(r["exit_codes"]) != {0} or not r["requests"] == r["distinct_keys"] == copies]
    return 1 if failed else 0

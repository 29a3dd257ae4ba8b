"""How `syndicate run` scales with the size of the site: cold, after one change, no-op (issue 23).

    .venv/bin/python benchmarks/scaling.py --sizes 1000,10000,30000 --runs 3
    .venv/bin/python benchmarks/scaling.py --sizes 100000 --runs 1 --workdir /tmp/sites --keep

For each size, a corpus of benchmarks/corpus.py (seed 1; a folder WORKDIR/site-N that already
holds one, with its run.toml, is used as it is) and a config without endpoints, then, RUNS
times in turn: a cold run (ledger and feeds deleted), a run after one article's title changed
(its JSON summary must say it worked), the article put back and a run (not timed), then a
no-op run (its summary must say `"noop": true`). Each measurement is a fresh process started
by measure.py's lean launcher: wall time, CPU time (user + system of the command and its
workers), the max RSS of its largest process and the peak PSS of all its processes together.

Prints a Markdown table of medians (and writes it as JSON with --json). Like run.py, not a
test: the exit status is 1 only when a command fails.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402  (beside this file)
from measure import Sample, log, measure  # noqa: E402

KINDS = ("cold", "one change", "no-op")


def site(workdir: Path, articles: int, seed: int) -> Path:
    """WORKDIR/site-N with its run.toml, written unless it is there."""
    root = workdir / f"site-{articles}"
    if not (root / "run.toml").is_file():
        log(f"writing {articles:,} articles to {root}")
        corpus.write_site(root, articles, seed)
        config = corpus.config_text(directory=False, feeds="feeds-run", state=".syndicate/run.db")
        (root / "run.toml").write_text(config, encoding="utf-8")
    return root


def measure_size(root: Path, runs: int) -> dict[str, list[Sample]]:
    argv = [sys.executable, "-m", "syndicate", "-q", "--config", str(root / "run.toml"), "run", "--format", "json"]
    changed = sorted((root / "content").rglob("*.md"))[0]
    original = changed.read_text(encoding="utf-8")
    samples: dict[str, list[Sample]] = {kind: [] for kind in KINDS}

    def timed(kind: str, noop: bool) -> None:
        sample = measure(argv)
        said = json.loads(sample.stdout or "{}").get("noop")
        if sample.returncode != 0 or said is not noop:
            raise SystemExit(f"{kind} run of {root}: exit {sample.returncode}, noop {said}\n{sample.stderr[-2000:]}")
        samples[kind].append(sample)
        log(f"{root.name} {kind}: {sample.seconds:.2f} s, CPU {sample.cpu_seconds:.2f} s, {sample.max_rss_mb:.0f} MB")

    def write(text: str) -> None:
        # as if written a minute ago: a file modified within 3 s of a run's scan is read again by the
        # next run (cron/incremental.racy_marked), which would then be no no-op
        changed.write_text(text, encoding="utf-8")
        then = time.time_ns() - 60 * 10**9
        os.utime(changed, ns=(then, then))

    try:
        for _ in range(runs):
            shutil.rmtree(root / "feeds-run", ignore_errors=True)
            for path in (root / ".syndicate").glob("run.db*"):
                path.unlink()
            timed("cold", noop=False)
            write(re.sub(r"^title: (.*)$", r"title: \1 (changed)", original, count=1, flags=re.M))
            timed("one change", noop=False)
            write(original)
            if measure(argv).returncode != 0:
                raise SystemExit(f"the run after the change was undone failed ({root})")
            timed("no-op", noop=True)
    finally:
        changed.write_text(original, encoding="utf-8")
    return samples


def row(articles: int, samples: dict[str, list[Sample]]) -> dict[str, Any]:
    found: dict[str, Any] = {"articles": articles, "runs": len(samples["cold"])}
    for kind, taken in samples.items():
        found[kind] = {
            "seconds": statistics.median(s.seconds for s in taken),
            "cpu_seconds": statistics.median(s.cpu_seconds for s in taken),
            "max_rss_mb": max(s.max_rss_mb for s in taken),
            "pss_mb": max(s.tree_pss_mb for s in taken),
        }
    return found


def table(rows: Sequence[dict[str, Any]]) -> str:
    lines = [
        "| articles | runs | cold s (CPU s) | one change s (CPU s) | no-op s (CPU s) "
        "| peak RSS / PSS MB: cold | one change | no-op |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for found in rows:
        times = " | ".join(f"{found[k]['seconds']:.2f} ({found[k]['cpu_seconds']:.2f})" for k in KINDS)
        memory = " | ".join(f"{found[k]['max_rss_mb']:.0f} / {found[k]['pss_mb']:.0f}" for k in KINDS)
        lines.append(f"| {found['articles']:,} | {found['runs']} | {times} | {memory} |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="syndicate run, cold / one change / no-op, at several sizes.")
    parser.add_argument("--sizes", default="1000,10000,30000", help="articles, comma-separated")
    parser.add_argument("--runs", type=int, default=3, help="runs of each (default 3)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", type=Path, help="where the sites are (default: a temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder of sites")
    parser.add_argument("--json", type=Path, help="also write the rows as JSON here")
    args = parser.parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="syndicate-scaling-"))
    compileall.compile_dir(str(REPO / "syndicate"), quiet=1)  # as pip install does (run.py, "The measurements")
    rows = []
    try:
        for articles in (int(size) for size in args.sizes.split(",")):
            rows.append(row(articles, measure_size(site(workdir, articles, args.seed), args.runs)))
            print(table(rows[-1:]), flush=True)
    finally:
        if args.workdir is None and not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    print(table(rows))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

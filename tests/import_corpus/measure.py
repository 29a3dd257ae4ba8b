"""Field accuracy of `syndicate import` on the corpus of real pages beside this file.

Each page (NAME.txt, NAME.md, NAME.html) has NAME.expected.yaml: where it came
from, and for each field the value a careful editor takes from the page (with
the page's own words as evidence) or null where the page does not state it.
Each field of each page is then one of:

- right: the importer's value is the expected one (or both are absent);
- missed: the page states it, the importer left it out (with a warning);
- invented: the page does not state it, the importer gave a value;
- wrong: both have a value, and they differ.

Run it: `python -m tests.import_corpus.measure` (add `-v` to list every miss).
"""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from syndicate.errors import SyndicateError
from syndicate.importer.drafts import ImportResult, import_source

CORPUS = Path(__file__).resolve().parent
FIELDS = ("title", "authors", "publisher", "source_url", "original", "original_url", "published",
          "copyright_holder", "copyright_year", "license", "contact", "tags")  # fmt: skip
OUTCOMES = ("right", "missed", "wrong", "invented")


@dataclass
class Page:
    path: Path
    expected: dict[str, Any]
    outcomes: dict[str, str] = field(default_factory=dict)
    actual: dict[str, Any] = field(default_factory=dict)
    failure: str = ""


def pages() -> list[Path]:
    return sorted(p for p in CORPUS.iterdir() if p.suffix in (".txt", ".md", ".html") and p.stem != "README")


def expected_file(page: Path) -> Path:
    return page.with_name(page.stem + ".expected.yaml")


def load_expected(page: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(expected_file(page).read_text(encoding="utf-8"))
    return data


def actual_values(result: ImportResult) -> dict[str, Any]:
    fm = result.front_matter
    source, original = fm.get("source", {}), fm.get("original", {})
    copyright_, license_ = fm.get("copyright", {}), fm.get("license", {})
    published = fm.get("published")
    return {
        "title": fm.get("title"),
        "authors": [a["name"] for a in fm["authors"]] if fm.get("authors") else None,
        "publisher": source.get("name"),
        "source_url": source.get("url"),
        "original": original.get("name"),
        "original_url": original.get("url"),
        "published": str(published)[:10] if published else None,
        "copyright_holder": copyright_.get("holder"),
        "copyright_year": copyright_.get("year"),
        "license": license_.get("id"),
        "contact": license_.get("contact"),
        "tags": fm.get("tags"),
    }


def _same(expected: Any, actual: Any) -> bool:
    if isinstance(expected, list) and isinstance(actual, list):
        return sorted(map(_norm, expected)) == sorted(map(_norm, actual))
    return bool(_norm(expected) == _norm(actual))


def _norm(value: Any) -> Any:
    return " ".join(value.split()) if isinstance(value, str) else value


def outcome(expected: Any, actual: Any) -> str:
    if expected is None:
        return "right" if actual is None else "invented"
    if actual is None:
        return "missed"
    return "right" if _same(expected, actual) else "wrong"


def measure() -> list[Page]:
    measured: list[Page] = []
    for path in pages():
        page = Page(path, load_expected(path)["expected"])
        measured.append(page)
        try:
            page.actual = actual_values(import_source(str(path)))
        except SyndicateError as e:
            page.failure = e.message
            continue
        for name in FIELDS:
            if name in page.expected:
                page.outcomes[name] = outcome(page.expected[name].get("value"), page.actual[name])
    return measured


def report(measured: list[Page], verbose: bool = False) -> str:
    lines = [f"{len(measured)} pages, {sum(1 for p in measured if p.failure)} failed imports"]
    totals: Counter[str] = Counter()
    stated: Counter[str] = Counter()
    lines.append(f"{'field':<17}" + "".join(f"{o:>9}" for o in OUTCOMES) + f"{'accuracy':>10}{'stated':>8}")
    for name in FIELDS:
        counts = Counter(p.outcomes[name] for p in measured if name in p.outcomes)
        if not counts:
            continue
        totals.update(counts)
        stated_here = sum(1 for p in measured if name in p.outcomes and p.expected[name].get("value") is not None)
        right_stated = sum(
            1
            for p in measured
            if name in p.outcomes and p.expected[name].get("value") is not None and p.outcomes[name] == "right"
        )
        stated.update({"right": right_stated, "all": stated_here})
        accuracy = counts["right"] / sum(counts.values())
        lines.append(f"{name:<17}" + "".join(f"{counts[o]:>9}" for o in OUTCOMES) + f"{accuracy:>9.0%}{stated_here:>8}")
    overall = totals["right"] / max(sum(totals.values()), 1)
    lines.append(
        f"{'overall':<17}" + "".join(f"{totals[o]:>9}" for o in OUTCOMES) + f"{overall:>9.0%}{stated['all']:>8}"
    )
    lines.append(f"overall field accuracy: {totals['right']} of {sum(totals.values())} fields right ({overall:.0%})")
    lines.append(
        f"recall on stated values: {stated['right']} of {stated['all']} values the pages state found "
        f"({stated['right'] / max(stated['all'], 1):.0%}); invented {totals['invented']}, wrong {totals['wrong']}"
    )
    for page in measured:
        if page.failure:
            lines.append(f"FAILED {page.path.name}: {page.failure}")
        for name, result in page.outcomes.items():
            if result in ("wrong", "invented") or (verbose and result == "missed"):
                lines.append(
                    f"{result.upper():<9}{page.path.name} {name}: expected {page.expected[name].get('value')!r}, "
                    f"got {page.actual.get(name)!r}"
                )
    return "\n".join(lines)


def stated(measured: list[Page]) -> tuple[int, int]:
    """Of the values the pages state, how many the importer got right, and how many there are."""
    outcomes = [p.outcomes[n] for p in measured for n in p.outcomes if p.expected[n].get("value") is not None]
    return outcomes.count("right"), len(outcomes)


def totals(measured: list[Page]) -> Counter[str]:
    return Counter(o for p in measured for o in p.outcomes.values())


def main(argv: list[str]) -> int:
    print(report(measure(), verbose="-v" in argv))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

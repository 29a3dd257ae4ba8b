"""`syndicate import` on real pages (tests/import_corpus/): field accuracy, nothing invented.

The corpus is measured by tests/import_corpus/measure.py, which prints the
accuracy per field; here its numbers are held to the issue's targets, and each
expected value is checked against the page's own words.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.import_corpus.measure import FIELDS, load_expected, measure, pages, report, stated, totals

PAGES = pages()
#: of the values the pages state, the share found (measured: see README's import section); a rule that
#: loses some fails here, one that finds more may raise it
RECALL = 0.92
#: of all fields (stated or not), the share right (measured: 98%)
ACCURACY = 0.97


def _normal(text: str) -> str:
    return " ".join(text.replace("\\n", "\n").split())


def test_the_corpus_has_enough_real_pages_in_enough_languages() -> None:
    assert len(PAGES) >= 80
    assert len({load_expected(p)["language"] for p in PAGES}) >= 4
    assert {p.suffix for p in PAGES} == {".txt", ".md", ".html"}


def test_the_rights_fields_are_stated_on_enough_pages() -> None:
    """Copyright, licence and contact matter most here, and were the fields real pages rarely gave
    (issue 17): the pages stating them stay in the corpus."""
    least = {"copyright_holder": 9, "copyright_year": 8, "license": 22, "contact": 4}
    stated_on = {
        name: sum(load_expected(p)["expected"].get(name, {}).get("value") is not None for p in PAGES) for name in least
    }
    assert all(stated_on[name] >= count for name, count in least.items()), stated_on


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_expected_value_is_backed_by_the_pages_words(page: Path) -> None:
    data = load_expected(page)
    assert data["source_address"] and data["found_via"] and data["language"]
    assert set(data["expected"]) <= set(FIELDS)
    text = _normal(page.read_text(encoding="utf-8"))
    for name, entry in data["expected"].items():
        if entry.get("value") is not None:
            assert entry.get("evidence"), f"{name}: a value needs the page's words as evidence"
            assert _normal(entry["evidence"]) in text, f"{name}: evidence not in {page.name}"


def test_import_meets_the_targets_on_the_corpus() -> None:
    measured = measure()
    printed = report(measured)
    counts = totals(measured)
    assert not [p for p in measured if p.failure], printed
    assert counts["invented"] == 0, printed
    assert counts["wrong"] == 0, printed
    assert counts["right"] / sum(counts.values()) >= ACCURACY, printed
    right, values = stated(measured)
    assert right / values >= RECALL, printed

"""`syndicate import` (library): scraped text in, front-matter article out, nothing guessed.

Each tests/golden/import/NAME.txt has NAME.expected.yaml beside it: the exact
front matter its import must give. After a deliberate change, regenerate with
SYNDICATE_UPDATE_GOLDEN=1 pytest tests/test_importer.py and review the diff.
"""

from __future__ import annotations

import datetime as dt
import gzip
import os
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
import yaml

from syndicate.articles.front_matter import parse_article_text
from syndicate.checks.article_checks import Checks, check_article
from syndicate.checks.attribution import body_hash
from syndicate.errors import SyndicateError, UsageError
from syndicate.importer.credits import read_byline, read_notice
from syndicate.importer.dates import find_date, parse_date
from syndicate.importer.drafts import (
    Choices,
    ImportResult,
    import_html,
    import_html_bytes,
    import_source,
    import_text,
    import_url,
    slugify,
)
from syndicate.importer.layouts import choose_layout
from syndicate.importer.licensing import find_contact, find_creative_commons
from syndicate.importer.output import write_article
from tests.conftest import DEMO, GOLDEN

IMPORTS = GOLDEN / "import"
INPUTS = sorted(IMPORTS.glob("*.txt"))
SEED = IMPORTS / "globalresearch-s400.txt"
#: the tests' pages are served on 127.0.0.1
PRIVATE = Choices(allow_private=True)


def _import(path: Path) -> ImportResult:
    return import_text(path.read_text(encoding="utf-8"), path.name)


def _dump(front_matter: dict[str, Any]) -> str:
    return yaml.safe_dump(front_matter, sort_keys=False, allow_unicode=True, width=100_000)


def _findings(result: ImportResult) -> list[Any]:
    article = parse_article_text(result.to_markdown(), "imported.md")
    check_article(article, Checks.for_config(None, today=dt.date(2026, 1, 1)))
    return article.findings


# --- golden inputs ---------------------------------------------------------------------------------


def test_there_are_enough_golden_inputs() -> None:
    assert len(INPUTS) >= 11  # the seed and at least ten written for the variations


@pytest.mark.parametrize("source", INPUTS, ids=lambda p: p.stem)
def test_front_matter_is_exactly_the_expected(source: Path) -> None:
    result = _import(source)
    expected_file = source.with_name(source.stem + ".expected.yaml")
    if os.environ.get("SYNDICATE_UPDATE_GOLDEN"):
        expected_file.write_text(_dump(result.front_matter), encoding="utf-8")
    expected = yaml.safe_load(expected_file.read_text(encoding="utf-8"))
    assert result.front_matter == expected
    assert _dump(result.front_matter) == expected_file.read_text(encoding="utf-8")  # the order editors read too


@pytest.mark.parametrize("source", INPUTS, ids=lambda p: p.stem)
def test_article_round_trips_through_the_reader(source: Path) -> None:
    result = _import(source)
    parsed = parse_article_text(result.to_markdown(), "x.md")
    assert parsed.findings == []
    assert parsed.data == result.front_matter
    assert parsed.body.strip("\n") == result.body
    assert result.front_matter["status"] == "draft"


@pytest.mark.parametrize("source", INPUTS, ids=lambda p: p.stem)
def test_validator_reports_only_what_the_text_lacks(source: Path) -> None:
    """Every value the import writes is well-formed: what remains is missing fields, lost links,
    and the deliberate `custom` id for terms no profile describes."""
    result = _import(source)
    custom = result.front_matter.get("license", {}).get("id") == "custom"
    for finding in _findings(result):
        assert finding.code in {"missing-field", "placeholder-link"} or (
            finding.code == "unknown-license" and custom
        ), finding
    assert result.placeholder_links == sum(f.code == "placeholder-link" for f in _findings(result))


@pytest.mark.parametrize("source", INPUTS, ids=lambda p: p.stem)
def test_every_missing_required_field_is_reported(source: Path) -> None:
    result = _import(source)
    for finding in _findings(result):
        if finding.code == "missing-field":
            field = finding.pointer.strip("/").replace("/", ".")
            assert any(note.startswith(field) for note in result.missing), (field, result.missing)


# --- the seed --------------------------------------------------------------------------------------


def test_seed_leaves_only_the_missing_source_url_and_the_lost_links() -> None:
    result = _import(SEED)
    findings = _findings(result)
    assert {(f.code, f.pointer) for f in findings} == {("missing-field", "/source/url"), ("placeholder-link", "")}
    assert all(f.severity.value == "warning" for f in findings)
    assert result.placeholder_links == 20
    assert result.missing == [
        "source.url: the text does not give the article's address at Global Research",
        "original.url: the link was lost in scraping ([Defend Democracy Press](#))",
        "body: 20 placeholder links ([text](#)): the addresses were lost in scraping; restore or remove them",
    ]


def test_seed_body_runs_from_the_lead_to_the_article_s_end() -> None:
    text = SEED.read_text(encoding="utf-8")
    start = text.index("*Turkey reached an agreement")
    end = text.index("Featured image from [Sputnik/ Sergey Malgavko](#)") + len(
        "Featured image from [Sputnik/ Sergey Malgavko](#)"
    )
    result = _import(SEED)
    assert result.body == text[start:end]  # the source and copyright lines are the front matter's now
    assert any(n.startswith("body: the scraped attribution footer (2 paragraphs) moved") for n in result.found)


def test_seed_matches_the_hand_converted_demo_article() -> None:
    demo = DEMO / "content" / "turkey-agreed-to-buy-russias-s-400.md"
    by_hand = parse_article_text(demo.read_text(encoding="utf-8"), demo.name)
    assert by_hand.data is not None
    imported = _import(SEED)
    assert {k: v for k, v in imported.front_matter.items() if k != "slug"} == {
        k: v for k, v in by_hand.data.items() if k != "slug"
    }
    footer = "\n\nThe original source of this article is [Defend Democracy Press](#)\n\nCopyright ©"
    assert imported.body == by_hand.body.strip("\n").split(footer)[0]  # its footer: the front matter's
    assert imported.front_matter["slug"] == "turkey-has-agreed-to-buy-russias-s-400-advanced-missile"


def test_seed_report_names_the_chrome_it_removed() -> None:
    found = "\n".join(_import(SEED).found)
    for chrome in ("Facebook comment line", "membership appeal", "'Articles by:' line", "disclaimer", "fair-use"):
        assert chrome in found
    assert "layout: globalresearch" in found
    assert "license.contact: publications@globalresearch.ca" in found


# --- what the report says for each variation -------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind", "words"),
    [
        ("gr-republication-chain", "found", "republication chain: TomDispatch → Consortium News → Global Research"),
        ("gr-glued-footer", "found", "footer lines glued together in scraping"),
        ("gr-glued-footer", "missing", "regions: the label 'Region:' has no value"),
        ("truncated", "missing", "body: the text may be truncated: it ends mid-sentence"),
        ("truncated", "missing", "license: the text states no licence or republication terms"),
        ("no-license", "missing", "license: the text states no licence or republication terms"),
        ("mondialisation-fr", "missing", "license.contact: the address is obfuscated in the text"),
        ("obfuscated-email", "missing", "license.contact: the address is obfuscated in the text"),
        ("obfuscated-email", "missing", "authors: an author's email is obfuscated"),
        ("cc-version-unknown", "missing", "license.id: the text names CC BY-SA but not its version"),
        (
            "conversation-cc-no-version",
            "missing",
            "license.id: the text names a Creative Commons licence but not which",
        ),
        ("conversation-cc-no-version", "missing", "published: the text does not date the first publication"),
        ("conversation-cc-no-version", "found", "byline: names the outlet 'The Conversation'"),
        ("several-copyright-lines", "found", "ignored the site's notice: '© 2010–2024 Harbor Post Media LLC."),
        ("several-copyright-lines", "found", "ignored an image credit: '© Reuters/Brian Snyder'"),
        ("several-copyright-lines", "found", "license: custom"),
        ("cc-by-nd-source-line", "found", "body_hash: recorded"),
    ],
)
def test_report_says_what_was_found_and_what_was_not(name: str, kind: str, words: str) -> None:
    result = _import(IMPORTS / f"{name}.txt")
    notes = result.found if kind == "found" else result.missing
    assert any(words in note for note in notes), notes


def test_site_notice_and_share_prompt_are_chrome_but_the_terms_stay() -> None:
    result = _import(IMPORTS / "several-copyright-lines.txt")
    assert "Harbor Post Media LLC" not in result.body
    assert "Share this article" not in result.body
    assert not result.body.rstrip().endswith("---")
    assert result.body.endswith("It's paying attention.\"")  # the terms: in license.terms, with the contact
    assert result.front_matter["license"]["terms"].startswith("Republishing: You may republish this article")
    assert result.front_matter["license"]["contact"] == "editor@harborpost.example"


def test_glued_footer_is_split_without_touching_the_article() -> None:
    result = _import(IMPORTS / "gr-glued-footer.txt")
    assert result.body.endswith("given neither peace nor a say in the matter.")  # the credits: front matter's
    assert result.front_matter["copyright"] == {"holder": "Prof Michel Chossudovsky, Global Research", "year": 2019}
    assert "Disclaimer" not in result.body and "fair use" not in result.body


def test_body_hash_is_the_validators_value() -> None:
    result = _import(IMPORTS / "cc-by-nd-source-line.txt")
    assert result.front_matter["body_hash"] == body_hash(result.body)
    assert not [f for f in _findings(result) if f.code in ("missing-body-hash", "body-changed")]


def test_to_markdown_lists_what_is_missing_as_comments() -> None:
    markdown = _import(SEED).to_markdown()
    head = markdown.split("\n---\n", 1)[0]
    assert "#   - source.url: the text does not give the article's address at Global Research" in head


def test_hostile_source_name_stays_in_its_comment() -> None:
    result = import_text("# Title\n\nBy Someone\n\nText.\n", "evil\n---\nstatus: ready\n")
    parsed = parse_article_text(result.to_markdown(), "x.md")
    assert parsed.data == result.front_matter
    assert parsed.data is not None and parsed.data["status"] == "draft"


# --- odd inputs never raise ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\n\t\n",
        "\ufeff# Only a title",
        "Just one line of text with no structure",
        "---\n---\n",
        "# \n\nBy\n\nRegion:\n\nTheme:\n",
        "\x00\x01 binary \udcff junk ]]]]((((([[[[",
        "Copyright ©\n\n©\n\n(c)\n\nCreative Commons\n\nCC BY\n",
        "# 東京の天気\n\nBy 山田太郎\n\n本文です。\n",
    ],
)
def test_odd_input_gives_a_draft_and_a_report(text: str) -> None:
    result = import_text(text, "odd.txt")
    assert result.front_matter["status"] == "draft"
    assert parse_article_text(result.to_markdown(), "x.md").data == result.front_matter
    assert result.missing


@pytest.mark.parametrize(
    "sentence",
    ["By the time the vote came, the council had decided.", "By contrast, the", "By 2030, most cars will be electric."],
)
def test_a_sentence_starting_with_by_is_not_a_byline(sentence: str) -> None:
    result = import_text(f"# Title\n\n{sentence}\n\nMore text.\n", "x.txt")
    assert "authors" not in result.front_matter
    assert result.body.startswith(sentence)


def test_two_different_creative_commons_licences_leave_the_id_out() -> None:
    text = "# T\n\nBy Ann Lee\n\nText.\n\nLicensed under CC BY 4.0.\n\nThis work is licensed under CC BY-ND 4.0.\n"
    result = import_text(text, "x.txt")
    assert result.front_matter["license"] == {
        "terms": "Licensed under CC BY 4.0.\n\nThis work is licensed under CC BY-ND 4.0."
    }
    assert "body_hash" in result.front_matter  # one of them forbids derivatives: the body is recorded anyway
    assert any("different licences (CC BY 4.0, CC BY-ND 4.0)" in note for note in result.missing)


def test_two_notices_of_one_holder_with_different_years_are_not_resolved() -> None:
    result = import_text("# T\n\nBy Ann Lee\n\nText.\n\n© 2023 Ann Lee\n\n© 2024 Ann Lee\n", "x.txt")
    assert "copyright" not in result.front_matter
    assert any(note.startswith("copyright: 2 different notices") for note in result.missing)


def test_a_bare_address_above_the_title_is_not_taken_as_the_source() -> None:
    result = import_text("https://example.org/news/a-story\n\n# A story\n\nBy Ann Lee\n\nText.\n", "x.txt")
    assert result.front_matter["title"] == "A story"
    assert "source" not in result.front_matter
    assert any(note.startswith("not used: an address on a line of its own") for note in result.found)


def test_an_italic_republication_note_under_the_title_is_not_a_subtitle() -> None:
    text = "# T\n\n*This article was originally published on [TomDispatch](https://td.example/x).*\n\nText.\n"
    result = import_text(text, "x.txt")
    assert "subtitle" not in result.front_matter
    assert result.front_matter["original"] == {"name": "TomDispatch", "url": "https://td.example/x"}


def test_title_without_latin_letters_is_named_after_the_input() -> None:
    result = import_text("# 東京の天気\n\nBy 山田太郎\n\n本文です。\n", "scraped/tokyo-weather.txt")
    assert "slug" not in result.front_matter
    assert result.file_stem == "tokyo-weather"
    assert any(note.startswith("slug:") for note in result.missing)


def test_large_input_is_imported() -> None:
    paragraph = "Some [linked](#) words, a date June 7th, 2024 and © signs; By the way: Region: x. " * 20
    text = "# Big\n\nBy Someone\n\n" + "\n\n".join([paragraph] * 1500)  # about 2.5 MB
    result = import_text(text, "big.txt")  # its speed is the benchmarks' business, not a test's
    assert result.front_matter["title"] == "Big"


# --- layouts and the readers behind them -----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "layout"),
    [
        ("globalresearch-s400", "globalresearch"),
        ("mondialisation-fr", "globalresearch"),
        ("gr-glued-footer", "globalresearch"),
        ("no-license", "generic"),
        ("conversation-cc-no-version", "conversation"),
    ],
)
def test_layout_is_detected(name: str, layout: str) -> None:
    assert choose_layout((IMPORTS / f"{name}.txt").read_text(encoding="utf-8")).name == layout


@pytest.mark.parametrize(
    ("text", "value", "noted"),
    [
        ("July 24, 2017", "2017-07-24", False),
        ("23 July 2017", "2017-07-23", False),
        ("June 7th, 2024 at 10:30 a.m. EDT", "2024-06-07T10:30:00-04:00", False),
        ("Monday, Sept. 5, 2022, 9:15 pm GMT+1", "2022-09-05T21:15:00+01:00", False),
        ("le 1er juin 2024 à 14h30 CEST", "2024-06-01T14:30:00+02:00", False),
        ("12 juin 2024", "2024-06-12", False),
        ("3 août 2021 à 9 h 05 (UTC)", "2021-08-03T09:05:00+00:00", False),
        ("2024-03-05T14:20:00Z", "2024-03-05T14:20:00+00:00", False),
        ("2024-03-05T14:20:00+0530", "2024-03-05T14:20:00+05:30", False),
        ("June 7, 2024 10:30", "2024-06-07", True),  # no zone: the time is not a fact
        ("June 7, 2024 10:30 CST", "2024-06-07", True),  # CST has two meanings
        ("2024-06-07T10:30:00", "2024-06-07", True),
    ],
)
def test_dates(text: str, value: str, noted: bool) -> None:
    found = parse_date(text)
    assert found is not None
    assert found.value == value
    assert bool(found.note) == noted


@pytest.mark.parametrize("text", ["February 30, 2024", "05/06/2024", "March 2024", "the 7th", "June 7, 2024 NATO"])
def test_not_dates(text: str) -> None:
    assert parse_date(text) is None


def test_date_in_a_sentence() -> None:
    found = find_date("This article was originally published on TomDispatch on June 6th, 2024.")
    assert found is not None and found.value == "2024-06-06"


@pytest.mark.parametrize(
    ("text", "spdx", "name"),
    [
        ("Licensed under [CC BY-ND 4.0](https://creativecommons.org/licenses/by-nd/4.0/).", "CC-BY-ND-4.0", ""),
        ("This work is licensed under a Creative Commons Attribution 4.0 International License.", "CC-BY-4.0", ""),
        ("Creative Commons Attribution-NonCommercial-ShareAlike 3.0 Unported", "CC-BY-NC-SA-3.0", ""),
        ("sous licence Creative Commons Attribution - Pas de Modification 4.0", "CC-BY-ND-4.0", ""),
        ("CC0 1.0 Universal Public Domain Dedication", "CC0-1.0", ""),
        ("Published under CC BY-NC", None, "CC BY-NC"),
        ("republished under a Creative Commons license", None, "a Creative Commons licence of unstated kind"),
    ],
)
def test_creative_commons_wordings(text: str, spdx: str | None, name: str) -> None:
    found = find_creative_commons(text)
    assert found is not None
    assert found.spdx_id == spdx
    if name:
        assert found.name == name


def test_creative_commons_nd_and_sa_together_is_not_a_licence() -> None:
    found = find_creative_commons("CC BY-ND-SA 4.0")
    assert found is not None and found.spdx_id is None and found.problem


def test_obfuscated_address_is_not_an_address() -> None:
    contact = find_contact("contact: [[email protected]](/cdn-cgi/l/email-protection#abc)")
    assert contact.address is None and contact.obfuscated
    contact = find_contact("contact: [publications@globalresearch.ca](mailto:publications@globalresearch.ca)")
    assert contact.address == "publications@globalresearch.ca"


@pytest.mark.parametrize(
    ("byline", "names", "outlet"),
    [
        ("[Defend Democracy Press](#)", ["Defend Democracy Press"], None),
        ("Jane Doe and John Smith", ["Jane Doe", "John Smith"], None),
        ("Jane Doe, John Smith and Ali Khan", ["Jane Doe", "John Smith", "Ali Khan"], None),
        ("[Jean Dupont](#) et [Marie Lefèvre](#)", ["Jean Dupont", "Marie Lefèvre"], None),
        ("Jane Doe – Truthout", ["Jane Doe"], "Truthout"),
        ("[Russia and FSU Desk](#)", ["Russia and FSU Desk"], None),  # a linked name is never split
        ("Sam Lee, PhD", ["Sam Lee, PhD"], None),
        ("bell hooks", ["bell hooks"], None),
    ],
)
def test_bylines(byline: str, names: list[str], outlet: str | None) -> None:
    read = read_byline(byline)
    assert [a["name"] for a in read.authors] == names
    assert read.outlet == outlet


@pytest.mark.parametrize(
    ("line", "holder", "year", "site_wide"),
    [
        (
            "Copyright © [Defend Democracy Press](#), [Defend Democracy Press](#), 2017",
            "Defend Democracy Press",
            2017,
            False,
        ),
        ("© 2024 Jane Doe. All rights reserved.", "Jane Doe", 2024, False),
        (
            "(c) Prof. Michel Chossudovsky, Global Research, 2019",
            "Prof. Michel Chossudovsky, Global Research",
            2019,
            False,
        ),
        ("© 2010–2024 Harbor Post Media LLC. All rights reserved.", "Harbor Post Media LLC", None, True),
        ("Copyright 2021 The Nation. Used with permission.", "The Nation", 2021, False),
    ],
)
def test_copyright_notices(line: str, holder: str, year: int | None, site_wide: bool) -> None:
    notice = read_notice(line)
    assert notice is not None
    assert (notice.holder, notice.year, notice.site_wide) == (holder, year, site_wide)


def test_copyright_in_prose_is_not_a_notice() -> None:
    assert read_notice("Copyright law has long protected the press.") is None


# --- slugs and writing -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Turkey Has Agreed to Buy Russia's S-400", "turkey-has-agreed-to-buy-russias-s-400"),
        ("L'Europe face à la crise de l'énergie", "leurope-face-a-la-crise-de-lenergie"),
        ("Straße & Œuvre: Ærø", "strasse-and-oeuvre-aero"),
        ("../../etc/passwd", "etc-passwd"),
        ("C:\\Windows\\system32", "c-windows-system32"),
        ("...", ""),
        ("a" * 120, "a" * 60),
    ],
)
def test_slugify(title: str, slug: str) -> None:
    assert slugify(title) == slug


def test_long_slug_is_cut_at_a_word() -> None:
    slug = slugify(" ".join(["word"] * 40))
    assert len(slug) <= 60 and not slug.endswith("-") and slug.endswith("word")
    cut = slugify("The committee said the plan for the new bridge over the river would be ready by the end of the year")
    assert cut == "the-committee-said-the-plan-for-the-new-bridge-over"  # cut at a word, not on "-the"


def test_write_article_writes_the_markdown(tmp_path: Path) -> None:
    result = _import(SEED)
    path = write_article(result, tmp_path / "content", force=False)
    assert path == tmp_path / "content" / f"{result.front_matter['slug']}.md"
    assert path.read_text(encoding="utf-8") == result.to_markdown()
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left


def test_write_article_never_overwrites_without_force(tmp_path: Path) -> None:
    result = _import(SEED)
    path = tmp_path / f"{result.file_stem}.md"
    path.write_text("an editor's work\n", encoding="utf-8")
    with pytest.raises(UsageError) as error:
        write_article(result, tmp_path, force=False)
    assert "exists" in error.value.message and "--force" in error.value.hint
    assert path.read_text(encoding="utf-8") == "an editor's work\n"
    assert write_article(result, tmp_path, force=True) == path
    assert path.read_text(encoding="utf-8") == result.to_markdown()
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]


@pytest.mark.parametrize(
    "title",
    ["../../../../tmp/escape", "/etc/passwd", "..", "~/.ssh/authorized_keys", "a/../../b", "\\..\\..\\x", "CON"],
)
def test_hostile_titles_stay_inside_the_folder(tmp_path: Path, title: str) -> None:
    out = tmp_path / "out"
    result = import_text(f"# {title}\n\nBy Someone\n\nText.\n", "hostile.txt")
    path = write_article(result, out, force=False)
    assert path.parent == out
    assert path.resolve().parent == out.resolve()
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == [path.name]


def test_a_bad_file_stem_is_refused(tmp_path: Path) -> None:
    result = import_text("# Title\n\nBy Someone\n\nText.\n", "x.txt")
    result.file_stem = "../escape"
    with pytest.raises(UsageError):
        write_article(result, tmp_path, force=True)
    assert list(tmp_path.iterdir()) == []


def test_an_unwritable_folder_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    with pytest.raises(SyndicateError) as error:
        write_article(_import(SEED), blocker / "sub", force=False)
    assert str(blocker) in error.value.message


# --- HTML pages, saved and fetched -----------------------------------------------------------------

PAGES = sorted(IMPORTS.glob("*.html"))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_saved_page_front_matter_is_exactly_the_expected(page: Path) -> None:
    result = import_html_bytes(page.read_bytes(), page.name)
    expected_file = page.with_name(page.stem + ".expected.yaml")
    if os.environ.get("SYNDICATE_UPDATE_GOLDEN"):
        expected_file.write_text(_dump(result.front_matter), encoding="utf-8")
    assert result.front_matter == yaml.safe_load(expected_file.read_text(encoding="utf-8"))
    assert _dump(result.front_matter) == expected_file.read_text(encoding="utf-8")
    assert parse_article_text(result.to_markdown(), "x.md").data == result.front_matter


def test_page_body_is_the_article_only_with_absolute_links() -> None:
    result = import_html_bytes((IMPORTS / "html-news-article.html").read_bytes(), "page.html")
    body = result.body
    assert body.startswith("*Dams and dredging are starving deltas")
    assert "[according to a 2023 study](https://openriver.example.org/2023/11/mekong-sediment-study/)" in body
    assert "![Fishing boats on the Mekong delta](https://openriver.example.org/media/delta.jpg)" in body
    assert "> “We are farming on borrowed land,”" in body
    assert "- Dams trap sediment upstream.\n- Sand mining removes what is left." in body
    for chrome in ("Home", "Related", "Deltas in danger", "Subscribe", "tracking", "font-family", "2015–2024"):
        assert chrome not in body
    assert not [f for f in _findings(result) if f.code != "missing-field"]


def test_page_markup_fills_only_what_the_text_leaves_out() -> None:
    result = import_html_bytes((IMPORTS / "html-meta-only.html").read_bytes(), "page.html")
    assert 'title: Town hall to close for renovation (from the page: <meta property="og:title">)' in result.found
    assert any(n.startswith("license.id: the page names the licence") for n in result.missing)
    assert any(
        n.startswith("source.published: '2023-11-02T09:00:00' gives a time without a time zone") for n in result.missing
    )
    assert "Millbrook’s town hall" in result.body  # decoded as the windows-1252 the page declares
    text_first = import_html(
        '<h1>From the text</h1><p>By Ann Lee</p><p>Body.</p><meta property="og:title" content="From the markup">',
        "p.html",
    )
    assert text_first.front_matter["title"] == "From the text"


def test_page_with_broken_json_ld_says_so() -> None:
    result = import_html('<script type="application/ld+json">{not json</script><h1>T</h1><p>Text.</p>', "p.html")
    assert any("JSON-LD" in note for note in result.missing)


class _Handler(BaseHTTPRequestHandler):
    pages: ClassVar[dict[str, tuple[int, str, bytes]]] = {}

    def do_GET(self) -> None:
        if self.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", "/news/no-canonical")
            self.end_headers()
            return
        if self.path == "/slow":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            for _ in range(40):
                self.wfile.write(b"<p>drip</p>")
                self.wfile.flush()
                time.sleep(0.05)
            return
        status, content_type, body = self.pages.get(self.path.removesuffix(".gz"), (404, "text/plain", b"not here"))
        self.send_response(status)
        if self.path.endswith(".gz"):
            body = gzip.compress(body)
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def site() -> Iterator[str]:
    _Handler.pages = {
        "/news/article": (200, "text/html; charset=utf-8", (IMPORTS / "html-news-article.html").read_bytes()),
        "/news/meta-only": (200, "text/html", (IMPORTS / "html-meta-only.html").read_bytes()),
        "/news/no-canonical": (
            200,
            "text/html; charset=utf-8",
            b"<article><h1>Short note</h1><p>By Ann Lee</p><p>See <a href='../data/table.csv'>the table</a>.</p>"
            b"</article>",
        ),
        "/seed.txt": (200, "text/plain; charset=utf-8", SEED.read_bytes()),
        "/image.png": (200, "image/png", b"\x89PNG\r\n\x1a\n"),
        "/big": (200, "text/html", b"<p>" + b"x" * 200_000 + b"</p>"),
    }
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


def test_url_import_gives_what_the_saved_page_gives(site: str) -> None:
    fetched = import_url(f"{site}/news/article", choices=PRIVATE)
    saved = import_html_bytes((IMPORTS / "html-news-article.html").read_bytes(), "page.html")
    # a fetched page's relative links mean its fetched address; a saved one's, its canonical address
    assert fetched.front_matter["authors"][0]["url"] == f"{site}/authors/lena-vogel/"
    assert fetched.body.replace(site, "https://openriver.example.org") == saved.body
    saved.front_matter["authors"][0]["url"] = f"{site}/authors/lena-vogel/"
    assert fetched.front_matter == saved.front_matter
    assert (
        import_url(f"{site}/news/meta-only", choices=PRIVATE).body
        == import_html_bytes((IMPORTS / "html-meta-only.html").read_bytes(), "page.html").body
    )  # the charset the page declares, not the server


def test_url_import_of_a_compressed_page(site: str) -> None:
    assert (
        import_url(f"{site}/news/article.gz", choices=PRIVATE).body
        == import_url(f"{site}/news/article", choices=PRIVATE).body
    )


def test_url_import_without_canonical_uses_the_address_after_redirects(site: str) -> None:
    result = import_url(f"{site}/redirect", choices=PRIVATE)
    assert result.front_matter["source"] == {"url": f"{site}/news/no-canonical"}
    assert f"[the table]({site}/data/table.csv)" in result.body
    assert "source.url: " + f"{site}/news/no-canonical (from the page: the address it was fetched from)" in result.found


@pytest.mark.parametrize("scheme", ["HTTP", "Http"])
def test_url_scheme_is_case_insensitive(site: str, scheme: str) -> None:
    result = import_source(site.replace("http", scheme, 1) + "/seed.txt", choices=PRIVATE)  # not taken for a file name
    assert result.body == _import(SEED).body


def test_url_import_of_text(site: str) -> None:
    result = import_url(f"{site}/seed.txt", choices=PRIVATE)
    assert result.front_matter["source"]["url"] == f"{site}/seed.txt"
    assert result.body == _import(SEED).body


@pytest.mark.parametrize(
    ("path", "words", "limits"),
    [
        ("/missing", "HTTP 404", {}),
        ("/image.png", "not HTML or text", {}),
        ("/big", "more than 100000 bytes", {"max_bytes": 100_000}),
        ("/slow", "s to arrive", {"timeout": 0.5}),
    ],
)
def test_url_import_failures_are_clear(site: str, path: str, words: str, limits: dict[str, Any]) -> None:
    with pytest.raises(SyndicateError) as error:
        import_url(site + path, choices=PRIVATE, **limits)
    assert words in error.value.message and site + path in error.value.message
    assert error.value.hint


def test_url_import_refused_connection_is_clear() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(SyndicateError) as error:
        import_url(f"http://127.0.0.1:{port}/", timeout=2, choices=PRIVATE)
    # what the failure comes down to, not urllib3's nested repr of it
    assert error.value.message == f"http://127.0.0.1:{port}/: cannot fetch the page: Connection refused"


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/a", "example.org/a", "https://"])
def test_only_http_addresses_are_fetched(url: str) -> None:
    with pytest.raises(UsageError):
        import_url(url)

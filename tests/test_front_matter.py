"""Unit tests of the article file reader: positions, normalisation, and hostile bytes."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from syndicate.articles.front_matter import MAX_DEPTH, ParsedArticle, parse_article_bytes, parse_article_text
from syndicate.articles.yaml_values import normalise as _normalise
from syndicate.findings import Severity

ARTICLE = b"""---
title: A title
authors:
  - name: One
  - name: Two
source:
  name: Src
  url: https://src.example.org/a
published: 2024-06-07
updated: 2024-06-08T10:00:00+02:00
---
# Heading

Body.
"""


def codes(raw: bytes) -> list[tuple[int, str]]:
    return [(f.line, f.code) for f in parse_article_bytes(raw, "a.md").findings]


def test_keys_keep_their_lines_and_body_its_start() -> None:
    parsed = parse_article_bytes(ARTICLE, "a.md")
    assert parsed.findings == []
    assert parsed.lines["/title"] == 2
    assert parsed.lines["/authors/1"] == 5
    assert parsed.lines["/source/url"] == 8
    assert parsed.line_of("/source/url/deeper") == 8
    assert parsed.line_of("/missing") == 1
    assert parsed.body_line == 12
    assert parsed.body.startswith("# Heading")


def test_dates_become_iso_strings() -> None:
    data = parse_article_bytes(ARTICLE, "a.md").data
    assert data is not None
    assert data["published"] == "2024-06-07"
    assert data["updated"] == "2024-06-08T10:00:00+02:00"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (ARTICLE.replace(b"\n", b"\r\n"), []),
        (ARTICLE.replace(b"\n", b"\r"), []),
        (b"\xef\xbb\xbf" + ARTICLE, []),
    ],
    ids=["crlf", "cr", "bom"],
)
def test_line_endings_and_bom_are_accepted(raw: bytes, expected: list[tuple[int, str]]) -> None:
    parsed = parse_article_bytes(raw, "a.md")
    assert codes(raw) == expected
    assert parsed.lines["/source/url"] == 8
    assert parsed.body_line == 12


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"", [(0, "empty-file")]),
        (b"---\ntitle: x\n---\n\xff\n", [(4, "not-utf8")]),
        (b"---\ntitle: x\x00\n---\n", [(2, "yaml-syntax")]),
        (b"---\ntitle: !custom x\n---\n", [(2, "yaml-tag")]),
        (b"---\ntitle: !!binary aGVsbG8=\n---\n", [(2, "yaml-tag")]),
        (b"---\nx: !!python/name:os.system\n---\n", [(2, "yaml-tag")]),
        (b"---\ntitle: a\n---\n---\n", []),  # a second '---' in the body is body text
        (b"---\n---\nbody\n", []),  # empty front matter: the schema will name what is missing
        (b"---\nonly a string\n---\n", [(2, "not-a-mapping")]),
        (b"---\ndate: 2024-13-01\n---\n", [(2, "invalid-date")]),
        (b"---\nd: '2024-06-07T10:00'\n---\n", [(2, "naive-datetime")]),
        (b"---\n? [a, b]\n: c\n---\n", [(2, "wrong-type")]),
        (b"---\n1: one\n---\n", [(2, "wrong-type")]),
    ],
)
def test_bad_input_gives_findings_not_exceptions(raw: bytes, expected: list[tuple[int, str]]) -> None:
    assert codes(raw) == expected


def test_deep_nesting_is_refused() -> None:
    raw = b"---\nx: " + b"[" * (MAX_DEPTH + 5) + b"]" * (MAX_DEPTH + 5) + b"\n---\n"
    assert codes(raw) == [(2, "yaml-too-complex")]


def test_no_code_runs_from_yaml_tags(tmp_path: object) -> None:
    raw = b'---\ntitle: !!python/object/apply:os.system ["echo pwned > /tmp/syndicate-test-pwned"]\n---\n'
    parsed = parse_article_bytes(raw, "a.md")
    assert parsed.data is None
    import pathlib

    assert not pathlib.Path("/tmp/syndicate-test-pwned").exists()


# --- the one-pass walker builds what PyYAML's constructor and the old normalising pass built ---------

_SCALARS = [
    "plain text", "'quoted'", '"2024-02-30"', "2024-02-29", "2024-06-01 10:00:00", "2024-06-01T10:00:00Z",
    '"2024-06-01T10:00"', "2024-06-01t10:00:00+02:00", "12", "0x1F", "0o17", "1_000", "1:30", "-3.5", "1e3",
    ".inf", ".NaN", "yes", "No", "on", "true", "~", "null", "", "'yes'", "\"\"", "[a, 1, 2024-01-01]",
    "{k: 2024-01-01 10:00:00, n: ~}",
]  # fmt: skip
# (no key that PyYAML would take for another: 1 and true are one dict key to Python)
_KEYS = ["title", "date", "'7'", "7", "true", "2024-01-01", "null", "1.5", "x y", "a/b", "t~"]


@settings(max_examples=300, deadline=None, database=None)
@given(st.lists(st.tuples(st.sampled_from(_KEYS), st.sampled_from(_SCALARS), st.booleans()), min_size=1, max_size=8))
def test_one_pass_walker_builds_what_pyyaml_built(pairs: list[tuple[str, str, bool]]) -> None:
    lines = []
    for key, value, nested in pairs:
        lines.append(f"{key}:\n  inner: {value}" if nested else f"{key}: {value}")
    source = "\n".join(lines) + "\n"
    parsed = parse_article_bytes(f"---\n{source}---\nBody\n".encode(), "x.md")
    reference = ParsedArticle("x.md")
    try:
        built = yaml.load(source, Loader=yaml.CSafeLoader)
    except yaml.YAMLError:
        return  # not readable either way (the walker reports it; covered elsewhere)
    expected = _normalise(built, "", reference)
    if parsed.data is None or any(f.code == "duplicate-key" for f in parsed.findings):
        return  # refused before building (an impossible date), or a duplicate (reported; PyYAML keeps the last)
    assert parsed.data == expected
    compared = ("naive-datetime", "invalid-date", "wrong-type")
    assert sorted((f.code, f.pointer) for f in parsed.findings if f.code in compared) == sorted(
        (f.code, f.pointer) for f in reference.findings
    )


def test_merge_keys_are_merged_as_pyyaml_merges() -> None:
    text = b"---\nbase: &b {a: 1, when: 2024-06-01 10:00:00}\nchild:\n  <<: *b\n  a: 2\n---\n"
    parsed = parse_article_bytes(text, "x.md")
    assert parsed.data == {
        "base": {"a": 1, "when": "2024-06-01T10:00:00"},
        "child": {"a": 2, "when": "2024-06-01T10:00:00"},
    }
    assert sorted(f.pointer for f in parsed.findings) == ["/base/when", "/child/when"]


def test_a_tag_on_a_key_is_refused() -> None:
    parsed = parse_article_bytes(b"---\n!!python/name:os.system key: 1\ntitle: x\n---\n", "x.md")
    assert parsed.data is None
    assert [(f.line, f.code) for f in parsed.findings] == [(2, "yaml-tag")]


@pytest.mark.parametrize("merge", ["", "base: &b {x: 1}\nm:\n  <<: *b\n"], ids=["walked", "merge-key"])
def test_control_characters_in_a_text_are_a_warning_and_removed(merge: str) -> None:
    article = parse_article_text(f'---\n{merge}title: "Bell \\a and \\x1b[2J"\n---\nBody\n', "a.md")
    assert article.data is not None and article.data["title"] == "Bell  and [2J"
    [finding] = article.findings
    assert (finding.code, finding.severity, finding.pointer) == ("control-character", Severity.WARNING, "/title")
    assert "U+0007, U+001B" in finding.message
    assert "/title" not in article.reported  # the schema still reports what else is wrong with it


@pytest.mark.parametrize(
    ("front_matter", "line", "hint"),
    [
        # the quote runs on to the next quote mark, and YAML fails lines later: the hint names where it opened
        ('title: "Port Carrow\nslug: x\nsource: {name: "T"}\nbad: [\n', 4, "the quoted value on line 2 is not"),
        ("title: 'Port Carrow\nslug: x\n", 2, "starts on this line is never closed"),
        # closed quotes (with their escapes) are not blamed for another error
        ("title: \"He said \\\"no\\\"\"\nnote: 'it''s'\nbad: [\n", 4, "check the indentation"),
    ],
)
def test_an_unclosed_quote_is_named_where_it_opened(front_matter: str, line: int, hint: str) -> None:
    parsed = parse_article_text(f"---\n{front_matter}---\nBody.\n", "a.md")
    (finding,) = parsed.findings
    assert (finding.code, finding.line) == ("yaml-syntax", line) and hint in finding.hint

"""The fast front-matter reader answers exactly as the full one, or not at all."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from syndicate.articles import front_matter, yaml_fast

GOLDEN = Path(__file__).parent / "golden"


def full_read(source: str) -> front_matter.ParsedArticle:
    """The front matter read by libyaml's composer and the node walker alone."""
    result = front_matter.ParsedArticle("a.md")
    with mock.patch.object(yaml_fast, "load", return_value=None):
        front_matter._load_yaml(source, result, first_line=2)
    return result


def typed(value: Any) -> Any:
    """`value` with every scalar's type beside it: True, 1 and 1.0 are equal in Python, not here."""
    if isinstance(value, dict):
        return {key: typed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [typed(item) for item in value]
    if isinstance(value, float) and math.isnan(value):
        return ("float", "nan")
    return (type(value).__name__, value)


def assert_same_or_declined(source: str) -> bool:
    fast = yaml_fast.load(source, 2)
    if fast is None:
        return False
    full = full_read(source)
    assert full.findings == [], source
    assert typed(fast[0]) == typed(full.data), source
    assert fast[1] == full.lines, source
    return True


KEYS = ["title", "a", "b", "tags", "_x", "a-b", "x1", "yes", "No", "on", "null", "True", "y", "n", "<<", "1a", "-a",
        "a b", "ké", "x~y", "x/y", "'q'", "? k", "a:b"]  # fmt: skip
SCALARS = ["text", "Two words", "yes", "No", "on", "OFF", "~", "null", "", "0", "007", "0x1F", "0o17", "1_000", "-5",
           "+5", "1:30", "190:20:30", ".5", "1e3", "1.0e+3", ".inf", "-.inf", ".NaN", "=", "12345678901234567890",
           "1" * 120, "2020-01-01", "2020-02-30", "2020-1-1", "2020-01-01T10:00:00Z", "2020-01-01 10:00:00",
           "2020-01-01T10:00:00+02:00", "2020-01-01t10:00:00.5-05:00", "'quoted'", '"double"', "'it''s'", "''",
           '""', '"a\\\\b"', '"a\\"b"', "'2020-01-01'", '"2020-01-01T10:00"', "a: b", "a:b", "a #b", "a#b", "#c",
           "- x", "-x", "? x", ": x", "[a, b]", "{a: 1}", "&a x", "*a", "!tag x", "!!str x", "|", ">", "%x", "@x",
           "`x`", "é", "日本", "x\u00a0", "\u00a0x", "x\u3000", "a\u2028b", "a\x85b", "\ufeffx", "a\x7fb",
           "https://x.example/a?b=c#d", "foo:", "a'b", 'a"b', "'unterminated", '"unterminated',
           "a ' b", "🙂"]  # fmt: skip
JUNK = ["# comment", "", "   ", "\t", "key: [1, 2]", "  - stray", "&anchor", "---", "...", "key: |", "  more text",
        "x: y  # note", "- item", "a: b: c", "%YAML 1.1", "  ", "k:"]  # fmt: skip

any_keys = st.one_of(st.sampled_from(KEYS), st.text(min_size=1, max_size=6))
any_scalars = st.one_of(st.sampled_from(SCALARS), st.text(max_size=12))
#: what articles mostly hold: the fast reader reads most documents of these (so the test is not vacuous)
plain_keys = st.from_regex(r"[a-z_][a-z0-9_-]{0,6}", fullmatch=True)
PLAIN_SCALARS = ["text", "Two words", "yes", "No", "on", "OFF", "~", "null", "0", "007", "0x1F", "0o17", "1_000", "+5",
                 "1:30", ".5", "1e3", "1.0e+3", ".inf", "-.inf", ".NaN", "12345678901234567890", "2020-01-01",
                 "2020-01-01T10:00:00Z", "2020-01-01 10:00:00.25-05:00", "'quoted'", '"double"', "'it''s'", "''", '""',
                 "a:b", "a#b", "x'", "日本", "https://x.example/a?b=c#d"]  # fmt: skip
plain_scalars = st.one_of(
    st.sampled_from(PLAIN_SCALARS),
    st.text(st.sampled_from("abcXYZ019 .,'/-_()é日🙂\u00a0"), min_size=1, max_size=12).map(lambda t: "w" + t + "w"),
)


@st.composite
def documents(draw: st.DrawFn) -> str:
    lines: list[str] = []
    plain = draw(st.booleans())
    keys, scalars = (plain_keys, plain_scalars) if plain else (any_keys, any_scalars)

    def mapping(indent: int, depth: int, first_prefix: str = "") -> None:
        for position in range(draw(st.integers(1, 4))):
            key = draw(keys)
            prefix = first_prefix if position == 0 else " " * len(first_prefix)
            start = " " * indent + prefix + key + ":"
            kinds = ["scalar", "scalar", "null", "map", "seq", "inline-seq"] if depth < 3 else ["scalar"]
            kind = draw(st.sampled_from(kinds))
            if kind == "scalar":
                lines.append(f"{start} {draw(scalars)}")
            elif kind == "null":
                lines.append(start)
            elif kind == "map":
                lines.append(start)
                mapping(indent + len(prefix) + draw(st.integers(1, 4)), depth + 1)
            else:
                lines.append(start)
                sequence(indent + len(prefix) + (0 if kind == "inline-seq" else draw(st.integers(1, 3))), depth + 1)

    def sequence(indent: int, depth: int) -> None:
        for _ in range(draw(st.integers(1, 3))):
            dash = "-" + " " * draw(st.integers(1, 3))
            if draw(st.booleans()) and depth < 3:
                mapping(indent, depth + 1, dash)
            else:
                lines.append(" " * indent + dash + draw(scalars))

    mapping(0, 0)
    if plain:
        return "\n".join(lines) + "\n"
    for _ in range(draw(st.integers(0, 2))):  # a stray line, a comment, a tab...
        lines.insert(draw(st.integers(0, len(lines))), draw(st.sampled_from(JUNK)))
    if draw(st.booleans()):
        at = draw(st.integers(0, len(lines) - 1))
        lines[at] = lines[at] + draw(st.sampled_from(["  ", " # c", ":", " x", "\t"]))
    return "\n".join(lines) + "\n"


@settings(max_examples=1500, suppress_health_check=[HealthCheck.too_slow])
@given(source=documents())
def test_the_fast_reader_agrees_with_the_full_one_or_declines(source: str) -> None:
    assert_same_or_declined(source)


@given(st.text(alphabet=st.sampled_from(list("ab:- #'\"\n\t{}[],&*!|>0123456789.~T")), max_size=40))
def test_on_any_text_it_agrees_or_declines(source: str) -> None:
    assert_same_or_declined(source)


def test_it_reads_the_plain_form_it_is_for() -> None:
    source = (
        "title: A title: with a colon-free rest\n"
        "slug: a-title\n"
        "authors:\n- name: Ann\n  url: https://a.example/\n- Bob\n"
        "published: 2024-05-01\n"
        "updated: 2024-05-02T10:00:00+02:00\n"
        "source:\n  name: 'The Wire'\n  url: \"https://wire.example/x\"\n"
        "copyright: {holder: H, year: 2024}\n"
    )
    assert yaml_fast.load(source, 2) is None  # ": " inside a plain value, and a flow mapping: declined
    source = source.replace("A title: with", "A title, with").replace("{holder: H, year: 2024}", "\n  holder: H")
    assert assert_same_or_declined(source)
    data, lines = yaml_fast.load(source, 2) or ({}, {})
    assert (
        data["updated"]
        == dt.datetime(2024, 5, 2, 8, tzinfo=dt.UTC).astimezone(dt.timezone(dt.timedelta(hours=2))).isoformat()
    )
    assert lines["/authors/1"] == 7 and lines["/source/url"] == 12


def test_the_demo_articles_mostly_take_the_fast_reader() -> None:
    """What editors write is of the plain form: were the fast reader to decline it all, every test
    above would still pass, and only the benchmark would notice."""
    demo = sorted((GOLDEN.parent.parent / "examples" / "demo" / "content").glob("*.md"))
    read = [assert_same_or_declined(p.read_text()[4 : p.read_text().index("\n---", 3) + 1]) for p in demo]
    assert len(demo) == 4 and sum(read) == 3  # (the fourth has a flow list, [community-web])


@pytest.mark.parametrize("path", sorted(GOLDEN.glob("*/*.md")), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_golden_articles_read_alike(path: Path) -> None:
    text = path.read_text(encoding="utf-8", errors="replace").replace("\r\n", "\n")
    if text.startswith("---\n") and "\n---" in text[3:]:
        assert_same_or_declined(text[4 : text.index("\n---", 3) + 1])


@pytest.mark.parametrize(
    "source",
    [
        "a: 1\na: 2\n",  # duplicate key: the full reader reports it
        "a: 2020-02-30\n",  # not a real date
        "a: 2020-01-01T10:00:00\n",  # no zone
        "a: '2020-01-01'\n",  # a text that looks like a date is checked by the full reader
        "a: x # note\n",
        "a: &x 1\nb: *x\n",
        "a: !!str 1\n",
        "a: |\n  text\n",
        "a: one\n  two\n",  # a value over two lines
        "  a: 1\n",
        "- a\n",
        "a: " + "1" * 130 + "\n",  # past the digits a number may have
    ],
)
def test_it_declines_what_it_does_not_read(source: str) -> None:
    assert yaml_fast.load(source, 2) is None

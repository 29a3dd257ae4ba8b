"""yaml_fast, the fast path of reading front matter, answers as the full reader (yaml_walk) or declines.

One differential test: generated documents, half of the plain form the fast path is for (so
that it is not vacuous: the second test checks that it reads that form), half of anything.
"""

from __future__ import annotations

import math
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from syndicate.articles import yaml_fast, yaml_walk
from syndicate.articles.parsed_article import ParsedArticle


def typed(value: Any) -> Any:
    """`value` with every scalar's type beside it: True, 1 and 1.0 are equal in Python, not here."""
    if isinstance(value, dict):
        return {key: typed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [typed(item) for item in value]
    if isinstance(value, float) and math.isnan(value):
        return ("float", "nan")
    return (type(value).__name__, value)


def same_or_declined(source: str) -> bool:
    """Whether yaml_fast read `source`; when it did, it must be what yaml_walk reads, with no finding."""
    fast = yaml_fast.load(source, 2)
    if fast is None:
        return False
    full = ParsedArticle("a.md")
    yaml_walk.load(source, full, first_line=2)
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


@settings(max_examples=1500, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(source=st.one_of(documents(), st.text(alphabet=st.sampled_from(list("ab:- #'\"\n\t{}[],&*!|>0123456789.~T")))))
def test_the_fast_reader_agrees_with_the_full_one_or_declines(source: str) -> None:
    same_or_declined(source)


def test_it_reads_the_plain_form_it_is_for() -> None:
    source = (
        "title: A title, with a comma\nslug: a-title\nauthors:\n- name: Ann\n  url: https://a.example/\n- Bob\n"
        "published: 2024-05-01\nupdated: 2024-05-02T10:00:00+02:00\n"
        "source:\n  name: 'The Wire'\n  url: \"https://wire.example/x\"\ncopyright:\n  holder: H\n"
    )
    assert same_or_declined(source)

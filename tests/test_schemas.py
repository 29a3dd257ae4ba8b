"""syndicate.schemas: the fast pass (jsonschema-rs) answers as jsonschema does, or cannot tell."""

from __future__ import annotations

import copy
import glob
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from syndicate.articles.front_matter import parse_article_text
from syndicate.schemas import _python_space, is_valid, schema_problems, validator
from tests.conftest import DEMO, REPO

_FILES = sorted(glob.glob(str(REPO / "tests/golden/valid/*.md")) + glob.glob(str(DEMO / "content/**/*.md")))
ARTICLES: list[dict[str, Any]] = [
    parse_article_text(Path(path).read_text(encoding="utf-8"), path).data or {} for path in _FILES
]
CONFIG = tomllib.loads((DEMO / "syndicate.toml").read_text(encoding="utf-8"))

_SCALAR = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    # what patterns and lengths turn on: spaces Python and Rust disagree about, URLs, slugs, dates
    st.sampled_from(
        [
            "",
            " ",
            "https://e.example/a\x1fb",
            "https://e.example/\x85",
            "a\nb",
            "slug\n",
            "x-y",
            "2024-02-30",
            "2024-06-01T10:00:00",
            "2024-06-01T10:00:00Z",
            "sha256:" + "0" * 64,
            "CC-BY-4.0",
            "draft",
            "ready",
            "print",
            "community-web",
            "a@b.example",
            "https://e.example/{slug}",
        ]
    ),
)
_VALUE = st.recursive(
    _SCALAR,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)),
    max_leaves=6,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*prefix, index))
    return found


@st.composite
def _mutated(draw: st.DrawFn, originals: list[dict[str, Any]]) -> dict[str, Any]:
    data: dict[str, Any] = copy.deepcopy(draw(st.sampled_from(originals)))
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        path = draw(st.sampled_from(_paths(data)))
        if not path:
            continue
        parent = data
        for part in path[:-1]:
            parent = parent[part]
        if isinstance(parent, dict) and draw(st.booleans()) and draw(st.booleans()):
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(_VALUE)
    return data


@settings(max_examples=600, deadline=None, database=None)
@given(st.one_of(st.tuples(st.just("article"), _mutated(ARTICLES)), st.tuples(st.just("config"), _mutated([CONFIG]))))
def test_fast_pass_agrees_with_jsonschema(named: tuple[str, dict[str, Any]]) -> None:
    """The one differential test of the fast path: jsonschema-rs says what jsonschema says, or cannot tell."""
    name, data = named
    fast = is_valid(name, data)
    assert fast in (None, not list(validator(name).iter_errors(data)))


def test_every_golden_article_passes_the_fast_pass() -> None:
    assert all(is_valid("article", data) for data in ARTICLES)


@pytest.mark.parametrize("text", ["https://e.example/a\x1cb", "https://e.example/a\x1fb"])
def test_python_space_in_patterns(text: str) -> None:
    data = copy.deepcopy(ARTICLES[0]) | {"canonical_url": text}
    assert is_valid("article", data) is False
    assert [p.pointer for p in schema_problems("article", data)] == ["/canonical_url"]


def test_values_json_has_no_type_for_go_to_jsonschema() -> None:
    import datetime as dt

    assert is_valid("article", copy.deepcopy(ARTICLES[0]) | {"title": dt.date(2024, 1, 1)}) is None


def test_python_space_rewrites_only_escapes() -> None:
    assert _python_space(r"^[^\s/]+\S\s\\s$") == r"^[^\s\x1c-\x1f/]+[^\s\x1c-\x1f][\s\x1c-\x1f]\\s$"

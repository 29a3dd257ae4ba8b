"""The one switch that turns fast paths off, so that a benchmark measures what each buys.

A fast path lives in the stage it speeds up, behind one seam: "fast, else the
library". Each is kept only while it buys at least 10% of a headline figure of
BENCHMARKS.md, and that figure is written beside it. `SYNDICATE_LIBRARY_ONLY`
names the fast paths to leave out (comma-separated, or `all`), read once when
syndicate starts:

    SYNDICATE_LIBRARY_ONLY=yaml .venv/bin/python benchmarks/run.py

It is for measuring, not a setting: the output is the same either way (each
fast path has a differential test against its library).
"""

from __future__ import annotations

import os

ENVIRONMENT_VARIABLE = "SYNDICATE_LIBRARY_ONLY"
#: the fast paths, by the name the variable gives them
NAMES = frozenset({"yaml", "jsonschema-rs", "cmark", "feed-entries", "body-links"})

_OFF = frozenset(name.strip() for name in os.environ.get(ENVIRONMENT_VARIABLE, "").split(",") if name.strip())


def enabled(name: str) -> bool:
    """Whether fast path `name` (one of NAMES) is used, or its library alone."""
    assert name in NAMES, name
    return "all" not in _OFF and name not in _OFF

"""What layouts are made of (Layout and its rules), and the notes the importer keeps as it reads:
imported by every module of this package, and by nothing that imports them back.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from syndicate.characters import strip_controls


@dataclass
class Notes:
    """What an import found, and what it could not find (and why), one line each."""

    found: list[str]
    missing: list[str]


#: how much of the text a note quotes
QUOTE_MAX = 80
#: the longest note: one that names several values is cut too
NOTE_MAX = 400


def quote(text: str, from_end: bool = False, limit: int = QUOTE_MAX) -> str:
    """What a note quotes of `text`: one line of it (the last with `from_end`), at most `limit`
    characters, "…" where it was cut; a note never carries a paragraph, or a whole body."""
    lines = [line for line in text.splitlines() if line.strip()] or [""]
    line = " ".join((lines[-1] if from_end else lines[0]).split())
    cut = len(lines) > 1 or len(line) > limit
    if not cut:
        return line
    if from_end:
        return "…" + line[-(limit - 1) :].lstrip()
    return line[: limit - 1].rstrip() + "…"


def one_line_note(note: str) -> str:
    """A note as printed and written into the draft: one line, no control character, at most NOTE_MAX."""
    note = " ".join(strip_controls(note)[0].split())
    return note if len(note) <= NOTE_MAX else note[: NOTE_MAX - 1] + "…"


@dataclass(frozen=True)
class ChromeRule:
    """A paragraph of site chrome, removed from the body."""

    #: how the report names it, e.g. "membership appeal"
    name: str
    #: searched in the paragraph's plain text (anchor it with ^ to match its start)
    pattern: re.Pattern[str]
    #: a disclaimer holding licence terms: removed only once a TermsRule has captured them
    needs_terms: bool = False


@dataclass(frozen=True)
class TermsRule:
    """An outlet's own republication terms, mapped to a licence profile."""

    license_id: str
    #: how the report names them
    description: str
    #: where the terms begin in a paragraph's plain text; they run to its end
    start: re.Pattern[str]


@dataclass(frozen=True)
class Layout:
    name: str
    detect: Callable[[str], bool]
    #: a label (lower case, without the colon) -> "tags" or "regions"
    labels: Mapping[str, str] = field(default_factory=dict)
    chrome: tuple[ChromeRule, ...] = ()
    terms: tuple[TermsRule, ...] = ()
    #: regexes of footer lines that scraping glues to the line before ("Articles by:")
    glued: tuple[str, ...] = ()
    #: the outlet sets its lead (standfirst) in italics: it is the summary
    italic_lead_is_summary: bool = False


def markers_detect(*patterns: str) -> Callable[[str], bool]:
    """A layout's `detect`: any of the patterns (regexes, case-insensitive) found in the text."""
    found = re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE | re.MULTILINE)
    return lambda text: found.search(text) is not None


def chrome(name: str, *patterns: str) -> ChromeRule:
    """A chrome rule from regexes searched in a paragraph's plain text (case-insensitive)."""
    return ChromeRule(name, re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE))

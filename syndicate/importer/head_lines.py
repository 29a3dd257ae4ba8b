"""Head lines that the head reader asks about: a site's menu above the title, a date and byline on one
line, a numeric date, a labelled byline a little below the head."""

from __future__ import annotations

import re

from syndicate.importer.dates import FoundDate, find_date
from syndicate.importer.markdown import plain

ATX = re.compile(r"^\s{0,3}(?P<level>#{1,6})\s+(?P<text>.+?)(?:\s+#+)?\s*$")

NUMERIC_DATE = re.compile(r"(?<![\w.])\d{1,2}\.\d{1,2}\.\d{4}(?![\d.])")


def kicker(line: str, following: str) -> bool:
    """A smaller heading right above the page's one first-level heading: the kicker ("Dachzeile")."""
    above, below = ATX.match(line), ATX.match(following)
    return above is not None and below is not None and len(above.group("level")) > 1 and below.group("level") == "#"


def navigation(lines: list[str], index: int) -> bool:
    """A list item that is only a link, in a run of such items that a heading follows: a site's menu."""
    if not _MENU_ITEM.match(lines[index]):
        return False
    rest = [line.strip() for line in lines[index:] if line.strip()]
    after = next((line for line in rest if not _MENU_ITEM.match(line)), "")
    return ATX.match(after) is not None


#: "- [Blog](http://...)": a list item holding one link and nothing else
_MENU_ITEM = re.compile(r"^\s*[-*+]\s+\[[^\]]+\]\([^)\s]+\)\s*$")


#: after a date, the byline on the same line: "11.09.2011, 16:20 von jovelstefan", "June 3, 2019 by Jane Doe"
_AFTER_THE_DATE = re.compile(
    r"^[\s,;|·–—-]*(?:by|von|par|por|door)\s+(?P<value>[^\W\d][\w.'’-]*(?: [A-ZÀ-Ý][\w.'’-]*){0,3})\s*$", re.I
)


def dated_byline(line: str) -> tuple[FoundDate, str] | None:
    """A line that starts with the date and ends with the byline."""
    text = plain(line)
    found = find_date(text)
    if found is None or found.start != 0 or not (match := _AFTER_THE_DATE.match(text[found.end :])):
        return None
    return found, match.group("value")


#: a byline that says it is one ("Article written by: X and Y", "Geschrieben von X"), not a bare "By X"
_LABELLED = re.compile(
    r"^\s*(?:\*\*|\*|_)?(?:(?:Article |Story |Text )?[Ww]ritten by|Geschrieben von|Escrito por|[ÉE]crit par)\b"
)


def labelled_byline_below(lines: list[str]) -> str | None:
    """A labelled byline a little below the head (after a figure or a republication note): the line,
    if it is the text's only one (a digest has several)."""
    found = [line for line in lines if _LABELLED.match(line)]
    return found[0].strip() if len(found) == 1 and found[0] in lines[:12] else None


def without_affiliations(value: str) -> str:
    """ "Name, _Institution_ and Name, _Institution_": the italic parts are affiliations."""
    return re.sub(r",?\s*(?<![\w*])([_*])(?!\1)[^_*]+\1(?![\w*])", "", value)

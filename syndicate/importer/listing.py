"""A page that lists several stories (a newsletter, a tag or author page, a feed) is not one article.

Its bylines belong to the stories it lists: two or more byline lines ("By X",
"by X", "Por X" at the start of a line), or a list's heading near the top
("Posts from ...", "Recent Articles", wordings.LIST_HEADINGS) tell such a page. Its title, authors,
dates, copyright and licence are then not one article's: they are left out,
and the report says why.
"""

from __future__ import annotations

import re
from typing import Any

from syndicate.importer.credits import BYLINE
from syndicate.importer.layout_model import Notes
from syndicate.importer.markdown import plain
from syndicate.importer.wordings import LIST_HEADINGS

_HEADING = re.compile(r"^(?:" + "|".join(f"(?:{h})" for h in LIST_HEADINGS) + r")\s*$", re.I)

#: what a list page's head and footers cannot be taken for
LIST_PAGE_FIELDS = ("title", "subtitle", "authors", "published", "updated", "original", "copyright", "license",
                    "body_hash")  # fmt: skip


def bylines_in(text: str) -> list[str]:
    """The names that byline lines in the text start with, one per byline line."""
    names: list[str] = []
    for line in text.splitlines():
        match = BYLINE.match(line.strip())
        if match is not None:
            names.append(" ".join(plain(match.group("value")).split()[:3]))
    return names


def list_heading(text: str) -> str | None:
    """A list's heading among the first lines of the text ("Billets de 30/01/2009")."""
    lines = [line.strip(" #*") for line in text.splitlines() if line.strip()][:6]
    return next((line for line in lines if _HEADING.match(plain(line))), None)


def drop_for_a_list_page(fm: dict[str, Any], text: str, report: Notes) -> bool:
    """Leave out what a list page's text would wrongly give one article; True when it is one."""
    bylines = bylines_in(text)
    heading = list_heading(text)
    if len(bylines) < 2 and heading is None:
        return False
    dropped = [key for key in LIST_PAGE_FIELDS if key in fm]
    for key in dropped:
        del fm[key]
    heads = tuple(f"{key}:" for key in dropped)
    report.found[:] = [n for n in report.found if not n.startswith(heads)]
    why = f"the heading {heading!r}" if heading else f"{len(bylines)} bylines: {'; '.join(dict.fromkeys(bylines[:4]))}…"
    report.missing.append(
        f"page: it lists several stories ({why}), not one article: "
        f"{', '.join(dropped) or 'nothing'} left out; import one story's own page"
    )
    return True

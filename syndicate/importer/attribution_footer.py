"""The scraped attribution footer leaves the body once the front matter holds what it says.

A republished article's text ends with the credits its source printed: "The
original source of this article is X", "Copyright © X, 2017", "This article is
republished from X under a Creative Commons license". Once the import has
read them into `original`/`source`, `copyright` and `license.terms`, they are
syndicate's attribution block's to print: left in the body, every copy would
carry two footers. The trailing paragraphs that are nothing but such credits
are moved out of the body (the licence's words stay verbatim in
`license.terms`); a paragraph with anything else in it, or a credit whose facts
the front matter lacks, stays, and everything above it.
"""

from __future__ import annotations

from typing import Any

from syndicate.importer.credits import FIRST, VIA, read_notice
from syndicate.importer.footer import Footer
from syndicate.importer.layout_model import Notes
from syndicate.importer.markdown import split_blocks

#: a credit paragraph is short; a longer one is the article's own text
_CREDIT_MAX = 600


def move_attribution_footer(footer: Footer, fm: dict[str, Any], report: Notes) -> None:
    blocks = split_blocks(footer.body)
    moved = 0
    while blocks and _held_in_front_matter(blocks[-1].text, blocks[-1].plain, fm):
        blocks.pop()
        moved += 1
    if not moved:
        return
    footer.body = footer.body[: blocks[-1].end].rstrip("\n") if blocks else ""
    report.found.append(
        f"body: the scraped attribution footer ({moved} paragraph{'s' * (moved > 1)}) moved to the front matter: "
        "each copy carries syndicate's attribution block instead"
    )


def _held_in_front_matter(markdown: str, text: str, fm: dict[str, Any]) -> bool:
    if len(text) > _CREDIT_MAX:
        return False
    lines = [line for line in markdown.splitlines() if line.strip()]
    if lines and all((notice := read_notice(line)) is not None and not notice.site_wide for line in lines):
        return "copyright" in fm
    terms = str(fm.get("license", {}).get("terms", ""))
    if terms and " ".join(text.split()) == " ".join(terms.split()):
        return "original" in fm or "source" in fm or (FIRST.search(text) is None and VIA.search(text) is None)
    if FIRST.search(text) or VIA.search(text):
        site = str(fm.get("source", {}).get("name", ""))
        return "original" in fm or (bool(site) and site.casefold() in text.casefold())
    return False

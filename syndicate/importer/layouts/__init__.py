"""Publisher layouts: how an outlet's scraped pages are laid out, as data.

A layout names the labels of its categories ("Region:", "Theme:"), the site
chrome to remove (membership appeals, comment lines, disclaimers), its own
licence terms and the footer lines scraping tends to glue together. The
importer's reading is the same for every outlet; a new outlet is a new module
here (a Layout value, layout_model.py), added to layouts() before the generic
one, and nothing else changes.

The outlet-neutral reading (the engine) is in the importer package beside this
one: dates, Markdown, bylines and notices, licence wordings, header and footer.
"""

from __future__ import annotations

from syndicate.importer.layout_model import Layout


def layouts() -> tuple[Layout, ...]:
    """Every layout, most specific first; the generic one, last, fits any text."""
    from syndicate.importer.layouts.generic import LAYOUT as GENERIC
    from syndicate.importer.layouts.globalresearch import LAYOUT as GLOBAL_RESEARCH

    return (GLOBAL_RESEARCH, GENERIC)


def choose_layout(text: str) -> Layout:
    return next(layout for layout in layouts() if layout.detect(text))

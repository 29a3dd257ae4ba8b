"""Publisher layouts: how an outlet's scraped pages are laid out, as data.

A layout names the labels of its categories ("Region:", "Theme:"), the site
chrome to remove (membership appeals, comment lines, disclaimers), its own
licence terms and the footer lines scraping tends to glue together. The
importer's reading is the same for every outlet; a new outlet is a new module
here (a Layout value, layout_model.py: markers that detect it, chrome rules,
labels, terms, glued footer lines), added to layouts() before the generic one,
and nothing else changes. Layouts: Global Research and Mondialisation.ca,
Science X (phys.org ...), The Conversation (its editions in English, French,
Spanish, Indonesian and Portuguese), ProPublica, CalMatters, Global Voices and
its translations, KFF Health News, States Newsroom, the Climate Desk partners
(Grist, Inside Climate News, ...), The 19th, YES! Magazine, Common Dreams,
Democracy Now!, CORRECTIV, wire copy (AP, Reuters, AFP), Mongabay.

The outlet-neutral reading (the engine) is in the importer package beside this
one: dates, Markdown, bylines and notices, licence wordings, header and footer.
"""

from __future__ import annotations

from syndicate.importer.layout_model import Layout


def layouts() -> tuple[Layout, ...]:
    """Every layout, most specific first; the generic one, last, fits any text."""
    from syndicate.importer.layouts import (
        calmatters,
        climatedesk,
        commondreams,
        conversation,
        correctiv,
        democracynow,
        generic,
        globalresearch,
        globalvoices,
        kffhealthnews,
        mongabay,
        propublica,
        sciencex,
        statesnewsroom,
        the19th,
        wire,
        yesmagazine,
    )

    modules = (globalresearch, sciencex, conversation, propublica, calmatters, globalvoices, kffhealthnews,
               statesnewsroom, climatedesk, the19th, yesmagazine, commondreams, democracynow, correctiv, wire,
               mongabay, generic)  # fmt: skip
    return tuple(module.LAYOUT for module in modules)


def choose_layout(text: str) -> Layout:
    return next(layout for layout in layouts() if layout.detect(text))

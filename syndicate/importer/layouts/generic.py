"""The generic layout: any outlet without a layout of its own.

Only what is common to most news pages: category labels, and a few chrome
lines (share and subscribe prompts) that are never an article's own text.
"""

from __future__ import annotations

import re

from syndicate.importer.layout_model import ChromeRule, Layout, markers_detect

LABELS = {
    "tags": "tags",
    "tag": "tags",
    "topics": "tags",
    "topic": "tags",
    "categories": "tags",
    "category": "tags",
    "filed under": "tags",
    "keywords": "tags",
    "sections": "tags",
    "section": "tags",
    "mots-clés": "tags",
    "mots clés": "tags",
    "catégories": "tags",
    "catégorie": "tags",
    "thèmes": "tags",
    "sujets": "tags",
    "rubrique": "tags",
    "regions": "regions",
    "region": "regions",
    "countries": "regions",
    "country": "regions",
    "régions": "regions",
    "région": "regions",
    "pays": "regions",
}
CHROME = (
    ChromeRule("share prompt", re.compile(r"^(?:share (?:this|on)\b|click to share\b|partager (?:cet|sur)\b)", re.I)),
    ChromeRule(
        "newsletter prompt",
        re.compile(r"^(?:sign up for|subscribe to) (?:our|the) [\w ]{0,40}newsletter\b|^abonnez-vous à", re.I),
    ),
    ChromeRule("follow prompt", re.compile(r"^follow us on\b|^suivez-nous sur\b", re.I)),
)


def detect(text: str) -> bool:
    return True


LAYOUT = Layout(name="generic", detect=detect, labels=LABELS, chrome=CHROME)


def outlet(
    name: str,
    markers: tuple[str, ...],
    chrome: tuple[ChromeRule, ...] = (),
    glued: tuple[str, ...] = (),
    labels: dict[str, str] | None = None,
) -> Layout:
    """An outlet's layout: the markers that tell its pages (regexes), its chrome and labels on top
    of the generic ones."""
    return Layout(
        name=name,
        detect=markers_detect(*markers),
        labels=LABELS | (labels or {}),
        chrome=(*chrome, *CHROME),
        glued=glued,
    )

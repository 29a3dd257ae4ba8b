"""The demo's seed article (Global Research cross-posting terms, in license.terms and license.contact) made
ready to publish: a source URL for it, and its placeholder links (lost in scraping) as plain text."""

from __future__ import annotations

import re
from pathlib import Path

SEED = "turkey-agreed-to-buy-russias-s-400"
#: an address for the test only (the seed's real one was lost in scraping)
SEED_SOURCE_URL = "https://www.globalresearch.example/turkey-has-agreed-to-buy-russias-s-400/5601234"
SEED_CONTACT = "publications@globalresearch.ca"
SEED_TERMS = (
    "The Centre of Research on Globalization grants permission to cross-post Global Research articles on community "
    "internet sites as long the source and copyright are acknowledged together with a hyperlink to the original Global "
    "Research article. For publication of Global Research articles in print or other forms including commercial "
    "internet sites, contact: publications@globalresearch.ca"
)


def make_seed_ready(site: Path, slug_prefix: str = "") -> Path:
    """The site's seed article, ready; returns its file."""
    path = site / "content" / f"{SEED}.md"
    text = path.read_text()
    text = text.replace(
        "source:\n  name: Global Research\n", f"source:\n  name: Global Research\n  url: {SEED_SOURCE_URL}\n"
    )
    text = re.sub(r"\[([^\]]*)\]\(#\)", r"\1", text.replace("status: draft", "status: ready"))
    if slug_prefix:
        text = text.replace(f"\nslug: {SEED}", f"\nslug: {slug_prefix}{SEED}", 1)
    path.write_text(text)
    return path

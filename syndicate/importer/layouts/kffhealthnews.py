"""KFF Health News (formerly Kaiser Health News) and its republishers.

Its republished stories say "This article was reprinted from khn.org, a
national newsroom ..." or end with "KFF Health News is a national newsroom that
produces in-depth journalism about health issues ...", and carry "Republish
This Story", "This story also ran on X. It can be republished for free."
(a co-publisher, not the first one) and the Morning Briefing appeal.
"""

from __future__ import annotations

import syndicate.importer.layouts.generic as generic
from syndicate.importer.layout_model import chrome

LAYOUT = generic.outlet(
    name="kffhealthnews",
    markers=(r"\b(?:KFF|Kaiser) Health News\b", r"reprinted from (?:\[)?khn\.org"),
    chrome=(
        chrome("'Republish This Story' button", r"^Republish This Story$"),
        chrome("newsletter appeal", r"^Subscribe to (?:KFF|Kaiser) Health News'? free Morning Briefing"),
        chrome("about line", r"^(?:KFF|Kaiser) Health News is a national newsroom"),
    ),
    glued=(r"Subscribe to (?:KFF|Kaiser) Health News",),
)

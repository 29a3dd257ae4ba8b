"""Science X (phys.org, medicalxpress.com, techxplore.com): it republishes The Conversation and
university press releases.

Chrome around the article: the reading-time and share counters, "Editors'
notes", "+ Explore further", "Feedback to editors", related stories with their
dates, the citation line and the site's copyright paragraph ("This document is
subject to copyright.").
"""

from __future__ import annotations

import syndicate.importer.layouts.generic as generic
from syndicate.importer.layout_model import chrome

LAYOUT = generic.outlet(
    name="sciencex",
    markers=(r"^\+ Explore further", r"^\s*Feedback to editors", r"^\s*Editors' notes"),
    chrome=(
        chrome("'Explore further' box", r"^\+ Explore further"),
        chrome("feedback prompt", r"^Feedback to editors"),
        chrome("related stories", r"^Related\s*(?:Recommended)?\s*$", r"^Recommended$"),
        chrome("the site's copyright paragraph", r"^This document is subject to copyright\."),
        chrome("citation line", r"^Citation:"),
    ),
    glued=(r"\+ Explore further",),
)

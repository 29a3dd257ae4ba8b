"""Democracy Now!: "The original content of this program is licensed under a Creative Commons
Attribution-Noncommercial-No Derivative Works 3.0 United States License. Please attribute legal
copies of this work to democracynow.org."

The licence is read by the generic rules (BY-NC-ND 3.0); the attribution
request that follows it stays in the terms. Chrome: the transcript notice.
"""

from __future__ import annotations

import syndicate.importer.layouts.generic as generic
from syndicate.importer.layout_model import chrome

LAYOUT = generic.outlet(
    name="democracynow",
    markers=(r"attribute legal copies of this work to democracynow\.org", r"\bDemocracy Now!"),
    chrome=(chrome("transcript notice", r"^This is a rush transcript\. Copy may not be in its final form\."),),
)

"""CORRECTIV (German): republished stories say "Dieser Artikel erschien zuerst bei CORRECTIV"
(read by the wordings module) and name the licence ("CC BY-NC-ND 4.0"), with appeals for
support ("Unterstützen Sie ...", "Jetzt spenden").
"""

from __future__ import annotations

import syndicate.importer.layouts.generic as generic
from syndicate.importer.layout_model import chrome

LAYOUT = generic.outlet(
    name="correctiv",
    markers=(r"\bCORRECTIV\b",),
    labels={"schlagwörter": "tags", "themen": "tags", "thema": "tags", "kategorie": "tags", "region": "regions"},
    chrome=(
        chrome(
            "donation appeal", r"^Unterstützen Sie (?:unabhängigen|CORRECTIV)", r"^Jetzt (?:spenden|unterstützen)\b"
        ),
        chrome("newsletter prompt", r"^(?:Abonnieren|Bestellen) Sie (?:unseren|den) .{0,40}Newsletter"),
    ),
)

"""ProPublica, and the newsrooms that republish it ("This story was originally published by
ProPublica.").

Its stories carry no licence words: its republishing terms (CC BY-NC-ND 3.0)
are on its site, not in the text, so none is picked. Chrome: the newsletter
appeal ("ProPublica is a nonprofit newsroom that investigates abuses of power.
Sign up to receive our biggest stories ...", "Sign up for Dispatches").
"""

from __future__ import annotations

import syndicate.importer.layouts.generic as generic
from syndicate.importer.layout_model import chrome

LAYOUT = generic.outlet(
    name="propublica",
    markers=(r"originally published by (?:\[)?ProPublica", r"^ProPublica is a (?:nonprofit|Pulitzer)"),
    chrome=(
        chrome(
            "newsletter appeal",
            r"^ProPublica is a (?:nonprofit|Pulitzer Prize-winning)[^.]*\.\s*Sign up",
            r"^Sign up for (?:Dispatches|The Big Story|our)\b",
        ),
        chrome("'Do You Work for' appeal", r"^Do You Work for\b.{0,80}\? We Want to Hear From You"),
    ),
)

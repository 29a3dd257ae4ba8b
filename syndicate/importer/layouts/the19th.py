"""The 19th: "This story was originally published by The 19th." (its stories are republished
under its own terms, not stated in the text), with a membership appeal after it.
"""

from __future__ import annotations

import syndicate.importer.layouts.generic as generic
from syndicate.importer.layout_model import chrome

LAYOUT = generic.outlet(
    name="the19th",
    markers=(r"originally published by (?:\[)?The 19th\b",),
    chrome=(
        chrome(
            "membership appeal", r"^The 19th is an independent, nonprofit newsroom", r"^Become a member of The 19th"
        ),
    ),
)

"""Mongabay and its bureaus (India, Latam, Brasil, Indonesia): republished stories end with
"This article was originally published on Mongabay" (or "This story was first published by
Mongabay"), and carry a bullet summary, "Banner image:" credits and a commentary disclaimer.

The "Banner image" credit and the commentary disclaimer are chrome; the
statement is read by the generic rules.
"""

from __future__ import annotations

import syndicate.importer.layouts.generic as generic
from syndicate.importer.layout_model import chrome

LAYOUT = generic.outlet(
    name="mongabay",
    markers=(r"\bMongabay\b",),
    chrome=(
        chrome("banner image credit", r"^Banner image:"),
        chrome(
            "commentary disclaimer",
            r"^This (?:article|post) is a commentary\. The views expressed are those of the authors?",
        ),
    ),
)

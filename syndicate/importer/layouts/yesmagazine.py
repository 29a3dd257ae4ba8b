"""YES! Magazine: "This article originally appeared in YES! Magazine." and, on its own pages,
"This article is licensed under a Creative Commons Attribution-NonCommercial 4.0 International
License" (read by the generic rules), with its donation appeal.
"""

from __future__ import annotations

import syndicate.importer.layouts.generic as generic
from syndicate.importer.layout_model import chrome

LAYOUT = generic.outlet(
    name="yesmagazine",
    markers=(r"originally (?:appeared|published) (?:in|by) (?:\[)?YES! Magazine",),
    chrome=(chrome("donation appeal", r"^YES! (?:Magazine )?is (?:a )?(?:nonprofit|independent)", r"^Support YES!"),),
)

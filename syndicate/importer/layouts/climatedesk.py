"""Climate Desk partners (Grist, Inside Climate News, The Guardian, Mother Jones, Wired, ...):
"This story was originally published by X and is reproduced here as part of the Climate Desk
collaboration."

The statement names the first publisher (read by the generic rules); the
collaboration is not a publisher. Chrome: the reader-support appeals of Grist
and Inside Climate News that travel with the text.
"""

from __future__ import annotations

import syndicate.importer.layouts.generic as generic
from syndicate.importer.layout_model import chrome

LAYOUT = generic.outlet(
    name="climatedesk",
    markers=(
        r"part of the Climate Desk collaboration",
        r"originally (?:published|appeared) (?:by|on|in) (?:\[)?(?:Grist|Inside ?Climate News)",
    ),
    chrome=(
        chrome(
            "reader-support appeal",
            r"^(?:Perhaps you noticed: )?This story, like all the news we publish, is free to read",
            r"^Grist is a nonprofit, independent media organization",
            r"^About This Story$",
        ),
    ),
)

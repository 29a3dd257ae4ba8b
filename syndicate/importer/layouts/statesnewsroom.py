"""States Newsroom's outlets (Georgia Recorder, Ohio Capital Journal, ... about 40 of them):
"X is part of States Newsroom, a nonprofit news network supported by grants and a coalition of
donors as a 501c(3) public charity." and, in their republishing footer, the licence by name
("Creative Commons license CC BY-NC-ND 4.0").

The about line is chrome; the licence wording is read by the generic rules.
"""

from __future__ import annotations

import syndicate.importer.layouts.generic as generic
from syndicate.importer.layout_model import chrome

LAYOUT = generic.outlet(
    name="statesnewsroom",
    markers=(r"is part of States Newsroom\b",),
    chrome=(
        chrome("about line", r"^[\w .’'&-]{2,60} is part of States Newsroom, a nonprofit news network"),
        chrome("editor contact line", r"^Contact Editor\b.{0,80}\bfor questions:"),
        chrome("follow line", r"^Follow [\w .’'&-]{2,60} on (?:Facebook|X|Twitter)\b"),
    ),
)

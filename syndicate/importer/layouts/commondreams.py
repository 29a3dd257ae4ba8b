"""Common Dreams: "Our work is licensed under Creative Commons (CC BY-NC-ND 3.0). Feel free to
republish and share widely." and bylines with a staff title ("by Sarah Lazare, staff writer").

The licence is stated with kind and version: read by the generic rules. The
staff title is not part of the name; the appeals are chrome.
"""

from __future__ import annotations

import syndicate.importer.layouts.generic as generic
from syndicate.importer.layout_model import chrome

LAYOUT = generic.outlet(
    name="commondreams",
    markers=(r"^\s*Common Dreams\s*$", r"Our work is licensed under Creative Commons \(CC BY-NC-ND"),
    chrome=(
        chrome(
            "donation appeal",
            r"^(?:Independent|Common Dreams) (?:journalism|is) .{0,80}(?:donate|support)",
            r"^Support Common Dreams",
        ),
    ),
)

"""CalMatters: "This article was originally published on CalMatters and was republished under
the Creative Commons Attribution-NonCommercial-NoDerivatives license."

The licence is named in words without its version: its kind (BY-NC-ND) is
read, the version reported missing. Chrome: "CalMatters is a nonprofit,
nonpartisan newsroom ...", "We want to hear from you", the "In summary" label.
"""

from __future__ import annotations

import syndicate.importer.layouts.generic as generic
from syndicate.importer.layout_model import chrome

LAYOUT = generic.outlet(
    name="calmatters",
    markers=(r"originally published on (?:\[)?CalMatters", r"^CalMatters is a nonprofit"),
    chrome=(
        chrome("about line", r"^CalMatters is a nonprofit, nonpartisan newsroom"),
        chrome("reader prompt", r"^We want to hear from you\b"),
        chrome("'In summary' label", r"^In summary$"),
    ),
)

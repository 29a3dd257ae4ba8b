"""Wire copy (The Associated Press, Reuters, AFP) as reposted by newspapers and aggregators.

A wire story's notice is the article's own: "Copyright 2024 The Associated
Press. All rights reserved. This material may not be published, broadcast,
rewritten or redistributed." (read by the generic rules as the copyright and
all-rights-reserved). Photo captions end with the agency's credit ("(AP
Photo/Paul Sancya)"): a credit, never a byline.
"""

from __future__ import annotations

import syndicate.importer.layouts.generic as generic
from syndicate.importer.layout_model import chrome

LAYOUT = generic.outlet(
    name="wire",
    markers=(
        r"\((?:AP|AFP|Reuters) Photo\b",
        r"Copyright \d{4} The Associated Press\. All rights reserved",
        r"^(?:\w[\w .,]*)?\((?:AP|Reuters|AFP)\) [—–-]",
    ),
    chrome=(chrome("photo caption with the agency's credit", r"\((?:AP|AFP|Reuters)(?: Photo)?/[^)]{2,60}\)\s*$"),),
)

"""The Conversation, in its editions (Global/US/UK/Australia/Africa/Canada, France, España,
Indonesia, Brasil), as republished by others.

Its republication footer names it in the edition's language ("This article is
republished from The Conversation under a Creative Commons license. Read the
original article.", "Cet article est republié à partir de The Conversation sous
licence Creative Commons.", "Este artículo fue publicado originalmente en The
Conversation.", "Artikel ini diterbitkan ulang dari The Conversation ...",
"Este artigo foi republicado do The Conversation ..."): the wordings module
reads them. The footer does not state the licence's kind or version, so no id
is picked. Chrome: the logo's alt text glued after the footer ("The
Conversation"), "Provided by The Conversation", the disclosure statement.
"""

from __future__ import annotations

import syndicate.importer.layouts.generic as generic
from syndicate.importer.layout_model import chrome

LAYOUT = generic.outlet(
    name="conversation",
    markers=(
        r"republished from (?:\[)?The Conversation",
        r"republié à partir de (?:\[)?The Conversation",
        r"publicado originalmente en (?:\[)?The Conversation",
        r"diterbitkan ulang dari (?:\[)?The Conversation",
        r"republicado do (?:\[)?The Conversation",
        r"^Provided by The Conversation",
    ),
    chrome=(
        chrome("the outlet's logo text", r"^The Conversation$"),
        chrome("'Provided by' line", r"^Provided by The Conversation\s*$"),
        chrome(
            "disclosure statement",
            r"^(?:disclosure statement|déclaration d['’]intérêts|declaración de intereses|pengungkapan)\b",
        ),
    ),
    glued=(r"The Conversation$",),
)

"""Global Research (globalresearch.ca) and its French edition Mondialisation.ca.

The layout the seed shows: title, byline, "Global Research, July 24, 2017",
the first publisher's dated line when the article is a republication,
"Region:" and "Theme:" labels, an italic lead, the article, "The original
source of this article is ...", "Copyright © ...", then chrome: the Facebook
comment line, the membership appeal, "Articles by:", the disclaimer that
carries the cross-posting terms, the fair-use notice, the media-inquiries line.
"""

from __future__ import annotations

import re

import syndicate.importer.layouts.generic as generic
from syndicate.importer.layout_model import ChromeRule, Layout, TermsRule

_I = re.IGNORECASE
_MARKERS = re.compile(
    r"^(?:Global Research|Mondialisation\.ca),\s+\S"
    r"|Comment on Global Research Articles on our Facebook page"
    r"|Become a Member of Global Research"
    r"|Cent(?:re|er) (?:of|for) Research on Globali[sz]ation"
    r"|Centre de recherche sur la mondialisation"
    r"|Devenez membre de Mondialisation",
    re.MULTILINE,
)
LABELS = generic.LABELS | {
    "region": "regions",
    "région": "regions",
    "theme": "tags",
    "thème": "tags",
    "in-depth report": "tags",
    "dossier": "tags",
}
CHROME: tuple[ChromeRule, ...] = (
    ChromeRule(
        "Facebook comment line",
        re.compile(r"^comment on global research articles on our facebook page|^comment\w*\b.{0,60}\bfacebook", _I),
    ),
    ChromeRule(
        "membership appeal",
        re.compile(
            r"^become a member of global research|^devenez membre de mondialisation"
            r"|^global research is a reader-funded media|^click the image below to make a one-time"
            r"|^support (?:independent|global research)\b.{0,80}\bdonat",
            _I,
        ),
    ),
    ChromeRule(
        "share and newsletter prompt",
        re.compile(
            r"^global research wants to hear from you|^click the share button above"
            r"|^to receive global research'?s daily newsletter|^get your free copy of|^visit and follow us on"
            r"|^all global research articles can be read in \d+ languages",
            _I,
        ),
    ),
    ChromeRule("'Articles by:' line", re.compile(r"^articles (?:by|de|par)\s*:", _I)),
    ChromeRule(
        "disclaimer (its terms are in license.terms)",
        re.compile(r"^(?:disclaimer|avis de non-responsabilit[ée])\s*:?", _I),
        needs_terms=True,
    ),
    ChromeRule(
        "fair-use notice",
        re.compile(
            r"contains copyrighted material the use of which has not always been specifically authorized"
            r"|contient du matériel protégé par le droit d['’]auteur",
            _I,
        ),
    ),
    ChromeRule(
        "media-inquiries line",
        re.compile(r"^for media inquiries\s*:|^(?:contact médias?|demandes des médias)\s*:", _I),
    ),
)
CHROME = CHROME + generic.CHROME
TERMS = (
    TermsRule(
        "globalresearch-crosspost",
        "the Centre for Research on Globalization's cross-posting terms",
        re.compile(r"The Cent(?:re|er) (?:of|for) Research on Globali[sz]ation(?: \(CRG\))? grants permission", _I),
    ),
    TermsRule(
        "globalresearch-crosspost",
        "the Centre for Research on Globalization's cross-posting terms (French edition)",
        re.compile(r"Le Centre de recherche sur la mondialisation(?: \(CRM\))? accorde la permission", _I),
    ),
)
GLUED = (
    r"Comment on Global Research Articles",
    r"Become a Member of Global Research",
    r"Articles by:",
    r"Disclaimer:",
    r"For media inquiries",
    r"www\.globalresearch\.ca\]?(?:\([^)]*\))? contains copyrighted",
    r"Commentez les articles",
    r"Devenez membre de Mondialisation",
    r"Articles (?:de|[Pp]ar)\s?:",
    r"Avis de non-responsabilit",
    r"(?:www\.)?[Mm]ondialisation\.ca\]?(?:\([^)]*\))? contient du matériel",
    r"Contact médias?\s?:",
)


def detect(text: str) -> bool:
    return _MARKERS.search(text) is not None


LAYOUT = Layout(
    name="globalresearch",
    detect=detect,
    labels=LABELS,
    chrome=CHROME,
    terms=TERMS,
    glued=GLUED,
    italic_lead_is_summary=True,
)

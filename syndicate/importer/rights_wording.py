"""Rights statements other than licences: a request for permission with its contact, a copyright
notice whose "©" the scrape lost, and a Creative Commons licence the text only promises.

- "For permission to reprint this article, please contact: X" (and its French, Spanish, Portuguese,
  German, Dutch and Czech forms): the text's rights are reserved and X is who grants more. The
  address must follow the request; another address in the text (an author's) is not the contact.
- "2022 CQ-Roll Call, Inc., All Rights Reserved.": a year, a capitalised name and "All rights
  reserved" make a notice even without "©" or "Copyright".
- "I intend to republish this article in the future under CC BY 4.0": a licence stated only in
  sentences about the future is not the article's licence.
"""

from __future__ import annotations

import re

from syndicate.importer import wordings
from syndicate.importer.credits import Notice, read_notice
from syndicate.importer.licensing import EMAIL, find_creative_commons
from syndicate.importer.markdown import plain
from syndicate.importer.wordings import alternatives

_ASK = re.compile(
    r"(?:" + alternatives(wordings.ASK_PERMISSION) + r")[^.!?]{0,160}?(?:"
    + alternatives(wordings.CONTACT_WORDS) + r")[^.!?@]{0,60}?(?P<address>" + EMAIL.pattern + ")",
    re.I,
)  # fmt: skip
#: "2022 CQ-Roll Call, Inc., All Rights Reserved": a year, a capitalised name, "All rights reserved"
_BARE_NOTICE = re.compile(
    r"(?<![\w©)/.-])(?:1[6-9]|20)\d\d\s+[A-Z][\w&'’.-]*(?:,?\s+[A-Z][\w&'’.-]*){0,6},?\s+"
    r"(?i:all rights reserved|tous droits réservés|alle rechte vorbehalten|todos los derechos reservados)\b\.?"
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÀ-Ý(])")
_FUTURE = re.compile(
    r"\b(?:intends?|intend(?:ing|ed)|plan(?:s|ning|ned)?|will|shall|going to|in the future|later|someday"
    r"|eventually|pr[ée]voi[st]|pretend[eo]|planea|beabsichtig\w*|vorgesehen)\b",
    re.I,
)


def permission_request(markdown: str) -> tuple[str, str] | None:
    """The sentence asking readers to request permission, and the address it gives, else None."""
    text = plain(re.sub(r"(?<=\S)\[", " [", markdown))
    match = _ASK.search(text)
    if match is None:
        return None
    return text[match.start() : match.end()].strip(), match.group("address").rstrip(".")


def bare_notice(line: str) -> Notice | None:
    """A notice without "©" or "Copyright" ("2022 CQ-Roll Call, Inc., All Rights Reserved.")."""
    match = _BARE_NOTICE.search(plain(line))
    if match is None:
        return None
    notice = read_notice("© " + match.group(0))
    return None if notice is None else Notice(match.group(0), *_fields(notice))


def _fields(notice: Notice) -> tuple[str | None, int | None, bool, bool, bool]:
    return notice.holder, notice.year, notice.all_rights_reserved, notice.site_wide, notice.image_credit


def only_promised(markdown: str) -> bool:
    """Whether every sentence naming a Creative Commons licence speaks of the future ("I intend to
    republish this article under CC BY 4.0"): then it is not the article's licence today."""
    sentences = [s for s in _SENTENCE.split(plain(markdown)) if find_creative_commons(s)]
    return bool(sentences) and all(_FUTURE.search(s) for s in sentences)


#: "Some of the graphs, charts, tables ... are copyright 2022, X. Reproduced and republished with
#: permission from X": a statement about parts of the text, so X is not the article's first publisher
_PARTS = re.compile(
    r"\b(?:some|parts?|portions?|several|many|one|certain) of the\b[^.!?]{0,40}?\b(?:graphs?|charts?|tables?|figures?"
    r"|examples?|images?|photos?|photographs?|illustrations?|excerpts?|quotations?|material|maps?)\b"
    r"|\b(?:excerpts?|extraits?|auszüge|fragmentos?) (?:from|of|de|aus)\b",
    re.I,
)


def about_parts(before: str, whole: bool = False) -> bool:
    """Whether the words before a republication statement (its sentence and the one before), or the
    `whole` paragraph, say it covers only parts of the text (some figures, excerpts)."""
    text = plain(before) if whole else " ".join(_SENTENCE.split(plain(before))[-2:])
    return _PARTS.search(text) is not None

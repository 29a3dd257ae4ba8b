"""The article's body and what its paragraphs say about rights and provenance.

Site chrome (the layout's rules) is cut out; every other paragraph is kept
byte for byte. From the paragraphs the importer learns: republication
statements ("The original source of this article is ...", "originally
published by/in/on ...", "This article first appeared on ..."), copyright
notices, Creative Commons statements, the outlet's own terms and other
permission wordings (kept verbatim).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit

from syndicate.importer.credits import FIRST, VIA, Notice, read_notice
from syndicate.importer.dates import find_date
from syndicate.importer.header import Publisher
from syndicate.importer.layout_model import ChromeRule, Layout, TermsRule
from syndicate.importer.licensing import (
    CreativeCommons,
    find_contact,
    find_creative_commons,
    states_all_rights_reserved,
    states_permission,
    states_public_domain,
)
from syndicate.importer.markdown import (
    LINK,
    Block,
    is_absolute,
    is_thematic_break,
    links,
    links_only,
    plain,
    quoted,
)
from syndicate.importer.rights_wording import about_parts, bare_notice, only_promised, permission_request

#: footer lines that scraping glues to the line before, whatever the outlet
GLUED = (
    r"The original source of this article is",
    r"La source originale de cet article est",
    r"This article (?:was )?(?:originally|first) (?:published|appeared)",
    r"Originally published",
    r"Copyright ©",
    r"This work is licensed under",
)
#: a reference-style Markdown link, "[text][label]" or "[text][]"
_REFERENCE_LINK = re.compile(r"\[(?P<text>[^\[\]]+)\]\[(?P<label>[^\[\]]*)\]")
_DEFINITION = re.compile(r"^ {0,3}\[([^\[\]]+)\]:[ \t]*<?(https?://[^\s>]+)>?[ \t]*$", re.M)
#: words a publisher's name does not start with (a statement whose name was left out runs on)
_NOT_A_NAME = re.compile(r"(?:and|or|but|is|was|are|were|with|here|which|that|et|ou|und|oder|y|o|e|en)\b")
_NAME_END = re.compile(
    r"\s+(?:on|in|le|under|with|as|and|et|sous|avec|where|from|y|und|e|el|em|op|bij|am|vom)\s|[,;:(]|\.(?:\s|$)"
    r"|\s[–—-]\s|\*|$",
    re.I,
)
#: a print section or page after a newspaper's name ("El Mercurio Cuerpo A2", "The Times page 12")
_SECTION = re.compile(r"\s+(?:cuerpo|section|secci[oó]n|page|p\.|seite|cahier|caderno)\s+\S*\d\S*$", re.I)
_ORIGINAL_LINK = re.compile(
    r"^(?:read )?(?:the )?original(?: article| story)?$|^(?:lire l['’])?article original$", re.I
)
_SENTENCE_END = re.compile(r"[.!?…:\"”»)\]'’*_]\s*$")
_MAX_TERMS_PARAGRAPH = 800


@dataclass
class Statement:
    """A republication statement: `first` says who published first; otherwise a publisher it came through."""

    publisher: Publisher
    first: bool


@dataclass
class Terms:
    license_id: str | None
    text: str
    description: str
    markdown: str = ""
    creative_commons: CreativeCommons | None = None


@dataclass
class Footer:
    body: str = ""
    #: the text's reference-style link definitions ("[4]: https://..."), by label in lower case
    references: dict[str, str] = field(default_factory=dict)
    removed: list[str] = field(default_factory=list)
    kept_disclaimer: bool = False
    statements: list[Statement] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    site_notices: list[Notice] = field(default_factory=list)
    #: licences that image credits state ("Photo by X via Wikimedia Commons (CC BY-SA 3.0)"): the image's
    image_licences: list[str] = field(default_factory=list)
    #: licences the text only promises for the future ("I intend to republish it under CC BY 4.0")
    promised_licences: list[str] = field(default_factory=list)
    #: licence statements, best first: Creative Commons, the outlet's terms, public domain, other wordings
    terms: list[Terms] = field(default_factory=list)
    summary: str | None = None
    ends_mid_sentence: str | None = None


def read_body(text: str, blocks: list[Block], layout: Layout, captions: frozenset[str] = frozenset()) -> Footer:
    """The body's paragraphs read for statements and terms; `captions` are a saved page's figure captions
    (a licence in one is the picture's)."""
    footer = Footer(references={k.lower(): v for k, v in _DEFINITION.findall(text)})
    outlet_terms: list[Terms] = []
    kept: list[Block] = []
    previous_chrome_label = False
    for block in blocks:
        rule = _chrome_rule(block, layout)
        captured = _outlet_terms(block, layout.terms)
        if captured:
            outlet_terms.append(captured)
        if rule is None and previous_chrome_label and links_only(block.text):
            rule = ChromeRule("list of links under chrome", re.compile(""))
        if rule is None and _site_notice_only(block):
            rule = ChromeRule("the site's copyright notice", re.compile(""))
        if rule is not None and rule.needs_terms and not captured:
            footer.kept_disclaimer = True
            rule = None
        previous_chrome_label = rule is not None and block.plain.endswith(":")
        if rule is not None:
            if rule.name not in footer.removed:
                footer.removed.append(rule.name)
            footer.site_notices.extend(n for line in block.text.splitlines() if (n := read_notice(line)))
            continue
        kept.append(block)
    while kept and is_thematic_break(kept[-1].text):
        kept.pop()
    footer.body = _join(text, kept)
    for block in kept:
        _read_paragraph(block, footer, block.text.strip() in captions)
    footer.terms = _ordered(footer.terms, outlet_terms)
    if layout.italic_lead_is_summary and kept and (lead := re.fullmatch(r"\s*\*(?!\*)(.+)\*\s*", kept[0].text, re.S)):
        footer.summary = plain(lead.group(1)) or None
    if kept and not _SENTENCE_END.search(kept[-1].plain) and not footer.notices:
        footer.ends_mid_sentence = " ".join(kept[-1].plain.split()[-6:])
    return footer


def _site_notice_only(block: Block) -> bool:
    notices = [read_notice(line) for line in block.text.splitlines() if line.strip()]
    return all(n is not None and n.site_wide for n in notices)


def _chrome_rule(block: Block, layout: Layout) -> ChromeRule | None:
    text = block.plain
    return next((rule for rule in layout.chrome if rule.pattern.search(text)), None)


def _outlet_terms(block: Block, rules: tuple[TermsRule, ...]) -> Terms | None:
    text = block.plain
    for rule in rules:
        if match := rule.start.search(text):
            start = _markdown_offset(block.text, match.group(0))
            return Terms(rule.license_id, text[match.start() :], rule.description, block.text[start:])
    return None


def _markdown_offset(markdown: str, words: str) -> int:
    """Where, in the Markdown, the plain words start (0 when they cannot be found)."""
    parts = words.split()[:6]
    if not parts:
        return 0
    pattern = r"[\s*_\[\]]+".join(re.escape(part) for part in parts)
    match = re.search(pattern, markdown)
    return match.start() if match else 0


def _join(text: str, kept: list[Block]) -> str:
    """The kept blocks as they were written, with their own separators where they were adjacent."""
    parts: list[str] = []
    for index, block in enumerate(kept):
        if index:
            gap = text[kept[index - 1].end : block.start]
            parts.append(gap if gap.strip() == "" and gap.count("\n") >= 2 else "\n\n")
        parts.append(block.text)
    return "".join(parts).strip("\n")


def _read_paragraph(block: Block, footer: Footer, caption: bool = False) -> None:
    has_image = any(link.image for link in links(block.text))
    previous = ""
    for line in block.text.splitlines():
        if notice := read_notice(line) or _notice_after_a_sentence(line) or bare_notice(line):
            # under a photo's credit ("... (AP Photo/LM Otero)"), the notice is the photo's
            credited = _PHOTO_CREDIT_END.search(plain(previous)) is not None
            notice = replace(notice, image_credit=notice.image_credit or has_image or credited)
            (footer.site_notices if notice.site_wide or notice.image_credit else footer.notices).append(notice)
        read_statement(line, footer)
        previous = line if line.strip() else previous
    text = block.plain
    if re.match(r"\s{0,3}(?:#|>)", block.text):
        return  # a heading names a subject ("... Creative-Commons-Bildern"), a quotation states another's terms
    asked = permission_request(block.text)
    request = Terms("all-rights-reserved", asked[0], _ASKED, asked[0]) if asked else None
    if len(text) > _MAX_TERMS_PARAGRAPH:
        footer.terms.extend([request] if request else [])  # a request for permission in a long paragraph
        return
    creative_commons = find_creative_commons(block.text)
    if creative_commons and only_promised(block.text):
        footer.promised_licences.append(text)
        creative_commons = None
    if creative_commons and (caption or _credits_an_image(text)):
        footer.image_licences.append(text)
    elif creative_commons:
        footer.terms.append(Terms(creative_commons.spdx_id, text, "", block.text, creative_commons))
    elif states_public_domain(block.text):
        footer.terms.append(Terms("public-domain", text, "a public-domain statement", block.text))
    elif request:
        footer.terms.append(request)
    elif states_all_rights_reserved(block.text) and not (
        read_notice(block.text) or bare_notice(block.text) or about_parts(block.text, whole=True)
    ):
        footer.terms.append(Terms("all-rights-reserved", text, _RESERVED_IN_WORDS, block.text))
    elif states_permission(block.text) and not read_notice(block.text):
        footer.terms.append(Terms("custom", text, "republication terms in the text's own words", block.text))


_RESERVED_IN_WORDS = "the text's rights reserved, in its own words"
_ASKED = "the text's rights reserved: permission is asked of the address it gives"


def read_outside_terms(blocks: list[str], footer: Footer) -> None:
    """A saved page's licence outside its <article> (the site's footer: "Die von uns verfassten Inhalte
    stehen ... unter der Lizenz Creative Commons BY-NC-SA 4.0"), when the article states none: read
    only when the blocks name one Creative Commons licence, not an image's."""
    if any(terms.license_id for terms in footer.terms):
        return
    found: dict[str, Terms] = {}
    stated: dict[str, Terms] = {}  # the ones in a sentence that licenses ("... is licensed under ...")
    for markdown in blocks:
        text = plain(markdown)
        if len(text) > _MAX_TERMS_PARAGRAPH or _credits_an_image(text):
            continue
        if (cc := find_creative_commons(markdown)) and cc.spdx_id:
            terms = found.setdefault(cc.spdx_id, Terms(cc.spdx_id, text, "", markdown, cc))
            if _LICENSING.search(text):
                stated.setdefault(cc.spdx_id, terms)
    chosen = stated if stated else found
    if len(chosen) == 1:  # mentions of a licence of unstated kind in the story give way to it
        footer.terms = [*chosen.values()]
    elif not footer.terms and (reserved := _reserved_with_a_contact(blocks)):
        footer.terms = [reserved]


def _reserved_with_a_contact(blocks: list[str]) -> Terms | None:
    """The site's "All rights reserved" with the address to ask for permission ("Alle Rechte vorbehalten.
    Für Fragen zu Rechten oder Genehmigungen wenden Sie sich bitte an lizenzen@taz.de"): the terms
    every article of the site is under. Without an address, a site's notice is only the site's."""
    for markdown in blocks:
        text = plain(markdown)
        if (
            len(text) <= _MAX_TERMS_PARAGRAPH
            and states_all_rights_reserved(markdown)
            and find_contact(markdown).address
        ):
            return Terms("all-rights-reserved", text, "the site's rights reserved, with a permission contact", markdown)
    return None


#: a line that ends with a picture's credit: "(AP Photo/LM Otero)", "Photo: Jane Doe", "Getty Images"
_PHOTO_CREDIT_END = re.compile(
    r"(?:\((?:[\w .&/-]*\b)?(?:photos?|foto|image|credit|cr[ée]dit)\b[^()]*\)"
    r"|\b(?:photos?|credit|foto)\s*:\s*[^.]{1,60}|getty images|shutterstock|associated press photo)\s*$",
    re.I,
)


#: a sentence that puts content under a licence, in the languages of wordings.py
_LICENSING = re.compile(
    r"licen[cs]ed under|published under|available under|\bunder (?:a|the) .{0,40}licen[cs]e|lizenziert|"
    r"\bunter (?:der|einer) .{0,60}lizenz|stehen\b.{0,80}\bunter\b|sous (?:la )?licence|bajo (?:una |la )?licencia|"
    r"sob (?:uma |a )?licen[çc]a|onder (?:een |de )?licentie",
    re.I,
)


def read_statement(line: str, footer: Footer) -> None:
    """A republication statement in the line ("originally published by X"), if there is one; one
    that opens a quotation (“This article was originally published ...”) is quoted, not stated."""
    for pattern, first in ((FIRST, True), (VIA, False)):
        match = pattern.search(line)
        if match and (quoted(line[: match.start()]) or about_parts(line[: match.start()])):
            continue
        if match and (publisher := _named(match.group("rest"), plain(line), footer.references)):
            if publisher.date is None and match.groupdict().get("date"):
                publisher.date = find_date(match.group("date"))
            publisher.url = publisher.url or _original_article_link(line)
            if not any(s.publisher.name.lower() == publisher.name.lower() for s in footer.statements):
                footer.statements.append(Statement(publisher, first))
            return


#: a sentence that starts a notice inside a line ("... licensed under CC BY 4.0. © 2026 The Courier.")
_NOTICE_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=©|\(c\)|copyright\b)", re.IGNORECASE)


#: words that make a paragraph an image's credit (its licence is the image's, not the article's)
_IMAGE_WORDS = re.compile(
    r"\b(?:photos?|photograph|images?|illustrations?|pictures?|graphic|cr[ée]dit|krediet|fotos?|bild(?:er)?|shutterstock"
    r"|getty|flickr"
    r"|wikimedia|unsplash|pixabay)\b",
    re.I,
)
_LICENCE_MENTION = re.compile(r"\bCC[- ]?(?:BY|0)|creative ?commons|public domain", re.I)


def _credits_an_image(text: str) -> bool:
    """A short paragraph whose licence follows an image word: "Credit: Pixabay/CC0 Public Domain"."""
    mention = _LICENCE_MENTION.search(text)
    return len(text) < 300 and mention is not None and _IMAGE_WORDS.search(text[: mention.start()]) is not None


def _notice_after_a_sentence(line: str) -> Notice | None:
    """A notice that follows another sentence on its line: a footer often puts it after the licence."""
    for match in _NOTICE_SENTENCE.finditer(line):
        if notice := read_notice(line[match.end() :]):
            return notice
    return None


def _named(rest: str, said: str, references: dict[str, str]) -> Publisher | None:
    """The publisher a statement names: a link's text, else the words up to "on", ",", "." ..."""
    rest = rest.strip().lstrip("*_ ")
    if _NOT_A_NAME.match(rest):
        return None  # "originally published at and is reprinted here": the name was left out
    link = LINK.match(rest)
    reference = _REFERENCE_LINK.match(rest)
    if link:
        name, href, after = plain(link.group("text")), link.group("href"), rest[link.end() :]
    elif reference:  # "[Alice, Eve, and Bob][4]": its address is defined elsewhere in the text
        label = (reference.group("label") or reference.group("text")).lower()
        name, href, after = plain(reference.group("text")), references.get(label), rest[reference.end() :]
    else:
        cut = _NAME_END.search(rest)
        name, href, after = plain(rest[: cut.start() if cut else len(rest)]), None, rest
    name = _SECTION.sub("", name.strip(" .,;:"))
    if not name or len(name.split()) > 8:
        return None
    found = find_date(re.split(r"(?<!\d)\.\s", plain(after))[0])  # the sentence ("3. Mai 2021" is one date)
    url = href if href and is_absolute(href) and not _homepage(href) else None
    return Publisher(name, url, href is not None and href.strip() in ("", "#"), found, said)


def _homepage(href: str) -> bool:
    """A site's home page is not the article's address."""
    return urlsplit(href.strip()).path.strip("/") == ""


def _original_article_link(line: str) -> str | None:
    """The address behind "Read the original article" in a republication statement."""
    for link in links(line):
        if _ORIGINAL_LINK.match(plain(link.text)) and link.absolute and not _homepage(link.href):
            return link.href
    return None


def _ordered(found: list[Terms], outlet: list[Terms]) -> list[Terms]:
    rank = {"public-domain": 2, "all-rights-reserved": 3, "custom": 4}  # rights reserved in words: before "you can"
    cc = [t for t in found if t.creative_commons is not None]
    rest = sorted((t for t in found if t.creative_commons is None), key=lambda t: rank.get(t.license_id or "", 9))
    return cc + outlet[:1] + rest

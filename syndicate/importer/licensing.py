"""Licence wordings: Creative Commons statements to SPDX ids, permission wordings, contacts.

A Creative Commons licence is read from a creativecommons.org link, a short
name ("CC BY-NC-ND 4.0") or the long wording, in English or French. The id is
given only when both the kind and the version are stated; otherwise what was
stated is returned and the caller says what is missing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from syndicate.importer.markdown import links, plain

_CC_URL = re.compile(
    r"creativecommons\.org/(?:licenses|licences)/(?P<kind>[a-z-]+)/(?P<version>\d\.\d)(?:/(?P<port>[a-z]{2})(?![\w.-]))?",
    re.I,
)
#: a licence's port to a country's law, named in words after its version ("3.0 Germany", "3.0 DE Lizenz")
_PORT_WORDS = re.compile(r"^\s*(?:Germany|Deutschland|DE)\b")
#: the national ports SPDX lists (the others are read as the unported licence, and the report says so)
SPDX_PORTS = frozenset(
    {f"CC-{kind}-3.0-DE" for kind in ("BY", "BY-SA", "BY-NC", "BY-ND", "BY-NC-SA", "BY-NC-ND")}
    | {"CC-BY-3.0-AT", "CC-BY-SA-3.0-AT", "CC-BY-3.0-NL", "CC-BY-3.0-US", "CC-BY-2.5-AU", "CC-BY-3.0-AU"}
)
_CC0_URL = re.compile(r"creativecommons\.org/publicdomain/zero/(?P<version>\d\.\d)", re.I)
_CC_SHORT = re.compile(r"\bCC[- ]?(?P<kind>BY(?:[- ](?:NC|ND|SA)){0,2})(?![\w-])(?:[- ]?(?P<version>\d\.\d))?")
_CC0_SHORT = re.compile(r"\bCC0\b(?:[- ]?(?P<version>\d\.\d))?|\bCC Zero\b", re.I)
_CC_LONG = re.compile(r"\bCreative[- ]Commons\b(?P<rest>[^\n]{0,200})", re.I)
_BARE_KIND = re.compile(r"(?<![\w-])(?P<kind>BY(?:[- ](?:NC|ND|SA)){0,2})(?![\w-])")
_VERSION = re.compile(r"(?<![\d.])(?P<version>[1-4]\.[05])(?![\d.])")
_ELEMENTS = {
    "NC": re.compile(r"non[- ]?commercial|pas d['’]utilisation commerciale", re.I),
    "ND": re.compile(r"no[- ]?deriv(?:atives|s|ative works)|pas de modification", re.I),
    "SA": re.compile(r"share[- ]?alike|partage dans les m[êe]mes conditions", re.I),
}
_ATTRIBUTION = re.compile(r"\battribution\b|\bpaternit[ée]\b", re.I)
_ZERO = re.compile(r"\bCC0\b|\bzero\b|public domain dedication|transfert dans le domaine public", re.I)
_PUBLIC_DOMAIN = re.compile(
    r"\b(?:is|are|has been|have been|was|were|released|dedicated|placed)\s+(?:in|into|to)\s+the public domain\b"
    r"|\best dans le domaine public\b|\bverse dans le domaine public\b",
    re.I,
)
_ALL_RIGHTS_RESERVED = re.compile(
    r"\ball rights reserved\b|\btous droits réservés\b|\balle rechte vorbehalten\b|\btodos los derechos reservados\b"
    r"|\btodos os direitos reservados\b|\balle rechten voorbehouden\b",
    re.I,
)
_PERMISSION = re.compile(
    r"\b(?:you (?:may|can|are (?:free|welcome) to)|feel free to|(?:may|can) be (?:freely )?"
    r"(?:re-?published|reprinted|reproduced|re-?posted|shared|distributed)|grants? permission|"
    r"permission (?:is granted|to (?:re-?publish|reprint|reproduce|re-?post))|"
    r"free to (?:re-?publish|reprint|reproduce)|"
    r"vous pouvez (?:republier|reproduire|diffuser)|(?:republication|reproduction|diffusion) "
    r"(?:est )?(?:autorisée|permise|libre|interdite)|licen[cs]e:|licen[cs]e terms|republishing terms)",
    re.I,
)
_PUBLISHING = re.compile(r"publish|print|reproduc|repost|cross-?post|distribut|share|reprodui|diffus|licen[cs]e", re.I)
EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![\w-])")
#: what Cloudflare and others print in place of an address: not an address
OBFUSCATED = re.compile(r"\[email[\s\u00a0]*(?:&#160;)?protected\]", re.I)


@dataclass(frozen=True)
class CreativeCommons:
    """A Creative Commons licence as stated: kind "BY-ND" (or "0" for CC0), version "4.0", link."""

    kind: str | None
    version: str | None
    url: str | None = None
    problem: str = ""
    #: the country whose port of the licence is stated ("DE" for "3.0 Germany" or .../3.0/de/)
    port: str | None = None

    @property
    def spdx_id(self) -> str | None:
        if self.kind is None or self.version is None:
            return None
        if self.kind == "0":
            return f"CC0-{self.version}"
        ported = f"CC-{self.kind}-{self.version}-{self.port}"
        return ported if ported in SPDX_PORTS else f"CC-{self.kind}-{self.version}"

    @property
    def name(self) -> str:
        """How the text names it, as far as it does: "CC BY-ND 4.0", "CC BY-ND (version not stated)"."""
        kind = "a Creative Commons licence of unstated kind" if self.kind is None else f"CC {self.kind}"
        kind = "CC0" if self.kind == "0" else kind
        return f"{kind} {self.version}" if self.version else kind

    @property
    def no_derivatives(self) -> bool:
        return self.kind is not None and "ND" in self.kind.split("-")


def find_creative_commons(markdown: str) -> CreativeCommons | None:
    """The Creative Commons licence a paragraph states, if it states one."""
    text = plain(markdown)
    url = next((link.href for link in links(markdown) if link.absolute and "creativecommons.org" in link.href), None)
    for href in [link.href for link in links(markdown)] + [text]:
        if match := _CC_URL.search(href):
            port = (match.group("port") or "").upper() or None
            return _checked(match.group("kind").upper(), match.group("version"), url, port)
        if match := _CC0_URL.search(href):
            return CreativeCommons("0", match.group("version"), url)
    if match := _CC_SHORT.search(text):
        port = "DE" if match.group("version") and _PORT_WORDS.match(text[match.end() :]) else None
        return _checked(re.sub(r"[- ]", "-", match.group("kind")), match.group("version"), url, port)
    if match := _CC0_SHORT.search(text):
        return CreativeCommons("0", match.group("version"), url)
    match = _CC_LONG.search(text)
    if match is None:
        return None
    rest = re.split(r"(?<=[a-z\d)])\.(?:\s|$)", match.group("rest"), maxsplit=1)[0]
    version = _VERSION.search(rest)
    found_version = version.group("version") if version else None
    port = "DE" if version and _PORT_WORDS.match(rest[version.end() :]) else None
    if _ZERO.search(rest):
        return CreativeCommons("0", found_version, url)
    if short := _BARE_KIND.search(rest):
        return _checked(re.sub(r"[- ]", "-", short.group("kind")), found_version, url, port)
    elements = [name for name, pattern in _ELEMENTS.items() if pattern.search(rest)]
    if not elements and not _ATTRIBUTION.search(rest):
        return CreativeCommons(None, found_version, url)
    return _checked("-".join(["BY", *elements]), found_version, url, port)


def _checked(kind: str, version: str | None, url: str | None, port: str | None = None) -> CreativeCommons:
    if kind.startswith("BY-") and "ND" in kind and "SA" in kind:
        return CreativeCommons(None, version, url, f"'{kind}' is not a Creative Commons licence")
    order = ["BY", "NC", "ND", "SA"]
    parts = sorted(set(kind.split("-")), key=lambda part: order.index(part) if part in order else 9)
    return CreativeCommons("-".join(parts), version, url, port=port)


def states_public_domain(markdown: str) -> bool:
    return _PUBLIC_DOMAIN.search(plain(markdown)) is not None


def states_all_rights_reserved(markdown: str) -> bool:
    return _ALL_RIGHTS_RESERVED.search(plain(markdown)) is not None


def states_permission(markdown: str) -> bool:
    """Whether a paragraph states republication terms in words (kept verbatim, id custom)."""
    text = plain(markdown)
    return _PERMISSION.search(text) is not None and _PUBLISHING.search(text) is not None


@dataclass(frozen=True)
class Contact:
    address: str | None
    #: the text printed an obfuscated address ("[email protected]") where one was meant
    obfuscated: bool


def find_contact(markdown: str) -> Contact:
    """The email address the terms give for further permission; an obfuscated one is not an address."""
    mailtos = [link.href.removeprefix("mailto:").split("?")[0] for link in links(markdown)]
    candidates = [m for m in mailtos if EMAIL.fullmatch(m)]
    text = plain(re.sub(r"(?<=\S)\[", " [", markdown))  # "lizenzen@taz.de[zur mobilen Ansicht](#)": apart
    after_contact = re.split(r"\bcontact(?:ez)?\b", text, maxsplit=1, flags=re.I)
    for part in reversed(after_contact) if len(after_contact) > 1 else after_contact:
        candidates += EMAIL.findall(part)
    obfuscated = OBFUSCATED.search(markdown) is not None
    return Contact(candidates[0].rstrip(".") if candidates else None, obfuscated and not candidates)

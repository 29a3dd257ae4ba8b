"""Copyright and licence: the article's notice and the licence its text states.

The notice is the article's, not the site's: a span of years, words such as
"this website", image credits and notices in site chrome are set aside. Of the
licence statements the first found wins: Creative Commons (an SPDX id only
when kind and version are both stated), then the outlet's own terms, then a
public-domain statement, then other permission wordings kept verbatim with id
`custom`; a notice saying "All rights reserved" is the last resort.
"""

from __future__ import annotations

import functools
from typing import Any

from syndicate.importer.footer import Footer
from syndicate.importer.layout_model import Notes, quote
from syndicate.importer.licensing import find_contact
from syndicate.licences.profiles import load_registry


def read_copyright(footer: Footer, fm: dict[str, Any], report: Notes) -> None:
    for credit in footer.image_licences:
        report.found.append(f"ignored an image credit's licence (the image's, not the article's): {quote(credit)!r}")
    for promised in footer.promised_licences:
        report.found.append(f"ignored a licence the text only promises for the future: {quote(promised)!r}")
    for notice in footer.site_notices:
        kind = "an image credit" if notice.image_credit else "the site's notice"
        report.found.append(f"ignored {kind}: {quote(notice.text)!r}")
    distinct = list({((n.holder or "").casefold(), n.year): n for n in footer.notices}.values())
    if not distinct:
        report.missing.append("copyright: no copyright notice of the article ('Copyright ©', '©')")
        return
    if len(distinct) > 1:
        texts = "; ".join(repr(quote(n.text)) for n in distinct)
        report.missing.append(
            f"copyright: {len(distinct)} different notices ({texts}): which is the article's is unclear"
        )
        return
    notice = distinct[0]
    copyright_: dict[str, Any] = {}
    if notice.holder:
        copyright_["holder"] = notice.holder
    else:
        report.missing.append(f"copyright.holder: the notice {quote(notice.text)!r} names no holder")
    if notice.year is not None:
        copyright_["year"] = notice.year
    else:
        report.missing.append(f"copyright.year: the notice {quote(notice.text)!r} states no single year")
    if copyright_:
        fm["copyright"] = copyright_
        report.found.append(f"copyright: {_describe_copyright(copyright_)} ({quote(notice.text)!r})")


def _describe_copyright(copyright_: dict[str, Any]) -> str:
    return ", ".join(str(copyright_[k]) for k in ("holder", "year") if k in copyright_)


def read_license(footer: Footer, fm: dict[str, Any], report: Notes) -> bool:
    """Record the licence the text states; True when it forbids derivatives."""
    if not footer.terms:
        reserved = [n for n in footer.notices if n.all_rights_reserved]
        if "copyright" in fm and reserved:
            fm["license"] = {"id": "all-rights-reserved", "terms": reserved[0].text}
            report.found.append(f"license: all-rights-reserved ({quote(reserved[0].text)!r})")
            return False
        report.missing.append("license: the text states no licence or republication terms")
        return False
    terms = footer.terms[0]
    license_: dict[str, Any] = {}
    cc = terms.creative_commons
    if terms.license_id:
        license_["id"] = terms.license_id
    license_["terms"] = terms.text
    if cc is not None:
        if cc.url:
            license_["url"] = cc.url
        if cc.spdx_id:
            report.found.append(f"license: {cc.spdx_id} ({cc.name}, stated as {quote(terms.text)!r})")
        elif cc.problem:
            report.missing.append(f"license.id: {cc.problem}: no id picked; the terms are kept verbatim")
        elif cc.kind is None:
            report.missing.append(
                "license.id: the text names a Creative Commons licence but not which one (its kind, such as "
                "BY-ND, and version): no id picked; the terms are kept verbatim"
            )
        else:
            report.missing.append(
                f"license.id: the text names {cc.name} but not its version: no id picked rather than a guess; "
                "the terms are kept verbatim"
            )
    else:
        report.found.append(f"license: {terms.license_id} ({terms.description})")
        contact = find_contact(terms.markdown)
        if contact.address:
            license_["contact"] = contact.address
            report.found.append(f"license.contact: {contact.address}")
        elif contact.obfuscated:
            report.missing.append("license.contact: the address is obfuscated in the text ('[email protected]')")
    no_derivatives = (cc is not None and cc.no_derivatives) or _forbids_derivatives(terms.license_id)
    rivals = [t for t in footer.terms[1:] if t.creative_commons is not None and cc is not None]
    rivals = [t for t in rivals if t.creative_commons != cc]
    if rivals:  # two different Creative Commons licences: picking one would be a guess
        names = ", ".join(dict.fromkeys(t.creative_commons.name for t in [terms, *rivals] if t.creative_commons))
        report.found[:] = [n for n in report.found if not n.startswith("license:")]
        report.missing.append(f"license.id: the text states different licences ({names}): which applies is unclear")
        license_ = {"terms": "\n\n".join(dict.fromkeys(t.text for t in [terms, *rivals]))}
        no_derivatives = no_derivatives or any(t.creative_commons and t.creative_commons.no_derivatives for t in rivals)
    for other in footer.terms[1:]:
        if other.creative_commons is None and other.license_id != terms.license_id:
            report.found.append(f"also stated, not used (the article's own licence comes first): {other.description}")
    fm["license"] = license_
    return no_derivatives


@functools.cache
def _profiles_without_derivatives() -> frozenset[str]:
    return frozenset(p.id for p in load_registry() if p.requires("no-derivatives"))


def _forbids_derivatives(license_id: str | None) -> bool:
    return license_id is not None and license_id in _profiles_without_derivatives()

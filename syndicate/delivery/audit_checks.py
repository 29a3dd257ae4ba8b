"""What a copy's page must show, and what it must not: one copy judged against its article.

- The page shows the article when a sentence of the article's opening (five
  sentences of eight words or more, else its title) is in the page's main text
  (all of its visible text when the extractor finds no main text). A page kept
  by WordPress, whose article file is gone, shows it when it carries the
  `<!-- syndicate-copy: SLUG site: SITE -->` marker of the post syndicate made (endpoints/markers.py).
- A copy that must be gone (the ledger row is retracted or refused, or the
  article is retracted or a draft) and still shows the article:
  `retraction-ignored`, once syndicate has asked the endpoint to take it down
  (the row is retracted or refused, or its take-down failed for good) or at a
  tracked address; before that it is syndicate's own work yet to do, no
  partner's doing: `retraction-pending`, a warning no notice is drafted for
  (after the take-down, a page still showing it is a new `retraction-ignored`).
  A 404 or 410 there is what should be.
- A copy that must be live: 404/410, or a page without the article, is
  `copy-missing`; the licence's conditions are looked for anywhere a reader
  sees on the page (audit_page.py): the source's name (`attribution`), a link
  to the original, else to the source (`link-to-original`), the holder's name
  with ©, (c) or "copyright" near it (`copyright-notice`): else
  `attribution-missing`; the licence's name or a link to it, under a licence
  with conditions: else `license-missing`; JSON-LD with `license` or
  `copyrightHolder`: else `jsonld-stripped`; what it tells search engines
  against the endpoint's canonical policy, and whether it went up under
  embargo (audit_policy.py); under a no-derivatives licence, whether its text
  is the article's (audit_body.py).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from syndicate.articles.article import parse_timestamp
from syndicate.delivery import audit_body
from syndicate.delivery.audit_fetch import Page, PageError
from syndicate.delivery.audit_page import PageContent, decode, fold, normal_url, read_content
from syndicate.delivery.audit_policy import CopyPolicy, early, search_findings
from syndicate.delivery.endpoints.markers import shows_marker
from syndicate.delivery.ledger import Delivery
from syndicate.findings import Severity
from syndicate.licences.profiles import LicenseRegistry
from syndicate.render.attribution_block import copyright_notice, http_url, licence_terms, section, text
from syndicate.render.html_copy import links_and_text, render_markdown


class AuditCode:
    """The stable codes of `audit` (README.md, "Auditing the copies", explains each)."""

    RETRACTION_IGNORED = "retraction-ignored"
    RETRACTION_PENDING = "retraction-pending"
    COPY_MISSING = "copy-missing"
    ATTRIBUTION_MISSING = "attribution-missing"
    LICENSE_MISSING = "license-missing"
    JSONLD_STRIPPED = "jsonld-stripped"
    CANONICAL_MISMATCH = "canonical-mismatch"
    NOINDEX_MISSING = "noindex-missing"
    BODY_ALTERED = "body-altered"
    EARLY_PUBLICATION = "early-publication"
    NOT_CHECKED = "not-checked"


#: a violation of the licence or of the newsroom's decision (exit 1); the other codes are warnings
VIOLATIONS = frozenset(
    {
        AuditCode.RETRACTION_IGNORED,
        AuditCode.ATTRIBUTION_MISSING,
        AuditCode.LICENSE_MISSING,
        AuditCode.CANONICAL_MISMATCH,
        AuditCode.NOINDEX_MISSING,
        AuditCode.BODY_ALTERED,
        AuditCode.EARLY_PUBLICATION,
    }
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_COPYRIGHT_MARK = re.compile(r"©|\(c\)|copyright")
_NEAR = 60


@dataclass(frozen=True)
class Expected:
    """What a copy of one article shows, from its front matter and body."""

    slug: str
    status: str
    title: str
    #: folded sentences of the article's opening: one on a page means the page shows the article
    sentences: tuple[str, ...]
    conditions: frozenset[str]
    source_name: str | None
    #: the original's address, else the source's
    original_url: str | None
    holder: str | None
    notice: str | None
    #: the licence as the attribution block names it
    licence_label: str | None
    #: folded names of the licence (short and full), and its address
    licence_names: tuple[str, ...]
    licence_url: str | None
    #: where a canonical link may point: canonical_url, original.url, source.url (those given)
    upstream: tuple[str, ...] = ()
    embargo_until: dt.datetime | None = None
    #: under a no-derivatives licence, the body's sentences a copy must carry unchanged (else empty)
    body_sentences: tuple[str, ...] = ()

    @classmethod
    def of(cls, slug: str, data: Mapping[str, Any], body: str, registry: LicenseRegistry) -> Expected:
        licence = section(data, "license")
        profile = registry.get(str(licence.get("id", "")))
        terms = licence_terms(data, profile)
        names = tuple(dict.fromkeys(fold(n) for n in (terms.name, terms.full_name) if n))
        original, source = section(data, "original"), section(data, "source")
        return cls(
            slug=slug,
            status=str(data.get("status", "ready")),
            title=text(data.get("title")) or slug,
            sentences=_opening(body) or (fold(text(data.get("title")) or slug),),
            conditions=profile.conditions if profile else frozenset(),
            source_name=text(source.get("name")),
            original_url=http_url(original.get("url")) or http_url(source.get("url")),
            holder=text(section(data, "copyright").get("holder")),
            notice=copyright_notice(data),
            licence_label=terms.name,
            licence_names=names,
            licence_url=terms.url,
            upstream=_upstream(data, original, source),
            embargo_until=_timestamp(data.get("embargo_until")),
            body_sentences=audit_body.article_sentences(body)
            if profile and "no-derivatives" in profile.conditions
            else (),
        )


def _opening(body: str, count: int = 5, words: int = 8) -> tuple[str, ...]:
    """Up to `count` folded sentences of `words` words or more from the start of the body, as text."""
    _, plain = links_and_text(render_markdown(body[:20000]))
    found: list[str] = []
    for sentence in _SENTENCE_END.split(" ".join(plain.split())):
        if len(sentence.split()) >= words:
            found.append(fold(sentence))
            if len(found) == count:
                break
    return tuple(found)


class Found(NamedTuple):
    code: str
    severity: Severity
    message: str
    hint: str


@dataclass(frozen=True)
class Judged:
    """One copy judged: the last HTTP status seen, whether its page was read, and what was found."""

    http_status: int | None
    checked: bool
    findings: tuple[Found, ...]


def must_be_gone(row: Delivery, expected: Expected | None) -> str | None:
    """Why the copy must no longer be out there, or None while it should be."""
    if expected is not None and expected.status == "retracted":
        return "the article is retracted"
    if expected is not None and expected.status == "draft":
        return "the article was taken back to draft"
    if row.state == "retracted":
        return "syndicate took the copy down" + (" (its article file is gone)" if expected is None else "")
    if row.state == "refused":
        return "syndicate took the copy down: the licence no longer allows it there"
    return None


def removal_asked(row: Delivery) -> bool:
    """Whether syndicate asked the endpoint to take the copy down: it did (retracted, refused), or
    its take-down failed and will not be tried again (until `syndicate retry`)."""
    failed_for_good = row.state == "failed" and row.action == "delete" and row.next_attempt_at is None
    return row.state in ("retracted", "refused") or failed_for_good


def judge(
    row: Delivery,
    expected: Expected | None,
    answer: Page | PageError,
    policy: CopyPolicy | None = None,
    now: dt.datetime | None = None,
) -> Judged:
    gone = must_be_gone(row, expected)
    if isinstance(answer, PageError):
        why = f" ({gone}: whether it is gone is not known)" if gone else ""
        return _unchecked(answer.status, f"could not be checked: {answer.message}{why}", answer.hint)
    status = answer.status
    if status in (404, 410):
        if gone:
            return Judged(status, True, ())
        message = f"the copy answers HTTP {status}: it is no longer on the partner's site"
        hint = "ask the partner why; for a WordPress endpoint, `syndicate reconcile` records a copy gone for good"
        return Judged(status, True, (Found(AuditCode.COPY_MISSING, Severity.WARNING, message, hint),))
    if status != 200:
        return _unchecked(status, f"could not be checked: answered HTTP {status}", _status_hint(status))
    if not answer.is_html:
        return _unchecked(status, f"could not be checked: answered {answer.content_type}, not an HTML page", "")
    content = read_content(decode(answer.body, answer.charset), answer.url)
    policy = policy or CopyPolicy()
    if expected is None:
        if gone and shows_marker(content.html, row.article):
            return Judged(status, True, (_retraction_ignored(row, gone, policy),))
        return _unchecked(
            status,
            f"could not be checked: no readable article file has the slug {row.article!r}",
            "restore the article file (or fix its front matter) to audit its copies",
        )
    shown = shows_article(expected, content)
    if gone:
        return Judged(status, True, (_retraction_ignored(row, gone, policy),) if shown else ())
    if not shown:
        message = "the page answers, but does not show the article's text (a notice, a login wall, another page?)"
        hint = "look at the page; ask the partner what became of the copy"
        return Judged(status, True, (Found(AuditCode.COPY_MISSING, Severity.WARNING, message, hint),))
    findings = licence_findings(expected, content)
    addresses = (answer.url, row.remote_url or "")
    searched = search_findings(policy, content, answer.robots, addresses, expected.upstream)
    if too_early := early(expected.embargo_until, now or dt.datetime.now(dt.UTC)):
        searched.append(too_early)
    findings.extend(Found(code, Severity.ERROR, message, hint) for code, message, hint in searched)
    if expected.body_sentences and (altered := audit_body.changes(expected.body_sentences, content.main_lines,
                                                                  content.visible_text)):  # fmt: skip
        message = "the text differs from the article, whose licence allows no changes: " + audit_body.describe(altered)
        hint = "ask the partner to restore the text as syndicate sent it, or to take the copy down"
        findings.append(Found(AuditCode.BODY_ALTERED, Severity.ERROR, message, hint))
    return Judged(status, True, tuple(findings))


def shows_article(expected: Expected, content: PageContent) -> bool:
    where = content.main_text or content.visible_text
    return any(sentence in where for sentence in expected.sentences)


def licence_findings(expected: Expected, content: PageContent) -> list[Found]:
    findings: list[Found] = []
    if lacks := _attribution_lacks(expected, content):
        message = "the page does not show " + _and(lacks) + ", which the licence requires"
        hint = "ask the partner to restore the attribution block syndicate sent (anywhere on the page will do)"
        findings.append(Found(AuditCode.ATTRIBUTION_MISSING, Severity.ERROR, message, hint))
    if expected.conditions and not _licence_shown(expected, content):
        link = f"a link to {expected.licence_url}" if expected.licence_url else "a link to it"
        message = f"the page names no licence: neither {expected.licence_label or 'its name'} nor {link}"
        hint = "ask the partner to restore the licence line of the attribution block"
        findings.append(Found(AuditCode.LICENSE_MISSING, Severity.ERROR, message, hint))
    if not any("license" in o or "copyrightHolder" in o for o in content.json_ld):
        message = "the page has no rights JSON-LD (application/ld+json with license or copyrightHolder)"
        hint = (
            "WordPress keeps the script only for a user with the unfiltered_html capability; "
            "a partner's CMS or theme may strip it"
        )
        findings.append(Found(AuditCode.JSONLD_STRIPPED, Severity.WARNING, message, hint))
    return findings


def _attribution_lacks(expected: Expected, content: PageContent) -> list[str]:
    """What the licence's conditions ask for that the page does not show, in words."""
    conditions, lacks = expected.conditions, []
    if "attribution" in conditions and expected.source_name and fold(expected.source_name) not in content.visible_text:
        lacks.append(f"the source's name ({expected.source_name})")
    original = expected.original_url
    if "link-to-original" in conditions and original and normal_url(original) not in content.links:
        lacks.append(f"a link to the original ({original})")
    holder = expected.holder
    if "copyright-notice" in conditions and holder and not _copyright_shown(fold(holder), content.visible_text):
        lacks.append(f"the copyright notice ({expected.notice})")
    return lacks


def _licence_shown(expected: Expected, content: PageContent) -> bool:
    if any(name in content.visible_text for name in expected.licence_names):
        return True
    if expected.licence_url is None:
        return False
    target = normal_url(expected.licence_url)
    return target in content.links or target in content.licence_links


def _copyright_shown(holder: str, visible: str) -> bool:
    """The holder's name with ©, (c) or "copyright" within a few words of it."""
    start = visible.find(holder)
    while start >= 0:
        if _COPYRIGHT_MARK.search(visible, max(0, start - _NEAR), start + len(holder) + _NEAR):
            return True
        start = visible.find(holder, start + 1)
    return False


def _retraction_ignored(row: Delivery, gone: str, policy: CopyPolicy) -> Found:
    message = f"the page still shows the article, but {gone}"
    if row.state in ("retracted", "refused"):
        hint = "the partner restored or kept the copy: ask them to take it down"
    elif policy.tracked:
        hint = "ask the site to take it down"
    elif removal_asked(row):
        message += "; syndicate's request to take it down failed"
        hint = f"ask the partner to take it down, or syndicate retry {row.article} to ask again"
    else:  # syndicate's own work yet to do: no partner's doing
        message += "; syndicate has not asked the endpoint to take it down yet"
        hint = "the next run (or syndicate push) takes it down: see syndicate plan"
        return Found(AuditCode.RETRACTION_PENDING, Severity.WARNING, message, hint)
    return Found(AuditCode.RETRACTION_IGNORED, Severity.ERROR, message, hint)


def _unchecked(status: int | None, message: str, hint: str) -> Judged:
    return Judged(status, False, (Found(AuditCode.NOT_CHECKED, Severity.WARNING, message, hint),))


def _status_hint(status: int) -> str:
    if status in (401, 403):
        return "the page is not public (a login, or the server refuses syndicate's requests)"
    if status == 429 or status >= 500:
        return "the partner's server is busy or failing: the next audit tries again"
    return ""


def _upstream(data: Mapping[str, Any], original: Mapping[str, Any], source: Mapping[str, Any]) -> tuple[str, ...]:
    urls = (http_url(data.get("canonical_url")), http_url(original.get("url")), http_url(source.get("url")))
    return tuple(dict.fromkeys(u for u in urls if u))


def _timestamp(value: object) -> dt.datetime | None:
    try:
        return parse_timestamp(str(value)) if value else None
    except (TypeError, ValueError):
        return None


def _and(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " or " + parts[-1]

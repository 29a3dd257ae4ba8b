"""Where an article may go: its licence's channels, or a grant, per site and endpoint.

Each decision says why, naming the licence, the channel and who can grant more;
a refusal comes with a ready-to-send permission request.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from syndicate.articles.article import join_names
from syndicate.config import Site
from syndicate.licences.profiles import CHANNEL_PLACE, CHANNEL_WORDS, CONDITION_WORDS, LicenseProfile


@dataclass(frozen=True)
class Grant:
    """A permission obtained beyond the profile, recorded in the front matter."""

    channels: frozenset[str]
    granted_by: str
    date: str
    expires: str | None = None
    endpoints: frozenset[str] | None = None
    reference: str = ""

    def covers(self, channel: str, endpoint: str | None, today: dt.date) -> bool:
        if channel not in self.channels:
            return False
        if self.expires is not None and parse_day(self.expires) < today:
            return False
        return self.endpoints is None or endpoint in self.endpoints


@dataclass(frozen=True)
class Decision:
    allowed: bool
    channel: str
    #: the endpoint's name; None for the site itself
    target: str | None
    license_id: str
    reason: str
    contact: str
    grant: Grant | None = None


def grants_of(front_matter: Mapping[str, Any]) -> list[Grant]:
    """The well-formed grants of an article (the schema reports malformed ones)."""
    license_ = front_matter.get("license")
    raw = license_.get("grants", []) if isinstance(license_, dict) else []
    grants = []
    for item in raw if isinstance(raw, list) else []:
        try:
            endpoints = item.get("endpoints")
            parse_day(str(item["date"]))
            if "expires" in item:
                parse_day(str(item["expires"]))
            grants.append(
                Grant(
                    channels=frozenset(item["channels"]),
                    granted_by=str(item["from"]),
                    date=str(item["date"]),
                    expires=str(item["expires"]) if "expires" in item else None,
                    endpoints=frozenset(endpoints) if isinstance(endpoints, list) else None,
                    reference=str(item.get("reference", "")),
                )
            )
        except (KeyError, TypeError, AttributeError, ValueError):
            continue
    return grants


def contact_of(front_matter: Mapping[str, Any]) -> str:
    license_ = front_matter.get("license")
    contact = license_.get("contact") if isinstance(license_, dict) else None
    if isinstance(contact, str) and contact:
        return contact
    copyright_ = front_matter.get("copyright")
    holder = copyright_.get("holder") if isinstance(copyright_, dict) else None
    return f"the copyright holder ({holder})" if isinstance(holder, str) else "the copyright holder"


def decide(
    front_matter: Mapping[str, Any],
    profile: LicenseProfile,
    channel: str,
    target: str | None,
    today: dt.date,
) -> Decision:
    """May this article reach `channel` (on endpoint `target`, or the site when None)?"""
    contact = contact_of(front_matter)
    if profile.allows(channel):
        reason = f"{profile.id} allows {channel} ({CHANNEL_WORDS[channel]})"
        return Decision(True, channel, target, profile.id, reason, contact)
    grants = grants_of(front_matter)
    for grant in grants:
        if grant.covers(channel, target, today):
            reason = f"{channel} granted by {grant.granted_by} on {grant.date}"
            if grant.reference:
                reason += f" ({grant.reference})"
            return Decision(True, channel, target, profile.id, reason, contact, grant)
    reason = f"{profile.id} does not allow {channel} ({CHANNEL_WORDS[channel]})"
    if any(channel in g.channels for g in grants):
        reason += "; the grant for it has expired or does not cover this endpoint"
    return Decision(False, channel, target, profile.id, reason + f"; ask {contact}", contact)


def our_publication(site: Site | None, channel: str, description: str | None = None) -> str:
    """Where we would republish, as a rights desk says it: "our commercial website, Daily Example".

    The endpoint's description (else the channel's words), then the site's title unless it says it
    already; never an endpoint's name, which means nothing to the rights holder."""
    place = description or CHANNEL_PLACE[channel]
    if site is None or site.title.casefold() in place.casefold():
        return place
    return f"{place}, {site.title}"


def permission_request(
    front_matter: Mapping[str, Any],
    profile: LicenseProfile,
    decision: Decision,
    site: Site | None,
    where: str,
) -> str:
    """A ready-to-send email asking the contact for what the licence does not allow; `where` is
    the publication it is for, in the words of our_publication."""
    title = str(front_matter.get("title", "(untitled)"))
    authors = _names(front_matter.get("authors"))
    source = _mapping(front_matter.get("source"))
    copyright_ = _mapping(front_matter.get("copyright"))
    cited = f'"{title}"' + (f" by {authors}" if authors else "")
    if source.get("name"):
        cited += f" ({source['name']}" + (f", {source['url']}" if source.get("url") else "") + ")"
    if copyright_.get("holder"):
        cited += f", © {copyright_.get('year', '')} {copyright_['holder']}".replace("©  ", "© ")
    conditions = [CONDITION_WORDS[c] for c in sorted(profile.conditions) if c in CONDITION_WORDS]
    allowed = ", ".join(CHANNEL_WORDS[c] for c in sorted(profile.channels)) or "no channel without permission"
    to = decision.contact
    if "@" not in to:
        to += " (no address recorded: add license.contact)"
    lines = [
        f"To: {to}",
        f"Subject: Permission to republish {title}",
        "",
        "Hello,",
        "",
        f"We would like to republish this article for {where}:",
        f"{cited}.",
        f"Its licence ({profile.name}) allows: {allowed}; not {CHANNEL_WORDS[decision.channel]}. "
        "We therefore ask for your permission.",
    ]
    if conditions:
        lines.append(f"Every copy would {'; '.join(conditions)}.")
    lines += ["", "Could you let us know whether we may, and on what terms?", "", "Thank you,"]
    if site is not None:
        lines += [site.title, site.url]
    return "\n".join(lines) + "\n"


def _mapping(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _names(authors: object) -> str:
    items = authors if isinstance(authors, list) else []
    return join_names([str(a["name"]) for a in items if isinstance(a, dict) and a.get("name")])


def parse_day(value: str) -> dt.date:
    """The date of an ISO date or datetime string; ValueError when it is neither."""
    return dt.date.fromisoformat(value[:10])

"""Addresses an editor registers by hand (`syndicate track`): copies syndicate did not deliver
(a partner who copies and pastes, found through search or referrers), audited like delivered ones.

They are kept in the ledger's `tracked` table (migration 0009), each with the
article it copies, whom a notice about it goes to, and the canonical policy it
is checked against ("original" unless told otherwise; "any": not checked). An
audit reads them as copies that should be live: the article retracted or back
to draft, a page that still shows it is `retraction-ignored`.

Unlike a partner's endpoint, such a site never agreed to be read: its
robots.txt is respected (urllib.robotparser, for the audit's user agent). A
robots.txt that answers 4xx allows everything, one that cannot be read (5xx,
no answer) allows nothing, as RFC 9309 says; either way the copy is
`not-checked` with the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit
from urllib.robotparser import RobotFileParser

from syndicate.delivery.ledger import Ledger, utc_now
from syndicate.errors import UsageError

if TYPE_CHECKING:  # (the HTTP client is loaded by an audit, not by `status` reading the table)
    from syndicate.delivery.audit_fetch import PageReader

#: the endpoint name under which a tracked address's audits are kept: "track:ID"
PREFIX = "track:"
POLICIES = ("original", "copy", "noindex", "any")
#: the user agent robots.txt rules are matched against (audit_fetch.USER_AGENT's product name)
_AGENT = "syndicate"


@dataclass(frozen=True)
class Tracked:
    id: int
    url: str
    article: str
    contact: str | None
    canonical: str
    added_at: str

    @property
    def endpoint(self) -> str:
        return f"{PREFIX}{self.id}"


def track(ledger: Ledger, url: str, article: str, contact: str | None, canonical: str = "original") -> Tracked:
    """Register `url` as a copy of `article` (again: its article, contact and policy are replaced)."""
    if not _is_web_address(url):
        shown = re.sub(r"(?<=://)[^/?#]*@", "", url)  # (user:password@ is not repeated)
        raise UsageError(
            f"{shown!r} is not a web address",
            "give the page's full address: https://host/path (no spaces or control characters, a port "
            "up to 65535, no user:password@)",
        )
    if canonical not in POLICIES:
        raise UsageError(f"--canonical {canonical!r} is not one of {', '.join(POLICIES)}", "")
    with ledger.connection(write=True) as db:
        db.execute(
            "INSERT INTO tracked (url, article, contact, canonical, added_at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (url) DO UPDATE SET article = excluded.article, contact = excluded.contact, "
            "canonical = excluded.canonical",
            (url, article, contact, canonical, utc_now()),
        )
    found = [t for t in tracked(ledger) if t.url == url]
    return found[0]


def untrack(ledger: Ledger, which: str) -> Tracked | None:
    """Forget the tracked address `which` (its id, `track:ID` or its URL) and its audits."""
    wanted = which.removeprefix(PREFIX)
    for item in tracked(ledger):
        if which == item.url or wanted == str(item.id):
            with ledger.connection(write=True) as db:
                db.execute("DELETE FROM tracked WHERE id = ?", (item.id,))
                db.execute("DELETE FROM audits WHERE endpoint = ?", (item.endpoint,))
            return item
    return None


def tracked(ledger: Ledger) -> list[Tracked]:
    with ledger.connection() as db:
        rows = db.execute("SELECT id, url, article, contact, canonical, added_at FROM tracked ORDER BY id").fetchall()
    return [_item(tuple(row)) for row in rows]


def _item(row: tuple[object, ...]) -> Tracked:
    id_, url, article, contact, canonical, added_at = row
    return Tracked(
        int(str(id_)), str(url), str(article), str(contact) if contact else None, str(canonical), str(added_at)
    )


class RobotsRules:
    """Each host's robots.txt, read once per audit through the audit's reader (paced, size-limited)."""

    def __init__(self, reader: PageReader) -> None:
        self.reader = reader
        self._hosts: dict[str, RobotFileParser | str] = {}

    def refusal(self, url: str) -> str | None:
        """Why robots.txt keeps the audit from reading `url`, or None when it may."""
        parts = urlsplit(url)
        root = urlunsplit((parts.scheme, parts.netloc, "/robots.txt", "", ""))
        rules = self._hosts.get(root)
        if rules is None:
            rules = self._hosts[root] = self._read(root)
        if isinstance(rules, str):
            return rules
        if rules.can_fetch(_AGENT, url):
            return None
        return f"robots.txt at {root} asks {_AGENT} not to read this page"

    def _read(self, root: str) -> RobotFileParser | str:
        from syndicate.delivery.audit_fetch import PageError

        parser = RobotFileParser(root)
        try:
            page = self.reader.read(root)
        except PageError as e:
            return f"robots.txt at {root} could not be read ({e.message}): taken as no"
        if page.status >= 500 or page.status == 429:
            return f"robots.txt at {root} answered HTTP {page.status}: taken as no"
        # (4xx: no rules, which allow everything)
        parser.parse([] if page.status >= 400 else page.body.decode("utf-8", "replace").splitlines())
        return parser


def _is_web_address(url: str) -> bool:
    """An http(s) address a request can be made to as it is, with no credentials in it (they would be
    stored in the ledger and shown by --list, audit and the status page)."""
    if not url.isprintable() or any(c.isspace() for c in url):
        return False
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (read for the ValueError a bad port raises)
    except ValueError:
        return False
    credentials = parts.username is not None or parts.password is not None
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname) and not credentials

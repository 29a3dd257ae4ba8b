"""What a copy tells search engines, against its endpoint's canonical policy, and when it went up.

- `canonical = "original"`: the page's head must have a `<link rel="canonical">`
  to the original (the article's `canonical_url`, `original.url` or
  `source.url`), else `canonical-mismatch`.
- `canonical = "copy"`: the copy is its own canonical page: a canonical link in
  the head to any other address is `canonical-mismatch`; none is fine.
- `canonical = "noindex"`: a robots meta element (`robots` or `googlebot`) or
  an `X-Robots-Tag` header with `noindex` (or `none`), else `noindex-missing`.
  (The canonical link is not judged then: a page kept out of the index
  competes with no one.)

Only the head counts: search engines ignore a canonical link or a robots meta
element in the body.

Core WordPress (no SEO plugin) cannot carry either: it gives every post a
canonical link to the post itself, which a REST client cannot change, and has
no per-post noindex (only the whole site's "discourage search engines"). So
for an endpoint whose type cannot carry the policy (CANNOT_CARRY), a page
that shows what that CMS does by itself (a canonical link to itself, or none;
no noindex) is no finding: the audit says so once per endpoint instead
(`cannot_carry`). What the page says otherwise (a partner's SEO plugin
pointing the canonical link at a third address) is still judged.

`early-publication`: a page that shows the article while its embargo holds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from syndicate.delivery.audit_page import PageContent, normal_url
from syndicate.delivery.endpoints.http import printable
from syndicate.findings import display_time

#: endpoint type -> why it cannot carry a canonical policy other than "copy" (README, "Auditing the copies")
CANNOT_CARRY = {
    "wordpress": (
        "core WordPress gives each post a canonical link to itself and has no per-post noindex, and its "
        "REST API cannot change either (an SEO plugin can: the audit then checks what the page says)"
    ),
}


@dataclass(frozen=True)
class CopyPolicy:
    """What a copy is checked against beyond its article: its endpoint's (or tracked address's) terms."""

    #: "original", "copy" or "noindex" (config.Endpoint.canonical)
    canonical: str = "original"
    #: whether the endpoint can put the policy on its pages (False: see CANNOT_CARRY)
    carries: bool = True
    #: the partner's rights contact, for notices
    contact: str | None = None
    #: whether the address was registered by hand (`syndicate track`): robots.txt is respected
    tracked: bool = False

    def key(self) -> str:
        return f"{self.canonical}/{int(self.carries)}"


def cannot_carry(endpoint_type: str, canonical: str) -> str | None:
    """Why an endpoint of this type cannot carry this policy, or None when it can."""
    return CANNOT_CARRY.get(endpoint_type) if canonical != "copy" else None


def search_findings(
    policy: CopyPolicy, content: PageContent, header_robots: str, addresses: tuple[str, ...], upstream: tuple[str, ...]
) -> list[tuple[str, str, str]]:
    """(code, message, hint) of what the page tells search engines against the policy; `addresses`:
    the copy's own (the ledger's, the page's after redirects); `upstream`: the original's."""
    if policy.canonical not in ("original", "copy", "noindex"):
        return []  # "any": an endpoint gone from the config, a tracked address told so
    if policy.canonical == "noindex":
        directives = [_directive(d) for value in (*content.robots, header_robots) for d in value.split(",")]
        if "noindex" in directives or "none" in directives or not policy.carries:
            return []
        return [
            (
                "noindex-missing",
                "the page does not ask search engines to leave it out of their index (no robots noindex), "
                'which the endpoint\'s policy (canonical = "noindex") requires',
                'ask the partner to add <meta name="robots" content="noindex"> to the page\'s head',
            )
        ]
    own = {normal_url(a) for a in addresses if a}
    targets = {normal_url(u) for u in upstream}
    canonical = [(c, normal_url(c)) for c in content.canonical]
    if policy.canonical == "copy":
        elsewhere = [c for c, normal in canonical if normal not in own]
        if not elsewhere:
            return []
        message = f"the page's canonical link points to {printable(elsewhere[0], 200)}, but the copy is to be its own"
        return [("canonical-mismatch", message, "ask the partner to point the canonical link at the copy itself")]
    if canonical and all(normal in targets for _, normal in canonical):
        return []
    if not policy.carries and all(normal in own for _, normal in canonical):
        return []  # what the CMS does by itself: said once per endpoint
    original = upstream[0] if upstream else "the original"
    if not canonical:
        message = f"the page has no canonical link to the original ({original})"
    else:
        wrong = next(c for c, normal in canonical if normal not in targets)
        message = f"the page's canonical link points to {printable(wrong, 200)}, not to the original ({original})"
    hint = f'ask the partner to put <link rel="canonical" href="{original}"> in the page\'s head'
    return [("canonical-mismatch", message, hint)]


def _directive(said: str) -> str:
    """A robots directive; one the X-Robots-Tag header gives for a user agent ("googlebot: noindex")
    counts for Googlebot, as its meta element does (others' are not the page's: "otherbot: noindex")."""
    agent, colon, directive = said.partition(":")
    return directive.strip() if colon and agent.strip() == "googlebot" else said.strip()


def early(embargo_until: dt.datetime | None, now: dt.datetime) -> tuple[str, str, str] | None:
    """early-publication when the embargo still holds (the page was seen showing the article)."""
    if embargo_until is None or embargo_until <= now:
        return None
    return (
        "early-publication",
        f"the page shows the article before its embargo lifts ({display_time(embargo_until)})",
        "ask the partner to take the page down until then",
    )

"""`plan`: what `push` would do for each article x endpoint, and why.

Actions: create, update, delete, unchanged, refused (the licence keeps the copy
from the endpoint's channel), skipped (draft, embargo, retracted and never
delivered, not named by the article). Nothing here sends anything.

The plan can be had as a stream (`iter_plan`): each action as soon as it is
decided, its copy rendered just before. `push` consumes it that way, so that
the first copies are on their way while later ones are still being rendered.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from enum import Enum, StrEnum

from syndicate.articles.article import Article
from syndicate.checks.validate import SiteContent
from syndicate.config import Config, Endpoint
from syndicate.delivery.endpoints import payload_revision
from syndicate.delivery.endpoints.base import Remote
from syndicate.delivery.ledger import Delivery
from syndicate.licences.gate import decide
from syndicate.render.copies import Copy, make_copy


class Action(StrEnum):
    """What push does (or does not) for one article x endpoint. The values are part of `plan --format json`."""

    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    UNCHANGED = "unchanged"
    REFUSED = "refused"  # the licence keeps the copy from the endpoint's channel
    SKIPPED = "skipped"  # a draft, an embargo, errors, not named, or held back by run (Hold)


#: the actions that send something to an endpoint
SENDING = frozenset({Action.CREATE, Action.UPDATE, Action.DELETE})


class Hold(Enum):
    """Why run holds back a delivery that push would make at once."""

    RETRY_LATER = "retry later"  # it failed; its next attempt is not due yet
    GIVEN_UP = "given up"  # it failed run.max_attempts times: not tried until it changes or `syndicate retry`
    SCHEDULED = "scheduled"  # its endpoint's schedule is not due yet


@dataclass(frozen=True)
class RunPolicy:
    """How `run` holds work back that `push` does at once: retry times, gave-up rows, schedules."""

    #: endpoint name -> when its schedule next allows a push (absent: unscheduled, or due now)
    not_before: dict[str, dt.datetime]


@dataclass(frozen=True)
class PlannedAction:
    article: str
    endpoint: str
    action: Action
    reason: str
    copy: Copy | None = None
    #: the copy already at the endpoint (update, delete)
    remote: Remote | None = None
    #: an earlier attempt may have delivered it: look it up (or resend the same key) before creating
    recover: bool = False
    #: the key of the interrupted attempt, reused when recovering
    previous_key: str | None = None
    #: a delete because the article went back to draft: the endpoint unpublishes (WordPress: a draft)
    unpublish: bool = False
    #: a live copy that no longer matches its article (retracted, draft, gone, refused), left as it is
    #: because its endpoint is disabled: reported by plan, run and status until it is taken down
    stranded: bool = False
    #: why run holds it back (its action is then SKIPPED)
    held: Hold | None = None

    @property
    def sends(self) -> bool:
        return self.action in SENDING

    def idempotency_key(self) -> str:
        if self.recover and self.previous_key:
            return self.previous_key
        content = self.copy.content_hash if self.copy else ""
        seed = f"{self.article}\0{self.endpoint}\0{self.action}\0{content}"
        return hashlib.sha256(seed.encode()).hexdigest()[:32]

    def to_dict(self) -> dict[str, object]:
        return {
            "article": self.article,
            "endpoint": self.endpoint,
            "action": self.action,
            "reason": self.reason,
            "remote_url": self.remote.url if self.remote else None,
            "stranded": self.stranded,
        }


def iter_plan(
    site: SiteContent,
    config: Config,
    deliveries: Iterable[Delivery],
    now: dt.datetime,
    only_endpoint: str | None = None,
    policy: RunPolicy | None = None,
    copies: dict[str, str] | None = None,
) -> Iterator[PlannedAction]:
    """The plan, one action at a time: each copy is rendered as the stream is consumed.

    `deliveries` is read now, not as the stream is consumed: the plan compares
    the articles with the ledger as it was before a push began writing to it.
    `copies` gets the hash of each copy made (the article's file path -> Copy.content_hash): run
    keeps them with the files' records (cron/records.py), and an article read from its record
    that brings its copy's hash, delivered as it is everywhere, is planned unchanged without it.
    """
    ledger = {(d.article, d.endpoint): d for d in deliveries}
    plan = _plan(site, config, ledger, now, only_endpoint, copies)
    if policy is None:
        return plan
    return (_hold(a, ledger.get((a.article, a.endpoint)), now, policy) for a in plan)


def _plan(
    site: SiteContent,
    config: Config,
    ledger: dict[tuple[str, str], Delivery],
    now: dt.datetime,
    only_endpoint: str | None,
    copies: dict[str, str] | None = None,
) -> Iterator[PlannedAction]:
    chosen = [e for e in config.endpoints if only_endpoint is None or e.name == only_endpoint]
    endpoints = [e for e in chosen if e.enabled]
    for slug in site.drafts:
        yield from (_draft(slug, e.name, ledger.get((slug, e.name))) for e in endpoints)
    for slug in site.invalid:
        yield from (
            PlannedAction(slug, e.name, Action.SKIPPED, "has errors: see syndicate validate") for e in endpoints
        )
    for article in sorted(site.articles, key=lambda a: a.slug):
        unchanged = _delivered_as_recorded(article, endpoints, ledger, now)
        if unchanged is not None:
            yield from unchanged
            continue
        copy: Copy | None = None
        for endpoint in endpoints:
            row = ledger.get((article.slug, endpoint.name))
            action = _decide(article, endpoint.name, endpoint.channel, row, site, now)
            if action.action in (Action.CREATE, Action.UPDATE, Action.UNCHANGED):
                if copy is None:
                    copy = _copy(article, site)
                    if copies is not None:
                        copies[str(article.path)] = copy.content_hash
                action = _compare(action, _as_sent_to(copy, endpoint), row)
            yield action
    known = {a.slug for a in site.articles} | set(site.drafts) | set(site.invalid)
    names = {e.name for e in endpoints}
    for (slug, endpoint_name), row in sorted(ledger.items()):
        remote = _remote(row)
        if slug in known or endpoint_name not in names or remote is None:
            continue
        if config.run.retract_deleted and site.unnamed:
            # a file whose slug cannot be read (broken front matter) may be this article: not retracted on a guess
            reason = f"no file has this slug, but {site.unnamed[0]} has errors and no readable slug: its copy stays"
            yield PlannedAction(slug, endpoint_name, Action.SKIPPED, reason, remote=remote)
        elif config.run.retract_deleted:
            yield PlannedAction(slug, endpoint_name, Action.DELETE, "the article file is gone", remote=remote)
        else:
            reason = 'the article file is gone; its copy stays ([run] deleted = "retract" removes it)'
            yield PlannedAction(slug, endpoint_name, Action.SKIPPED, reason, remote=remote)
    disabled = [e for e in chosen if not e.enabled]
    if disabled:
        yield from _stranded(site, config, ledger, disabled, now)


def _delivered_as_recorded(
    article: Article, endpoints: list[Endpoint], ledger: dict[tuple[str, str], Delivery], now: dt.datetime
) -> list[PlannedAction] | None:
    """The plan of an article read from its file's record (cron/records.py) that brings its copy's
    hash, when every endpoint holds that copy as delivered: each unchanged, without making the
    copy (its `copy` is None). None otherwise: it is planned in full."""
    copy_hash, allowed = getattr(article, "copy_hash", None), getattr(article, "allowed_at", None)
    if copy_hash is None or allowed is None or article.status != "ready" or article.embargoed(now):
        return None
    actions = []
    for endpoint in endpoints:
        row = ledger.get((article.slug, endpoint.name))
        remote = _remote(row)
        named = article.endpoints is None or endpoint.name in article.endpoints
        if not named or endpoint.name not in allowed or row is None or remote is None or row.state != "delivered":
            return None
        if row.content_hash != _sent_hash(copy_hash, endpoint):
            return None
        actions.append(PlannedAction(article.slug, endpoint.name, Action.UNCHANGED, _CURRENT, remote=remote))
    return actions


def _draft(slug: str, endpoint: str, row: Delivery | None) -> PlannedAction:
    """A draft is never pushed; one that was delivered before has its copy taken down."""
    remote = _remote(row)
    if remote is None:
        return PlannedAction(slug, endpoint, Action.SKIPPED, "draft: not pushed")
    reason = "set back to draft: its copy is taken down"
    return PlannedAction(slug, endpoint, Action.DELETE, reason, remote=remote, unpublish=True)


def _stranded(
    site: SiteContent,
    config: Config,
    ledger: dict[tuple[str, str], Delivery],
    disabled: list[Endpoint],
    now: dt.datetime,
) -> Iterator[PlannedAction]:
    """Live copies at disabled endpoints that the article's state says should come down.

    A disabled endpoint is not pushed, so nothing takes them down: each is
    named until the endpoint is enabled again (and the copy removed) or the
    copy is removed by hand and `syndicate reconcile` records it.
    """
    articles = {a.slug: a for a in site.articles}
    drafts, invalid = set(site.drafts), set(site.invalid)
    names = {e.name: e for e in disabled}
    for (slug, endpoint_name), row in sorted(ledger.items()):
        remote = _remote(row)
        endpoint = names.get(endpoint_name)
        if endpoint is None or remote is None or slug in invalid:
            continue
        if slug in drafts:
            why = "set back to draft"
        elif slug in articles:
            decided = _decide(articles[slug], endpoint.name, endpoint.channel, row, site, now)
            if decided.action is not Action.DELETE:
                continue
            why = decided.reason
        elif config.run.retract_deleted and not site.unnamed:
            why = "the article file is gone"
        else:
            continue
        reason = f"{why}, copy still live at {endpoint_name}: endpoint disabled"
        yield PlannedAction(slug, endpoint_name, Action.SKIPPED, reason, remote=remote, stranded=True)


def stranded_state(actions: Iterable[PlannedAction]) -> str:
    """The stranded copies of a whole-site plan as the ledger keeps them for `status` (JSON)."""
    return json.dumps([[a.article, a.endpoint, a.reason] for a in actions if a.stranded], ensure_ascii=False)


def read_stranded(value: str | None) -> dict[tuple[str, str], str]:
    """(article, endpoint) -> why its live copy should come down, as the last run or push found."""
    try:
        found = json.loads(value or "[]")
    except ValueError:
        return {}
    return {(str(a), str(e)): str(r) for a, e, r in found} if isinstance(found, list) else {}


def _hold(action: PlannedAction, row: Delivery | None, now: dt.datetime, policy: RunPolicy) -> PlannedAction:
    """For run: keep a delivery back until its retry time or its endpoint's schedule comes."""
    if not action.sends:
        return action
    if row is not None and row.state == "failed":
        if row.next_attempt_at and dt.datetime.fromisoformat(row.next_attempt_at) > now:
            reason = f"failed; next attempt at {row.next_attempt_at}"
            return replace(action, action=Action.SKIPPED, reason=reason, held=Hold.RETRY_LATER)
        if row.next_attempt_at is None and row.idempotency_key == action.idempotency_key():
            reason = f"failed, not retried until it changes or `syndicate retry`: {row.last_error}"
            return replace(action, action=Action.SKIPPED, reason=reason, held=Hold.GIVEN_UP)
    due = policy.not_before.get(action.endpoint)
    if due is not None and due > now:
        reason = f"scheduled: next push at {due.isoformat()}"
        return replace(action, action=Action.SKIPPED, reason=reason, held=Hold.SCHEDULED)
    return action


def _as_sent_to(copy: Copy, endpoint: Endpoint) -> Copy:
    """The copy with a hash that also covers what this endpoint adds to it (a WordPress post's date)."""
    sent = _sent_hash(copy.content_hash, endpoint)
    return copy if sent == copy.content_hash else replace(copy, content_hash=sent)


def _sent_hash(content_hash: str, endpoint: Endpoint) -> str:
    revision = payload_revision(endpoint)
    if not revision:
        return content_hash
    return "sha256:" + hashlib.sha256(f"{content_hash}\0{revision}".encode()).hexdigest()


def _copy(article: Article, site: SiteContent) -> Copy:
    profile = site.checks.registry.get(article.license_id)
    assert profile is not None  # validated
    return make_copy(article, profile, site.checks.config.site if site.checks.config else None)


_CURRENT = "delivered copy is current"

#: states whose remote id names no live copy: taken down (retracted; refused, which is recorded only
#: once no copy is out there), or not known (unknown)
_NOT_LIVE = ("retracted", "refused", "unknown")


def _remote(row: Delivery | None) -> Remote | None:
    """The live copy the ledger records, if any."""
    if row is None or row.remote_id is None or row.state in _NOT_LIVE:
        return None
    return Remote(row.remote_id, row.remote_url or "")


def _taken_down(row: Delivery | None) -> Remote | None:
    """A copy taken down earlier (retracted, back to draft, no longer allowed) that the endpoint may still keep."""
    if row is None or row.remote_id is None or row.state not in ("retracted", "refused"):
        return None
    return Remote(row.remote_id, row.remote_url or "")


def _decide(
    article: Article, endpoint: str, channel: str, row: Delivery | None, site: SiteContent, now: dt.datetime
) -> PlannedAction:
    remote = _remote(row)

    def remove_or(action: Action, reason: str) -> PlannedAction:
        if remote is not None:
            return PlannedAction(article.slug, endpoint, Action.DELETE, reason, remote=remote)
        return PlannedAction(article.slug, endpoint, action, reason)

    if article.status == "retracted":
        return remove_or(Action.SKIPPED, "retracted")
    if article.endpoints is not None and endpoint not in article.endpoints:
        return remove_or(Action.SKIPPED, "not named in the article's endpoints")
    profile = site.checks.registry.get(article.license_id)
    assert profile is not None
    decision = decide(article.front_matter, profile, channel, endpoint, site.checks.today)
    if not decision.allowed:
        return remove_or(Action.REFUSED, decision.reason)
    if article.embargoed(now):
        assert article.embargo_until is not None
        return PlannedAction(
            article.slug, endpoint, Action.SKIPPED, f"embargoed until {article.embargo_until.isoformat()}"
        )
    return PlannedAction(article.slug, endpoint, Action.CREATE if remote is None else Action.UPDATE, decision.reason)


def _compare(action: PlannedAction, copy: Copy, row: Delivery | None) -> PlannedAction:
    """create, update or unchanged, by the ledger's record of what was delivered."""
    remote = _remote(row)
    interrupted = row is not None and row.state in ("pending", "failed")
    # pending: a run died mid-delivery; failed: the endpoint refused or did not answer
    earlier = "failed" if row is not None and row.state == "failed" else "was interrupted"
    if row is not None and row.state == "unknown":
        reason = (
            f"unknown whether {action.endpoint} holds a copy (the ledger was rebuilt; it cannot be asked): "
            f"syndicate reconcile --endpoint {action.endpoint} --assume-new sends it, --assume-delivered "
            "records it as delivered"
        )
        return PlannedAction(action.article, action.endpoint, Action.SKIPPED, reason, copy, stranded=True)
    if remote is None:
        recover = interrupted and row is not None and row.action == "create"
        earlier_copy = _taken_down(row)
        reason = f"an earlier attempt {earlier}: look it up first" if recover else action.reason
        return PlannedAction(
            action.article,
            action.endpoint,
            Action.CREATE,
            "its copy was taken down: restored" if earlier_copy else reason,
            copy,
            remote=earlier_copy,
            recover=recover,
            previous_key=row.idempotency_key if row else None,
        )
    if row is not None and row.state == "delivered" and row.content_hash == copy.content_hash:
        return PlannedAction(action.article, action.endpoint, Action.UNCHANGED, _CURRENT, copy, remote)
    if row is not None and row.state == "delivered" and row.content_hash is None:
        reason = "the ledger was rebuilt (syndicate reconcile): the copy is sent as it is now"
    elif row is not None and row.state == "delivered":
        reason = "content or metadata changed"
    else:
        reason = "an earlier update failed" if earlier == "failed" else "an earlier update did not finish"
    return PlannedAction(action.article, action.endpoint, Action.UPDATE, reason, copy, remote)

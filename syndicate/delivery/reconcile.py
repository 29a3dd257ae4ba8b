"""`reconcile`: rebuild the ledger's record of delivered copies from what the endpoints hold.

For a ledger that was lost (emptied, replaced, restored from an old backup):
each article x endpoint the ledger has no row for is looked up at the endpoint.

- A folder or WordPress copy that is there is recorded as delivered, with its
  content unknown: the next push sends it as the article is now (an update,
  never a second copy). WordPress posts count only when they are ours (the
  marker or the attribution block syndicate writes; endpoints/wordpress.py).
- A webhook cannot be asked. A copy the plan would create there is recorded
  `unknown`, and never sent until someone decides: `--assume-new` (the
  receiver does not have it: the next push sends it) or `--assume-delivered`
  (it has it, as the article is now).

Nothing is sent. When every endpoint could be asked, the ledger takes over
the receipt's id (ledger_receipt.py), so runs start again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum

from syndicate.checks.validate import SiteContent
from syndicate.config import Config
from syndicate.delivery.endpoints import open_endpoint
from syndicate.delivery.endpoints.base import Endpoint
from syndicate.delivery.ledger import Ledger
from syndicate.delivery.plan import Action, iter_plan
from syndicate.errors import DeliveryError


class Assume(Enum):
    """What to take a webhook's copies for, since it cannot be asked."""

    UNKNOWN = "unknown"
    NEW = "new"
    DELIVERED = "delivered"


class Finding(Enum):
    FOUND = "found"
    UNKNOWN = "unknown"
    ASSUMED_DELIVERED = "assumed delivered"
    ASSUMED_NEW = "assumed new"


@dataclass(frozen=True)
class Reconciled:
    article: str
    endpoint: str
    finding: Finding
    url: str = ""


@dataclass
class ReconcileResult:
    rows: list[Reconciled] = field(default_factory=list)
    #: endpoints that could not be asked, with why: the ledger keeps its refusal until they can
    failures: list[tuple[str, DeliveryError]] = field(default_factory=list)
    #: (article, endpoint) pairs looked up and not found: the next push creates them
    not_found: int = 0

    @property
    def ok(self) -> bool:
        return not self.failures

    def count(self, finding: Finding) -> int:
        return sum(row.finding is finding for row in self.rows)


def reconcile(
    config: Config,
    site: SiteContent,
    ledger: Ledger,
    environ: Mapping[str, str],
    only_endpoint: str | None = None,
    assume: Assume = Assume.UNKNOWN,
    now: dt.datetime | None = None,
) -> ReconcileResult:
    """Record what the endpoints hold for the pairs the ledger has no row for (see the module)."""
    now = now or dt.datetime.now(dt.UTC)
    result = ReconcileResult()
    slugs = sorted({a.slug for a in site.articles} | set(site.drafts) | set(site.invalid))
    for endpoint in config.endpoints:
        if only_endpoint not in (None, endpoint.name):
            continue
        try:
            client = open_endpoint(endpoint, config.root, environ)
        except DeliveryError as e:
            result.failures.append((endpoint.name, e))
            continue
        try:
            if not client.can_find:
                _decide_webhook(config, site, ledger, endpoint.name, assume, now, result)
            else:
                _look_up(client, ledger, endpoint.name, slugs, result)
        except DeliveryError as e:
            result.failures.append((endpoint.name, e))
        finally:
            client.close()
    # the record changed under run's feet: its next run does the work, not the quick no-op answer
    ledger.set_state({"next_wakeup": now.isoformat(timespec="seconds")})
    if result.ok and only_endpoint is None:
        ledger.adopt_receipt()
    return result


def _look_up(client: Endpoint, ledger: Ledger, endpoint: str, slugs: list[str], result: ReconcileResult) -> None:
    recorded = {d.article for d in ledger.all() if d.endpoint == endpoint}
    for slug in slugs:
        if slug in recorded:
            continue
        found = client.find(slug, "")
        if found is None:
            result.not_found += 1
            continue
        ledger.delivered(slug, endpoint, found.id, found.url, None, None)
        result.rows.append(Reconciled(slug, endpoint, Finding.FOUND, found.url))


def _decide_webhook(
    config: Config,
    site: SiteContent,
    ledger: Ledger,
    endpoint: str,
    assume: Assume,
    now: dt.datetime,
    result: ReconcileResult,
) -> None:
    if assume is not Assume.UNKNOWN:
        ledger.forget_unknown(endpoint)  # decided now
    for action in iter_plan(site, config, ledger.all(), now, endpoint):
        if action.action is not Action.CREATE or action.recover or action.copy is None:
            continue
        if assume is Assume.NEW:
            result.rows.append(Reconciled(action.article, endpoint, Finding.ASSUMED_NEW))
        elif assume is Assume.DELIVERED:
            url = str(next(e for e in config.endpoints if e.name == endpoint).settings.get("url", ""))
            copy = action.copy
            ledger.delivered(action.article, endpoint, action.article, url, copy.content_hash, copy.body_hash)
            result.rows.append(Reconciled(action.article, endpoint, Finding.ASSUMED_DELIVERED, url))
        else:
            ledger.unknown(action.article, endpoint)
            result.rows.append(Reconciled(action.article, endpoint, Finding.UNKNOWN))

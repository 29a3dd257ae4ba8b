"""`audit`: read every copy the ledger records at a web address, and every address an editor
tracks by hand, and say where reality differs from the licence, from the endpoint's policy and
from the newsroom's latest decision.

The copies: each ledger row with a remote id and an http(s) remote URL, but
those whose state is `unknown` (a rebuilt ledger cannot vouch for them): live
copies, and copies taken down (a retracted or refused row keeps its address);
and each tracked address (audit_tracked.py, robots.txt respected there).
Each page is read politely (audit_fetch.py), judged against its article as the
content folder has it now and its endpoint's policy (audit_checks.py), and the
outcome is added to the ledger's `audits` table (audit_store.py), so that each
audit also says which findings are new since the last audit that read that
copy, and which were resolved.

Requests are conditional: with the last read's ETag and Last-Modified, while
what the copy is judged against is the same (its article, its policy, its
ledger state, whether an embargo holds); a 304 keeps the last result.

Hosts are read at once by up to HOSTS_AT_ONCE workers, each host one copy
after another (audit_fetch.by_host): the per-host interval holds, a free
worker takes the host whose turn comes first, and a slow host delays only its
own copies. The caller holds the run lock (`audit`, and `run` when an audit
is due): two audits at once would each draft the same notice.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit

from syndicate.articles.content_folder import content_files
from syndicate.articles.front_matter import read_article_file
from syndicate.config import Config
from syndicate.delivery import audit_store
from syndicate.delivery.audit_checks import VIOLATIONS, Expected, Found, Judged, judge, removal_asked
from syndicate.delivery.audit_fetch import HostPacer, Page, PageError, PageReader, by_host
from syndicate.delivery.audit_policy import CopyPolicy, cannot_carry
from syndicate.delivery.audit_tracked import RobotsRules, tracked
from syndicate.delivery.endpoints import SOCIAL_TYPES
from syndicate.delivery.ledger import Delivery, Ledger, utc_now
from syndicate.findings import Severity
from syndicate.licences.profiles import load_registry

#: hosts read at the same time (each one copy after another, at its per-host interval)
HOSTS_AT_ONCE = 8


@dataclass(frozen=True)
class AuditFinding:
    article: str
    endpoint: str
    url: str
    code: str
    severity: Severity
    message: str
    hint: str = ""
    #: not found by the last audit that read this copy (False when there was none: nothing to compare)
    new: bool = False

    @property
    def violation(self) -> bool:
        return self.code in VIOLATIONS

    def to_dict(self) -> dict[str, object]:
        return {
            "article": self.article,
            "endpoint": self.endpoint,
            "url": self.url,
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "hint": self.hint,
            "new": self.new,
        }


@dataclass(frozen=True)
class CopyAudit:
    article: str
    endpoint: str
    url: str
    #: the last HTTP status seen (None: no answer)
    http_status: int | None
    #: whether the page was read and judged (not-checked says why not)
    checked: bool
    findings: tuple[AuditFinding, ...]
    #: the partner's rights contact (the endpoint's, or the tracked address's)
    contact: str | None = None
    #: when the page answered 304: the time of the audit whose result is kept
    unchanged_since: str | None = None
    #: whether an earlier audit had read the page (so that `new` says what changed since)
    compared: bool = False

    @property
    def holds(self) -> bool:
        return self.checked and not self.findings


@dataclass
class AuditReport:
    copies: list[CopyAudit] = field(default_factory=list)
    #: findings of the last audit of a copy read again now that are no longer found
    resolved: list[AuditFinding] = field(default_factory=list)
    #: when each resolved finding was last seen: (article, endpoint) -> checked_at
    last_seen: dict[tuple[str, str], str] = field(default_factory=dict)
    #: what the audit could not check for a whole endpoint, once each (a policy its CMS cannot carry)
    notes: list[str] = field(default_factory=list)

    @property
    def findings(self) -> list[AuditFinding]:
        return [f for c in self.copies for f in c.findings]

    @property
    def violations(self) -> list[AuditFinding]:
        return [f for f in self.findings if f.violation]

    @property
    def ok(self) -> bool:
        """No copy violates its licence or the newsroom's decision (pages not read do not count)."""
        return not self.violations

    def to_dict(self) -> dict[str, object]:
        """What `audit --format json` prints (and `run --format json` as its `audit`)."""
        return {
            "ok": self.ok,
            "copies": len(self.copies),
            "hold": sum(1 for c in self.copies if c.holds),
            "not_checked": sum(1 for c in self.copies if not c.checked),
            "unchanged": sum(1 for c in self.copies if c.unchanged_since),
            "notes": self.notes,
            "findings": [f.to_dict() | {"unchanged_since": c.unchanged_since} for c in self.copies for f in c.findings],
            "resolved": [
                f.to_dict() | {"last_seen": self.last_seen.get((f.article, f.endpoint))} for f in self.resolved
            ],
        }


@dataclass(frozen=True)
class Target:
    """One copy to read: its ledger row (a tracked address as one) and what it is held to."""

    row: Delivery
    policy: CopyPolicy


def audited_rows(rows: Iterable[Delivery], endpoint: str | None = None, article: str | None = None) -> list[Delivery]:
    """The ledger rows whose copies an audit reads."""
    return [
        row
        for row in rows
        if row.remote_id is not None
        and row.state != "unknown"
        and _is_web_address(row.remote_url)
        and (endpoint is None or row.endpoint == endpoint)
        and (article is None or row.article == article)
    ]


def targets(config: Config, ledger: Ledger, endpoint: str | None, article: str | None) -> list[Target]:
    """The copies an audit reads, with their policies: delivered ones, then tracked ones."""
    policies = {
        e.name: CopyPolicy(e.canonical, cannot_carry(e.type, e.canonical) is None, e.contact) for e in config.endpoints
    }
    # a social post is about the article, not a copy of its text: nothing of the copy to find there
    social = {e.name for e in config.endpoints if e.type in SOCIAL_TYPES}
    found = [
        Target(row, policies.get(row.endpoint, CopyPolicy("any")))
        for row in audited_rows(ledger.all(), endpoint, article)
        if row.endpoint not in social
    ]
    for item in tracked(ledger):
        if (endpoint is None or endpoint == item.endpoint) and (article is None or article == item.article):
            row = Delivery(item.article, item.endpoint, "delivered", remote_id=str(item.id), remote_url=item.url)
            found.append(Target(row, CopyPolicy(item.canonical, True, item.contact, tracked=True)))
    return found


def expectations(config: Config) -> dict[str, Expected]:
    """slug -> what its copies show, for every article file whose front matter can be read."""
    registry = load_registry(config.paths.licenses)
    found: dict[str, Expected] = {}
    for path in content_files(config):
        parsed, _ = read_article_file(path, str(path), config.limits.max_article_bytes)
        slug = parsed.data.get("slug") if parsed.data else None
        if parsed.data is None or not isinstance(slug, str) or slug in found:
            continue  # (a slug two files share: the first is taken; validate reports it)
        found[slug] = Expected.of(slug, parsed.data, parsed.body, registry)
    return found


def audit(
    config: Config,
    ledger: Ledger,
    endpoint: str | None = None,
    article: str | None = None,
    reader: PageReader | None = None,
    progress: Callable[[int, int], None] | None = None,
    now: dt.datetime | None = None,
    before_recording: Callable[[AuditReport], None] | None = None,
) -> AuditReport:
    """Read and judge each copy (of one endpoint, of one article), record the outcome, compare.

    `before_recording(report)` is called before the outcome is recorded (the notices are drafted
    there): when it raises, nothing is recorded, so the next audit finds the same violations new
    again and drafts their notices then, instead of never."""
    now = now or dt.datetime.now(dt.UTC)
    work = targets(config, ledger, endpoint, article)
    expected = expectations(config) if work else {}
    last = audit_store.last_checked(ledger)
    own_reader = reader is None
    reader = reader or PageReader(HostPacer(config.audit.per_host_interval), config.audit.timeout)
    robots = RobotsRules(reader)
    done: list[tuple[CopyAudit, audit_store.StoredAudit]] = []
    lock = threading.Lock()

    def read(target: Target) -> None:
        outcome = _audit_copy(target, expected.get(target.row.article), last, reader, robots, now)
        with lock:
            done.append(outcome)
            if progress:
                progress(len(done), len(work))

    queues: dict[str, list[Target]] = {}
    for target in sorted(work, key=lambda t: (t.row.article, t.row.endpoint)):
        queues.setdefault(_host(target.row.remote_url or ""), []).append(target)
    try:
        by_host(queues, reader.pacer, HOSTS_AT_ONCE, read)
    finally:
        if own_reader:
            reader.close()
    done.sort(key=lambda pair: (pair[0].article, pair[0].endpoint))
    report = _compare([copy for copy, _ in done], last)
    report.notes = _notes(config, work)
    if before_recording is not None:
        before_recording(report)
    if done:
        audit_store.record(ledger, [stored for _, stored in done], config.audit.keep)
    return report


def _audit_copy(
    target: Target,
    expected: Expected | None,
    last: dict[tuple[str, str], audit_store.StoredAudit],
    reader: PageReader,
    robots: RobotsRules,
    now: dt.datetime,
) -> tuple[CopyAudit, audit_store.StoredAudit]:
    row, policy = target.row, target.policy
    url = row.remote_url or ""
    against = _judged_against(row, expected, policy, now)
    before = last.get((row.article, row.endpoint))
    same = before is not None and before.judged_against == against and before.url == url
    answer: Page | PageError
    try:
        refusal = robots.refusal(url) if policy.tracked else None
        if refusal:
            raise PageError(refusal, "remove the address with `syndicate track --remove`, or ask the site")
        answer = reader.read(url, before.etag, before.last_modified) if same and before else reader.read(url)
    except PageError as e:
        answer = e
    unchanged_since = None
    if isinstance(answer, Page) and answer.status == 304 and same and before:
        kept = tuple(Found(str(f.get("code")), _severity(f), str(f.get("message", "")), str(f.get("hint", "")))
                     for f in before.findings)  # fmt: skip
        judged = Judged(304, True, kept)
        unchanged_since = before.checked_at
        etag, modified = before.etag, before.last_modified
    else:
        judged = judge(row, expected, answer, policy, now)
        # only a page read whole may be stood for by a 304: never a 404 (a copy taken down whose
        # page a partner puts back, its file's time kept, must be read again, not kept as gone)
        page = answer if isinstance(answer, Page) and answer.status == 200 and judged.checked else None
        etag = page.etag or None if page else None
        modified = page.last_modified or None if page else None
    findings = tuple(
        AuditFinding(row.article, row.endpoint, url, code, severity, message, hint)
        for code, severity, message, hint in judged.findings
    )
    copy = CopyAudit(
        row.article, row.endpoint, url, judged.http_status, judged.checked, findings, policy.contact, unchanged_since
    )
    kept_findings = tuple(f._asdict() | {"severity": f.severity.value} for f in judged.findings)
    stored = audit_store.StoredAudit(
        row.article, row.endpoint, url, utc_now(), judged.http_status, judged.checked, kept_findings,
        etag, modified, against,
    )  # fmt: skip
    return copy, stored


def _judged_against(row: Delivery, expected: Expected | None, policy: CopyPolicy, now: dt.datetime) -> str:
    """A digest of all a copy is judged against but its page: a 304 keeps the last result only
    while it is the same (a failed take-down given up on is judged otherwise than one to retry)."""
    given_up = "/asked" if row.state == "failed" and removal_asked(row) else ""
    parts = [row.state + given_up, policy.key(), str(expected is not None and expected.embargo_until is not None
                                          and expected.embargo_until > now)]  # fmt: skip
    if expected is not None:
        fields = dataclasses.asdict(expected) | {"conditions": sorted(expected.conditions)}
        parts.append(repr(sorted(fields.items())))
    return "sha256:" + hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


def _notes(config: Config, work: list[Target]) -> list[str]:
    audited = {t.row.endpoint for t in work}
    notes = []
    for endpoint in config.endpoints:
        reason = cannot_carry(endpoint.type, endpoint.canonical)
        if endpoint.name in audited and reason:
            notes.append(
                f"endpoint {endpoint.name!r}: canonical = {endpoint.canonical!r} cannot be carried there ({reason}); "
                "its copies are held to it only where the page says otherwise"
            )
    return notes


def _compare(copies: list[CopyAudit], last: dict[tuple[str, str], audit_store.StoredAudit]) -> AuditReport:
    """Marks what is new since the last audit that read each copy, and lists what was resolved."""
    report = AuditReport()
    for copy in copies:
        before = last.get((copy.article, copy.endpoint))
        if before is None or not copy.checked:
            report.copies.append(copy)
            continue
        then = {str(f.get("code")) for f in before.findings}
        now = {f.code for f in copy.findings}
        marked = tuple(replace(f, new=f.code not in then) for f in copy.findings)
        report.copies.append(replace(copy, findings=marked, compared=True))
        for item in before.findings:
            if str(item.get("code")) not in now:
                message, hint = str(item.get("message", "")), str(item.get("hint", ""))
                report.resolved.append(
                    AuditFinding(
                        copy.article, copy.endpoint, copy.url, str(item.get("code")), _severity(item), message, hint
                    )
                )
                report.last_seen[(copy.article, copy.endpoint)] = before.checked_at
    return report


def _severity(item: dict[str, str]) -> Severity:
    return Severity.ERROR if item.get("severity") == "error" else Severity.WARNING


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def _is_web_address(url: str | None) -> bool:
    if not url:
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)

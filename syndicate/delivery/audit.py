"""`audit`: read every copy the ledger records at a web address, and say where reality differs
from the licence and from the newsroom's latest decision.

The copies: each ledger row with a remote id and an http(s) remote URL, but
those whose state is `unknown` (a rebuilt ledger cannot vouch for them): live
copies, and copies taken down (a retracted or refused row keeps its address).
Each page is read politely (audit_fetch.py), judged against its article as the
content folder has it now (audit_checks.py), and the outcome is added to the
ledger's `audits` table (audit_store.py), so that each audit also says which
findings are new since the last audit that read that copy, and which were resolved.

Hosts are visited in turn (round robin), so that the per-host interval keeps
one host from being asked twice in a row while another waits. Nothing here
takes the run lock: an audit writes only its own table, in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from itertools import zip_longest
from urllib.parse import urlsplit

from syndicate.articles.content_folder import content_files
from syndicate.articles.front_matter import read_article_file
from syndicate.config import Config
from syndicate.delivery import audit_store
from syndicate.delivery.audit_checks import VIOLATIONS, Expected, judge
from syndicate.delivery.audit_fetch import HostPacer, Page, PageError, PageReader
from syndicate.delivery.endpoints import SOCIAL_TYPES
from syndicate.delivery.ledger import Delivery, Ledger, utc_now
from syndicate.findings import Severity
from syndicate.licences.profiles import load_registry


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
) -> AuditReport:
    """Read and judge each copy (of one endpoint, of one article), record the outcome, compare."""
    # a social post is about the article, not a copy of its text: nothing of the copy to find there
    social = {e.name for e in config.endpoints if e.type in SOCIAL_TYPES}
    rows = _round_robin([r for r in audited_rows(ledger.all(), endpoint, article) if r.endpoint not in social])
    expected = expectations(config) if rows else {}
    own_reader = reader is None
    reader = reader or PageReader(HostPacer(config.audit.per_host_interval), config.audit.timeout)
    copies: list[CopyAudit] = []
    stored: list[audit_store.StoredAudit] = []
    try:
        for done, row in enumerate(rows, 1):
            url = row.remote_url or ""
            answer: Page | PageError
            try:
                answer = reader.read(url)
            except PageError as e:
                answer = e
            judged = judge(row, expected.get(row.article), answer)
            findings = tuple(
                AuditFinding(row.article, row.endpoint, url, code, severity, message, hint)
                for code, severity, message, hint in judged.findings
            )
            copies.append(CopyAudit(row.article, row.endpoint, url, judged.http_status, judged.checked, findings))
            kept = tuple(f._asdict() | {"severity": f.severity.value} for f in judged.findings)
            stored.append(
                audit_store.StoredAudit(
                    row.article, row.endpoint, url, utc_now(), judged.http_status, judged.checked, kept
                )
            )
            if progress:
                progress(done, len(rows))
    finally:
        if own_reader:
            reader.close()
    report = _compare(copies, audit_store.last_checked(ledger))
    if stored:
        audit_store.record(ledger, stored)
    return report


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
        report.copies.append(replace(copy, findings=marked))
        for item in before.findings:
            if str(item.get("code")) not in now:
                severity = Severity.ERROR if item.get("severity") == "error" else Severity.WARNING
                message, hint = str(item.get("message", "")), str(item.get("hint", ""))
                report.resolved.append(
                    AuditFinding(copy.article, copy.endpoint, copy.url, str(item.get("code")), severity, message, hint)
                )
                report.last_seen[(copy.article, copy.endpoint)] = before.checked_at
    return report


def _round_robin(rows: list[Delivery]) -> list[Delivery]:
    """The rows in turns of hosts: one copy of each host, then the next of each, and so on."""
    by_host: dict[str, list[Delivery]] = {}
    for row in sorted(rows, key=lambda r: (r.article, r.endpoint)):
        by_host.setdefault(_host(row.remote_url or ""), []).append(row)
    turns = zip_longest(*by_host.values())
    return [row for turn in turns for row in turn if row is not None]


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

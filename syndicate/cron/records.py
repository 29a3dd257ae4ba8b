"""Each article file's record: what a run after a small change needs of a file that did not change.

`run` keeps each file's checked article in the ledger (incremental.py: the row, zstd-compressed
JSON and the body, and its rendered copy). Reading 10,000 of those back was most of a run after
one change. Beside each row it now keeps a record (the table `article_records`, migration 0010):
a short tuple, stored with `marshal`, of what the load, the report, the feeds and the plan need
of an unchanged file (`Record`, `Facts`):

- for the load and the report: the path findings name it by, whether its front matter was read,
  its slug (and the slug's line), status, licence, body digest, and its own findings;
- for the feeds: published, updated (and whether a date alone), embargo, tags, the front
  matter's digest, the site channel's licence decision (allowed, granted) and the digest of what
  its feed entry is made from;
- for the plan: its endpoints, the endpoints its licence allows, and (`copy_hash`, a column set
  after a plan made the copy: keep_copy_hashes) its copy's hash.

A record is written with its row, in the same transaction, and is read only for the same file
(its stat), made under the same config, licence profiles, syndicate version and year, or day for
an article with a grant that expires (made_under, Validity).
Anything else in an article (title, body, authors, the front matter) is read from its row only
when asked for: `RecordedArticle` loads it then, and `Loader.load` loads many in one query
(the entries of the feed documents to rebuild, the articles the plan makes copies of).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import marshal
import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from syndicate.articles.article import Article
from syndicate.findings import Code, Finding, Severity
from syndicate.render import compression

if TYPE_CHECKING:
    from syndicate.articles.parsed_article import ParsedArticle
    from syndicate.checks.article_checks import Checks
    from syndicate.delivery.ledger import Ledger

#: raised when what a record holds changes: records of another version are not read (the rows are)
RECORD_VERSION = 1
#: findings made across files or against the ledger each run, never kept with a file's own
NOT_KEPT = (Code.DUPLICATE_SLUG, Code.BODY_CHANGED_SINCE_DELIVERY)
#: the Article fields a record holds; the others are read from the row when asked for
RECORDED_FIELDS = frozenset(
    {"slug", "status", "published", "updated", "updated_is_date", "embargo_until", "tags", "license_id"}
    | {"endpoints", "front_matter_digest"}
)
#: rows read in one query
_BATCH = 500


def kept_findings(article: ParsedArticle) -> list[dict[str, object]]:
    """The article's own findings as a row and a record keep them."""
    found = [f.to_dict() | {"permission_request": f.permission_request} for f in article.findings]
    return [f for f in found if f["code"] not in NOT_KEPT]


def finding_of(f: dict[str, Any]) -> Finding:
    """kept_findings() read back."""
    finding = Finding(f["path"], f["line"], f["code"], f["message"], f["hint"], f["pointer"], Severity(f["severity"]))
    return dataclasses.replace(finding, permission_request=f.get("permission_request", ""))


class Facts(NamedTuple):
    """What the feeds and the plan need of an article without errors that is not a draft."""

    published: str  #: ISO 8601, as Article.published
    updated: str
    updated_is_date: bool
    embargo_until: str | None
    tags: tuple[str, ...]
    endpoints: tuple[str, ...] | None
    front_matter_digest: bytes
    #: the site channel's licence decision (allowed, granted); None: not ready, or no licence profile
    site_decision: tuple[bool, bool] | None
    #: what its feed entry is made from (feeds.entry_digest.inputs_digest); None: not in the feeds
    entry_inputs: str | None
    #: the endpoints (each in the config) whose channel its licence allows
    allowed_at: tuple[str, ...]


class Record(NamedTuple):
    """A file's record, stored as a tuple with `marshal` (read back in a third of JSON's time)."""

    version: int
    mtime_ns: int
    size: int
    sha256: str
    made: str  #: made_under(): the config, licences and year or day it was made under
    path: str  #: as its findings name it (ParsedArticle.path)
    read: bool  #: its front matter was read
    slug: str | None
    slug_line: int | None
    status: str | None
    license: str | None
    body_digest: str
    findings: list[dict[str, Any]]  #: its own (kept_findings)
    facts: Facts | None


_RECORD_FIELDS, _FACTS_FIELDS = len(Record._fields), len(Facts._fields)


def made_under(fingerprint: str, period: str) -> str:
    """What a record is valid under: the config's and licences' fingerprint, and the day or year."""
    return hashlib.sha256(f"{fingerprint} {period}".encode()).hexdigest()[:32]


class Validity(NamedTuple):
    """What the records a run makes are valid under (made_under): its day, for an article whose
    checks depend on the day (bound_to_the_day), else its year."""

    day: str
    year: str

    @classmethod
    def of(cls, fingerprint: str, today: dt.date) -> Validity:
        return cls(made_under(fingerprint, today.isoformat()), made_under(fingerprint, str(today.year)))


def bound_to_the_day(data: Mapping[str, Any] | None) -> bool:
    """Whether the checks of a front matter depend on the day: it has a grant that expires (the
    licence decisions change the day after). The checks compare nothing else with the date but
    the copyright year, with the year: a record of another article stands all year (the first run
    of each day read and rendered every file again: a cold run)."""
    license_ = data.get("license") if data is not None else None
    grants = license_.get("grants") if isinstance(license_, dict) else None
    return isinstance(grants, list) and any(isinstance(grant, dict) and "expires" in grant for grant in grants)


def make_record(
    article: ParsedArticle,
    stat: tuple[int, int],
    sha256: str,
    copy_hash: str | None,
    file: Path,
    checks: Checks,
    made: Validity,
) -> bytes:
    """The record of a checked file (its own findings only: made before the checks across files);
    `made`: what this run's records are valid under."""
    from syndicate.feeds.entry_digest import inputs_digest
    from syndicate.licences.gate import decide
    from syndicate.render.html_copy import front_matter_digest

    data, findings = article.data, kept_findings(article)
    slug = data.get("slug") if data else None
    license_ = data.get("license") if data else None
    status = data.get("status", "ready") if data else None
    facts = None
    errors = any(f["severity"] == Severity.ERROR.value for f in findings)
    if data is not None and not errors and status != "draft":
        digest = article.front_matter_digest or front_matter_digest(data)
        full = Article.from_data(file, data, article.body, digest)
        profile = checks.registry.get(full.license_id)
        site, entry = None, None
        if full.status == "ready" and profile is not None and checks.config is not None:
            decision = decide(full.front_matter, profile, checks.config.site.channel, None, checks.today)
            site = (decision.allowed, decision.grant is not None)
            if decision.allowed and copy_hash is not None:
                entry = inputs_digest(full.front_matter_digest, copy_hash, profile, decision.grant is not None)
        embargo = full.embargo_until.isoformat() if full.embargo_until else None
        allowed_at: tuple[str, ...] = ()
        if profile is not None and checks.config is not None:
            endpoints = checks.config.endpoints
            allowed_at = tuple(
                e.name for e in endpoints if decide(full.front_matter, profile, e.channel, e.name, checks.today).allowed
            )
        facts = Facts(
            full.published.isoformat(),
            full.updated.isoformat(),
            full.updated_is_date,
            embargo,
            full.tags,
            full.endpoints,
            full.front_matter_digest,
            site,
            entry,
            allowed_at,
        )
    record = Record(
        RECORD_VERSION,
        *stat,
        sha256,
        made.day if bound_to_the_day(data) else made.year,
        article.path,
        data is not None,
        slug if isinstance(slug, str) else None,
        article.lines.get("/slug"),
        status,
        license_.get("id") if isinstance(license_, dict) else None,
        article.body_digest,
        findings,
        facts,
    )
    return marshal.dumps((*record[:-1], tuple(facts) if facts is not None else None))


def read_record(stored: bytes, stat: tuple[int, int], made: Validity) -> Record | None:
    """A stored record, if it is one of this version, made for this very file under the same
    config and licences, on the same day or, for an article not bound to the day, in the same
    year (else None: the row is read)."""
    try:
        values = marshal.loads(stored)  # noqa: S302 (the ledger's own: make_record wrote it)
        # (the fields compared before any tuple is made: 10,000 of them are read by a run after one change)
        if values[0] != RECORD_VERSION or values[4] not in made or values[1] != stat[0] or values[2] != stat[1]:
            return None
        facts = values[-1]
        # (tuple.__new__, as NamedTuple._make does, without its call: 10,000 records)
        if len(values) != _RECORD_FIELDS or (facts is not None and len(facts) != _FACTS_FIELDS):
            return None
        if facts is not None:
            values = (*values[:-1], tuple.__new__(Facts, facts))
        return tuple.__new__(Record, values)
    except (ValueError, EOFError, TypeError, IndexError):  # (not a record of this version: read the row)
        return None


def stored_records(ledger: Ledger) -> dict[str, tuple[bytes, str | None]]:
    """path -> (record, its copy's hash or None) of every file the ledger keeps one of."""
    with ledger.connection() as db:
        return {row[0]: (row[1], row[2]) for row in db.execute("SELECT path, record, copy_hash FROM article_records")}


def keep_copy_hashes(ledger: Ledger, hashes: dict[str, str]) -> None:
    """Keep the hash of each copy a plan made (file path -> Copy.content_hash) with the file's
    record, for later plans (delivery/plan.py: an unchanged article is compared with the ledger
    without its copy). A record written again forgets it (update_files)."""
    if hashes:
        with ledger.connection(write=True) as db:
            query = "UPDATE article_records SET copy_hash = ? WHERE path = ?"
            db.executemany(query, [(digest, path) for path, digest in hashes.items()])


def stored_rows(ledger: Ledger, paths: Sequence[str]) -> dict[str, tuple[int, int, str, str | bytes, bytes | None]]:
    """path -> (mtime_ns, size, sha256, parsed article, rendered copy or None) of the files named
    that the ledger keeps, in few queries."""
    found: dict[str, tuple[int, int, str, str | bytes, bytes | None]] = {}
    with ledger.connection() as db:
        for start in range(0, len(paths), _BATCH):
            batch = paths[start : start + _BATCH]
            marks = ", ".join("?" * len(batch))
            query = f"SELECT path, mtime_ns, size, sha256, parsed, rendered FROM article_files WHERE path IN ({marks})"  # noqa: S608
            for path, mtime, size, sha256, parsed, rendered in db.execute(query, tuple(batch)):
                found[path] = (mtime, size, sha256, parsed, rendered)
    return found


def parsed_from_row(row: str | bytes, rendered: bytes | None) -> Any:
    """A cached row read back as the checked article; its rendered copy, if any, into the cache."""
    from syndicate.render.html_copy import RenderedCopy, front_matter_digest, remember

    article = _from_row(row)
    if rendered is not None and article.data is not None:
        if not article.front_matter_digest:  # (a row stored before the digest was)
            article.front_matter_digest = front_matter_digest(article.data)
        license_id = article.data["license"]["id"]
        remember(article.front_matter_digest, article.body, license_id, RenderedCopy.from_bytes(rendered))
    return article


def _from_row(row: str | bytes) -> Any:
    """incremental._to_row() read back; a row of an older ledger is JSON text, the body in it."""
    from syndicate.articles.front_matter import ParsedArticle

    if isinstance(row, str):
        stored = json.loads(row)
    else:
        head, _, body = compression.decompress(row).partition(b"\0")
        stored = json.loads(head.decode("utf-8", "surrogatepass"))
        stored["body"] = body.decode("utf-8", "surrogatepass")
    article = ParsedArticle(
        path=stored["path"],
        data=stored["data"],
        body=stored["body"],
        body_line=stored["body_line"],
        front_matter_digest=bytes.fromhex(stored.get("front_matter_digest", "")),
        body_digest=stored.get("body_digest", ""),
    )
    article.findings = [finding_of(f) for f in stored["findings"]]
    return article


def load(articles: Iterable[Article]) -> None:
    """Read in full those of `articles` known by their records, in few queries."""
    pending: dict[int, tuple[Loader, list[Article]]] = {}
    for article in articles:
        if isinstance(article, RecordedArticle) and not article.loaded:
            pending.setdefault(id(article._loader), (article._loader, []))[1].append(article)
    for loader, group in pending.values():
        loader.load(group)


class Loader:
    """Reads articles' rows when a RecordedArticle is asked for more than its record holds."""

    def __init__(self, ledger: Ledger) -> None:
        self._ledger, self._pid = ledger, os.getpid()

    def load(self, articles: Iterable[Article]) -> None:
        """Read in full, in few queries, those of `articles` read so far from their records."""
        pending = {a.file: a for a in articles if isinstance(a, RecordedArticle) and not a.loaded}
        if not pending:
            return
        # a forked worker must not use the parent's connection: what workers use is loaded before they fork
        assert os.getpid() == self._pid, "a recorded article read in full in a forked worker"
        rows = stored_rows(self._ledger, list(pending))
        for file, article in pending.items():
            _, _, sha256, parsed, rendered = rows[file]
            assert sha256 == article.sha256, f"{file}: its row changed since its record was read"
            full = parsed_from_row(parsed, rendered)
            assert full.data is not None
            article.fill(Article.from_data(article.path, full.data, full.body, full.front_matter_digest))


class RecordedArticle(Article):
    """An Article of an unchanged file made from its record: the fields the record holds are
    set, the others are read from the row (Loader) the first time one is asked for."""

    file: str
    sha256: str
    loaded: bool
    #: the site channel's licence decision: (allowed, granted); None when not ready or no profile
    site_decision: tuple[bool, bool] | None
    #: the digest of what its feed entry is made from (feeds.entry_digest.inputs_digest), when it
    #: is in the feeds
    entry_inputs: str | None
    #: the endpoints whose channel its licence allows (records.Facts.allowed_at)
    allowed_at: tuple[str, ...]
    #: its copy's hash (render.copies.Copy.content_hash) when a plan kept it, else None
    copy_hash: str | None
    #: its file was read again by this run (not the article the last run knew: feeds/kept.py)
    read_again: bool = False
    _loader: Loader

    @classmethod
    def of(cls, file: str, record: Record, loader: Loader, copy_hash: str | None = None) -> RecordedArticle:
        facts = record.facts
        assert facts is not None
        embargo = facts.embargo_until
        published = dt.datetime.fromisoformat(facts.published)
        article = cls.__new__(cls)
        # (the words many articles share held once, not once an article: 30 MB at 100,000 articles)
        article.__dict__.update(  # (a frozen dataclass: its __setattr__ refuses)
            slug=record.slug,
            status=sys.intern(record.status) if record.status else record.status,
            published=published,
            updated=published if facts.updated == facts.published else dt.datetime.fromisoformat(facts.updated),
            updated_is_date=facts.updated_is_date,
            embargo_until=dt.datetime.fromisoformat(embargo) if embargo else None,
            tags=tuple(map(sys.intern, facts.tags)),
            license_id=sys.intern(record.license) if record.license else record.license,
            endpoints=facts.endpoints,
            front_matter_digest=facts.front_matter_digest,
            file=file,
            sha256=record.sha256,
            loaded=False,
            site_decision=facts.site_decision,
            entry_inputs=facts.entry_inputs,
            allowed_at=facts.allowed_at,
            copy_hash=copy_hash,
            _loader=loader,
        )
        return article

    def fill(self, full: Article) -> None:
        """Take every field of `full`, the same article read from its row."""
        self.__dict__.update(full.__dict__)  # (every field of the dataclass: it has no slots)
        self.__dict__["loaded"] = True

    def unload(self) -> None:
        """Let go of what was read from its row (read again if asked for): a cold run's feeds
        read each article in full only while they build the documents that show it (feeds/staging.py)."""
        if self.loaded:  # (a new __dict__: the one filled stays at its size when fields are taken out)
            kept = {name: value for name, value in self.__dict__.items() if name not in _READ_FIELDS}
            object.__setattr__(self, "__dict__", kept | {"loaded": False})

    def __getattr__(self, name: str) -> Any:
        # (called only for attributes not set: the fields the record does not hold)
        if name == "path":  # (made when asked for: a Path is 4 us, 40 ms at 10,000 articles)
            self.__dict__["path"] = path = Path(self.file)
            return path
        if name.startswith("__") or name in RECORDED_FIELDS or not any(f.name == name for f in _FIELDS):
            raise AttributeError(name)
        self._loader.load([self])
        return object.__getattribute__(self, name)


_FIELDS = dataclasses.fields(Article)
#: the fields read from the row (the Path, made from the file's key, is kept)
_READ_FIELDS = frozenset(f.name for f in _FIELDS if f.name not in RECORDED_FIELDS | {"path"})

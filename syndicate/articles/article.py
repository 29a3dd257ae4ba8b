"""The Article: a validated front matter and body as typed, frozen values.

Built only from articles that passed validation (`Article.from_data`), so the
fields the schema requires are present; optional ones are None or empty.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Author:
    name: str
    url: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class Publication:
    """A publisher of the article: the source we took it from, or the original."""

    name: str
    url: str | None = None
    published: dt.datetime | None = None


@dataclass(frozen=True)
class Article:
    path: Path
    title: str
    slug: str
    authors: tuple[Author, ...]
    published: dt.datetime
    updated: dt.datetime
    source: Publication
    original: Publication | None
    copyright_holder: str
    copyright_year: int
    license_id: str
    #: the front matter as validated (JSON values), for what the typed fields do not carry
    front_matter: Mapping[str, Any]
    body: str
    status: str = "ready"
    summary: str = ""
    subtitle: str = ""
    canonical_url: str | None = None
    tags: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    embargo_until: dt.datetime | None = None
    endpoints: tuple[str, ...] | None = None
    #: render.front_matter_digest(front_matter) when known (workers compute it), else b""
    front_matter_digest: bytes = field(default=b"", compare=False, repr=False)
    #: with `body` "": the body was left on the worker that rendered the copy (feeds need the copy,
    #: not the body), and this is its sha256, render.render_copy's key in place of it
    body_key: bytes = field(default=b"", compare=False, repr=False)
    #: `updated` is a date's midnight, for the front matter gave a date alone (feed_updated.py)
    updated_is_date: bool = False

    @classmethod
    def from_data(
        cls, path: Path, data: Mapping[str, Any], body: str, front_matter_digest: bytes = b"", body_key: bytes = b""
    ) -> Article:
        published = parse_timestamp(data["published"])
        updated = parse_timestamp(data["updated"]) if "updated" in data else published
        # (the later of the two is the article's updated time: the text it was read from)
        updated_text = data["updated"] if "updated" in data and updated >= published else data["published"]
        embargo = data.get("embargo_until")
        endpoints = data.get("endpoints")
        return cls(
            path=path,
            title=data["title"],
            slug=data["slug"],
            authors=tuple(Author(a["name"], a.get("url"), a.get("email")) for a in data["authors"]),
            published=published,
            updated=max(updated, published),
            source=_publication(data["source"]),
            original=_publication(data["original"]) if "original" in data else None,
            copyright_holder=data["copyright"]["holder"],
            copyright_year=data["copyright"]["year"],
            license_id=data["license"]["id"],
            front_matter=data,
            body=body,
            status=data.get("status", "ready"),
            summary=data.get("summary", ""),
            subtitle=data.get("subtitle", ""),
            canonical_url=data.get("canonical_url"),
            tags=tuple(data.get("tags", ())),
            regions=tuple(data.get("regions", ())),
            embargo_until=parse_timestamp(embargo) if embargo else None,
            endpoints=tuple(endpoints) if endpoints is not None else None,
            front_matter_digest=front_matter_digest,
            body_key=body_key,
            updated_is_date=is_date(updated_text),
        )

    @property
    def link(self) -> str | None:
        """Where the article is read (read_at)."""
        return read_at(self.canonical_url, self.source.url)

    def embargoed(self, now: dt.datetime) -> bool:
        return self.embargo_until is not None and self.embargo_until > now


def read_at(canonical_url: str | None, source_url: str | None) -> str | None:
    """Where an article is read: its canonical URL, else the source's."""
    return canonical_url or source_url


def join_names(names: Sequence[str]) -> str:
    """ "A", "A and B", "A, B and C"."""
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def is_date(value: str) -> bool:
    """Whether an ISO date or datetime (validated) is a date alone."""
    return len(value) == 10


def parse_timestamp(value: str) -> dt.datetime:
    """An ISO date or datetime (validated) as an aware datetime; a date is midnight UTC."""
    if is_date(value):
        return dt.datetime.combine(dt.date.fromisoformat(value), dt.time(), dt.UTC)
    parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _publication(data: Mapping[str, Any]) -> Publication:
    published = data.get("published")
    return Publication(data["name"], data.get("url"), parse_timestamp(published) if published else None)

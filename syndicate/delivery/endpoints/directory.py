"""A folder endpoint: each copy as `<slug>.html` (with attribution and JSON-LD) and a Markdown twin `<slug>.md`.

The twin is the article's front matter and body, then a rule (`---`) and the
attribution block (the licence's terms and whom to ask among it) as Markdown
paragraphs.

Files are named by the slug and never written outside the folder, whatever
the slug; writes are atomic. The demo site's embedded default.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import frontmatter

from syndicate.characters import xml_text
from syndicate.config import Endpoint as EndpointConfig
from syndicate.delivery.endpoints.base import Remote
from syndicate.errors import DeliveryError, UsageError, WriteError
from syndicate.files import atomic_write, contained
from syndicate.render.copies import Copy, head_declarations

#: a copy that cannot be written
WRITE_HINT = "check the endpoint's path in syndicate.toml, and that syndicate may write in that folder"


@dataclass(frozen=True)
class DirectorySettings:
    """A directory endpoint's own keys (schemas/config.schema.json validates them)."""

    #: the folder, relative to the config file's
    path: str

    @classmethod
    def of(cls, settings: Mapping[str, Any]) -> DirectorySettings:
        return cls(path=str(settings["path"]))


class DirectoryEndpoint:
    can_find = True

    def __init__(self, config: EndpointConfig, root: Path, environ: Mapping[str, str]) -> None:
        self.name = config.name
        self.folder = (root / DirectorySettings.of(config.settings).path).resolve()
        self.canonical = config.canonical

    def _paths(self, slug: str) -> tuple[Path, Path]:
        try:
            return contained(self.folder, f"{slug}.html"), contained(self.folder, f"{slug}.md")
        except UsageError as e:
            raise DeliveryError(f"endpoint {self.name!r}: {e.message}", e.hint) from e

    def create(self, copy: Copy, key: str) -> Remote:
        page, twin = self._paths(copy.slug)
        try:
            atomic_write(page, _page(copy, self.canonical).encode("utf-8"), WRITE_HINT)
            atomic_write(twin, _markdown(copy).encode("utf-8"), WRITE_HINT)
        except WriteError as e:  # a failed delivery of this copy, not a broken configuration: push goes on
            raise DeliveryError(f"endpoint {self.name!r}: {e.message}", e.hint) from e
        return Remote(copy.slug, page.as_uri())

    def update(self, remote: Remote, copy: Copy, key: str) -> Remote:
        if remote.id != copy.slug:  # the slug changed: the old files go
            self.delete(remote, remote.id, key)
        return self.create(copy, key)

    def delete(self, remote: Remote, slug: str, key: str) -> None:
        for path in self._paths(remote.id or slug):
            path.unlink(missing_ok=True)

    def unpublish(self, remote: Remote, slug: str, key: str) -> None:
        self.delete(remote, slug, key)

    def restore(self, remote: Remote, copy: Copy, key: str) -> Remote:
        return self.update(remote, copy, key)

    def find(self, slug: str, key: str) -> Remote | None:
        page, _ = self._paths(slug)
        return Remote(slug, page.as_uri()) if page.is_file() else None

    def close(self) -> None:
        pass


def _page(copy: Copy, canonical: str = "original") -> str:
    """The copy as one HTML page; `canonical` is the endpoint's policy (config.Endpoint.canonical)."""
    language = copy.front_matter.get("language", "")
    lang = f' lang="{html.escape(language)}"' if language else ""
    head = [f"<title>{html.escape(copy.title)}</title>\n"]
    if canonical == "noindex":
        head.append('<meta name="robots" content="noindex">\n')
    # "copy": the page is its own canonical page, and a folder copy does not know its address
    if copy.source_url and canonical != "copy":
        head.append(f'<link rel="canonical" href="{html.escape(copy.source_url)}">\n')
    head.append(head_declarations(copy))
    return (
        f'<!DOCTYPE html>\n<html{lang}>\n<head>\n<meta charset="utf-8">\n{"".join(head)}</head>\n'
        f"<body>\n<article>\n<h1>{html.escape(copy.title)}</h1>\n{copy.html}</article>\n</body>\n</html>\n"
    )


def _markdown(copy: Copy) -> str:
    """The article's front matter and body, then, after a rule, the attribution block as Markdown paragraphs."""
    body = xml_text(copy.body)  # (as the HTML copy: no control character XML forbids)
    if copy.attribution_markdown:
        body = body.rstrip() + "\n\n---\n\n" + copy.attribution_markdown
    post = frontmatter.Post(body, **copy.front_matter)
    return str(frontmatter.dumps(post, sort_keys=False, allow_unicode=True)) + "\n"

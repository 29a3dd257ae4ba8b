"""`import`: a scraped article (text or Markdown) to a front-matter article, nothing guessed.

The text's layout (syndicate.importer.layouts) says where its head, chrome and footers
are; the reading itself is the same for every outlet. A field the text does
not state is left out, and `missing` says what could not be found and why;
the article is always written as a draft for an editor to complete.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from syndicate.characters import strip_controls, strip_controls_in, xml_text
from syndicate.checks.attribution import body_hash
from syndicate.errors import SyndicateError, UsageError
from syndicate.importer.attribution_footer import move_attribution_footer
from syndicate.importer.clippings import is_syndicate_article, read_clipping, split_front_matter
from syndicate.importer.copyright_notice import read_copyright, read_license
from syndicate.importer.fetch import MAX_PAGE_BYTES, decode_page, fetch_page, read_page_file
from syndicate.importer.footer import GLUED, Footer, read_body, read_outside_terms, read_statement
from syndicate.importer.header import read_header
from syndicate.importer.html import read_html
from syndicate.importer.layout_model import Notes, one_line_note, quote
from syndicate.importer.layouts import choose_layout
from syndicate.importer.listing import drop_for_a_list_page
from syndicate.importer.markdown import (
    count_placeholder_links,
    glued_splitter,
    split_blocks,
    split_glued,
    unlink_placeholders,
)
from syndicate.importer.metadata import PageFacts
from syndicate.importer.page import fill_from_page
from syndicate.importer.provenance import (
    drop_own_site_as_original,
    read_authors,
    read_closing_credits,
    read_provenance,
    read_title,
    set_outlets_apart,
)

#: a slug is cut at a word boundary at this length (an address, a file name: short enough to read)
SLUG_MAX = 60
#: words a cut slug does not end on ("...-and", "...-of-the")
_DANGLING = frozenset({"a", "an", "the", "and", "or", "of", "to", "in", "on", "for", "with", "at", "by", "from",
                       "de", "du", "des", "la", "le", "les", "et", "el", "los", "las", "y", "en", "da", "do", "e",
                       "der", "die", "das", "und", "von"})  # fmt: skip

_SURROGATE = re.compile("[\ud800-\udfff]")
#: an address import fetches; any other SOURCE is a file (the scheme is case-insensitive: RFC 3986)
_URL = re.compile(r"https?://", re.IGNORECASE)
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_FOLD = str.maketrans({"ß": "ss", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ø": "o", "Ø": "o", "ł": "l",
                       "Ł": "l", "đ": "d", "Đ": "d", "þ": "th", "Þ": "th", "ð": "d", "&": " and "})  # fmt: skip


@dataclass
class ImportResult:
    """One imported article: its front matter (only what the text states), body, and the report."""

    front_matter: dict[str, Any]
    body: str
    found: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    placeholder_links: int = 0
    layout: str = "generic"
    #: the article's file name without ".md": the slug, else derived from the input's name
    file_stem: str = "article"
    source_name: str = ""
    #: the keys of the file's own front matter that are no field here, kept verbatim for the editor
    kept: dict[str, Any] = field(default_factory=dict)

    def to_markdown(self) -> str:
        """The article file: YAML front matter (with the report as comments), then the body."""
        head = yaml.safe_dump(
            self.front_matter, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100_000
        )
        comment = [f"# Imported by `syndicate import` from {_one_line(self.source_name)} ({self.layout} layout)."]
        if self.missing:
            comment.append("# Not found in the text (the validator names what a ready article still needs):")
            comment.extend(f"#   - {_one_line(item)}" for item in self.missing)
        if self.kept:
            comment.append("# The file's own front matter, not mapped to a field (copy what applies, then delete):")
            kept = yaml.safe_dump(self.kept, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100)
            comment.extend(f"#   {_one_line(line)}" for line in kept.splitlines())
        body = self.body.strip("\n")
        return "---\n" + "\n".join(comment) + "\n" + head + "---\n" + (f"\n{body}\n" if body else "")


#: what may not stand in a YAML comment: controls (C0, C1), line breaks YAML knows, non-characters
_NOT_IN_A_COMMENT = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]+")


def _one_line(text: str) -> str:
    return _NOT_IN_A_COMMENT.sub(" ", text)


def is_slug(text: str) -> bool:
    return _SLUG.match(text) is not None


@dataclass(frozen=True)
class Choices:
    """What the editor chose for an import (the command's options)."""

    #: fetch an address on a private, loopback or link-local network (refused by default)
    allow_private: bool = False
    #: turn placeholder links ([text](#)) into their text (by default they are kept and counted)
    unlink_placeholders: bool = False


def import_source(source: str, max_bytes: int = MAX_PAGE_BYTES, choices: Choices = Choices()) -> ImportResult:
    """Read one SOURCE of `syndicate import`: an http(s) URL, a saved HTML page, or a text file;
    a file, like a page, of at most `max_bytes`."""
    if _URL.match(source):
        return import_url(source, max_bytes=max_bytes, choices=choices)
    path = Path(source)
    raw = read_page_file(path, source, max_bytes)
    if path.suffix.lower() in (".html", ".htm"):
        return import_html_bytes(raw, source, choices=choices)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise UsageError(
            f"{source}:{line}: byte 0x{raw[e.start]:02x} is not UTF-8", "convert the file to UTF-8 first"
        ) from e
    refuse_unimportable(text, source)
    return import_text(text, source, choices)


def refuse_unimportable(text: str, source_name: str) -> None:
    """Raise a UsageError for what import would only turn into a useless draft: an empty file,
    or an article that already has front matter (it would be buried, as text, in the new body)."""
    from syndicate.articles.front_matter import parse_article_text
    from syndicate.schemas import load_schema

    if not text.strip("\ufeff \t\r\n"):
        raise UsageError(f"{source_name}: the file is empty", "nothing to import: check the path")
    data = split_front_matter(text.lstrip("\ufeff").replace("\r\n", "\n"))[0]
    if data is not None and is_syndicate_article(data, frozenset(load_schema("article")["properties"])):
        parsed = parse_article_text(text.lstrip("\ufeff"), source_name)
        if isinstance(parsed.data, dict):
            raise UsageError(
                f"{source_name}: already an article (it has front matter), not a scraped page",
                f"check it with `syndicate validate {source_name}`; to import its text again, remove the front matter",
            )


def import_text(text: str, source_name: str, choices: Choices = Choices()) -> ImportResult:
    """Read one scraped article (front matter another tool wrote included). Never raises on odd
    input: what cannot be read is reported."""
    return _import(text, source_name, None, None, choices)


def import_html(html: str, source_name: str, url: str | None = None, choices: Choices = Choices()) -> ImportResult:
    """Read a saved or fetched HTML page: its article by the same rules, then what its markup states
    (canonical link, meta tags, JSON-LD, rel="license") for the fields the text leaves out.
    `url` is the address it was fetched from: relative links resolve against it."""
    page = read_html(html, url)
    return _import(page.markdown, source_name, page.facts, url, choices, page.outside, page.captions)


def import_html_bytes(
    raw: bytes, source_name: str, url: str | None = None, choices: Choices = Choices()
) -> ImportResult:
    """A saved HTML file, decoded with the charset its <meta> declares (else UTF-8)."""
    html, replaced = decode_page(raw)
    result = import_html(html, source_name, url, choices)
    if replaced:
        result.missing.append("text: some bytes were not valid in the page's character set and were replaced")
    return result


def import_url(
    url: str, timeout: float = 20.0, max_bytes: int = MAX_PAGE_BYTES, choices: Choices = Choices()
) -> ImportResult:
    """Fetch a page (HTML, or plain text/Markdown) and import it; a failure is a SyndicateError."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (read for the ValueError a port out of range raises)
    except ValueError:  # a broken IPv6 address ('http://[::1'), a port that is not a number
        parts = urlsplit("")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UsageError(f"{url!r} is not an http(s) address", "give a full address such as https://example.org/a")
    page = fetch_page(url, timeout, max_bytes, choices.allow_private)
    text, content_type, final_url = page.text, page.content_type, page.url
    if "html" in content_type or (not content_type and re.match(r"\s*<(?:!doctype html|html)", text, re.I)):
        result = import_html(text, url, final_url, choices)
    elif content_type.startswith(("text/plain", "text/markdown", "text/x-markdown")):
        refuse_unimportable(text, url)
        result = import_text(text, url, choices)
        if "source" not in result.front_matter or "url" not in result.front_matter["source"]:
            result.front_matter.setdefault("source", {})["url"] = final_url
            result.front_matter = _ordered(result.front_matter)
            result.missing = [m for m in result.missing if not m.startswith("source.url:")]
            result.found.append(f"source.url: {final_url} (the address it was fetched from)")
    else:
        raise SyndicateError(f"{url}: the page is {content_type!r}, not HTML or text", "import an article's page")
    if page.replaced:
        result.missing.append("text: some bytes were not valid in the page's character set and were replaced")
    result.found.extend(f"the server declares: {note}" for note in page.declared)
    return result


def _import(
    text: str,
    source_name: str,
    facts: PageFacts | None,
    fetched_from: str | None,
    choices: Choices,
    outside: list[str] | None = None,
    captions: frozenset[str] = frozenset(),
) -> ImportResult:
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    text, broken = _SURROGATE.subn("\ufffd", text)
    text, controls = strip_controls(text)
    clipping = read_clipping(text) if facts is None else None
    text = clipping.body if clipping is not None else text
    layout = choose_layout(text)
    report = Notes([f"layout: {layout.name}" + (" (an HTML page)" if facts else "")], [])
    if clipping is not None and clipping.problem:  # said once, as what is missing: not also as found
        report.missing.append(f"front matter: {clipping.problem}: imported as text")
    elif clipping is not None:
        report.found.append(f"front matter: {clipping.syntax}, written by another tool: read, the rest kept")
    if broken:
        report.missing.append(f"text: {broken} character(s) that are not valid Unicode, replaced with U+FFFD")
    glued = 0
    if facts is None:  # a page's markup keeps its paragraphs apart; scraped text may have lost them
        text, glued = split_glued(text, glued_splitter(GLUED + layout.glued))
    header = read_header(text, layout, clipping is not None and "title" in clipping.facts.values)
    footer = read_body(text, split_blocks(text, header.body_start), layout, captions)
    for block in outside or []:  # an editor's note beside the article: where it first appeared
        for line in block.splitlines():
            read_statement(line, footer)
    read_outside_terms(outside or [], footer)
    unlinked = 0
    if choices.unlink_placeholders:
        footer.body, unlinked = unlink_placeholders(footer.body)
    fm: dict[str, Any] = {}
    read_title(header, fm, report)
    read_authors(header, fm, report, text[header.body_start :])
    read_provenance(header, footer, fm, report)
    set_outlets_apart(fm, footer, report)
    read_closing_credits(text, fm, report)
    read_copyright(footer, fm, report)
    no_derivatives = read_license(footer, fm, report)
    move_attribution_footer(footer, fm, report)
    if no_derivatives:
        fm["body_hash"] = body_hash(footer.body)
        report.found.append("body_hash: recorded, as the licence stated forbids derivatives (the body as received)")
    if footer.summary:
        fm["summary"] = footer.summary
    for kind in ("tags", "regions"):
        if header.labels.get(kind):
            fm[kind] = header.labels[kind]
            report.found.append(f"{kind}: {', '.join(header.labels[kind])}")
    for label in header.empty_labels:
        report.missing.append(f"{layout.labels.get(label.lower(), 'tags')}: the label '{label}:' has no value")
    drop_for_a_list_page(fm, text, report)
    for given, origin in ((facts, "the page"), (clipping.facts if clipping else None, "the file's front matter")):
        if given is not None:
            fill_from_page(fm, footer.body, given, fetched_from, report, origin)
            controls += strip_controls_in(fm)  # a page's markup (JSON-LD's "\u001b") may hold some too
    drop_own_site_as_original(fm, report)
    if controls:
        report.missing.append(
            f"text: {controls} terminal control sequence(s) or control character(s) removed "
            "(a terminal printing the article would have acted on them)"
        )
    _slug(fm, report)
    fm["status"] = "draft"
    _body_report(footer, glued, report)
    placeholders = count_placeholder_links(footer.body)
    if unlinked:
        report.found.append(f"body: {unlinked} placeholder link(s) ([text](#)) turned into their text, as asked")
    if placeholders:
        report.missing.append(
            f"body: {placeholders} placeholder link{'s' * (placeholders > 1)} ([text](#)): "
            f"the address{'es were' if placeholders > 1 else ' was'} lost in scraping; restore or remove them"
        )
    stem = fm.get("slug") or slugify(Path(source_name).stem) or "article"
    found, missing = [one_line_note(n) for n in report.found], [one_line_note(n) for n in report.missing]
    kept = clipping.kept if clipping is not None else {}
    return ImportResult(_ordered(fm), footer.body, found, missing, placeholders, layout.name, stem, source_name, kept)


def _slug(fm: dict[str, Any], report: Notes) -> None:
    if "title" not in fm:
        return
    slug = slugify(fm["title"])
    if slug:
        fm["slug"] = slug
    else:
        report.missing.append("slug: the title has no Latin letters or digits to derive one from")


_ORDER = ("title", "subtitle", "slug", "authors", "published", "updated", "source", "original", "copyright",
          "license", "body_hash", "summary", "tags", "regions", "status")  # fmt: skip


_NESTED = {
    "source": ("name", "url", "published"),
    "original": ("name", "url", "published"),
    "copyright": ("holder", "year"),
    "license": ("id", "terms", "url", "contact"),
}


def _ordered(fm: dict[str, Any]) -> dict[str, Any]:
    """Fields in the order of DESIGN.md; within source, original, copyright and licence too; without
    the characters XML forbids (a scraped NUL), which the reader would remove (and warn about)."""
    out = {key: _plain(fm[key]) for key in _ORDER if key in fm}
    for key, order in _NESTED.items():
        if isinstance(out.get(key), dict):
            out[key] = {k: out[key][k] for k in order if k in out[key]}
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return xml_text(value) if isinstance(value, str) else value


def _body_report(footer: Footer, glued: int, report: Notes) -> None:
    if footer.removed:
        report.found.append(f"removed site chrome: {', '.join(footer.removed)}")
    if footer.kept_disclaimer:
        report.found.append("kept the disclaimer in the body: no licence terms were recognised in it")
    if glued:
        report.found.append(f"footer lines glued together in scraping: split in {glued} place{'s' * (glued > 1)}")
    if footer.ends_mid_sentence and not footer.terms:
        ending = quote(footer.ends_mid_sentence, from_end=True).removeprefix("…")
        report.missing.append(
            f"body: the text may be truncated: it ends mid-sentence ('...{ending}'); "
            "footers lost with it may have said where it first appeared: check 'published'"
        )


def slugify(text: str, max_length: int = SLUG_MAX) -> str:
    """Lower-case ASCII letters, digits and single hyphens, cut at a word boundary."""
    text = re.sub(r"['’ʼ`]", "", text.translate(_FOLD).lower())
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    if len(slug) > max_length:
        cut = slug[: max_length + 1]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else slug[:max_length]
        words = slug.split("-")
        while len(words) > 1 and words[-1] in _DANGLING:
            words.pop()
        slug = "-".join(words)
    return slug.strip("-")

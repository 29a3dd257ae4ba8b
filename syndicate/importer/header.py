"""The head of a scraped article: title, subtitle, byline, dated lines, labels.

The head ends at the first line that is none of these: the article's lead.
A dated line "Outlet, July 24, 2017" (or "[Outlet](url) 23 July 2017") names a
publisher and its date: the first is the site the text was taken from, later
ones earlier publishers. A label whose value is missing ("Region:") is empty;
it never takes the next label's value.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from syndicate.importer.credits import BYLINE, FIRST, VIA, read_byline
from syndicate.importer.dates import FoundDate, find_date, parse_date
from syndicate.importer.head_lines import (
    ATX,
    NUMERIC_DATE,
    dated_byline,
    kicker,
    labelled_byline_below,
    navigation,
    without_affiliations,
)
from syndicate.importer.layout_model import Layout, quote
from syndicate.importer.markdown import LINK, is_absolute, links, links_only, plain
from syndicate.importer.wordings import AFFILIATION_WORDS

_FENCE = re.compile(r"^(```|~~~)")
_ATX = ATX
_SETEXT = re.compile(r"^\s{0,3}=+\s*$")
_ITALIC = re.compile(r"^\s*(?:\*(?!\*)|_(?!_))(?P<text>.+)(?:\*|_)\s*$")
_PUBLISHED = re.compile(
    r"^(?:(?:first\s+)?published|posted|date|publié(?:e)?|paru(?:e)?|mis en ligne)(?:\s+(?:on|le))?\s*:?\s*", re.I
)
_UPDATED = re.compile(
    r"^(?:(?:last\s+)?updated|modified|mis à jour|modifié(?:e)?|actualisé(?:e)?)(?:\s+(?:on|le))?\s*:?\s*", re.I
)
_SOURCE = re.compile(r"^\s*(?:\*\*)?(?:source|url|link|lien|original url)(?:\*\*)?\s*:\s*(?P<value>\S.*)$", re.I)
_BARE_URL = re.compile(r"^<?https?://\S+?>?$")
_BYLINE_DATE = re.compile(r"\s*(?:\||·|•|—|–|-|,|\bon\b|\ble\b)\s*$")
#: "By the time ...", "By contrast, ...": the words after "By" that start a sentence, not a name
_NOT_A_NAME = frozenset({
    "the", "a", "an", "this", "that", "these", "those", "then", "now", "contrast", "comparison", "far", "all",
    "way", "law", "virtue", "means", "design", "default", "definition", "mid", "late", "early", "next", "last",
    "using", "taking", "being", "doing", "making", "and", "or",
})  # fmt: skip
_NAME_WORD = re.compile(r"^(?:[\w.&'’-]*[A-ZÀ-Ý0-9][\w.&'’-]*|of|the|and|de|du|des|la|le|les|et|for|on|in|&)$")


@dataclass
class Publisher:
    """A publisher the text names, with what it says about it."""

    name: str
    url: str | None = None
    lost_link: bool = False
    date: FoundDate | None = None
    #: the words that named it, for the report
    said: str = ""


@dataclass
class Header:
    title: str | None = None
    subtitle: str | None = None
    authors: list[dict[str, Any]] = field(default_factory=list)
    byline: str | None = None
    outlet: str | None = None
    lost_author_links: list[str] = field(default_factory=list)
    #: dated publisher lines, in order: the first is the site the text was taken from
    publishers: list[Publisher] = field(default_factory=list)
    #: a "Source:" line
    source: Publisher | None = None
    published: FoundDate | None = None
    updated: FoundDate | None = None
    labels: dict[str, list[str]] = field(default_factory=dict)
    empty_labels: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: head lines read but not used as a value, for the report
    unused: list[str] = field(default_factory=list)
    #: where the body starts in the text
    body_start: int = 0


def read_header(text: str, layout: Layout, title_known: bool = False) -> Header:
    """The head's lines; with `title_known` (a clip's front matter names the title), a heading is
    the body's first section, not the title."""
    header = Header()
    lines = text.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    labels = _label_pattern(layout)
    pending_label: tuple[str, str] | None = None
    anchor = None if title_known else _title_above_byline(lines, labels)
    index = 0
    while index < len(lines):
        line = lines[index].strip()
        following = _next_line(lines, index)
        if not line:
            index += 1
            continue
        if _FENCE.match(line):
            break  # a code block is the body's, never a head line
        if header.title is None and not header.authors and navigation(lines, index):
            header.unused.append(f"navigation before the title: {plain(line)!r}")
            index += 1
            continue
        if anchor is not None and _around_the_title(index, line, following, anchor, header, labels, layout):
            index += 1
            continue
        if pending_label and links_only(line) and not labels.match(line):
            header.empty_labels.remove(pending_label[0])
            _add_labels(header, pending_label[1], line)
            pending_label = None
            index += 1
            continue
        pending_label = None
        if header.title is None and not title_known and not header.authors and not header.publishers:
            if kicker(line, following):
                header.unused.append(f"a kicker above the headline: {plain(line)!r}")
                index += 1
                continue
            if heading := _ATX.match(line):
                header.title = plain(heading.group("text")) or None
            elif index + 1 < len(lines) and _SETEXT.match(lines[index + 1]):
                header.title, index = plain(line) or None, index + 1
            elif not _is_head_line(line, labels) and _is_head_line(following, labels) and _named(line) >= 1:
                header.title = plain(line) or None
            if header.title is not None:
                index += 1
                continue
        if header.title and header.subtitle is None and not header.authors and not header.publishers:
            heading = _ATX.match(line)
            italic = _ITALIC.match(line)
            statement = FIRST.search(line) or VIA.search(line)
            if (heading and len(heading.group("level")) > 1) or (
                italic and not statement and _is_head_line(following, labels)
            ):
                header.subtitle = plain(line) or None
                index += 1
                continue
        if not _read_line(line, header, labels, layout.labels):
            break
        if header.empty_labels and line.rstrip(" *").endswith(":"):
            pending_label = (header.empty_labels[-1], layout.labels[header.empty_labels[-1].lower()])
        index += 1
    header.body_start = offsets[index] if index < len(lines) else len(text)
    if not header.authors and (labelled := labelled_byline_below(lines[index:])) and (byline := _byline(labelled)):
        _read_byline(without_affiliations(byline.group("value")), header)
    if header.title is None and header.published is not None and NUMERIC_DATE.search(text[: header.body_start]):
        # "12.01.2026 à 15:56" over an untitled entry: a list's timestamp, not the article's date
        header.unused.append(f"a numeric date with no title above it ({header.published.value}): the list's")
        header.published = None
    if header.title is None and not header.authors and header.published is not None:
        header.unused.append(
            f"a date with no title or byline beside it ({header.published.value}): the page's, not the article's"
        )
        header.published = None
    return header


#: a photo's credit (or its file name): never a title
_CREDIT = re.compile(
    r"\s/\s|^(?:photo|image|credit|crédit|foto|krediet)\b|\b(?:AP|Getty|Reuters|AFP) Photo\b|/Flickr\b|\bFlickr/"
    r"|\bShutterstock\b|\bGetty Images\b|\bWikimedia\b|,\s*CC[- ]?(?:BY|0)\b|^File \d",
    re.I,
)
#: "Terry Slevin, Cancer Council Australia": a name, then an affiliation (The Conversation's byline)
_CREDIT_LINE = re.compile(
    r"^(?P<value>[A-ZÀ-Ý][\w'’.-]+(?: (?:[A-ZÀ-Ý][\w'’.-]+|de|van|von|da|di|del|la|le|du|dos|das)){1,4}),\s+"
    r"(?P<affiliation>[^.!?]{3,200})$"
)
_AFFILIATION = re.compile(r"\b(?:" + "|".join(AFFILIATION_WORDS) + r")\b", re.I)
_SENTENCES = re.compile(r"[.!?]\s+[A-ZÀ-Ý\"“«¿¡]")
#: how far down a byline may stand for the line above it to be taken as the title
_HEAD_LINES = 12


def _title_above_byline(lines: list[str], labels: re.Pattern[str]) -> tuple[int, int] | None:
    """(the title's line, the byline's line) when a byline ("By X") stands near the top and the
    nearest line above it that can be a title (not a caption, credit, label or date) is the title:
    the layout of most pages whose scrape lost the heading's markup."""
    seen = 0
    for index, raw in enumerate(lines):
        line = raw.strip()
        if not line:
            continue
        seen += 1
        if seen > _HEAD_LINES or _FENCE.match(line):
            return None
        if _byline(line) is None:
            continue
        if any(_ATX.match(above) or _SETEXT.match(above) for above in lines[:index]):
            return None  # the markup names the title
        for above in range(index - 1, -1, -1):
            candidate = lines[above].strip()
            if candidate and _could_be_a_title(candidate, _next_line(lines, above), labels):
                return above, index
        return None
    return None


def _could_be_a_title(line: str, following: str, labels: re.Pattern[str]) -> bool:
    """Not a caption, credit, label, date or paragraph: a line of 3 to 30 words, 2 of them words."""
    text = plain(line)
    words = text.split()
    return (
        3 <= len(words) <= 30
        and _named(line) >= 1
        and not _is_head_line(line, labels)
        and _CREDIT.search(text) is None
        and _SENTENCES.search(text) is None
        and not _caption(text, following)
    )


def _named(line: str) -> int:
    """How many words of letters the line has ("12.01.2026 à 15:56" has none)."""
    return sum(1 for word in plain(line).split() if re.search(r"[^\W\d_]{2,}", word))


def _caption(text: str, following: str) -> bool:
    """A sentence under a picture: its credit follows it."""
    return text.rstrip().endswith(".") and _CREDIT.search(plain(following)) is not None


def _set_aside(line: str, following: str) -> bool:
    """A line between the title and the byline that is the picture's: a credit, its caption, a label."""
    text = plain(line)
    return _CREDIT.search(text) is not None or _caption(text, following) or len(text.split()) <= 2


def _around_the_title(
    index: int,
    line: str,
    following: str,
    anchor: tuple[int, int],
    header: Header,
    labels: re.Pattern[str],
    layout: Layout,
) -> bool:
    """Read a line above the title (a dated line is still read; navigation is set aside), the title,
    or a caption between the title and the byline; False from the byline on."""
    title_at, byline_at = anchor
    if index < title_at:
        if not _read_line(line, header, labels, layout.labels):
            header.unused.append(f"a line above the title: {quote(line)!r}")
        return True
    if index == title_at:
        header.title = plain(line) or None
        return True
    if index < byline_at and not _is_head_line(line, labels) and _set_aside(line, following):
        header.unused.append(f"a caption or credit between the title and the byline: {quote(line)!r}")
        return True
    return False


def _next_line(lines: list[str], index: int) -> str:
    return next((line.strip() for line in lines[index + 1 :] if line.strip()), "")


def _label_pattern(layout: Layout) -> re.Pattern[str]:
    names = "|".join(sorted(map(re.escape, layout.labels), key=len, reverse=True))
    return re.compile(r"(?:^|(?<=[\s)*]))(?:\*\*)?(?P<label>" + names + r")(?:\*\*)?\s*:(?:\*\*)?", re.I)


def _is_head_line(line: str, labels: re.Pattern[str]) -> bool:
    return bool(line) and (
        _byline(line) is not None
        or labels.match(line) is not None
        or _SOURCE.match(line) is not None
        or _BARE_URL.match(line) is not None
        or _dated_publisher(line) is not None
        or _date_line(line) is not None
    )


def _read_line(line: str, header: Header, labels: re.Pattern[str], kinds: Mapping[str, str]) -> bool:
    """Record one head line; False when the line is the article's text."""
    if (byline := _byline(line)) and not header.authors:
        _read_byline(byline.group("value"), header)
    elif labels.match(line):
        matches = list(labels.finditer(line))
        for match, after in zip(matches, [*matches[1:], None], strict=True):
            value = line[match.end() : after.start() if after else len(line)]
            label = match.group("label")
            if plain(value).strip(" ,;"):
                _add_labels(header, kinds[label.lower()], value)
            else:
                header.empty_labels.append(label)
    elif (source := _SOURCE.match(line)) and (publisher := _publisher(source.group("value"), None)):
        header.source = publisher
    elif _BARE_URL.match(line):
        header.unused.append(f"an address on a line of its own ({line.strip('<>')}): the text does not say whose")
    elif publisher := _dated_publisher(line):
        header.publishers.append(publisher)
    elif date_and_byline := dated_byline(line):
        found, value = date_and_byline
        header.published = header.published or found
        if not header.authors:
            _read_byline(value, header)
    elif dated := _date_line(line):
        kind, found = dated
        if kind == "updated":
            header.updated = header.updated or found
        else:
            header.published = header.published or found
    else:
        return False
    return True


def _byline(line: str) -> re.Match[str] | None:
    """A byline, not a sentence that starts with "By" ("By the time the vote came, ..."); or a credit
    line "Name, Affiliation" whose affiliation names an institution or a position."""
    match = BYLINE.match(line)
    if match is None:
        credit = _CREDIT_LINE.match(plain(line))
        affiliation = credit.group("affiliation") if credit else ""
        return credit if credit and len(affiliation.split()) <= 25 and _AFFILIATION.search(affiliation) else None
    words = plain(match.group("value")).split()
    sentence = len(words) > 5 and re.search(r"[a-z]{3}[.!?]$", words[-1]) is not None
    linked = match.group("value").lstrip("*_ ").startswith("[")
    prose = bool(words) and not linked and words[0].strip(",.;:").lower() in _NOT_A_NAME
    return None if len(words) > 16 or sentence or prose else match


def _read_byline(value: str, header: Header) -> None:
    found = find_date(value)
    if found and not value[found.end :].strip(" .)") and _BYLINE_DATE.search(value[: found.start]):
        header.published = header.published or found
        value = _BYLINE_DATE.sub("", value[: found.start])
    byline = read_byline(value)
    header.byline = plain(value)
    header.authors = byline.authors
    header.outlet = byline.outlet
    header.lost_author_links = byline.lost_links
    header.notes.extend(byline.notes)


def _add_labels(header: Header, kind: str, value: str) -> None:
    found = [plain(link.text) for link in links(value) if not link.image]
    if not found:
        found = [part.strip(" .") for part in re.split(r"\s*[,;|]\s*", plain(value))]
    values = header.labels.setdefault(kind, [])
    values.extend(v for v in found if v and v not in values)


def _publisher(markdown: str, date: FoundDate | None) -> Publisher | None:
    markdown = markdown.strip().rstrip(",–—-|· ").strip()
    link = LINK.fullmatch(markdown)
    name = plain(markdown)
    if link is None and is_absolute(markdown):
        return Publisher(name="", url=markdown, date=date, said=markdown)
    if not name or len(name.split()) > 8:
        return None
    href = link.group("href") if link else None
    url = href if href and is_absolute(href) and not is_absolute(name) else None
    lost = href is not None and href.strip() in ("", "#")
    return Publisher(name=name, url=url, lost_link=lost, date=date, said=plain(markdown))


def _dated_publisher(line: str) -> Publisher | None:
    """ "Global Research, July 24, 2017" or "[Defend Democracy Press](#) 23 July 2017"."""
    found = find_date(line)
    if found is None or line[found.end :].strip(" )"):
        return None
    prefix = line[: found.start].strip().rstrip(",–—-|·:").strip()
    if not prefix or _PUBLISHED.match(prefix + " ") or _UPDATED.match(prefix + " ") or BYLINE.match(prefix):
        return None
    words = plain(prefix).split()
    linked = LINK.fullmatch(prefix) is not None
    named = bool(words) and all(_NAME_WORD.match(word) for word in words)
    # "Le Monde diplomatique, 28 mai 2024": a short name set off by a comma, capitalised
    short = 0 < len(words) <= 4 and words[0][:1].isupper() and line[: found.start].rstrip().endswith(",")
    if not (linked or named or short):
        return None
    publisher = _publisher(prefix, found)
    if publisher is not None:
        publisher.said = plain(line)
    return publisher


def _date_line(line: str) -> tuple[str, FoundDate] | None:
    text = plain(line)
    for kind, keyword in (("updated", _UPDATED), ("published", _PUBLISHED)):
        if (match := keyword.match(text)) and (found := parse_date(text[match.end() :])):
            return kind, found
    found = parse_date(text)
    return ("published", found) if found else None

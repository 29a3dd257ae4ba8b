"""A deterministic corpus of realistic articles for the benchmarks: a complete syndicate site.

    python benchmarks/corpus.py OUT_DIR --articles 10000 --seed 1
    python benchmarks/corpus.py OUT_DIR --articles 1000 --webhook http://127.0.0.1:8765/hook --drafts 0

writes OUT_DIR/syndicate.toml (a directory endpoint "archive"; with --webhook,
also a webhook endpoint "newsroom-hook" with concurrency 8) and
OUT_DIR/content/YEAR/SLUG.md. The same arguments give byte-identical files.

Every article is valid under schemas/article.schema.json and the project's
own checks (`syndicate validate` exits 0; drafts may carry warnings):
Markdown bodies of about 7 KB with headings, lists, quotes and absolute https
links to *.example.org; licences CC-BY-4.0, CC-BY-SA-4.0, CC-BY-NC-4.0,
CC0-1.0, all-rights-reserved with a grant for community-web, and
CC-BY-ND-4.0 with its body_hash (drafts lack it: a warning); tags, regions, republication chains
(`original`), updates, past embargoes; ready but for a few drafts.

`--json-dir DIR` also writes each article's front matter as DIR/SLUG.json
(dates as ISO 8601 strings, as syndicate normalises them), for validators that
read JSON such as check-jsonschema.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml

from syndicate.checks.attribution import body_hash

T = TypeVar("T")
#: the directory endpoint every generated site has
DIRECTORY_ENDPOINT = "archive"
#: the webhook endpoint a site gets with --webhook
WEBHOOK_ENDPOINT = "newsroom-hook"
WEBHOOK_CONCURRENCY = 8

# --- word pools -----------------------------------------------------------------------------------------

PLACES = (
    "Alder Valley", "Eastbrook", "Port Carrow", "Hillside", "Riverside", "Northgate", "Old Market", "Fairview",
    "Weirton", "Kestrel Bay", "Marlow Heath", "Ashcombe", "Brindle Cross", "Lower Denham", "Saltmarsh",
    "Greyfield", "Thornbury", "Cobble Hill", "Westmere", "Linden Park", "Harrow Ford", "Stanwick",
    "Oakhurst", "Millbrook", "Castlereigh", "Pennyworth", "Ravensholm", "Elmstead",
)  # fmt: skip
BODIES = (
    "City Council", "Water Board", "School District", "Library Trust", "Transit Authority", "Health Board",
    "Housing Association", "Planning Committee", "Fire Service", "Parks Department", "Harbour Commission",
    "Chamber of Commerce", "Tenants' Union", "Food Bank", "Arts Council", "Police Oversight Panel",
    "Community College", "Hospital Trust", "Waste Authority", "Energy Cooperative",
)  # fmt: skip
HEADLINE_VERBS = (
    "Approves", "Rejects", "Delays", "Expands", "Reviews", "Cuts", "Funds", "Pauses", "Publishes", "Debates",
    "Restores", "Overhauls", "Questions", "Backs", "Launches",
)  # fmt: skip
HEADLINE_OBJECTS = (
    "Tiered Water Rates", "a New Bus Network", "Library Opening Hours", "Flood Defences", "Rent Caps",
    "School Meal Funding", "a Climate Plan", "Ward Boundaries", "Night Bus Services", "a Heritage Survey",
    "Pipe Replacement", "Cycle Lanes on the High Street", "Its Annual Budget", "Allotment Fees",
    "Street Lighting Upgrades", "a Youth Centre", "Harbour Dredging", "Care Home Inspections",
    "a Solar Farm", "Polling Place Changes", "Shipping Register Scans", "Bridge Repairs", "Broadband Grants",
)  # fmt: skip
SUBJECTS = (
    "the council", "the board", "residents", "the finance committee", "local traders", "the mayor's office",
    "campaigners", "the auditor", "opposition members", "the regulator", "volunteers", "the trust's chair",
    "parents", "the union", "engineers", "the planning inspector", "tenants", "the authority's staff",
)  # fmt: skip
VERBS = (
    "argued that", "warned that", "estimated that", "pointed out that", "said that", "concluded that",
    "acknowledged that", "told the meeting that", "wrote that", "insisted that", "noted that", "found that",
)  # fmt: skip
CLAIMS = (
    "the cost would rise by {pct} percent over {years} years",
    "about {num} households would be affected by the change",
    "the scheme had been under discussion since {year}",
    "a consultation drew {num} responses, most of them critical",
    "the budget gap stood at {money} million",
    "the work could begin as early as {month}",
    "only {pct} percent of the target had been met",
    "{num} people attended the first public meeting",
    "similar schemes in {place} had cut costs by a third",
    "the original estimate of {money} million had been too low",
    "the plan relied on a grant that had not yet been confirmed",
    "waiting times had doubled since {year}",
    "the figures would be published in full in {month}",
    "the decision could be reviewed after {years} years",
)  # fmt: skip
CONNECTIVES = (
    "However,", "Meanwhile,", "By contrast,", "In a statement,", "At the same meeting,", "Earlier this year,",
    "According to the minutes,", "In written evidence,", "Since then,", "For now,", "In practice,",
)  # fmt: skip
DETAILS = (
    "The figures were set out in a report to the {body} last {weekday}.",
    "A vote is expected at the next full meeting in {month}.",
    "The proposal passed by {a} votes to {b}, with {c} abstentions.",
    "Officials said the timetable depended on the weather and on contractors' availability.",
    "The report's appendices run to {num} pages and include ward-by-ward tables.",
    "Nobody from the {body} was available to comment on {weekday} evening.",
    "The change takes effect on 1 {month}, subject to a final review.",
    "Critics said the consultation had been too short and too hard to find.",
    "Supporters said the alternative was years of patch repairs at a higher cost.",
    "The data cannot show which factor mattered most, and other explanations are possible.",
    "A similar proposal was withdrawn in {year} after objections from residents.",
    "The {body} said it would publish a response to every objection it received.",
)  # fmt: skip
SECTION_HEADINGS = (
    "Where the money goes", "What changes, and when", "How the vote went", "What residents said",
    "The numbers behind the decision", "What happens next", "A long-running dispute", "Method",
    "What the critics say", "Lessons from elsewhere", "Who pays", "The timetable", "Background",
    "What the data shows", "Questions that remain", "The view from the neighbourhood",
)  # fmt: skip
LINK_TEXTS = (
    "the full report", "the meeting's minutes", "a consultation page", "the published budget",
    "earlier coverage", "the results archive", "a statement", "the inspector's letter", "the project page",
    "the council's data portal", "an independent review", "the annual accounts",
)  # fmt: skip
LINK_HOSTS = (
    "council", "data", "minutes", "archive", "press", "consultation", "stats", "library", "transport",
    "health", "planning", "records",
)  # fmt: skip
PATH_WORDS = (
    "reports", "news", "documents", "meetings", "data", "publications", "consultations", "media", "notices",
)  # fmt: skip
MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December",
)  # fmt: skip
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
FIRST_NAMES = (
    "Dana", "Owen", "Priya", "Marcus", "Helen", "Tomasz", "Aisha", "Rhys", "Imogen", "Kwame", "Sofia", "Liam",
    "Niamh", "Ravi", "Greta", "Jonah", "Esther", "Felix", "Mei", "Oluwaseun", "Clara", "Iker", "Hana", "Bram",
)  # fmt: skip
LAST_NAMES = (
    "Whitcombe", "Farraday", "Lanstead", "Okafor", "Brennan", "Kowalski", "Rahman", "Pritchard", "Sato",
    "Mensah", "Lindqvist", "Moreau", "Haddad", "Castellanos", "O'Neill", "Varga", "Achterberg", "Ferreira",
    "Nakamura", "Doyle", "Ivanova", "Mbeki", "Thornton", "Quigley",
)  # fmt: skip
PUBLISHERS = (
    ("The Riverside Ledger", "riverside-ledger"), ("The Eastbrook Observer", "eastbrook-observer"),
    ("The Harbour Gazette", "harbour-gazette"), ("Coastal Community Wire", "coastal-wire"),
    ("Valley Voice", "valley-voice"), ("The Northgate Courier", "northgate-courier"),
    ("Kestrel Bay Times", "kestrelbay-times"), ("The Civic Desk", "civic-desk"),
    ("Marlow Heath Herald", "marlow-herald"), ("Open Council Reports", "open-council"),
    ("The Saltmarsh Record", "saltmarsh-record"), ("Westmere Independent", "westmere-independent"),
    ("Regional News Cooperative", "regional-news-coop"), ("The Linden Park Post", "lindenpark-post"),
    ("Greyfield Community Radio", "greyfield-radio"), ("The Thornbury Tribune", "thornbury-tribune"),
    ("Castlereigh Chronicle", "castlereigh-chronicle"), ("Elmstead Weekly", "elmstead-weekly"),
)  # fmt: skip
TAGS = (
    "Local Government", "Water", "Utilities", "Infrastructure", "Elections", "Civic Participation",
    "Data Analysis", "Libraries", "Archives", "Local History", "Maritime", "Transport", "Housing",
    "Education", "Health", "Environment", "Climate", "Budget", "Planning", "Public Safety", "Culture",
    "Business", "Employment", "Courts", "Policing", "Parks", "Energy", "Agriculture", "Tourism", "Youth",
    "Social Care", "Heritage", "Flooding", "Roads", "Cycling", "Accountability", "Open Data", "Unions",
)  # fmt: skip
REGIONS = (
    "Alder Valley", "Eastbrook", "Port Carrow", "North Coast", "Riverside", "Kestrel Bay", "Marlow Heath",
    "Westmere", "Greyfield", "Thornbury", "Castlereigh", "Elmstead", "South Downs", "Middle Reach",
)  # fmt: skip

#: (id, weight, licence url): the licence mix of the corpus
LICENSES = (
    ("CC-BY-4.0", 25, "https://creativecommons.org/licenses/by/4.0/"),
    ("CC-BY-SA-4.0", 15, "https://creativecommons.org/licenses/by-sa/4.0/"),
    ("CC-BY-NC-4.0", 15, "https://creativecommons.org/licenses/by-nc/4.0/"),
    ("CC0-1.0", 10, "https://creativecommons.org/publicdomain/zero/1.0/"),
    ("all-rights-reserved", 15, ""),
    ("CC-BY-ND-4.0", 20, "https://creativecommons.org/licenses/by-nd/4.0/"),
)
LICENSE_NAMES = {
    "CC-BY-4.0": "CC BY 4.0",
    "CC-BY-SA-4.0": "CC BY-SA 4.0",
    "CC-BY-NC-4.0": "CC BY-NC 4.0",
    "CC0-1.0": "CC0 1.0",
    "CC-BY-ND-4.0": "CC BY-ND 4.0",
}
FIRST_DAY = dt.date(2016, 1, 4)
LAST_DAY = dt.date(2025, 12, 19)
ZONES = (dt.UTC, dt.timezone(dt.timedelta(hours=1)), dt.timezone(dt.timedelta(hours=-5)))


@dataclass(frozen=True)
class Generated:
    """One article: where it goes, its front matter (JSON values but dates) and the whole file."""

    relative_path: str
    slug: str
    front_matter: dict[str, Any]
    text: str
    status: str
    license_id: str


@dataclass(frozen=True)
class Site:
    root: Path
    config: Path
    content: Path
    articles: int
    ready: int
    drafts: int
    bytes: int


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """Plain YAML as an editor writes it: no &anchors or *aliases for repeated values."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


# --- articles -------------------------------------------------------------------------------------------


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower().replace("'", "")).strip("-")


class _Slots(dict[str, str]):
    """The values of a template's {slots}, drawn only for the slots it has, in the order it names them."""

    def __init__(self, writer: Writer) -> None:
        super().__init__()
        self.writer = writer

    def __missing__(self, key: str) -> str:
        w, r = self.writer, self.writer.rng
        draw: Callable[[], str] = {
            "pct": lambda: str(r.randint(2, 48)),
            "years": lambda: str(r.randint(2, 15)),
            "num": lambda: f"{r.randint(40, 42000):,}",
            "year": lambda: str(r.randint(1998, 2024)),
            "money": lambda: f"{r.randint(1, 90)}.{r.randint(0, 9)}",
            "month": lambda: w.pick(MONTHS),
            "place": lambda: w.pick(PLACES),
            "body": lambda: w.pick(BODIES).lower(),
            "weekday": lambda: w.pick(WEEKDAYS),
            "a": lambda: str(r.randint(5, 9)),
            "b": lambda: str(r.randint(1, 4)),
            "c": lambda: str(r.randint(0, 2)),
        }[key]
        value = draw()
        self[key] = value
        return value


class Writer:
    """Prose, links and front matter drawn from one seeded random generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def pick(self, items: Sequence[T]) -> T:
        return items[self.rng.randrange(len(items))]

    def fill(self, template: str) -> str:
        return template.format_map(_Slots(self))

    def url(self, host: str | None = None, slug: str = "") -> str:
        host = host or f"{self.pick(LINK_HOSTS)}.{slugify(self.pick(PLACES))}.example.org"
        tail = slug or f"{self.rng.randint(2016, 2025)}/{self.pick(PATH_WORDS)}/{slugify(self.pick(HEADLINE_OBJECTS))}"
        return f"https://{host}/{tail}/"

    def sentence(self) -> str:
        r = self.rng.random()
        if r < 0.45:
            subject = self.pick(SUBJECTS)
            text = f"{subject[0].upper()}{subject[1:]} {self.pick(VERBS)} {self.fill(self.pick(CLAIMS))}."
        elif r < 0.75:
            text = self.fill(self.pick(DETAILS))
        else:
            subject = self.pick(SUBJECTS)
            text = f"{self.pick(CONNECTIVES)} {subject} {self.pick(VERBS)} {self.fill(self.pick(CLAIMS))}."
        return text

    def paragraph(self, links: int) -> str:
        sentences = [self.sentence() for _ in range(self.rng.randint(3, 6))]
        for index in self.rng.sample(range(len(sentences)), min(links, len(sentences))):
            text = self.pick(LINK_TEXTS)
            sentences[index] = sentences[index][:-1] + f", as [{text}]({self.url()}) shows."
        if self.rng.random() < 0.15:
            index = self.rng.randrange(len(sentences))
            sentences[index] = f"*{sentences[index]}*"
        return " ".join(sentences)

    def bullet_list(self) -> str:
        items = []
        for _ in range(self.rng.randint(3, 5)):
            place = self.pick(PLACES)
            items.append(f"- **{place}**, where {self.fill(self.pick(CLAIMS))};")
        items[-1] = items[-1][:-1] + "."
        return "\n".join(items)

    def quote(self) -> str:
        claim = self.fill(self.pick(CLAIMS))
        return f'> "We knew {claim}, and we said so at the time," {self.pick(SUBJECTS)} told the meeting.'

    def body(self, title: str, target: int) -> str:
        blocks = [self.paragraph(links=1), self.paragraph(links=self.rng.randint(0, 1))]
        headings = self.rng.sample(SECTION_HEADINGS, len(SECTION_HEADINGS))
        while sum(len(b) + 2 for b in blocks) < target and headings:
            blocks.append(f"## {headings.pop()}")
            for _ in range(self.rng.randint(2, 4)):
                roll = self.rng.random()
                if roll < 0.15:
                    blocks.append(self.bullet_list())
                elif roll < 0.25:
                    blocks.append(self.quote())
                else:
                    blocks.append(self.paragraph(links=self.rng.randint(0, 2)))
        if self.rng.random() < 0.2:
            blocks.append(f"*Update: an earlier version of this article about {title.lower()} gave a wrong figure.*")
        return "\n\n".join(blocks)

    def person(self) -> dict[str, Any]:
        name = f"{self.pick(FIRST_NAMES)} {self.pick(LAST_NAMES)}"
        author: dict[str, Any] = {"name": name}
        roll = self.rng.random()
        if roll < 0.3:
            author["url"] = self.url(f"{self.pick(PUBLISHERS)[1]}.example.org", f"authors/{slugify(name)}")
        elif roll < 0.45:
            author["email"] = f"{slugify(name).replace('-', '.')}@{self.pick(PUBLISHERS)[1]}.example.org"
        return author

    def day(self) -> dt.date:
        span = (LAST_DAY - FIRST_DAY).days
        return FIRST_DAY + dt.timedelta(days=self.rng.randrange(span))


def make_article(index: int, writer: Writer, drafts: float) -> Generated:
    rng = writer.rng
    place, body_name = writer.pick(PLACES), writer.pick(BODIES)
    title = f"{place} {body_name} {writer.pick(HEADLINE_VERBS)} {writer.pick(HEADLINE_OBJECTS)}"
    if rng.random() < 0.3:
        title += f" After {writer.pick(('a Long Debate', 'Objections', 'a Consultation', 'an Audit', 'Delays'))}"
    slug = f"{slugify(title)}-{index:05d}"
    status = "draft" if rng.random() < drafts else "ready"
    published = writer.day()
    source_name, source_host = writer.pick(PUBLISHERS)
    republished = rng.random() < 0.35
    if republished:
        original_name, original_host = writer.pick([p for p in PUBLISHERS if p[0] != source_name])
        first = published
        published_at_source = published + dt.timedelta(days=rng.randint(0, 4))
    else:
        original_name, original_host = source_name, source_host
        first = published_at_source = published
    section = published.strftime("%Y/%m")
    source_url = writer.url(f"{source_host}.example.org", f"{section}/{slugify(title)}")
    original_url = writer.url(f"{original_host}.example.org", f"news/{first:%Y/%m/%d}/{slugify(title)}")
    license_id = rng.choices([lic[0] for lic in LICENSES], weights=[lic[1] for lic in LICENSES])[0]
    license_url = next(lic[2] for lic in LICENSES if lic[0] == license_id)
    holder = original_name if rng.random() < 0.8 else f"{original_name} Media Cooperative"

    front: dict[str, Any] = {"title": title}
    if rng.random() < 0.6:
        front["subtitle"] = writer.sentence().rstrip(".")
    front["slug"] = slug
    front["authors"] = [writer.person() for _ in range(rng.choice((1, 1, 1, 2, 2, 3)))]
    front["published"] = first
    if rng.random() < 0.2:
        hour = rng.randint(6, 21)
        stamp = dt.datetime.combine(
            first + dt.timedelta(days=rng.randint(1, 20)), dt.time(hour, rng.choice((0, 15, 30)))
        )
        front["updated"] = stamp.replace(tzinfo=rng.choice(ZONES))
    front["source"] = {"name": source_name, "url": source_url, "published": published_at_source}
    if republished:
        front["original"] = {"name": original_name, "url": original_url, "published": first}
    front["copyright"] = {"holder": holder, "year": first.year}
    license_: dict[str, Any] = {"id": license_id}
    if license_url:
        license_["url"] = license_url
    contact = f"permissions@{original_host}.example.org"
    if license_id == "all-rights-reserved":
        license_["contact"] = contact
        license_["grants"] = [
            {
                "channels": ["community-web"],
                "from": contact,
                "date": first - dt.timedelta(days=rng.randint(1, 30)),
                "reference": f"email of {first:%d %B %Y}, filed under permissions/",
            }
        ]
    elif rng.random() < 0.3:
        license_["contact"] = contact
    front["license"] = license_
    front["summary"] = f"{writer.sentence()} {writer.sentence()}"
    front["tags"] = rng.sample(TAGS, rng.randint(2, 5))
    front["regions"] = rng.sample(REGIONS, rng.choice((1, 1, 2)))
    if rng.random() < 0.03:
        front["embargo_until"] = dt.datetime.combine(first, dt.time(6, 0), tzinfo=dt.UTC)
    if status == "draft":
        front["status"] = "draft"
    elif rng.random() < 0.7:
        front["status"] = "ready"

    body = writer.body(title, rng.randint(5200, 6800)) + "\n\n---\n\n" + footer(front, license_id)
    if license_id == "CC-BY-ND-4.0" and status == "ready":  # a draft's hash is not recorded yet: a warning
        # keys in the order an editor writes them: the hash beside the licence
        front = _insert_after(front, "license", "body_hash", body_hash(body))
    header = yaml.dump(front, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False, width=1000)
    text = f"---\n{header}---\n\n{body}\n"
    return Generated(f"content/{first.year}/{slug}.md", slug, front, text, status, license_id)


def footer(front: dict[str, Any], license_id: str) -> str:
    source, original = front["source"], front.get("original")
    source_link = f"[{source['name']}]({source['url']})"
    if license_id == "all-rights-reserved":
        terms = "All rights reserved; republished with permission."
    elif license_id == "CC0-1.0":
        terms = f"It is dedicated to the public domain under [CC0 1.0]({front['license']['url']})."
    else:
        terms = f"It is republished here under [{LICENSE_NAMES[license_id]}]({front['license']['url']})."
    notice = f"© {front['copyright']['year']} {front['copyright']['holder']}."
    if original:
        first = f"[{original['name']}]({original['url']})"
        return f"This article first appeared in {first}, was republished by {source_link}. {notice} {terms}"
    return f"This article first appeared in {source_link}. {notice} {terms}"


def _insert_after(mapping: dict[str, Any], after: str, key: str, value: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, item in mapping.items():
        out[name] = item
        if name == after:
            out[key] = value
    return out


def generate(articles: int, seed: int, drafts: float = 0.02) -> Iterator[Generated]:
    """The articles, one at a time: the same seed gives the same articles."""
    writer = Writer(random.Random(seed))  # noqa: S311 (made-up text, not secrets)
    for index in range(articles):
        yield make_article(index, writer, drafts)


# --- the site -------------------------------------------------------------------------------------------


def config_text(
    *,
    directory: bool = True,
    webhook: str | None = None,
    concurrency: int = WEBHOOK_CONCURRENCY,
    content: str = "content",
    feeds: str = "feeds",
    state: str = ".syndicate/state.db",
) -> str:
    lines = [
        "# Generated by benchmarks/corpus.py",
        "",
        "[site]",
        'title = "Benchmark Review"',
        'url = "https://review.example.org/"',
        'channel = "community-web"',
        'language = "en"',
        'rights = "Compilation © Benchmark Review; each article under its own licence, stated in the article."',
        "",
        "[paths]",
        f"content = {json.dumps(content)}",
        f"feeds = {json.dumps(feeds)}",
        f"state = {json.dumps(state)}",
    ]
    if directory:
        lines += [
            "",
            "[[endpoints]]",
            f'name = "{DIRECTORY_ENDPOINT}"',
            'type = "directory"',
            'channel = "community-web"',
            'path = "out/archive"',
        ]
    if webhook:
        lines += [
            "",
            "[[endpoints]]",
            f'name = "{WEBHOOK_ENDPOINT}"',
            'type = "webhook"',
            'channel = "community-web"',
            f"url = {json.dumps(webhook)}",
            f"concurrency = {concurrency}",
        ]
    return "\n".join(lines) + "\n"


def _json_value(value: object) -> str:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    raise TypeError(f"not JSON: {value!r}")


def write_site(
    out: Path,
    articles: int,
    seed: int,
    *,
    webhook: str | None = None,
    drafts: float = 0.02,
    json_dir: Path | None = None,
) -> Site:
    """Write the site (config and content) under `out`; its content folder must not exist yet."""
    content = out / "content"
    if content.exists():
        raise SystemExit(f"{content} exists: give an empty or new OUT_DIR")
    out.mkdir(parents=True, exist_ok=True)
    config = out / "syndicate.toml"
    config.write_text(config_text(webhook=webhook), encoding="utf-8")
    if json_dir is not None:
        json_dir.mkdir(parents=True, exist_ok=True)
    total = ready = 0
    written = time.time_ns() - 60 * 10**9  # as if written a minute ago, so that a no-op run right after is one
    for item in generate(articles, seed, drafts):
        path = out / item.relative_path
        path.parent.mkdir(parents=True, exist_ok=True)
        data = item.text.encode("utf-8")
        path.write_bytes(data)
        os.utime(path, ns=(written, written))  # (a file modified within 3 s of a run is read by the next one too)
        total += len(data)
        ready += item.status == "ready"
        if json_dir is not None:
            text = json.dumps(item.front_matter, default=_json_value, ensure_ascii=False, indent=2)
            (json_dir / f"{item.slug}.json").write_text(text + "\n", encoding="utf-8")
    return Site(out, config, content, articles, ready, articles - ready, total)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], allow_abbrev=False)
    parser.add_argument("out", type=Path, metavar="OUT_DIR", help="where to write the site (content/ must not exist)")
    parser.add_argument("--articles", type=int, default=1000, help="how many articles (default 1000)")
    parser.add_argument("--seed", type=int, default=1, help="the random seed (default 1)")
    parser.add_argument("--webhook", metavar="URL", help=f"add a webhook endpoint {WEBHOOK_ENDPOINT!r} posting there")
    parser.add_argument("--drafts", type=float, default=0.02, help="share of drafts, 0 to 1 (default 0.02)")
    parser.add_argument("--json-dir", type=Path, help="also write each front matter as DIR/SLUG.json")
    args = parser.parse_args(argv)
    if args.articles < 1 or not 0 <= args.drafts <= 1:
        parser.error("--articles must be at least 1 and --drafts between 0 and 1")
    site = write_site(
        args.out, args.articles, args.seed, webhook=args.webhook, drafts=args.drafts, json_dir=args.json_dir
    )
    print(
        f"wrote {site.config} and {site.articles} articles ({site.ready} ready, {site.drafts} drafts, "
        f"{site.bytes / site.articles / 1024:.1f} KiB each on average) under {site.content}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

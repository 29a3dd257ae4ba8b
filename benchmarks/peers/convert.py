"""A corpus of benchmarks/corpus.py as a Hugo site and a Pelican site: the same articles, for the peers' rows.

    python benchmarks/peers/convert.py SITE --hugo OUT/hugo --pelican OUT/pelican

SITE is a folder written by `benchmarks/corpus.py` (its content/YEAR/SLUG.md). Each article's
front matter is mapped, its Markdown body copied as it is:

| corpus (syndicate)  | Hugo (YAML front matter) | Pelican (Markdown metadata) |
| ---                 | ---                      | ---                         |
| title               | title                    | Title                       |
| slug                | slug                     | Slug                        |
| published           | date                     | Date                        |
| updated             | lastmod                  | Modified                    |
| status: draft       | draft: true              | Status: draft               |
| tags                | tags                     | Tags (comma-separated)      |
| summary             | summary                  | Summary                     |
| authors[].name      | params.authors           | Authors (comma-separated)   |
| source              | params.source            | Source (no feed shows it)   |
| original            | params.original          | -                           |
| licence, copyright  | params.license, .copyright (the entry's links and rights) | -  |

Everything the peers' feeds do not show (regions, grants, body_hash, embargo: every embargo of
the corpus is past) is left out. The site's templates and settings (benchmarks/peers/hugo/,
benchmarks/peers/pelican/) are copied beside the content. Either output folder must not exist.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
HUGO_TEMPLATE = HERE / "hugo"
PELICAN_TEMPLATE = HERE / "pelican"
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


@dataclass(frozen=True)
class Article:
    front: dict[str, Any]
    body: str


@dataclass(frozen=True)
class Converted:
    articles: int
    drafts: int


def read_corpus(site: Path) -> Iterator[Article]:
    """Every article of a corpus site, in path order: its front matter (YAML) and its body."""
    for path in sorted((site / "content").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        if not text.startswith("---\n"):
            raise SystemExit(f"{path}: no front matter (not a site of benchmarks/corpus.py?)")
        header, _, body = text[4:].partition("\n---\n")
        yield Article(yaml.load(header, Loader=_Loader), body.lstrip("\n"))  # noqa: S506 (a safe loader)


def _stamp(value: dt.date | dt.datetime) -> str:
    return value.isoformat()


def hugo_front(front: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "title": front["title"],
        "slug": front["slug"],
        "date": _stamp(front["published"]),
    }
    if "updated" in front:
        out["lastmod"] = _stamp(front["updated"])
    if front.get("status") == "draft":
        out["draft"] = True
    out["tags"] = list(front.get("tags", []))
    if "summary" in front:
        out["summary"] = front["summary"]
    license_ = front.get("license", {})
    params: dict[str, Any] = {
        "authors": [author["name"] for author in front.get("authors", [])],
        "source": {"name": front["source"]["name"], "url": front["source"]["url"]},
        "copyright": f"© {front['copyright']['year']} {front['copyright']['holder']}",
        "license": {"id": license_.get("id", ""), "url": license_.get("url", "")},
    }
    if "original" in front:
        params["original"] = {"name": front["original"]["name"], "url": front["original"]["url"]}
    out["params"] = params
    return out


def pelican_header(front: dict[str, Any]) -> str:
    """Pelican's Markdown metadata (one `Key: value` line each), the form its Markdown reader reads."""
    lines = [
        f"Title: {front['title']}",
        f"Slug: {front['slug']}",
        f"Date: {_stamp(front['published'])}",
    ]
    if "updated" in front:
        lines.append(f"Modified: {_stamp(front['updated'])}")
    if front.get("status") == "draft":
        # Pelican 4.12 reads a draft's category even when it writes no draft page (and with no
        # category pages, it gives none): a category of its own, seen in no feed
        lines += ["Status: draft", "Category: drafts"]
    lines.append("Authors: " + ", ".join(author["name"] for author in front.get("authors", [])))
    lines.append("Tags: " + ", ".join(front.get("tags", [])))
    if "summary" in front:
        lines.append(f"Summary: {front['summary']}")
    lines.append(f"Source: {front['source']['url']}")
    return "\n".join(lines) + "\n"


def _fresh(out: Path, template: Path) -> None:
    if out.exists():
        raise SystemExit(f"{out} exists: give a new folder")
    shutil.copytree(template, out, ignore=shutil.ignore_patterns("__pycache__"))


def convert(site: Path, hugo: Path | None, pelican: Path | None) -> Converted:
    """Write the Hugo site to `hugo` and the Pelican site to `pelican` (either may be None)."""
    if hugo is not None:
        _fresh(hugo, HUGO_TEMPLATE)
        (hugo / "content" / "posts").mkdir(parents=True)
    if pelican is not None:
        _fresh(pelican, PELICAN_TEMPLATE)
        (pelican / "content").mkdir()
    articles = drafts = 0
    for article in read_corpus(site):
        front, slug = article.front, article.front["slug"]
        articles += 1
        drafts += front.get("status") == "draft"
        if hugo is not None:
            header = yaml.dump(hugo_front(front), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1000)
            (hugo / "content" / "posts" / f"{slug}.md").write_text(f"---\n{header}---\n\n{article.body}", "utf-8")
        if pelican is not None:
            text = f"{pelican_header(front)}\n{article.body}"
            (pelican / "content" / f"{slug}.md").write_text(text, encoding="utf-8")
    if not articles:
        raise SystemExit(f"{site / 'content'}: no articles")
    return Converted(articles, drafts)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], allow_abbrev=False)
    parser.add_argument("site", type=Path, metavar="SITE", help="a site written by benchmarks/corpus.py")
    parser.add_argument("--hugo", type=Path, metavar="DIR", help="write the Hugo site here (a new folder)")
    parser.add_argument("--pelican", type=Path, metavar="DIR", help="write the Pelican site here (a new folder)")
    args = parser.parse_args(argv)
    if args.hugo is None and args.pelican is None:
        parser.error("give --hugo DIR, --pelican DIR or both")
    done = convert(args.site, args.hugo, args.pelican)
    print(f"converted {done.articles} articles ({done.drafts} drafts)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

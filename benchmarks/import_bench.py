"""The import benchmark: `syndicate import` of a 4.2 MB saved page, beside the same article as text.

    .venv/bin/python benchmarks/import_bench.py            # 3 runs of each, alternating
    .venv/bin/python benchmarks/import_bench.py --runs 1

The page is a saved news page as a large site serves it: a head with JSON-LD,
Open Graph and `article:*` tags, an `<article>` with schema.org microdata (a
NewsArticle with its headline, author and date) holding about 4 MB of paragraphs
and readers' comments, each comment a microdata item of its own with a
`rel="nofollow"` link. Measured, in this process, the median of the runs:

  html        import_source() of the page (reading the HTML, the page's metadata, the text)
  text        import_source() of the text the HTML reader makes of the same page (the baseline)
  metadata    metadata.read_metadata() of the page alone

The same page is measured a second time as a WordPress theme makes it (kind "h-entry"): no
JSON-LD and no article:published_time, the article a classic `hentry` dated by its microformats
(mf2py reads them). The line printed for each gives each median and html / text: what reading
a page's markup costs on top of reading its text. Benchmarks are not tests: nothing here fails for a slow result.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from syndicate.importer.drafts import import_source
from syndicate.importer.html import read_html
from syndicate.importer.metadata import read_metadata

TARGET_BYTES = 4_200_000
HEAD = """<!doctype html><html lang="en"><head><title>Rivers rise across the valley | The Valley Courier</title>
<link rel="canonical" href="https://courier.example.org/2026/03/rivers-rise/">
<meta property="og:site_name" content="The Valley Courier"><meta property="og:title" content="Rivers rise">
<meta property="article:published_time" content="2026-03-01T08:00:00Z">
<meta property="article:tag" content="Floods"><meta property="article:tag" content="Weather">
<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle",
"headline": "Rivers rise across the valley", "author": {"@type": "Person", "name": "Ann Lee"},
"datePublished": "2026-03-01T08:00:00Z", "publisher": {"@type": "Organization", "name": "The Valley Courier"},
"license": "https://creativecommons.org/licenses/by-nd/4.0/"}</script></head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li></ul></nav>
<article itemscope itemtype="https://schema.org/NewsArticle"><h1 itemprop="headline">Rivers rise across the valley</h1>
<p>By <span itemprop="author" itemscope itemtype="https://schema.org/Person">
<span itemprop="name">Ann Lee</span></span></p>
<p><time itemprop="datePublished" datetime="2026-03-01">March 1, 2026</time></p>
"""
PARAGRAPH = (
    "<p>The river rose <a href='https://courier.example.org/floods'>two metres</a> overnight, and the "
    "council closed the bridge on March 1st, 2026 while engineers checked its piers for damage.</p>\n"
)
COMMENT = (
    "<div class='comment' itemscope itemtype='https://schema.org/Comment'>"
    "<span itemprop='author' itemscope itemtype='https://schema.org/Person'>"
    "<a itemprop='url' rel='nofollow' href='/readers/42'><span itemprop='name'>A Reader</span></a></span>"
    "<p itemprop='text'>We saw the water from the hill; the bridge has needed work for years.</p></div>\n"
)
TAIL = (
    "<p>This article is republished from The Valley Courier under a Creative Commons license "
    "(CC BY-ND 4.0).</p></article><footer>© 2026 The Valley Courier</footer></body></html>\n"
)


def page(kind: str = "schema.org") -> str:
    """The page; kind "h-entry": a WordPress theme's, dated only by its microformats (no JSON-LD,
    no article:published_time, the article a classic `hentry`)."""
    unit = PARAGRAPH + COMMENT
    html = HEAD + unit * ((TARGET_BYTES - len(HEAD) - len(TAIL)) // len(unit)) + TAIL
    if kind == "h-entry":
        html = re.sub(r'<script type="application/ld\+json">.*?</script>', "", html, flags=re.S)
        html = html.replace('<meta property="article:published_time" content="2026-03-01T08:00:00Z">', "")
        html = html.replace('<article itemscope itemtype="https://schema.org/NewsArticle">', '<article class="hentry">')
        html = html.replace('<h1 itemprop="headline">', '<h1 class="entry-title">')
        html = html.replace('itemprop="datePublished" ', 'class="published" ')
    return html


def seconds(action: Callable[[Any], object], argument: Any) -> float:
    start = time.perf_counter()
    action(argument)
    return time.perf_counter() - start


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    for kind in ("schema.org", "h-entry"):
        html = page(kind)
        with tempfile.TemporaryDirectory() as folder:
            html_file, text_file = Path(folder, "page.html"), Path(folder, "page.txt")
            html_file.write_text(html, encoding="utf-8")
            text_file.write_text(read_html(html, None).markdown, encoding="utf-8")
            samples: dict[str, list[float]] = {"html": [], "text": [], "metadata": []}
            for _ in range(args.runs):  # alternating, so that a busy machine slows each alike
                samples["html"].append(seconds(import_source, str(html_file)))
                samples["text"].append(seconds(import_source, str(text_file)))
                samples["metadata"].append(seconds(lambda page: read_metadata(page, None), html))
        medians = {name: statistics.median(values) for name, values in samples.items()}
        print(
            f"| import of a {len(html.encode()) / 1e6:.1f} MB saved page ({kind}) | html {medians['html']:.2f} s "
            f"| text {medians['text']:.2f} s | html / text {medians['html'] / medians['text']:.2f} "
            f"| metadata alone {medians['metadata']:.2f} s |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""The sanitiser's fast path on a generated site: the same HTML as nh3 for every body, and what it saves.

    .venv/bin/python benchmarks/fast_sanitise.py /tmp/site-10000 --sample 1000 --rounds 5

For every article of SITE (benchmarks/corpus.py), the body and its last three
paragraphs (what equivalent_footer renders) are sanitised with the fast
path (render.render_markdown; render.sanitise, which reads the HTML alone) and
by nh3 alone; any difference is printed and the exit status is 1. Then, on the
first --sample articles, the mean cost per article of nh3 against the fast
path (rounds interleaved, in one process, the median round reported), and of
render.render_copy_uncached with the fast path and without it.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from unittest import mock

from syndicate.articles.front_matter import parse_article_bytes
from syndicate.licences.profiles import LicenseProfile, load_registry
from syndicate.render import commonmark
from syndicate.render import html_copy as render
from syndicate.render.sanitise_fast import fast_sanitise

Article = tuple[dict[str, Any], str, LicenseProfile | None]


def load(site: Path) -> list[Article]:
    registry = load_registry(site)
    articles = []
    for path in sorted((site / "content").rglob("*.md")):
        parsed = parse_article_bytes(path.read_bytes(), str(path))
        assert parsed.data is not None, path
        licence = parsed.data.get("license")
        profile = registry.get(licence["id"]) if isinstance(licence, dict) and "id" in licence else None
        articles.append((parsed.data, parsed.body, profile))
    return articles


def footer(body: str) -> str:
    """The Markdown equivalent_footer renders: the last three paragraphs."""
    paragraphs = [p for p in render._BLANK_LINES.split(body.replace("\r\n", "\n")) if p.strip()]
    return "\n\n".join(paragraphs[-render.FOOTER_PARAGRAPHS :])


def check(articles: Sequence[Article]) -> int:
    """How many bodies differ from nh3's; prints how many the fast path took."""
    cleaner, differ, fast, verified, total = render._cleaner(), 0, 0, 0, 0
    for _, body, _ in articles:
        for markdown in (body, footer(body)):
            html = commonmark.to_html(markdown)
            expected = cleaner.clean(html)
            total += 1
            fast += fast_sanitise(html, no_raw_html="<" not in markdown) is not None
            verified += fast_sanitise(html) is not None
            if render.render_markdown(markdown) != expected or render.sanitise(html) != expected:
                differ += 1
                print(f"differs: {markdown[:80]!r}", file=sys.stderr)
    print(f"{total} documents ({len(articles)} bodies and their footers): {differ} differ from nh3; fast path taken")
    print(f"  by render_markdown (nesting vouched for by a Markdown without '<'): {fast}")
    print(f"  by render.sanitise (nesting checked): {verified}")
    return differ


def per_article(variants: dict[str, Callable[[], None]], count: int, rounds: int) -> dict[str, float]:
    """Median over interleaved rounds of the mean microseconds per article of each variant."""
    times: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(rounds):
        for name, work in variants.items():
            start = time.perf_counter()
            work()
            times[name].append((time.perf_counter() - start) / count * 1e6)
    return {name: statistics.median(values) for name, values in times.items()}


def each(work: Callable[[str], str], items: Sequence[str]) -> Callable[[], None]:
    def run() -> None:
        for item in items:
            work(item)

    return run


def _no_fast_path(html: str, *, no_raw_html: bool = False) -> None:
    return None


def measure(articles: Sequence[Article], rounds: int) -> None:
    bodies = [body for _, body, _ in articles]
    htmls = [commonmark.to_html(body) for body in bodies]
    cleaner = render._cleaner()
    sanitising = per_article(
        {
            "nh3 (before)": each(cleaner.clean, htmls),
            "render.sanitise (after)": each(render.sanitise, htmls),
            "  the same, nesting vouched for": each(lambda html: render._sanitised(html, True), htmls),
            "cmark + nh3 (before)": each(lambda body: cleaner.clean(commonmark.to_html(body)), bodies),
            "render.render_markdown (after)": each(render.render_markdown, bodies),
        },
        len(bodies),
        rounds,
    )

    def copies(fast: bool) -> Callable[[], None]:
        def work() -> None:
            with mock.patch.object(render.sanitise_fast, "fast_sanitise", fast_sanitise if fast else _no_fast_path):
                for front_matter, body, profile in articles:
                    render.render_copy_uncached(front_matter, body, profile)

        return work

    rendering = per_article(
        {"render_copy_uncached (before)": copies(False), "render_copy_uncached (after)": copies(True)},
        len(articles),
        rounds,
    )
    print(f"per article, {len(articles)} articles, median of {rounds} interleaved rounds:")
    for name, micros in (sanitising | rendering).items():
        print(f"  {name:40} {micros:7.1f} us")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--sample", type=int, default=1000, help="articles to time (default 1000)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--no-check", action="store_true", help="only time")
    args = parser.parse_args(argv)
    articles = load(args.site)
    differ = 0 if args.no_check else check(articles)
    measure(articles[: args.sample], args.rounds)
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())

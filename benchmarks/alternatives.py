"""Per-article cost of the libraries on syndicate's hot paths, beside the alternatives issue 8 names.

    .venv/bin/pip install jsonschema-rs cmarkgfm yaml-rs    # the alternatives (benchmark-only)
    .venv/bin/python benchmarks/alternatives.py /tmp/site --articles 1000

On the articles of a generated site (benchmarks/corpus.py), in one process,
the median over --repeat passes of the mean per article, for:

  YAML front matter   PyYAML's CSafeLoader (libyaml) vs the pure-Python SafeLoader and yaml-rs
  schema              jsonschema (Draft 2020-12, iter_errors as syndicate calls it) vs jsonschema-rs is_valid
  Markdown parse      markdown-it-py token stream (validate's link check) vs cmarkgfm to HTML
  Markdown render     markdown-it-py (as syndicate rendered before) vs cmark-gfm (syndicate.render.commonmark, now)
  sanitise            nh3.clean, syndicate's settings, of the rendered body

and whether cmarkgfm's HTML, once sanitised by nh3 exactly as syndicate
does, is identical to markdown-it-py's. An alternative that is not installed
is reported as such. Nothing here changes syndicate.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
SCHEMA = HERE.parent / "schemas" / "article.schema.json"


def split(text: str) -> tuple[str, str]:
    """Front matter and body of an article file written by corpus.py."""
    _, header, body = text.split("---\n", 2)
    return header, body.lstrip("\n")


def per_article(work: Callable[[Any], object], items: Sequence[Any], repeat: int) -> float:
    """Median over `repeat` passes of the mean seconds per item."""
    passes = []
    for _ in range(repeat):
        start = time.perf_counter()
        for item in items:
            work(item)
        passes.append((time.perf_counter() - start) / len(items))
    return statistics.median(passes)


def as_json(value: Any) -> Any:
    """YAML values as syndicate normalises them: dates and datetimes to ISO 8601 strings."""
    if isinstance(value, dict):
        return {str(k): as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Per-article cost of the hot-path libraries and alternatives.")
    parser.add_argument("site", type=Path, help="a site from benchmarks/corpus.py")
    parser.add_argument("--articles", type=int, default=1000, help="how many of its articles (default 1000)")
    parser.add_argument("--repeat", type=int, default=3, help="passes over them (default 3)")
    args = parser.parse_args(argv)

    from jsonschema import Draft202012Validator
    from markdown_it import MarkdownIt

    from syndicate.articles import yaml_fast
    from syndicate.render import commonmark
    from syndicate.render import html_copy as render

    files = sorted((args.site / "content").rglob("*.md"))[: args.articles]
    if not files:
        parser.error(f"no articles under {args.site / 'content'}")
    headers, bodies = zip(*(split(f.read_text(encoding="utf-8")) for f in files), strict=True)
    data = [as_json(yaml.load(h, Loader=yaml.CSafeLoader)) for h in headers]
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    rows: list[tuple[str, str, float | None, str]] = []

    def row(what: str, how: str, seconds: float | None, note: str = "") -> None:
        rows.append((what, how, seconds, note))
        shown = "not installed" if seconds is None else f"{seconds * 1e6:,.0f} us"
        print(f"  {what}: {how}: {shown} {note}", file=sys.stderr, flush=True)

    def c_loader(text: str) -> object:
        return yaml.load(text, Loader=yaml.CSafeLoader)

    def python_loader(text: str) -> object:
        return yaml.load(text, Loader=yaml.SafeLoader)

    row("YAML front matter", "PyYAML CSafeLoader (libyaml)", per_article(c_loader, headers, args.repeat))
    row("YAML front matter", "PyYAML SafeLoader (pure Python)", per_article(python_loader, headers, args.repeat))
    if importlib.util.find_spec("yaml_rs"):
        yaml_rs: Any = importlib.import_module("yaml_rs")
        agree = sum(yaml_rs.loads(h) == c_loader(h) for h in headers)
        note = f"(same values on {agree} of {len(headers):,})"
        row("YAML front matter", "yaml-rs loads (Rust)", per_article(yaml_rs.loads, headers, args.repeat), note)
    else:
        row("YAML front matter", "yaml-rs loads (Rust)", None)

    validator = Draft202012Validator(schema)
    row("schema", "jsonschema iter_errors", per_article(lambda d: list(validator.iter_errors(d)), data, args.repeat))
    if importlib.util.find_spec("jsonschema_rs"):
        fast: Any = importlib.import_module("jsonschema_rs").validator_for(schema)
        agree = all(fast.is_valid(d) == validator.is_valid(d) for d in data)
        row(
            "schema",
            "jsonschema-rs is_valid",
            per_article(fast.is_valid, data, args.repeat),
            f"(same verdicts: {agree})",
        )
    else:
        row("schema", "jsonschema-rs is_valid", None)

    link_parser = MarkdownIt("commonmark")
    # what syndicate rendered with before cmark-gfm (render.py until issue 8): same options
    markdown_it = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    markdown_it.validateLink = lambda url: True  # type: ignore[method-assign]
    row("Markdown parse", "markdown-it-py parse (commonmark)", per_article(link_parser.parse, bodies, args.repeat))
    row(
        "Markdown render",
        "markdown-it-py render (as syndicate did)",
        per_article(markdown_it.render, bodies, args.repeat),
    )
    row(
        "Markdown render",
        "cmark-gfm, syndicate.render.commonmark (now)",
        per_article(commonmark.to_html, bodies, args.repeat),
    )
    html = {body: commonmark.to_html(body) for body in bodies}
    row(
        "sanitise",
        "nh3 Cleaner (syndicate's settings, now)",
        per_article(lambda b: render.sanitise(html[b]), bodies, args.repeat),
    )
    row(
        "YAML front matter",
        "syndicate.articles.yaml_fast (now), yaml_walk for the rest",
        per_article(lambda h: yaml_fast.load(h, 2), headers, args.repeat),
    )
    ours = [render.sanitise(html[b]) for b in bodies]
    # the one known difference: GFM strikethrough is <del> in cmark-gfm, <s> in markdown-it
    theirs = [render.sanitise(markdown_it.render(b)).replace("<s>", "<del>").replace("</s>", "</del>") for b in bodies]
    same = sum(a == b for a, b in zip(ours, theirs, strict=True))
    print(f"  identical sanitised HTML: {same} of {len(bodies)}", file=sys.stderr)

    print(f"Per article, over {len(files):,} articles of {args.site} (median of {args.repeat} passes):\n")
    print("| step | library | per article | note |")
    print("| --- | --- | ---: | --- |")
    for what, how, seconds, note in rows:
        shown = "not installed" if seconds is None else f"{seconds * 1e6:,.0f} us"
        print(f"| {what} | {how} | {shown} | {note} |")
    print(f"\ncmark-gfm + nh3 gives HTML identical to markdown-it-py + nh3 on {same} of {len(bodies):,} articles.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Import of files that start with another tool's front matter, of private addresses, and the
editor's choices (placeholder links); saved pages' metadata read with extruct."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from syndicate.errors import UsageError
from syndicate.importer.drafts import Choices, import_html, import_source, import_text, import_url

OBSIDIAN = """---
title: "Rivers are running out of sand"
source: "https://example.org/2024/05/rivers-sand"
author:
  - "[[Lena Vogel]]"
  - "[[Kofi Mensah]]"
published: 2024-05-14
created: 2024-06-01T10:00:00
description: "Dams and dredging starve deltas."
tags:
  - "rivers"
language: en
---
Dams and dredging are starving deltas of sediment.
"""

ZOTERO = """---
title: A study of deltas
creators:
  - {firstName: Ann, lastName: Lee, creatorType: author}
  - {firstName: Bo, lastName: Ek, creatorType: editor}
publicationTitle: Delta Review
url: https://delta.example.org/a-study
date: "2023-02-01"
rights: CC BY 4.0
accessDate: "2024-01-01"
---
Text of the study.
"""

HUGO = """+++
title = "Night trains return"
date = 2022-03-04T05:06:07+01:00
lastmod = 2022-03-05T00:00:00Z
categories = ["transport"]
draft = false
layout = "post"
+++
The night trains are back.
"""


def test_a_web_clip_maps_what_is_certain_and_keeps_the_rest() -> None:
    result = import_text(OBSIDIAN, "clip.md")
    fm = result.front_matter
    assert fm["title"] == "Rivers are running out of sand"
    assert fm["authors"] == [{"name": "Lena Vogel"}, {"name": "Kofi Mensah"}]
    assert fm["source"] == {"url": "https://example.org/2024/05/rivers-sand", "published": "2024-05-14"}
    assert fm["published"] == "2024-05-14"
    assert fm["summary"] == "Dams and dredging starve deltas."
    assert fm["tags"] == ["rivers"]
    assert result.kept == {"created": yaml.safe_load("2024-06-01T10:00:00"), "language": "en"}
    assert "title: Rivers are running out of sand (from the file's front matter: key 'title')" in result.found
    assert result.body == "Dams and dredging are starving deltas of sediment."
    head = result.to_markdown().split("\n---\n")[0]
    assert "#   created: 2024-06-01 10:00:00" in head and "#   language: en" in head
    assert yaml.safe_load(head.removeprefix("---\n")) == fm  # the kept keys are comments, not fields


def test_zotero_creators_publication_and_rights() -> None:
    result = import_text(ZOTERO, "zotero.md")
    fm = result.front_matter
    assert fm["authors"] == [{"name": "Ann Lee"}]  # the editor is not an author
    assert fm["source"]["name"] == "Delta Review"
    assert fm["license"]["id"] == "CC-BY-4.0"
    assert fm["license"]["terms"] == "CC BY 4.0"
    assert list(result.kept) == ["accessDate"]


def test_hugo_toml_front_matter() -> None:
    result = import_text(HUGO, "post.md")
    fm = result.front_matter
    assert fm["title"] == "Night trains return"
    assert fm["source"]["published"] == "2022-03-04T05:06:00+01:00"  # dates.py keeps minutes
    assert fm["updated"] == "2022-03-05T00:00:00+00:00"
    assert fm["tags"] == ["transport"]
    assert list(result.kept) == ["draft", "layout"]


def test_a_key_stated_twice_keeps_the_second_for_the_editor() -> None:
    text = (
        "---\nurl: https://a.example.org/x\nlink: https://b.example.org/y\nauthor: https://a.example.org/me\n---\nT.\n"
    )
    result = import_text(text, "x.md")
    assert result.front_matter["source"] == {"url": "https://a.example.org/x"}
    assert result.kept == {"link": "https://b.example.org/y", "author": "https://a.example.org/me"}


def test_unreadable_front_matter_is_said_and_imported_as_text() -> None:
    result = import_text("---\ntitle: [unclosed\n---\nText.\n", "bad.md")
    assert any(n.startswith("front matter: the YAML front matter cannot be read") for n in result.missing)
    assert not any(n.startswith("front matter:") for n in result.found)  # not also "read"


@pytest.mark.parametrize(
    ("head", "syntax"),
    [
        ("---\npublished: 2020-02-30\n---\n", "YAML"),  # a timestamp PyYAML reads, to a date that is none
        ("---\ndate: 2020-01-01T25:00:00\n---\n", "YAML"),
        ("---\nx: " + "[" * 5000 + "]" * 5000 + "\n---\n", "YAML"),
        ("+++\nx = " + "[" * 5000 + "]" * 5000 + "\n+++\n", "TOML"),
    ],
)
def test_front_matter_whose_values_cannot_be_read_is_said_not_a_traceback(head: str, syntax: str) -> None:
    result = import_text(head + "Text.\n", "bad.md")
    assert any(n.startswith(f"front matter: the {syntax} front matter cannot be read") for n in result.missing)


def test_syndicate_own_front_matter_is_still_refused(tmp_path: Path) -> None:
    article = tmp_path / "a.md"
    article.write_text("---\ntitle: T\nslug: t\nstatus: draft\n---\nBody.\n", encoding="utf-8")
    with pytest.raises(UsageError, match="already an article"):
        import_source(str(article))
    clip = tmp_path / "clip.md"
    clip.write_text(OBSIDIAN, encoding="utf-8")
    assert import_source(str(clip)).front_matter["title"] == "Rivers are running out of sand"


def test_placeholder_links_are_kept_unless_the_editor_chooses() -> None:
    text = "# T\n\nBy Ann Lee\n\nSee [the report](#) and [the map]() and [a site](https://x.example.org/).\n"
    kept = import_text(text, "t.md")
    assert kept.placeholder_links == 2 and "[the report](#)" in kept.body
    plain = import_text(text, "t.md", Choices(unlink_placeholders=True))
    assert plain.body == "See the report and the map and [a site](https://x.example.org/)."
    assert plain.placeholder_links == 0


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:18500/a",
        "http://localhost:18500/a",
        "http://10.1.2.3/a",
        "http://192.168.0.1/a",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:18500/a",
        "http://0.0.0.0:18500/a",
        "HTTP://127.0.0.1:18500/a",
    ],
)
def test_private_addresses_are_refused_before_any_request(url: str) -> None:
    with pytest.raises(UsageError, match="network: not fetched") as error:
        import_source(url)
    assert "--allow-private" in error.value.hint


@pytest.mark.parametrize("url", ["http://[::1", "https://example.org:99999/a", "https://example.org:port/a"])
def test_an_address_urllib_cannot_read_is_refused_as_not_an_address(url: str) -> None:
    with pytest.raises(UsageError, match="is not an http"):
        import_url(url)


def test_a_redirect_to_a_private_address_is_refused(monkeypatch: Any) -> None:
    from syndicate.importer import addresses

    calls: list[str] = []

    def refuse_second(url: str) -> None:
        calls.append(url)
        if len(calls) > 1:
            raise UsageError(f"{url}: the address 127.0.0.1 is on a loopback network: not fetched", "")

    import http.server
    import threading

    class Redirect(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(302)
            self.send_header("Location", "http://127.0.0.1:1/secret")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        monkeypatch.setattr("syndicate.importer.fetch.refuse_private", refuse_second)
        monkeypatch.setattr(addresses, "refuse_private_peer", lambda url, raw: None)
        monkeypatch.setattr("syndicate.importer.fetch.refuse_private_peer", lambda url, raw: None)
        with pytest.raises(UsageError, match="loopback network"):
            import_url(f"http://127.0.0.1:{server.server_address[1]}/start")
    finally:
        server.shutdown()
        server.server_close()
    assert calls == [f"http://127.0.0.1:{server.server_address[1]}/start", "http://127.0.0.1:1/secret"]


def test_page_metadata_from_extruct_with_where_it_was_found() -> None:
    page = """<html><head>
    <link rel="canonical" href="https://news.example.org/2024/a">
    <meta property="og:site_name" content="News Example">
    <meta property="article:tag" content="Energy"><meta property="article:tag" content="Climate">
    <meta name="tdm-reservation" content="1"><meta name="tdm-policy" content="https://news.example.org/tdm.json">
    <link rel="license" type="application/rsl+xml" href="https://news.example.org/license.xml">
    <script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle",
      "headline": "Solar grows", "author": [{"@type": "Person", "name": "Ann Lee"},
      {"@type": "Organization", "name": "News Example"}], "datePublished": "2024-03-01T08:00:00Z",
      "publisher": {"@type": "Organization", "name": "News Example"},
      "license": "https://creativecommons.org/licenses/by-nd/4.0/",
      "isBasedOn": "https://first.example.org/solar", "inLanguage": "en"}</script>
    </head><body><article><p>Solar is growing.</p></article></body></html>"""
    result = import_html(page, "page.html")
    fm = result.front_matter
    assert fm["authors"] == [{"name": "Ann Lee"}]  # the publisher named as author is not an author
    assert fm["license"]["id"] == "CC-BY-ND-4.0" and "body_hash" in fm
    assert fm["tags"] == ["Energy", "Climate"]
    assert fm["source"]["url"] == "https://news.example.org/2024/a"
    found = "\n".join(result.found)
    assert "license.id: CC-BY-ND-4.0 (from the page: schema.org JSON-LD NewsArticle license)" in found
    assert "TDM-Rep: text-and-data-mining rights reserved" in found
    assert "RSL: a machine-readable licence at https://news.example.org/license.xml" in found
    assert "based on: https://first.example.org/solar" in found
    assert "original" not in fm  # isBasedOn is reported, not taken for the first publication


def test_microdata_of_the_article_item_only_with_its_own_properties() -> None:
    comment = (
        '<div itemscope itemtype="https://schema.org/Comment"><span itemprop="author">A Reader</span>'
        '<p itemprop="text">Nice.</p><a rel="nofollow" href="/u">profile</a></div>'
    )
    page = f"""<html><head><title>T</title></head><body>
    <div itemscope itemtype="https://schema.org/BreadcrumbList"><span itemprop="name">Home</span></div>
    <article itemscope itemtype="https://schema.org/NewsArticle">
    <h1 itemprop="headline">Rivers rise</h1>
    <p>By <span itemprop="author" itemscope itemtype="https://schema.org/Person">
    <span itemprop="name">Ann Lee</span></span></p>
    <p><time itemprop="datePublished" datetime="2024-03-01">Posted</time></p>
    <p>The rivers rose. {comment * 3} More text.</p>
    <a rel="license" href="https://creativecommons.org/licenses/by/4.0/">CC BY 4.0</a>
    <meta itemprop="keywords" content="Floods, Rivers"></article></body></html>"""
    fm = import_html(page, "page.html").front_matter
    assert fm["title"] == "Rivers rise"
    assert fm["authors"] == [{"name": "Ann Lee"}]  # not the comments' "A Reader"
    assert str(fm["published"])[:10] == "2024-03-01"
    assert fm["tags"] == ["Floods", "Rivers"]
    assert fm["license"]["id"] == "CC-BY-4.0"


def test_the_command_refuses_a_private_address_and_takes_the_editors_choices(run_cli: Any, tmp_path: Path) -> None:
    refused = run_cli("import", "http://10.0.0.1/story", "--out", str(tmp_path / "out"))
    assert refused.status == 2
    assert "10.0.0.1 is on a private network: not fetched" in refused.err and "--allow-private" in refused.err
    clip = tmp_path / "clip.md"
    clip.write_text(OBSIDIAN.replace("sediment.", "sediment, [says](#) a study."), encoding="utf-8")
    done = run_cli("import", str(clip), "--out", str(tmp_path / "out"), "--unlink-placeholders")
    assert done.status == 0 and "kept: the file's own front matter keys created, language" in done.out
    written = (tmp_path / "out" / "rivers-are-running-out-of-sand.md").read_text(encoding="utf-8")
    assert "sediment, says a study." in written and "#   language: en" in written


def test_a_servers_reuse_headers_are_reported() -> None:
    import http.server
    import threading

    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = b"<html><body><article><h1>A title</h1><p>By Ann Lee</p><p>Text.</p></article></body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("tdm-reservation", "1")
            self.send_header("tdm-policy", "https://news.example.org/tdm-policy.json")
            self.send_header("Link", '<https://news.example.org/license.xml>; rel="license"')
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        result = import_url(f"http://127.0.0.1:{server.server_address[1]}/a", choices=Choices(allow_private=True))
    finally:
        server.shutdown()
        server.server_close()
    found = "\n".join(result.found)
    assert "TDM-Rep: text-and-data-mining rights reserved (the tdm-reservation header)" in found
    assert "mining policy at https://news.example.org/tdm-policy.json" in found
    assert "a licence at https://news.example.org/license.xml (the Link header" in found
    assert "license" not in result.front_matter


def test_a_microformats_entry_gives_its_own_name_and_dates_only() -> None:
    from syndicate.importer.metadata import read_metadata

    entry = (
        '<article class="post hentry"><p>Posted <time class="published" datetime="2024-03-01T10:00:00+00:00">'
        'March 1</time></p><h1 class="entry-title">The title</h1><div class="entry-content"><p>Text.</p>'
        '<blockquote class="h-cite"><time class="dt-published" datetime="2020-01-01">then</time>'
        '<span class="p-name">A quoted post</span></blockquote></div></article>'
    )
    facts = read_metadata(f"<html><body>{entry}</body></html>", None)
    assert facts.values["title"] == "The title"  # not the quoted post's name
    assert facts.values["published"].startswith("2024-03-01")  # not the quoted post's date
    assert facts.where["published"] == "microformats h-entry published"
    implied = read_metadata('<html><body><article class="h-entry"><p>Only text.</p></article></body></html>', None)
    assert "title" not in implied.values  # a name only implied (the entry's text) is not stated

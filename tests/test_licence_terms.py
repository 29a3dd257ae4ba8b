"""The licence's terms, and whom to ask for more, travel with every copy (issue 15, part 5).

The seed's Global Research terms are in front matter (license.terms, license.contact): the folder
page and its Markdown twin, the webhook's payload and the feed entries all carry them; every
copy's JSON-LD says who holds the rights, on what terms and where to ask.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from pathlib import Path
from typing import Any

import feedparser
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from syndicate.checks.validate import load_site
from syndicate.config import load_config
from syndicate.feeds.generate import generate_feeds
from syndicate.licences.profiles import load_registry
from syndicate.render.attribution_block import Link, markdown_block, plain_text
from syndicate.render.html_copy import _fold, links_and_text, render_copy, render_markdown
from tests.loopback import recording_server
from tests.seed import SEED, SEED_CONTACT, SEED_SOURCE_URL, SEED_TERMS, make_seed_ready
from tests.w3c import w3c_problems

REGISTRY = load_registry()
NOW = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)
MAILTO = f"mailto:{SEED_CONTACT}"
BY_ND = "https://creativecommons.org/licenses/by-nd/4.0/"


def json_ld_of(page: str) -> Any:
    (script,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.DOTALL)
    return json.loads(script)


def add_webhook(site: Path, url: str) -> None:
    config = site / "syndicate.toml"
    config.write_text(
        config.read_text()
        + f'\n[[endpoints]]\nname = "hook"\ntype = "webhook"\nchannel = "community-web"\nurl = "{url}"\n'
    )


def test_every_copy_of_the_seed_carries_its_terms_and_contact(run_cli: Any, site: Path) -> None:
    make_seed_ready(site)
    config = str(site / "syndicate.toml")
    with recording_server() as hook:
        add_webhook(site, hook.url)
        pushed = run_cli("--config", config, "push")
        assert pushed.status == 0, pushed.err
        (payload,) = [json.loads(r.body) for r in hook.requests if json.loads(r.body)["article"] == SEED]
    # the folder's page: a line of the terms and a mailto link in the attribution block
    page = (site / "out" / "archive" / f"{SEED}.html").read_text()
    footer = page[page.index('<footer class="syndicate-attribution">') : page.index("</footer>")]
    assert f"<p>The source's terms: “{html.escape(SEED_TERMS, quote=False)}”</p>" in footer
    assert f'<p>For other uses, ask: <a href="{MAILTO}">{SEED_CONTACT}</a>.</p>' in footer
    assert '<link rel="license"' not in page  # the terms have no page of their own: no link is made up
    # its JSON-LD: who holds the rights, on what terms, whom to ask, what it is based on
    data = json_ld_of(page)
    assert data["license"] == {
        "@type": "CreativeWork",
        "name": "Global Research cross-posting permission",
        "text": SEED_TERMS,
    }
    assert data["acquireLicensePage"] == MAILTO
    assert data["copyrightHolder"] == {"name": "Defend Democracy Press"}
    assert data["copyrightYear"] == 2017
    assert data["copyrightNotice"] == "© 2017 Defend Democracy Press"
    assert data["creditText"] == "Defend Democracy Press, via Global Research"
    assert data["isBasedOn"] == SEED_SOURCE_URL
    # the Markdown twin ends with the block as Markdown, after a rule
    twin = (site / "out" / "archive" / f"{SEED}.md").read_text()
    assert twin.endswith(
        "\n\n---\n\n“Turkey Has Agreed to Buy Russia's S-400 Advanced Missile-defense System, Leaving NATO Wondering"
        " What's Next” by Defend Democracy Press.\n\n"
        "First published by Defend Democracy Press on 23 July 2017.\n\n"
        f"Republished from [Global Research](<{SEED_SOURCE_URL}>).\n\n"
        "© 2017 Defend Democracy Press.\n\n"
        "Licence: Global Research cross-posting permission.\n\n"
        f"The source's terms: “{SEED_TERMS}”\n\n"
        f"For other uses, ask: [{SEED_CONTACT}](<{MAILTO}>).\n"
    )
    # the webhook's payload: in the licence's metadata and in the HTML
    assert payload["copy"]["license"] == {
        "id": "globalresearch-crosspost",
        "name": "Global Research cross-posting permission",
        "url": None,
        "terms": SEED_TERMS,
        "contact": SEED_CONTACT,
    }
    assert html.escape(SEED_TERMS, quote=False) in payload["copy"]["html"]
    assert f'href="{MAILTO}"' in payload["copy"]["html"]
    assert run_cli("--config", config, "push").out == ""  # and nothing changes after


def test_the_seeds_feed_entry_carries_its_terms(site: Path) -> None:
    make_seed_ready(site)
    config = load_config(site / "syndicate.toml")
    content = load_site(config, NOW.date())
    generate_feeds(config, content.articles, content.checks, config.paths.feeds, NOW)
    for name in ("atom.xml", "rss.xml"):
        path = site / "feeds" / name
        (entry,) = [e for e in feedparser.parse(path.read_bytes()).entries if e.id.endswith(":" + SEED)]
        assert entry.rights == (
            "© 2017 Defend Democracy Press. Licence: Global Research cross-posting permission. "
            f"The source's terms: “{SEED_TERMS}” For other uses, ask: {SEED_CONTACT}."
        )
        content_html = entry.content[0].value
        assert html.escape(SEED_TERMS, quote=False) in content_html and MAILTO in content_html
        assert "license" not in {link.rel for link in entry.get("links", [])}  # no URL: no licence link
        assert w3c_problems(path) is None


def render(front_matter: dict[str, Any], license_id: str | None, body: str = "Text.\n") -> Any:
    return render_copy(front_matter, body, REGISTRY.get(license_id) if license_id else None)


BASE: dict[str, Any] = {
    "title": "T",
    "authors": [{"name": "A"}],
    "source": {"name": "Wire", "url": "https://wire.example/a"},
    "copyright": {"holder": "H", "year": 2024},
}


@pytest.mark.parametrize(
    ("license_", "lines", "absent"),
    [
        pytest.param(
            {"id": "globalresearch-crosspost"},
            ["<p>Terms: " + html.escape(str(REGISTRY.profiles["globalresearch-crosspost"].terms), quote=False)],
            ["The source's terms"],
            id="no-url-no-terms-the-profiles-words",
        ),
        pytest.param({"id": "all-rights-reserved"}, [], ["Terms:", "terms:"], id="a-grant-only-profile-says-none"),
        pytest.param({"id": "custom"}, [], ["Terms:", "terms:"], id="custom-without-terms"),
        pytest.param(
            {"id": "CC-BY-ND-4.0"}, [f'<a href="{BY_ND}" rel="license">CC BY-ND 4.0</a>'], ["Terms:"], id="cc-link"
        ),
        pytest.param(
            {"id": "CC-BY-ND-4.0", "terms": "Licensed CC BY-ND <4.0> & more"},
            ["<p>The source's terms: “Licensed CC BY-ND &lt;4.0&gt; &amp; more”</p>"],
            [],
            id="verbatim-terms-beside-the-link",
        ),
        pytest.param(
            {"id": "custom", "terms": "Ask first.", "contact": "https://wire.example/permissions"},
            [
                "<p>The source's terms: “Ask first.”</p>",
                '<p>For other uses, ask: <a href="https://wire.example/permissions">'
                "https://wire.example/permissions</a>.</p>",
            ],
            [],
            id="contact-url",
        ),
        pytest.param(
            {"id": "custom", "contact": "mailto:Rights.Desk@wire.example"},
            ['ask: <a href="mailto:Rights.Desk@wire.example">mailto:Rights.Desk@wire.example</a>.'],
            [],
            id="contact-mailto",
        ),
        pytest.param(
            {"id": "custom", "contact": "the editor, Jane <Doe>"},
            ["<p>For other uses, ask: the editor, Jane &lt;Doe&gt;.</p>"],
            ["mailto:"],
            id="contact-in-words",
        ),
    ],
)
def test_terms_and_contact_lines(license_: dict[str, Any], lines: list[str], absent: list[str]) -> None:
    block = render(BASE | {"license": license_}, license_["id"]).attribution_html
    for line in lines:
        assert line in block
    for text in absent:
        assert text not in block


@pytest.mark.parametrize(
    ("license_", "acquire", "licence"),
    [
        ({"id": "CC-BY-ND-4.0"}, BY_ND, BY_ND),
        ({"id": "CC-BY-ND-4.0", "contact": "r@wire.example"}, "mailto:r@wire.example", BY_ND),
        ({"id": "all-rights-reserved"}, None, {"@type": "CreativeWork", "name": "All rights reserved"}),
        (
            {"id": "custom", "terms": "Ask.", "contact": "https://wire.example/p"},
            "https://wire.example/p",
            {"@type": "CreativeWork", "name": "Custom terms (recorded in the article)", "text": "Ask."},
        ),
        (
            {"id": "custom", "url": "https://wire.example/terms", "contact": "the desk"},
            "https://wire.example/terms",
            "https://wire.example/terms",
        ),
    ],
)
def test_json_ld_licence_and_where_to_acquire_more(license_: dict[str, Any], acquire: Any, licence: Any) -> None:
    data = render(BASE | {"license": license_}, license_["id"]).json_ld
    assert data.get("acquireLicensePage") == acquire
    assert data["license"] == licence
    assert data["copyrightNotice"] == "© 2024 H"
    assert data["creditText"] == "A, via Wire"
    assert data["isBasedOn"] == "https://wire.example/a"


FOOTER = "Republished from [Wire](https://wire.example/a). © 2024 H. Licence: custom terms."


@pytest.mark.parametrize(
    ("footer", "block"),
    [
        pytest.param(
            FOOTER,
            '<footer class="syndicate-attribution">\n<p>The source\'s terms: “Ask first.”</p>\n'
            '<p>For other uses, ask: <a href="mailto:r@wire.example">r@wire.example</a>.</p>\n</footer>\n',
            id="the-footer-lacks-both",
        ),
        pytest.param(
            FOOTER + " Ask first.",
            '<footer class="syndicate-attribution">\n'
            '<p>For other uses, ask: <a href="mailto:r@wire.example">r@wire.example</a>.</p>\n</footer>\n',
            id="the-footer-has-the-terms",
        ),
        pytest.param(FOOTER + " Ask first. Write to [us](mailto:r@wire.example).", "", id="it-has-everything"),
        pytest.param(FOOTER + " Ask first. Write to R@Wire.example.", "", id="the-contact-as-text"),
    ],
)
def test_a_footer_that_attributes_gets_only_what_it_lacks(footer: str, block: str) -> None:
    front_matter = BASE | {"license": {"id": "custom", "terms": "Ask first.", "contact": "r@wire.example"}}
    assert render(front_matter, "custom", "Text.\n\n" + footer + "\n").attribution_html == block


_PIECES = st.sampled_from(
    ["*", "_", "[x](y)", "<b>", "&amp;", "&copy;", "`c`", "\\", "~~s~~", "|", "# h", "> q", "1. ", "- ", "!", "\n",
     "\r\n", "www.x.example", " ", "é", "“q”", "<!-- c -->", "]]>", "a@b.example"]
)  # fmt: skip
#: what front matter can hold (control characters are taken out where it is read)
_CHARACTERS = st.characters(blacklist_categories=("Cs", "Cc"))


@settings(max_examples=200, deadline=None, database=None)
@given(st.lists(st.one_of(_PIECES, st.text(_CHARACTERS, max_size=6)), max_size=10).map("".join))
def test_the_markdown_block_reads_back_as_the_text_it_says(terms: str) -> None:
    """Whatever the terms hold, the Markdown twin's block renders to its text and its links alone."""
    contact = Link("a@b.example", "mailto:a@b.example")
    lines = [("The source's terms: “" + terms + "”",), ("For other uses, ask: ", contact, ".")]
    hrefs, words = links_and_text(render_markdown(markdown_block(lines)))
    # (links_and_text makes every tag a space)
    assert "".join(_fold(words).split()) == "".join(_fold(plain_text(lines)).split())
    assert hrefs == ["mailto:a@b.example"]


def test_the_json_ld_script_keeps_wordpress_shortcodes_and_markup_inert() -> None:
    title = "Q&A: [gallery ids='1'] </script> <!-- [embed]x[/embed]"
    copy = render(BASE | {"title": title, "license": {"id": "CC-BY-ND-4.0"}}, "CC-BY-ND-4.0")
    script = copy.json_ld_script
    assert "[gallery" not in script and "[embed" not in script and "</script>" not in script[:-10]
    assert '"author":[{' in script  # JSON's own brackets stay brackets
    assert copy.json_ld["headline"] == title

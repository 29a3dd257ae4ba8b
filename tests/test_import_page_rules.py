"""The importer's rules for saved pages' markup and republished articles' closing credits, each on a
small page: the byline's and tags' links, @id references, licences in captions and photo-only
statements, a site footer's licence, national ports, dotted dates, closing credits."""

from __future__ import annotations

import pytest

from syndicate.importer.dates import find_date
from syndicate.importer.drafts import import_html, import_text
from syndicate.importer.licensing import find_creative_commons
from syndicate.importer.markdown import plain


def _page(body: str, head: str = "") -> str:
    return f"<html><head>{head}</head><body>{body}</body></html>"


def test_the_bylines_markup_names_the_author_and_rel_tag_links_the_tags() -> None:
    body = (
        '<article><h1>A title</h1><span class="byline author">von <a class="fn n" href="/author/x/">Peter Addor</a>'
        '</span><p>Text.</p><span>Kategorien: <a href="/category/reisen/" rel="tag">Reisen</a></span> '
        '<span>Schlagwörter: <a href="/tag/alltag/" rel="tag">Alltag</a>, <a href="/tag/tiere/" rel="tag">Tiere</a>'
        '</span></article><div class="comments"><a rel="author" href="/u">Reader One</a></div>'
    )
    fm = import_html(_page(body), "p.html").front_matter
    assert fm["authors"] == [{"name": "Peter Addor"}]
    assert fm["tags"] == ["Alltag", "Tiere"]  # the /tag/ links; /category/ is a section


def test_a_list_of_other_posts_bylines_names_no_author() -> None:
    posts = "".join(f'<div><a rel="author" href="/a{i}">Writer {name}</a></div>' for i, name in enumerate("ABC"))
    fm = import_html(_page(f"<article><h1>A title</h1><p>Text.</p>{posts}</article>"), "p.html").front_matter
    assert "authors" not in fm


def test_a_json_ld_publisher_by_reference_is_read_from_the_graph() -> None:
    graph = (
        '{"@context":"https://schema.org","@graph":[{"@type":"Organization","@id":"https://x.org/#org",'
        '"name":"Unterwegs"},{"@type":"Article","headline":"A title","publisher":{"@id":"https://x.org/#org"}}]}'
    )
    head = f'<script type="application/ld+json">{graph}</script>'
    fm = import_html(_page("<article><p>Text.</p></article>", head), "p.html").front_matter
    assert fm["source"]["name"] == "Unterwegs"


def test_a_licence_in_a_caption_or_for_photos_only_is_not_the_articles() -> None:
    body = (
        '<article><h1>A title</h1><figure><figcaption>A chart. <a rel="license" '
        'href="http://creativecommons.org/licenses/by-sa/2.0/">CC-BY-SA 2.0</a></figcaption></figure><p>Text.</p>'
        '</article><footer><p>Alle Fotos auf diesem Blog sind als <a href="https://creativecommons.org/licenses/'
        'by-nc-nd/3.0/">Creative Commons BY-NC-ND 3.0</a> lizenziert.</p></footer>'
    )
    assert "license" not in import_html(_page(body), "p.html").front_matter


def test_a_site_footers_licence_is_read_when_the_article_states_none() -> None:
    body = (
        "<article><h1>A title</h1><p>Text about Creative Commons licences in general.</p></article>"
        '<footer><p><a href="https://creativecommons.org/licenses/by/4.0/">CC BY 4.0</a></p>'
        "<p>Die von uns verfassten Inhalte stehen, soweit nicht anders vermerkt, unter der Lizenz "
        '<a href="http://creativecommons.org/licenses/by-nc-sa/4.0/">Creative Commons BY-NC-SA 4.0</a>.</p></footer>'
    )
    assert import_html(_page(body), "p.html").front_matter["license"]["id"] == "CC-BY-NC-SA-4.0"


@pytest.mark.parametrize(
    ("stated", "spdx"),
    [
        ("[licence](http://creativecommons.org/licenses/by-nc-sa/3.0/de/)", "CC-BY-NC-SA-3.0-DE"),
        ("Creative Commons Attribution-NonCommercial-ShareAlike 3.0 Germany License", "CC-BY-NC-SA-3.0-DE"),
        ("[licence](https://creativecommons.org/licenses/by/3.0/deed.de)", "CC-BY-3.0"),  # a deed's language
        ("[licence](http://creativecommons.org/licenses/by-nc/2.0/fr/)", "CC-BY-NC-2.0"),  # no SPDX id: unported
    ],
)
def test_national_ports_get_their_spdx_id_when_spdx_lists_one(stated: str, spdx: str) -> None:
    found = find_creative_commons(stated)
    assert found is not None and found.spdx_id == spdx


def test_a_notice_under_a_photo_credit_is_the_photos() -> None:
    text = "The pitch. (AP Photo/LM Otero)\nCopyright 2023 The Associated Press. All rights reserved.\nSix years ago…"
    fm = import_text(text, "t.txt").front_matter
    assert "copyright" not in fm and "license" not in fm


def test_an_escaped_asterisk_stays_in_a_title() -> None:
    assert plain(r"Expert\*innen in der *Krise*") == "Expert*innen in der Krise"


def test_dotted_dates_are_day_first_and_a_date_and_byline_share_a_line() -> None:
    found = find_date("11.09.2011, 16:20")
    assert found is not None and found.value == "2011-09-11"
    assert find_date("v1.2.2020") is None
    fm = import_text("# Gefällt mir\n\n11.09.2011, 16:20 von jovelstefan\n\nDer Text.\n", "t.txt").front_matter
    assert fm["published"] == "2011-09-11" and fm["authors"] == [{"name": "jovelstefan"}]


def test_a_dotted_date_over_an_untitled_entry_is_a_lists_timestamp() -> None:
    fm = import_text("12.01.2026 à 15:56\nSophie Othman, Maître de conférences, Université X\nLe texte.\n", "t.txt")
    assert "published" not in fm.front_matter


def test_closing_credits_name_the_authors_and_the_address() -> None:
    conversation = (
        "The text of the story.\n\n[Ian Milligan](https://theconversation.com/profiles/ian-milligan-789716), "
        "Professor of History, _University of Waterloo_\n\nThis article is republished from "
        "[The Conversation](https://theconversation.com) under a Creative Commons license.\n"
    )
    assert import_text(conversation, "t.txt").front_matter["authors"] == [{"name": "Ian Milligan"}]
    notes = (
        "The text.\n\n[Kai Yang](https://k.me) is a doctoral student at Indiana University. Filippo Menczer is a "
        "professor at Indiana University. This article is republished from The Conversation under a licence.\n"
    )
    assert [a["name"] for a in import_text(notes, "t.txt").front_matter["authors"]] == ["Kai Yang", "Filippo Menczer"]
    lctt = (
        "Title\n======\n\nThe text.\n\n---\n\nvia: https://opensource.com/article/18/5/x\n\n作者：[Mike Bursell][a]\n"
    )
    fm = import_text(lctt, "t.md").front_matter
    assert (
        fm["authors"] == [{"name": "Mike Bursell"}] and fm["source"]["url"] == "https://opensource.com/article/18/5/x"
    )


def test_a_note_naming_the_pages_own_site_is_no_republication() -> None:
    head = (
        '<meta property="og:site_name" content="DoSchu.Com">'
        '<meta property="article:published_time" content="2020-02-14T13:42:33Z">'
    )
    body = (
        "<article><h1>Solopreneur</h1><p>Text.</p>"
        "<p><em>Dieser Beitrag erschien zuerst im Blog DoSchu.Com</em></p></article>"
    )
    fm = import_html(_page(body, head), "p.html").front_matter
    assert "original" not in fm and fm["published"].startswith("2020-02-14")


def test_a_kicker_above_the_headline_is_not_the_title() -> None:
    fm = import_text("#### Siemens und die Kohlemine Adani\n\n# Kaeser verarscht Neubauer\n\nDer Text.\n", "t.md")
    assert fm.front_matter["title"] == "Kaeser verarscht Neubauer"


def test_a_sites_rights_reserved_with_an_address_is_the_articles_terms() -> None:
    footer = (
        "<footer><p>Alle Rechte vorbehalten. Für Fragen zu Rechten oder Genehmigungen wenden Sie sich bitte an "
        'lizenzen@taz.de<a href="#">zur mobilen Ansicht wechseln</a></p></footer>'
    )
    fm = import_html(_page(f"<article><h1>A title</h1><p>Text.</p></article>{footer}"), "p.html").front_matter
    assert fm["license"]["id"] == "all-rights-reserved" and fm["license"]["contact"] == "lizenzen@taz.de"
    without = _page("<article><h1>A title</h1><p>Text.</p></article><footer><p>Alle Rechte vorbehalten.</p></footer>")
    assert "license" not in import_html(without, "p.html").front_matter


def test_a_holders_company_suffix_ends_the_name() -> None:
    fm = import_text("The story.\n\n©2025 Bloomberg L.P. Visit bloomberg.com. Distributed by X, LLC.\n", "t.txt")
    assert fm.front_matter["copyright"] == {"holder": "Bloomberg L.P.", "year": 2025}

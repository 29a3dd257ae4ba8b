"""The importer's general rules, each on a small text: list pages, bylines in several
languages, titles above a byline, image credits' licences, republication wordings and dates in
several languages, outlets' layouts."""

from __future__ import annotations

import pytest

from syndicate.importer.author_note import author_in_a_run_in_byline
from syndicate.importer.credits import read_notice
from syndicate.importer.dates import find_date
from syndicate.importer.drafts import import_html, import_text
from syndicate.importer.layouts import choose_layout
from syndicate.importer.rights_wording import bare_notice, only_promised, permission_request


def test_a_page_with_several_bylines_is_a_list_not_an_article() -> None:
    text = "Story one\n\nBy Ann Lee\n\nText one.\n\nStory two\n\nBy Bo Ek\n\nText two.\n\nCopyright © 2020 Ann Lee\n"
    result = import_text(text, "digest.txt")
    assert not {"title", "authors", "copyright"} & set(result.front_matter)
    assert any("lists several stories (2 bylines: Ann Lee; Bo Ek" in n for n in result.missing)


@pytest.mark.parametrize("heading", ["Billets de 30/01/2009", "Recent Articles", "Showing posts with label KFF"])
def test_a_list_heading_makes_a_list_page(heading: str) -> None:
    text = f"{heading}\n\nA title of a story\n\nBy Ann Lee\n\nOriginally published by The Daily, 3 May 2020.\n"
    result = import_text(text, "list.txt")
    assert not {"title", "authors", "original", "published"} & set(result.front_matter)


@pytest.mark.parametrize(
    ("byline", "names"),
    [
        ("by Daniel Lidar", ["Daniel Lidar"]),
        ("Por María Pérez y Juan Gil", ["María Pérez", "Juan Gil"]),
        ("Von Anna Schmidt", ["Anna Schmidt"]),
        ("Door Jan de Vries", ["Jan de Vries"]),
        ("By DENNIS OVERBYE", ["DENNIS OVERBYE"]),
    ],
)
def test_bylines_in_several_languages(byline: str, names: list[str]) -> None:
    result = import_text(f"A title for the story\n\n{byline}\n\nThe text.\n", "t.txt")
    assert [a["name"] for a in result.front_matter["authors"]] == names


@pytest.mark.parametrize("sentence", ["by the river we walked.", "Por su interés, reproducimos el artículo."])
def test_a_sentence_is_not_a_byline(sentence: str) -> None:
    assert "authors" not in import_text(f"A title for the story\n\n{sentence}\n\nMore.\n", "t.txt").front_matter


def test_the_title_is_the_line_above_the_byline_past_captions_and_credits() -> None:
    text = (
        "Site name\n\nA Climate Resistance Game Plan for 2018\n\nClimate\nChristine Irvine / 350.org\n\n"
        "By Jamie Henn\n\nLet's talk.\n"
    )
    result = import_text(text, "t.txt")
    assert result.front_matter["title"] == "A Climate Resistance Game Plan for 2018"
    assert result.front_matter["authors"] == [{"name": "Jamie Henn"}]
    assert result.body == "Let's talk."
    assert any("caption or credit between the title and the byline" in n for n in result.found)


def test_an_outlet_beside_people_in_a_byline_is_not_an_author() -> None:
    text = (
        "A title for the story\n\nby Daniel Lidar , The Conversation\n\nText.\n\n"
        "This article is republished from The Conversation under a Creative Commons license.\n"
    )
    assert import_text(text, "t.txt").front_matter["authors"] == [{"name": "Daniel Lidar"}]


def test_an_image_credits_licence_is_the_images() -> None:
    text = (
        "# A title\n\nBy Ann Lee\n\nPhoto de Victor Grigas via Wikimedia Commons (CC BY-SA 3.0)\n\nText.\n\n"
        "Credit: Pixabay/CC0 Public Domain\n"
    )
    result = import_text(text, "t.txt")
    assert "license" not in result.front_matter
    assert sum("ignored an image credit's licence" in n for n in result.found) == 2


def test_a_date_with_no_title_or_byline_is_the_pages() -> None:
    result = import_text("Friday, November 15, 2024\nHealth\n\nSome text of the page.\n", "t.txt")
    assert "published" not in result.front_matter


@pytest.mark.parametrize(
    ("statement", "name", "date"),
    [
        ("Columna publicada el 17 de junio de 2015 en El Mercurio Cuerpo A2.", "El Mercurio", "2015-06-17"),
        ("Por su interés reproducimos este artículo aparecido en el diario El Economista y escrito por X.",
         "El Economista", None),
        ("Article paru dans Terre & Nature le 1 février 2018", "Terre & Nature", "2018-02-01"),
        ("Dieser Artikel erschien zuerst bei CORRECTIV am 3. Mai 2021.", "CORRECTIV", "2021-05-03"),
        ("Dit artikel verscheen eerder op De Correspondent.", "De Correspondent", None),
        ("Este artigo foi publicado originalmente na Agência Pública.", "Agência Pública", None),
        ("Artikel ini terbit pertama kali di The Conversation Indonesia.", "The Conversation Indonesia", None),
    ],
)  # fmt: skip
def test_first_publication_wordings_in_several_languages(statement: str, name: str, date: str | None) -> None:
    fm = import_text(f"# A title\n\nText of the story.\n\n{statement}\n", "t.txt").front_matter
    assert fm["original"]["name"] == name
    assert fm.get("published") == date


@pytest.mark.parametrize(
    ("text", "value"),
    [("17 de junio de 2015", "2015-06-17"), ("1 de fevereiro de 2018", "2018-02-01"), ("3. Mai 2021", "2021-05-03"),
     ("12 maart 2020", "2020-03-12"), ("5 mayo 2019", "2019-05-05")],
)  # fmt: skip
def test_dates_in_more_languages(text: str, value: str) -> None:
    found = find_date(text)
    assert found is not None and found.value == value


def test_an_editors_note_outside_the_article_names_the_first_publisher() -> None:
    page = (
        '<main><p class="note">This post originally appeared on <a href="https://grist.org/a/b/">Grist</a>.</p>'
        "<article><p>Text.</p></article></main>"
    )
    fm = import_html(page, "p.html").front_matter
    assert fm["original"] == {"name": "Grist", "url": "https://grist.org/a/b/"}


@pytest.mark.parametrize(
    ("text", "layout"),
    [
        ("Text.\n\nThis article is republished from The Conversation under a Creative Commons license.",
         "conversation"),
        ("Texte.\n\nCet article est republié à partir de The Conversation sous licence Creative Commons.",
         "conversation"),
        ("Text.\n\nThis story was originally published by ProPublica.", "propublica"),
        ("Text.\n\nThis article was originally published on CalMatters and was republished.", "calmatters"),
        ("Text.\n\nThe Ohio Capital Journal is part of States Newsroom, a nonprofit news network.", "statesnewsroom"),
        ("Text.\n\nThis story was originally published by Grist.", "climatedesk"),
        ("Text.\n\nSubscribe to KFF Health News' free Morning Briefing.", "kffhealthnews"),
        ("Text.\n\n+ Explore further\n\nFeedback to editors", "sciencex"),
        ("Caption. (AP Photo/Paul Sancya)\n\nText.", "wire"),
        ("Text.\n\nThis story was originally published by The 19th.", "the19th"),
        ("Text.", "generic"),
    ],
)  # fmt: skip
def test_outlets_layouts_are_detected(text: str, layout: str) -> None:
    assert choose_layout(text).name == layout


def test_a_layouts_chrome_is_removed_and_named() -> None:
    text = (
        "# A title\n\nText of the story.\n\nRepublish This Story\n\n"
        "Subscribe to KFF Health News' free Morning Briefing.\n"
    )
    result = import_text(text, "t.txt")
    assert result.body == "Text of the story."
    assert any("'Republish This Story' button" in n for n in result.found)


def test_a_name_and_affiliation_line_is_the_conversations_byline() -> None:
    text = (
        "Explainer: how does sunscreen work, what is SPF and can I still tan with it on?\n\n"
        "File 20171214 27562 jt433n.jpg?ixlib=rb 1.1\n"
        "Sunscreen protects from skin cancer, burning and from the sun’s ageing effects.\n"
        "PRONicki Dugan Pogue/Flickr, CC BY\n\nTerry Slevin, Cancer Council Australia\n\nSunscreen use reduces risk.\n"
    )
    result = import_text(text, "t.txt")
    assert result.front_matter["title"].startswith("Explainer: how does sunscreen work")
    assert result.front_matter["authors"] == [{"name": "Terry Slevin"}]
    assert "license" not in result.front_matter  # CC BY is the photo's


@pytest.mark.parametrize(
    "line",
    ["Paris, France", "Sarah Jones, who lives nearby, said it was loud.", "12.01.2026 à 15:56"],
)
def test_a_place_or_a_sentence_with_a_comma_is_not_a_byline(line: str) -> None:
    result = import_text(f"A title for the story\n\n{line}\n\nMore text.\n", "t.txt")
    assert "authors" not in result.front_matter


@pytest.mark.parametrize(
    ("note", "name"),
    [
        (
            "## About the author\n\nAashis Luitel is an Associate Teaching Professor, University of the Cumberlands.",
            "Aashis Luitel",
        ),
        ("**À propos de l'auteure**\n\nMarie Dupont est une chercheuse au CNRS.", "Marie Dupont"),
        ("### Sobre el autor\nJuan Pérez Gil es un periodista de Madrid.", "Juan Pérez Gil"),
    ],
)
def test_a_note_about_the_author_names_the_author_when_there_is_no_byline(note: str, name: str) -> None:
    result = import_text(f"# A title\n\nThe story's first paragraph.\n\n{note}\n\nMore of the story.\n", "t.txt")
    assert result.front_matter["authors"] == [{"name": name}]
    assert any(n.startswith(f"authors: {name} (no byline; from the note about the author") for n in result.found)


@pytest.mark.parametrize(
    "note",
    [
        "## About the authors\n\nAnn Lee and Bo Chen are reporters.",  # two people: not read
        "## About the author\n\nThe author is a reporter at the Courier.",  # no name
        "## About\n\nAnn Lee is a reporter.",  # not a note about the author
        "Ann Lee is a reporter at the Courier.",  # no heading: a sentence of the story
    ],
)
def test_other_notes_name_no_author(note: str) -> None:
    result = import_text(f"# A title\n\nThe story.\n\n{note}\n", "t.txt")
    assert "authors" not in result.front_matter


def test_a_byline_comes_before_a_note_about_the_author() -> None:
    text = "# A title\n\nBy Bo Chen\n\nThe story.\n\n## About the author\n\nAnn Lee is a reporter.\n"
    assert import_text(text, "t.txt").front_matter["authors"] == [{"name": "Bo Chen"}]


@pytest.mark.parametrize(
    "text",
    [
        # a statement quoted in the story is about another copy, not this page
        "# T\n\nBy Ann Lee\n\nWe agreed on this notice: “This article was originally published by The Courier.”\n",
        # a statement whose name was left out names no publisher
        "# T\n\nBy Ann Lee\n\nText.\n\nThis article was originally published at and is reprinted here.\n",
    ],
)
def test_a_quoted_or_nameless_statement_names_no_original(text: str) -> None:
    result = import_text(text, "t.txt")
    assert "original" not in result.front_matter
    assert "notice: “This article" in result.body or "reprinted here" in result.body  # a quotation stays whole


def test_a_statement_naming_the_publisher_by_a_reference_link_takes_its_address() -> None:
    text = (
        "# T\n\nBy Ann Lee\n\nText.\n\n"
        "This article originally appeared on [Alice, Eve, and Bob][4] and is republished with permission.\n\n"
        "[4]: https://aliceevebob.example/2018/04/17/defending-our-homes/\n"
    )
    original = import_text(text, "t.txt").front_matter["original"]
    assert original == {
        "name": "Alice, Eve, and Bob",
        "url": "https://aliceevebob.example/2018/04/17/defending-our-homes/",
    }


@pytest.mark.parametrize(
    ("text", "address"),
    [
        (
            "Her email address\nis lrg@example.edu.\nFor permission to reprint this article, please contact:\n"
            "reprint-permission@example.org.",
            "reprint-permission@example.org",
        ),
        (
            "Pour obtenir une autorisation, merci de nous contacter à l’adresse suivante : "
            "[email]d@example.org[/email] .",
            "d@example.org",
        ),
        ("Chcete-li si svolení zajistit, kontaktujte prosím [email]d@example.org[/email] .", "d@example.org"),
        ("For permission to reprint individual blog posts please contact us via email..", None),
        ("Contact us: desk@example.org", None),
    ],
)
def test_a_permission_request_names_its_own_address(text: str, address: str | None) -> None:
    found = permission_request(text)
    assert (found[1] if found else None) == address


def test_a_notice_whose_sign_was_lost_and_a_month_before_the_year() -> None:
    notice = bare_notice('in detail." Explore further 2022 CQ-Roll Call, Inc., All Rights Reserved. Distributed by X.')
    assert notice is not None and (notice.holder, notice.year) == ("CQ-Roll Call, Inc.", 2022)
    assert bare_notice("In 2022 Apple said all rights reserved.") is None
    dated = read_notice("Copyright : Project Syndicate, kv&#283;ten 2002")
    assert dated is not None and (dated.holder, dated.year) == ("Project Syndicate", 2002)


def test_a_licence_only_promised_for_the_future_is_not_the_licence() -> None:
    promised = "All rights reserved. I intend to republish this article in the future under CC BY 4.0."
    assert only_promised(promised)
    assert not only_promised("This article is licensed under CC BY 4.0. We will publish more.")


def test_a_statement_about_some_figures_names_no_first_publisher() -> None:
    text = (
        "# Sheet\n\nSome of the graphs and tables are copyright 2022, Example Institute. Reproduced and republished "
        "with permission from Example Institute. All rights reserved.\n\n© example.com. All rights reserved.\n"
    )
    result = import_text(text, "sheet.md")
    assert "original" not in result.front_matter
    assert result.front_matter["license"]["terms"] == "© example.com. All rights reserved."


def test_front_matter_naming_the_first_publisher() -> None:
    text = "---\ntitle: A post\noriginalPublication: Medium\noriginalUrl: https://medium.com/x/a-post-1\n---\n\nText.\n"
    fm = import_text(text, "post.md").front_matter
    assert fm["original"] == {"name": "Medium", "url": "https://medium.com/x/a-post-1"}


def test_a_byline_run_into_its_outlet_name_stops_at_the_outlet() -> None:
    text = (
        "Homeland Security By Jennifer Shutt Missouri Independent Scientists debated the origins on Tuesday. "
        "Missouri Independent is part of States Newsroom, a nonprofit news network."
    )
    assert author_in_a_run_in_byline(text) == ("Jennifer Shutt", "Missouri Independent")
    assert author_in_a_run_in_byline("By Jennifer Shutt Missouri Independent Scientists debated.") is None

"""The author named by a note about the author, when the page has no byline.

Republishers often drop the byline and keep the note under a heading ("About the
author", "À propos de l'auteur", "Sobre el autor", "Über den Autor", "Over de
auteur", as a heading or in bold): "Aashis Luitel is an Associate Teaching
Professor of Artificial Intelligence, University of the Cumberlands." The name
is taken only when the note's first sentence starts with two to four capitalised
words and then "is a/an/the ..." (or its word in the note's language): a note
about several people, or one that starts otherwise, gives no author.
"""

from __future__ import annotations

import re

from syndicate.importer.credits import FIRST, VIA
from syndicate.importer.markdown import plain

_HEADING = re.compile(
    r"^(?:#{1,6}[ \t]*|\*\*|__)?(?:about the authors?|à propos de l['’]aut(?:eur|rice|eure)|sobre (?:el|la) autora?"
    r"|über (?:den|die) autor(?:in)?|over de auteur|sobre o autor|sobre a autora)[ \t]*:?(?:\*\*|__)?[ \t]*#*[ \t]*\n"
    r"(?:[ \t]*\n)*(?P<note>[^\n]+)",
    re.IGNORECASE | re.MULTILINE,
)
_NAME = r"[A-ZÀ-ÖØ-Þ][\w'’-]*\.?"
_PERSON = re.compile(
    rf"^(?P<name>{_NAME}(?: {_NAME}){{1,3}}) (?:is|was|est|était|es|fue|ist|war|é|foi) "
    r"(?:an?|the|un|une|le|la|l['’]|el|una|ein|eine|der|die|um|uma|een|de)\b"
)


def author_from_note(text: str) -> tuple[str, str] | None:
    """(name, the note's words) from the first note about the author that names one person."""
    for match in _HEADING.finditer(text):
        note = plain(match.group("note"))
        if person := _PERSON.match(note):
            return person.group("name"), note
    return None


#: a credit's names when they link to the outlet's author pages (The Conversation's "/profiles/")
_PROFILE = re.compile(r"\[(?P<name>[^\]]+)\]\(https?://theconversation\.com/profiles/[^)\s]+\)")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÀ-Ý])")


def authors_before_the_statement(paragraphs: list[str]) -> tuple[list[str], str] | None:
    """([names], the words) of a republished article's closing credit, when the head had no byline:
    the paragraph that holds the republication statement ("This article is republished from The
    Conversation ...") names them in notes before it ("X is a doctoral student ... Y is a professor
    ..."), or the paragraph just above it is The Conversation's credit ("[Name](.../profiles/...),
    Professor of History, University of Waterloo")."""
    for index, paragraph in enumerate(paragraphs):
        statement = VIA.search(paragraph) or FIRST.search(paragraph)
        if statement is None:
            continue
        notes = _SENTENCE.split(plain(paragraph[: statement.start()]))
        named = [person.group("name") for note in notes if (person := _PERSON.match(note.strip()))]
        if named and len(named) == len([n for n in notes if n.strip()]):
            return named, plain(paragraph[: statement.start()])
        above = next((p for p in reversed(paragraphs[:index]) if plain(p)), "")
        profiles = [match.group("name").strip("*_ ") for match in _PROFILE.finditer(above)]
        if profiles and len(plain(above)) < 400:
            return profiles, plain(above)
        return None
    return None


#: where a text names its outlet in its own words ("Missouri Independent is part of States Newsroom",
#: "Missouri Independent maintains editorial independence", "Follow Missouri Independent on Facebook")
_OUTLET_NAMED = re.compile(
    r"(?:^|(?<=[.!?]\s))(?P<outlet>[A-Z][\w’'&-]*(?: [A-Z][\w’'&-]*){0,5}) (?:is part of|is a (?:nonprofit|non-profit)"
    r"|maintains editorial independence)\b|\bFollow (?P<follow>[A-Z][\w’'&-]*(?: [A-Z][\w’'&-]*){0,5}) on\b",
    re.MULTILINE,
)


def author_in_a_run_in_byline(text: str) -> tuple[str, str] | None:
    """(author, outlet) of a byline that runs into its outlet's name with no separator ("By Jennifer
    Shutt Missouri Independent Scientists debated ..."), when the text names that outlet elsewhere in
    its own words; the outlet is then not part of the author's name. None when there is not exactly
    one such byline."""
    flat = plain(text)
    outlets = {m.group("outlet") or m.group("follow") for m in _OUTLET_NAMED.finditer(flat)}
    found: set[tuple[str, str]] = set()
    for outlet in outlets:
        pattern = rf"(?:^|(?<=\s))By (?P<name>{_NAME}(?: {_NAME}){{1,3}}?) {re.escape(outlet)}\b"
        found.update((m.group("name"), outlet) for m in re.finditer(pattern, flat, re.MULTILINE))
    return found.pop() if len(found) == 1 else None

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

"""Dates as scraped pages write them (English, French, Spanish, Portuguese, German, Dutch) to ISO 8601.

"July 24, 2017", "23 July 2017", "June 7th, 2024 at 10:30 a.m. EDT",
"1er juin 2024 à 14h30 CEST", "2024-03-05T14:20:00Z". A time is kept only with
a zone the text states (an offset or an unambiguous abbreviation); without one
only the date is kept and a note says why: a datetime without a zone is not a fact.
Numeric dates such as 05/06/2024 are not read: day and month cannot be told apart; dotted
ones ("11.09.2011") are day first wherever they are written, and are read so.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
    "janvier": 1, "janv": 1, "février": 2, "fevrier": 2, "févr": 2, "fevr": 2, "mars": 3, "avril": 4,
    "avr": 4, "mai": 5, "juin": 6, "juillet": 7, "juil": 7, "août": 8, "aout": 8, "septembre": 9,
    "octobre": 10, "novembre": 11, "décembre": 12, "decembre": 12, "déc": 12,
    # Spanish, Portuguese
    "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7, "agosto": 8,
    "septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11, "diciembre": 12,
    "janeiro": 1, "fevereiro": 2, "março": 3, "marco": 3, "maio": 5, "junho": 6, "julho": 7, "setembro": 9,
    "outubro": 10, "novembro": 11, "dezembro": 12,
    # German, Dutch
    "januar": 1, "jänner": 1, "februar": 2, "märz": 3, "maerz": 3, "juni": 6, "juli": 7, "oktober": 10,
    "dezember": 12, "januari": 1, "februari": 2, "maart": 3, "mei": 5, "augustus": 8,
}  # fmt: skip
#: zone abbreviations with one meaning in news pages; CST and IST (two meanings each) are not read
ZONES = {
    "UTC": 0, "GMT": 0, "Z": 0, "EST": -300, "EDT": -240, "MST": -420, "MDT": -360, "PST": -480, "PDT": -420,
    "WET": 0, "WEST": 60, "BST": 60, "CET": 60, "CEST": 120, "EET": 120, "EEST": 180, "MSK": 180,
    "JST": 540, "AEST": 600, "AEDT": 660,
}  # fmt: skip
_WEEKDAY = (
    r"(?:(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thurs|fri|sat|sun"
    r"|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\.?,?\s+)?"
)
_MONTH = "(?P<month>" + "|".join(sorted(map(re.escape, MONTHS), key=len, reverse=True)) + r")\.?(?![\w])"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th|er|ᵉʳ)?(?!\d)"
_YEAR = r"(?P<year>\d{4})(?!\d)"
_ZONE = r"(?:\s*\(?(?-i:(?P<zone>(?:UTC|GMT)\s?[+-]\s?\d{1,2}(?::?\d{2})?|[+-]\d{2}:?\d{2}|Z|[A-Z]{2,5}))\)?(?!\w))?"
#: a time (with its zone, if any) after the date
_TIME = (
    r"(?:\s*(?:,|at|à|@|-|–|—|\||·)?\s*"
    r"(?:(?P<hour>\d{1,2})(?::|\.|\s?h\s?)(?P<minute>\d{2})(?:\s*(?P<ampm>[ap])\.?\s?m\.?(?!\w))?"
    r"|(?P<hour2>\d{1,2})\s*(?P<ampm2>[ap])\.?\s?m\.?(?!\w)"
    r"|(?P<hour3>\d{1,2})\s?h(?!\w))" + _ZONE + ")?"
)
_FORMS = (
    re.compile(_WEEKDAY + _MONTH + r"\s+" + _DAY + r",?\s+" + _YEAR + _TIME, re.IGNORECASE),
    re.compile(
        _WEEKDAY + _DAY + r"\.?\s+(?:of\s+|de\s+)?" + _MONTH + r",?\s+(?:de\s+)?" + _YEAR + _TIME, re.IGNORECASE
    ),
    re.compile(
        r"(?<!\d)(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})(?!\d)"
        r"(?:[T ](?P<hour>\d{2}):(?P<minute>\d{2})(?::\d{2}(?:\.\d+)?)?(?P<zone>Z|[+-]\d{2}:?\d{2})?)?"
    ),
    # "11.09.2011": dotted numeric dates are day first (German, Dutch, Scandinavian, Slavic usage)
    re.compile(r"(?<![\w.])(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>\d{4})(?![\d.])" + _TIME),
)
_AROUND = re.compile(r"^(?:on|le|the)?$", re.IGNORECASE)


@dataclass(frozen=True)
class FoundDate:
    """A date found in text: where it is, its ISO value, and a note when part of it was not kept."""

    start: int
    end: int
    value: str
    note: str = ""


def find_date(text: str) -> FoundDate | None:
    """The first real date written in `text` (a date that does not exist is not one)."""
    best: FoundDate | None = None
    for form in _FORMS:
        for match in form.finditer(text):
            found = _build(match)
            if found is not None:
                if best is None or found.start < best.start:
                    best = found
                break
    return best


def parse_date(text: str) -> FoundDate | None:
    """`text` as a whole is a date (allowing "on"/"le" before it and punctuation after), else None."""
    stripped = text.strip()
    found = find_date(stripped)
    if found is None or not _AROUND.match(stripped[: found.start].strip()):
        return None
    return found if not stripped[found.end :].strip(" .,;:)") else None


def _build(match: re.Match[str]) -> FoundDate | None:
    groups = match.groupdict()
    month_text = groups["month"]
    month = int(month_text) if month_text.isdigit() else MONTHS[month_text.lower()]
    try:
        day = dt.date(int(groups["year"]), month, int(groups["day"]))
    except ValueError:
        return None
    hour_text = groups.get("hour") or groups.get("hour2") or groups.get("hour3")
    end = match.end()
    if hour_text is None:
        return FoundDate(match.start(), end, day.isoformat())
    time_text = match.group(0).strip()
    hour, minute = int(hour_text), int(groups.get("minute") or 0)
    ampm = (groups.get("ampm") or groups.get("ampm2") or "").lower()
    if ampm:
        if not 1 <= hour <= 12:
            return FoundDate(match.start(), end, day.isoformat(), f"{time_text!r}: the time is not a real one")
        hour = hour % 12 + (12 if ampm == "p" else 0)
    if hour > 23 or minute > 59:
        return FoundDate(match.start(), end, day.isoformat(), f"{time_text!r}: the time is not a real one")
    zone = groups.get("zone")
    if not zone:
        note = f"{time_text!r} gives a time without a time zone: only the date is kept"
        return FoundDate(match.start(), end, day.isoformat(), note)
    offset = _offset(zone)
    if offset is None:
        note = f"{time_text!r}: the time zone {zone!r} is ambiguous or unknown: only the date is kept"
        return FoundDate(match.start(), end, day.isoformat(), note)
    zone_info = dt.timezone(dt.timedelta(minutes=offset))
    moment = dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone_info)
    return FoundDate(match.start(), end, moment.isoformat())


def _offset(zone: str) -> int | None:
    """Minutes east of UTC for "EDT", "+02:00", "+0200", "UTC+2", "GMT-05:30"; None when unknown."""
    zone = zone.replace(" ", "")
    if zone in ZONES:
        return ZONES[zone]
    numeric = re.fullmatch(r"(?:UTC|GMT)?([+-])(\d{1,2}):?(\d{2})?", zone)
    if numeric is None:
        return None
    sign = -1 if numeric.group(1) == "-" else 1
    hours, minutes = int(numeric.group(2)), int(numeric.group(3) or 0)
    if hours > 14 or minutes > 59:
        return None
    return sign * (hours * 60 + minutes)

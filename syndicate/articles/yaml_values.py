"""The values the YAML reader keeps: JSON values (dates as ISO 8601 text), with the findings about
them (a datetime without a zone, a date that does not exist, control characters).

Shared by the reader's node walker (yaml_walk.py) and its fallback, PyYAML's own construction.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from syndicate.articles.parsed_article import ParsedArticle, escape_pointer_part
from syndicate.characters import XML_INVALID, xml_text
from syndicate.findings import Code, Severity
from syndicate.schemas import field_name

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$")


def naive_datetime(value: str, pointer: str) -> tuple[str, str, str, str]:
    return (
        Code.NAIVE_DATETIME,
        f"{field_label(pointer)} {value} has no time zone",
        f"add the zone, e.g. {value}+00:00 for UTC, or give the date alone",
        pointer,
    )


def normalise(value: Any, pointer: str, result: ParsedArticle) -> Any:
    """Turn YAML values built by PyYAML (documents with merge keys) into JSON values, reporting
    what the walker reports of the values it builds itself."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                key = str(key).lower() if isinstance(key, bool) else str(key)
                result.add(
                    Code.WRONG_TYPE,
                    f"key {key!r} is not text",
                    "quote the key",
                    f"{pointer}/{escape_pointer_part(key)}",
                )
            out[key] = normalise(item, f"{pointer}/{escape_pointer_part(key)}", result)
        return out
    if isinstance(value, list):
        return [normalise(item, f"{pointer}/{i}", result) for i, item in enumerate(value)]
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            result.add(*naive_datetime(value.isoformat(), pointer))
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str) and (problem := date_string_problem(value, pointer)) is not None:
        result.add(*problem)
    if isinstance(value, str) and (control := control_characters(value, pointer)) is not None:
        result.add(*control, severity=Severity.WARNING)
        return xml_text(value)
    return value


def control_characters(value: str, pointer: str) -> tuple[str, str, str, str] | None:
    """A text with characters XML forbids (control characters, lone surrogates): a warning, for the
    article still publishes without them. The reader removes them from the value it keeps, so that
    no title or name carries them anywhere: not in copies, endpoints, feeds or plan and status."""
    found = sorted(set(XML_INVALID.findall(value)))
    if not found:
        return None
    listed = ", ".join(f"U+{ord(c):04X}" for c in found[:5]) + (", ..." if len(found) > 5 else "")
    return (
        Code.CONTROL_CHARACTER,
        f"{field_label(pointer)} has control characters ({listed}): they are left out wherever it is used",
        "remove them: they come from a \\x or \\u escape in a double-quoted value, often pasted from a terminal",
        pointer,
    )


def date_string_problem(value: str, pointer: str) -> tuple[str, str, str, str] | None:
    """A text that looks like an ISO date or datetime must be a real one, with a zone if it has a time."""
    if not (ISO_DATE.match(value) or ISO_DATETIME.match(value)):
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return (
            Code.INVALID_DATE,
            f"{field_label(pointer)} {value!r} is not a real date",
            "check the day and month",
            pointer,
        )
    if not ISO_DATE.match(value) and parsed.tzinfo is None:
        return naive_datetime(value, pointer)
    return None


def field_label(pointer: str) -> str:
    """The field's name for a message: keys are the file's, so anything unprintable in them is escaped."""
    name = field_name(pointer)
    return name if name.isprintable() else repr(name)[1:-1]

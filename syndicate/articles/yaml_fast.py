"""A fast reader for the front matter most articles have, beside PyYAML.

Front matter is nearly always plain block YAML: `key: value` lines, nested
mappings, `- item` lists (of values or of mappings), values that are plain or
quoted on one line. For that form this reader gives the values and key lines
that composing with libyaml and walking the nodes gives (yaml_walk.py),
in half the time: libyaml builds a node, with its marks, for every value.

It reads only what it understands and answers None for anything else:
comments after a value, anchors, aliases, tags, flow collections, block
scalars, values over several lines, escapes, keys that are not plain names,
characters YAML reads specially, and any document that would get a finding
(a duplicate key, a date that does not exist, a datetime without a zone, a
text that looks like a date). The caller then reads it the full way, which
reports what is wrong: this reader never decides that a document is bad.

Scalars are resolved and built by PyYAML's own resolver and constructors
(YAML 1.1: `yes` is true, `0x1F` is 31), so only the structure is read here.
One differential test (tests/test_yaml_fast.py) compares it with the full reader.

What it buys (BENCHMARKS.md, "Fast paths"; SYNDICATE_LIBRARY_ONLY=yaml leaves it
out): `validate` over 10,000 articles 2.79 -> 2.32 s (17%; CPU 16%), `feeds`
10.8% (CPU 14%), a cold `run` 14% of its CPU.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import yaml

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
#: one loader, never fed: its resolver and constructors are pure functions of a scalar node
_PYYAML = _Loader("")
_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_OTHER_SCALARS = ("tag:yaml.org,2002:null", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:float")
_PLAIN = (True, False)

#: every character is printable ASCII, a newline or a letter past U+00A0 that YAML reads as
#: text; not tabs, not the line breaks U+0085, U+2028, U+2029, not a BOM, not a surrogate
_PLAIN_TEXT = re.compile("[\n\x20-\x7e\u00a0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]*")
#: `key:` or `key: value`: a name of letters, digits, "_" and "-" that does not start a YAML form
_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
#: a plain value starts with none of these, and has no ": " or " #" inside, and no ":" last
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
_SINGLE_QUOTED = re.compile(r"'((?:[^']|'')*)' *")
_DOUBLE_QUOTED = re.compile(r'"([^"\\]*)" *')
#: a text the full reader checks as a date (yaml_walk._date_string_problem): left to it
_DATE_LIKE = re.compile(r"\d{4}-\d{2}-\d{2}")
#: (kind, text) -> tag: names, licence ids and statuses recur from article to article
_RESOLVED: dict[str, str] = {}
_RESOLVED_MAX = 50_000
_KEYS: dict[str, bool] = {}
#: a timestamp's text -> its value as the full reader gives it (ISO text): dates recur (published,
#: a source's, an original's), and PyYAML's constructor takes a regular expression and a datetime
_MOMENTS: dict[str, str] = {}
#: the first characters for which YAML 1.1 has a type other than text (digits, "t", "~", ...)
_RESOLVED_BY_FIRST = frozenset(key for key in _PYYAML.yaml_implicit_resolvers if key is not None)
assert None not in _PYYAML.yaml_implicit_resolvers  # (a resolver for any first character: none in SafeLoader)
#: front matter past this is read the full way, which counts values and depth
MAX_LINES = 400
MAX_DEPTH = 12


class _NotPlain(Exception):
    """The document is not of the plain form: the full reader takes it."""


def load(source: str, first_line: int) -> tuple[dict[str, Any], dict[str, int]] | None:
    """The front matter's values and the line of every key and item (JSON pointers), as the
    full reader gives them; None when the document is not of the plain form or has a finding."""
    if source.count("\n") > MAX_LINES or not _PLAIN_TEXT.fullmatch(source):
        return None  # (counted first: a hostile front matter of 100,000 lines is never split here)
    lines: list[tuple[int, str, int]] = []  # (indent, text, line number in the file)
    for number, line in enumerate(source.split("\n"), first_line):
        text = line.lstrip(" ")
        if text and text[0] != "#":  # blank lines and whole-line comments mean nothing in block YAML
            lines.append((len(line) - len(text), text.rstrip(" "), number))
    if not lines or lines[0][0] != 0:
        return None
    lines.append(_END)
    reader = _Reader(lines)
    try:
        data = reader.mapping(0, "", 0)
    except _NotPlain:
        return None
    if lines[reader.at] is not _END:  # a line indented less than the first: not one mapping
        return None
    return data, reader.pointers


#: after the last line: an indent below every other, so no block goes on past it
_END = (-1, "", 0)


class _Reader:
    def __init__(self, lines: list[tuple[int, str, int]]) -> None:
        self.lines = lines  # ends with _END
        self.at = 0
        self.pointers: dict[str, int] = {}

    def block(self, indent: int, pointer: str, depth: int) -> Any:
        """The mapping or list whose first line is the next one, at `indent`."""
        if depth > MAX_DEPTH:
            raise _NotPlain
        if self.lines[self.at][1].startswith("- "):
            return self.sequence(indent, pointer, depth)
        return self.mapping(indent, pointer, depth)

    def mapping(self, indent: int, pointer: str, depth: int) -> dict[str, Any]:
        values: dict[str, Any] = {}
        lines, pointers = self.lines, self.pointers
        while lines[self.at][0] == indent:
            _, text, number = lines[self.at]
            key, colon, rest = text.partition(":")
            if not colon or key in values or not _is_key(key):  # a duplicate: the full reader reports it
                raise _NotPlain
            child = f"{pointer}/{key}"
            pointers[child] = number
            self.at += 1
            following = lines[self.at]
            if rest:
                if rest[0] != " ":
                    raise _NotPlain
                values[key] = _scalar(rest.lstrip(" "))
                if following[0] > indent:  # a deeper line would continue the value: not plain
                    raise _NotPlain
            elif following[0] > indent:
                values[key] = self.block(following[0], child, depth + 1)
            elif following[0] == indent and following[1].startswith("- "):
                values[key] = self.sequence(indent, child, depth + 1)  # a list written at its key's indent
            else:
                values[key] = None  # `key:` and nothing: null
        if lines[self.at][0] > indent:
            raise _NotPlain
        return values

    def sequence(self, indent: int, pointer: str, depth: int) -> list[Any]:
        items: list[Any] = []
        lines, pointers = self.lines, self.pointers
        while lines[self.at][0] == indent and lines[self.at][1].startswith("- "):
            _, text, number = lines[self.at]
            item = text[2:].lstrip(" ")
            pointers[f"{pointer}/{len(items)}"] = number
            key, colon, rest = item.partition(":")
            if colon and (not rest or rest[0] == " ") and _is_key(key):  # `- key: value`: a mapping
                column = indent + len(text) - len(item)
                lines[self.at] = (column, item, number)
                items.append(self.mapping(column, f"{pointer}/{len(items)}", depth + 1))
            else:
                items.append(_scalar(item))
                self.at += 1
                if lines[self.at][0] > indent:  # a deeper line would continue the value: not plain
                    raise _NotPlain
        return items


def _is_key(text: str) -> bool:
    """A name of letters, digits, "_" and "-", that YAML reads as text (not `yes`, not `null`)."""
    known = _KEYS.get(text)
    if known is None:
        known = _KEY.fullmatch(text) is not None and _resolve(text) == _STR
        if len(_KEYS) < _RESOLVED_MAX:
            _KEYS[text] = known
    return known


def _resolve(text: str) -> str:
    if text[:1] not in _RESOLVED_BY_FIRST:  # what PyYAML's resolver does first, without a call
        return _STR
    tag = _RESOLVED.get(text)
    if tag is None:
        tag = _PYYAML.resolve(yaml.ScalarNode, text, _PLAIN)  # type: ignore[no-untyped-call]
        if len(_RESOLVED) < _RESOLVED_MAX and len(text) <= 80:
            _RESOLVED[text] = tag
    return tag


def _scalar(text: str) -> Any:
    """The value of a plain or one-line quoted scalar, as the full reader builds it."""
    first = text[0]
    if first == "'" or first == '"':
        quoted = (_SINGLE_QUOTED if first == "'" else _DOUBLE_QUOTED).fullmatch(text)
        if quoted is None:
            raise _NotPlain
        value = quoted.group(1).replace("''", "'") if first == "'" else quoted.group(1)
        if _DATE_LIKE.match(value):
            raise _NotPlain
        return value
    last = text[-1]
    if first in _INDICATORS or first.isspace() or last == ":" or last.isspace() or ": " in text or " #" in text:
        raise _NotPlain  # not a plain scalar, or one whose ends YAML would trim
    tag = _resolve(text)
    if tag == _STR:
        if first.isdigit() and _DATE_LIKE.match(text):
            raise _NotPlain
        return text
    node = yaml.ScalarNode(tag, text)
    if tag == _TIMESTAMP:
        known = _MOMENTS.get(text)
        if known is not None:
            return known
        try:
            moment = _PYYAML.construct_yaml_timestamp(node)
        except (ValueError, OverflowError) as e:  # not a real date: the full reader says so
            raise _NotPlain from e
        if isinstance(moment, dt.datetime) and moment.tzinfo is None:
            raise _NotPlain
        known = moment.isoformat()
        if len(_MOMENTS) < _RESOLVED_MAX:
            _MOMENTS[text] = known
        return known
    if tag == _INT:
        if len(text) > 100:  # yaml_walk.MAX_DIGITS: reported by the full reader
            raise _NotPlain
        return _PYYAML.construct_yaml_int(node)
    if tag in _OTHER_SCALARS:
        return _PYYAML.yaml_constructors[tag](_PYYAML, node)
    raise _NotPlain  # e.g. "=", which YAML 1.1 resolves to tag:yaml.org,2002:value

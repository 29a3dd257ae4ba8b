"""The full front-matter reader: libyaml's composer, then one walk over the nodes.

The YAML is composed before it is constructed, so that every key keeps its
position, and so that tags, duplicate keys and alias bombs are found before any
value is built. Only the plain YAML types are accepted; nothing is executed.
Dates and datetimes become ISO 8601 strings, the form the schema checks. The
parser's events are counted before any node is built, so that neither a huge
front matter nor an alias bomb can take much time or memory. (Most front
matter is read by yaml_fast instead; this reader takes the rest and reports
what is wrong.)
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import yaml

from syndicate.articles.parsed_article import ParsedArticle, escape_pointer_part
from syndicate.articles.yaml_values import (
    control_characters,
    date_string_problem,
    naive_datetime,
    normalise,
)
from syndicate.characters import xml_text
from syndicate.findings import Code, Severity

# libyaml's composer is about ten times faster than the pure-Python one.
_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
#: scalar resolutions seen, by (node kind, text, implicit): field names, licence ids and statuses recur
_RESOLVED: dict[tuple[Any, Any, Any], str] = {}
_RESOLVED_MAX = 50_000


class _Loader(_BaseLoader):  # type: ignore[valid-type,misc]
    """The safe loader, with each scalar's tag remembered: resolving (a list of regular
    expressions per first character, in Python) was two fifths of composing a front matter."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        key = (kind, value, implicit)
        tag = _RESOLVED.get(key)
        if tag is None:
            tag = super().resolve(kind, value, implicit)
            if len(_RESOLVED) < _RESOLVED_MAX and (value is None or len(value) <= 80):
                _RESOLVED[key] = tag
        return tag

    # no path resolvers are registered: skip their bookkeeping on every node
    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None


_CORE_TAGS = frozenset(
    "tag:yaml.org,2002:" + name for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq", "merge")
)
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_INT = "tag:yaml.org,2002:int"
_STR = "tag:yaml.org,2002:str"
_MERGE = "tag:yaml.org,2002:merge"
MAX_DIGITS = 100
#: front matter is a few dozen values; past these an input is hostile or broken
MAX_NODES = 20_000
MAX_DEPTH = 40
_NODE_EVENTS = (yaml.ScalarEvent, yaml.AliasEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)


def load(source: str, result: ParsedArticle, first_line: int) -> None:
    """Read `source` (front matter whose first line is `first_line` of the file) into `result`:
    its data and key lines, or findings. Never raises on bad input."""
    # A value takes a character or more (flow ":," makes three of two), so a short
    # front matter cannot reach MAX_NODES before aliases, which the walker counts.
    too_many = _count_nodes(source) if len(source) * 2 > MAX_NODES else None
    if too_many is not None:
        result.add(
            Code.YAML_TOO_COMPLEX,
            f"the front matter has more than {MAX_NODES} values",
            "front matter is a few dozen fields: check that the closing '---' is in its place",
            line=first_line + too_many,
        )
        return
    loader = _Loader(source)
    try:
        try:
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as e:
            mark = e.problem_mark or e.context_mark
            unclosed = bool(e.context and "quoted scalar" in e.context and "end of stream" in str(e.problem))
            if unclosed and e.context_mark is not None:
                mark = e.context_mark  # where the quote opened, not where the text ran out
            # an error found at the end of the text belongs to its last line
            line = first_line + min(mark.line, source.count("\n") - 1) if mark else 1
            problem = e.problem or "the YAML could not be read"
            if e.context:
                problem = f"{problem} ({e.context})"
            hint = _syntax_hint(problem)
            opened = _unclosed_quote(source, line - first_line) if not unclosed else None
            if opened is not None:  # a quote left open ran on until the next quote mark, lines later
                hint = f"the quoted value on line {first_line + opened} is not closed on its line: close it there"
            result.add(Code.YAML_SYNTAX, f"YAML syntax: {problem}", hint, line=line)
            return
        except yaml.reader.ReaderError as e:  # a character YAML does not allow, e.g. NUL
            line = first_line + source.count("\n", 0, e.position)
            result.add(
                Code.YAML_SYNTAX,
                f"YAML syntax: character #x{e.character:04x} is not allowed",
                "remove control characters from the front matter",
                line=line,
            )
            return
        except yaml.YAMLError as e:
            result.add(Code.YAML_SYNTAX, f"YAML syntax: {e}", "check the front matter's YAML", line=1)
            return
        if node is None:
            result.data = {}
            return
        walker = _NodeWalker(result, first_line, loader)
        try:
            value = walker.walk(node, "", 0)
        except _TooComplex as e:
            result.add(
                Code.YAML_TOO_COMPLEX,
                str(e),
                "front matter is plain data: remove the aliases or the nesting",
                line=e.line,
            )
            return
        except (yaml.YAMLError, ValueError, OverflowError) as e:  # the walker checked values; a last guard
            _unreadable_value(result, e)
            return
        if walker.unsafe:
            return
        if not isinstance(node, yaml.MappingNode):
            result.add(
                Code.NOT_A_MAPPING,
                "the front matter is not a mapping of fields",
                "write one 'field: value' per line, e.g. 'title: ...'",
                line=first_line + node.start_mark.line,
            )
            return
        if not walker.merge:
            for code, message, hint, pointer in walker.deferred:
                result.add(code, message, hint, pointer)
            for code, message, hint, pointer in walker.warnings:
                result.add(code, message, hint, pointer, severity=Severity.WARNING)
            result.data = value
            return
        try:
            data = loader.construct_document(node)
        except yaml.MarkedYAMLError as e:  # e.g. a merge key ('<<') given something else than a mapping
            mark = e.problem_mark or e.context_mark
            unclosed = bool(e.context and "quoted scalar" in e.context and "end of stream" in str(e.problem))
            if unclosed and e.context_mark is not None:
                mark = e.context_mark  # where the quote opened, not where the text ran out
            result.add(
                Code.YAML_SYNTAX,
                f"YAML value could not be read: {e.problem or e.context}",
                "check the front matter's values",
                line=first_line + mark.line if mark else 1,
            )
            return
        except (yaml.YAMLError, ValueError, OverflowError) as e:  # the walker checked values; a last guard
            _unreadable_value(result, e)
            return
    finally:
        loader.dispose()
    result.data = normalise(data, "", result)


def _unreadable_value(result: ParsedArticle, error: Exception) -> None:
    message = str(error).splitlines()[0] if str(error) else type(error).__name__
    result.add(Code.YAML_SYNTAX, f"YAML value could not be read: {message}", "check the front matter's values", line=1)


def _count_nodes(source: str) -> int | None:
    """The 0-based line where the YAML passes MAX_NODES values, counted from the parser's events
    (fast, and before any node is built); None when it stays below, or does not parse."""
    loader = _Loader(source)
    count = 0
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, _NODE_EVENTS):
                count += 1
                if count > MAX_NODES:
                    return event.start_mark.line if event.start_mark is not None else 0
    except yaml.YAMLError:
        return None  # reported, with its line, when the document is composed
    finally:
        loader.dispose()
    return None


_QUOTED_VALUE = re.compile(r"""^\s*(?:-\s+)?[^\s'"#][^:#]*:\s+(["'])(.*)$""")


def _unclosed_quote(source: str, before: int) -> int | None:
    """The index of the first line above line `before` (0-based) whose value opens a quote that
    the line does not close; None if there is none (a quoted value may span lines, rarely)."""
    for index, text in enumerate(source.split("\n")[:before]):
        found = _QUOTED_VALUE.match(text)
        if found is None:
            continue
        quote, rest = found.groups()
        rest = rest.replace("\\\\", "").replace('\\"', "") if quote == '"' else rest.replace("''", "")
        if quote not in rest:
            return index
    return None


def _syntax_hint(problem: str) -> str:
    if "quoted scalar" in problem and "end of stream" in problem:
        return "the quoted value that starts on this line is never closed: end it with the same quote mark"
    if "unknown escape character" in problem:
        return "in double quotes a backslash starts an escape: write \\\\ for one, or use single quotes"
    if "tab" in problem:
        return "indent YAML with spaces, not tabs"
    if "mapping values are not allowed" in problem:
        return "a value that contains ': ' must be quoted"
    return "check the indentation and quote values that contain ':', '#' or start with a special character"


class _TooComplex(Exception):
    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


class _NodeWalker:
    """Builds the front matter's values from the composed nodes in one pass, recording the line
    of every key and item, and reporting tags, duplicate keys, alias bombs, naive datetimes,
    impossible dates and keys that are not text. (One pass: PyYAML's constructor and a second
    walk to normalise its values took half of reading a front matter.) What the values say is
    kept in `deferred`, added only when the document is read this way: a document with a merge
    key ('<<') is built by PyYAML's constructor instead, which knows merging."""

    def __init__(self, result: ParsedArticle, first_line: int, loader: yaml.SafeLoader) -> None:
        self.result = result
        self.loader = loader
        self.first_line = first_line
        self.count = 0
        self.unsafe = False
        self.merge = False
        self.deferred: list[tuple[str, str, str, str]] = []
        self.warnings: list[tuple[str, str, str, str]] = []

    def line(self, node: yaml.Node) -> int:
        return self.first_line + node.start_mark.line

    def refuse_tag(self, node: yaml.Node, pointer: str) -> None:
        self.unsafe = True
        self.result.add(
            Code.YAML_TAG,
            f"YAML tag {node.tag!r} is not allowed",
            "front matter holds plain text, numbers, dates, lists and mappings: remove the '!' tag",
            pointer,
            line=self.line(node),
        )

    def walk(self, node: yaml.Node, pointer: str, depth: int, shown: str | None = None) -> Any:
        """The value of `node`; `shown` is its pointer in the built data, when not `pointer`
        (under a key that is not text, whose name in the data is its text form)."""
        self.count += 1
        if self.count > MAX_NODES:
            raise _TooComplex(f"the front matter expands to more than {MAX_NODES} values (aliases?)", self.line(node))
        if depth > MAX_DEPTH:
            raise _TooComplex(f"the front matter is nested more than {MAX_DEPTH} levels deep", self.line(node))
        if node.tag not in _CORE_TAGS:
            self.refuse_tag(node, pointer)
            return None
        shown = pointer if shown is None else shown
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node, pointer, shown)
        if isinstance(node, yaml.SequenceNode):
            items = []
            for index, item in enumerate(node.value):
                child = f"{pointer}/{index}"
                self.result.lines.setdefault(child, self.line(item))
                items.append(self.walk(item, child, depth + 1, f"{shown}/{index}"))
            return items
        assert isinstance(node, yaml.MappingNode)
        return self.mapping(node, pointer, depth, shown)

    def mapping(self, node: yaml.MappingNode, pointer: str, depth: int, shown: str) -> dict[str, Any]:
        values: dict[str, Any] = {}
        seen: set[str] = set()
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.unsafe = True
                self.result.add(
                    Code.WRONG_TYPE,
                    "a key is a list or mapping",
                    "keys are field names: write 'name: value'",
                    pointer,
                    line=self.line(key_node),
                )
                continue
            key = key_node.value
            child = f"{pointer}/{escape_pointer_part(key)}"
            if key in seen and key != "<<":
                self.result.add(
                    Code.DUPLICATE_KEY,
                    f"duplicate key {key!r}",
                    "each field may appear once: remove or merge the repeated one",
                    child,
                    line=self.line(key_node),
                )
            seen.add(key)
            self.result.lines.setdefault(child, self.line(key_node))
            if key_node.tag == _MERGE:
                self.merge = True  # the value is walked (counted, checked); PyYAML's constructor merges
            name = key if key_node.tag in (_STR, _MERGE) else self.key_name(key_node, shown)
            values[name] = self.walk(value_node, child, depth + 1, f"{shown}/{escape_pointer_part(name)}")
        return values

    def key_name(self, node: yaml.ScalarNode, shown: str) -> str:
        """A key's text; a key that is not text (a number, true, a date) is reported, and named by its text form."""
        if node.tag not in _CORE_TAGS:
            self.refuse_tag(node, shown)
            return str(node.value)
        value = self.loader.construct_object(node)
        if isinstance(value, str):
            return value
        name = str(value).lower() if isinstance(value, bool) else str(value)
        pointer = f"{shown}/{escape_pointer_part(name)}"
        self.deferred.append((Code.WRONG_TYPE, f"key {name!r} is not text", "quote the key", pointer))
        return name

    def scalar(self, node: yaml.ScalarNode, pointer: str, shown: str) -> Any:
        tag = node.tag
        if tag == _STR:
            value: str = node.value
            problem = date_string_problem(value, shown)
            if problem is not None:
                self.deferred.append(problem)
            if node.style == '"' and (control := control_characters(value, shown)) is not None:
                self.warnings.append(control)  # (only a double-quoted escape can write one)
                value = xml_text(value)
            return value
        if tag == _INT and len(node.value) > MAX_DIGITS:
            self.unsafe = True
            self.result.add(
                Code.INVALID_VALUE,
                f"a number of {len(node.value)} digits",
                "no field takes a number this long: check the value",
                pointer,
                line=self.line(node),
            )
            return None
        if tag == _TIMESTAMP:
            try:
                moment = self.loader.construct_yaml_timestamp(node)
            except (ValueError, OverflowError) as e:
                self.unsafe = True
                self.result.add(
                    Code.INVALID_DATE,
                    f"{node.value!r} is not a real date ({e})",
                    "check the day and month",
                    pointer,
                    line=self.line(node),
                )
                return None
            if isinstance(moment, dt.datetime) and moment.tzinfo is None:
                self.deferred.append(naive_datetime(moment.isoformat(), shown))
            return moment.isoformat()
        return self.loader.construct_object(node)  # null, bool, int, float: PyYAML's own rules

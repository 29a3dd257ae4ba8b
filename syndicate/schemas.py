"""The JSON Schemas syndicate ships, and validators built from them.

In a wheel the schemas sit inside the package (`syndicate/_schemas/`); in a
source checkout or an editable install they are read from the repository's
top-level `schemas/` folder, the one editors point their tools at.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from syndicate import fast_paths
from syndicate.errors import SchemaError
from syndicate.findings import Code

if TYPE_CHECKING:  # jsonschema costs ~90 ms to import: only when something is validated
    from jsonschema import Draft202012Validator, ValidationError

_PACKAGE_DIR = Path(__file__).resolve().parent


def schema_dir() -> Path:
    packaged = _PACKAGE_DIR / "_schemas"
    if packaged.is_dir():
        return packaged
    checkout = _PACKAGE_DIR.parent / "schemas"
    if checkout.is_dir():
        return checkout
    raise SchemaError(
        f"the schemas are missing from this installation (looked in {packaged} and {checkout})",
        "reinstall syndicate: pip install --force-reinstall syndicate",
    )


@functools.cache
def load_schema(name: str) -> dict[str, Any]:
    """Load `schemas/<name>.schema.json`."""
    path = schema_dir() / f"{name}.schema.json"
    try:
        schema: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise SchemaError(f"cannot read schema {path}: {e}", "reinstall syndicate") from e
    return schema


@functools.cache
def validator(name: str) -> Draft202012Validator:
    from jsonschema import Draft202012Validator, validators

    # JSON Schema patterns are ECMA-262: `$` is the end of the text. Python's `$` also
    # matches before a final newline, which would let "slug\n" pass.
    strict = validators.extend(Draft202012Validator, {"pattern": _ecma_pattern})  # type: ignore[no-untyped-call]
    return strict(load_schema(name))  # type: ignore[no-any-return]


def _ecma_pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[ValidationError]:
    from jsonschema import ValidationError

    if validator.is_type(instance, "string") and not _ecma(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _pattern_pieces(pattern: str) -> Iterator[tuple[str, bool]]:
    """A regular expression's pieces (a character, or a backslash escape of two), each with
    whether it stands inside a character class. Enough for the rewrites below, not a parser."""
    in_class = False
    index = 0
    while index < len(pattern):
        piece = pattern[index : index + 2] if pattern[index] == "\\" else pattern[index]
        index += len(piece)
        if piece == "[":
            in_class = True
        elif piece == "]":
            in_class = False
        yield piece, in_class and piece != "["


@functools.cache
def _ecma(pattern: str) -> re.Pattern[str]:
    """`pattern` with every `$` outside a character class written as `\\Z` (end of text only)."""
    return re.compile(
        "".join("\\Z" if piece == "$" and not in_class else piece for piece, in_class in _pattern_pieces(pattern))
    )


@dataclass(frozen=True)
class SchemaProblem:
    """One schema violation, in words an editor understands."""

    code: str
    pointer: str
    message: str
    hint: str
    #: the JSON Schema keyword that failed (required, type, ...)
    keyword: str


_TYPE_WORDS = {
    "object": "a mapping of fields",
    "array": "a list",
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "null": "nothing",
}


def field_name(pointer: str) -> str:
    """`/authors/0/name` -> `authors[0].name`: how the README and the hints name fields."""
    out = ""
    for part in pointer.split("/")[1:]:
        part = part.replace("~1", "/").replace("~0", "~")
        out += f"[{part}]" if part.isdigit() else (f".{part}" if out else part)
    return out or "(front matter)"


def _pointer(parts: Iterable[object]) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def _type_word(value: object) -> str:
    if isinstance(value, bool):
        return _TYPE_WORDS["boolean"]
    if isinstance(value, int):
        return _TYPE_WORDS["integer"]
    if isinstance(value, float):
        return _TYPE_WORDS["number"]
    for name, pytype in (("string", str), ("array", list), ("object", dict)):
        if isinstance(value, pytype):
            return _TYPE_WORDS[name]
    if value is None:
        return _TYPE_WORDS["null"]
    return "a date" if isinstance(value, (dt.date, dt.time)) else type(value).__name__


def _known_properties(schema: dict[str, Any], instance: object) -> list[str]:
    """Property names a (sub)schema allows, with those of the if/then branches that apply."""
    names = list(schema.get("properties", {}))
    for branch in schema.get("allOf", []):
        condition = branch.get("if", {}).get("properties", {})
        if isinstance(instance, dict) and all(
            instance.get(key) == rule.get("const") for key, rule in condition.items()
        ):
            names += [n for n in branch.get("then", {}).get("properties", {}) if n not in names]
    return names


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`did you mean 'x'? ` for the closest choice, or "" (hints start with it)."""
    options = list(choices)
    same = [choice for choice in options if choice.casefold() == word.casefold()]
    close = same or difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}? " if close else ""


_RUST = fast_paths.enabled("jsonschema-rs")


@functools.cache
def _fast_validator(name: str) -> Any:
    import jsonschema_rs

    # Formats are annotations in 2020-12, as they are to `validator()`: neither asserts them.
    return jsonschema_rs.Draft202012Validator(_python_patterns(load_schema(name)), validate_formats=False)


def _python_patterns(schema: Any) -> Any:
    """The schema with `\\s` in patterns meaning what it means to Python's `re` (and so to
    `validator()`): Rust's `\\s` leaves out U+001C..U+001F, which Python counts as space."""
    if isinstance(schema, list):
        return [_python_patterns(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out = {key: _python_patterns(value) for key, value in schema.items()}
    if isinstance(schema.get("pattern"), str):
        out["pattern"] = _python_space(schema["pattern"])
    return out


def _python_space(pattern: str) -> str:
    space = "\\s\\x1c-\\x1f"
    out: list[str] = []
    for piece, in_class in _pattern_pieces(pattern):
        if piece == "\\S" and in_class:
            raise SchemaError(f"pattern {pattern!r}: \\S inside [...] is not supported", "write [^...]")
        if piece == "\\s":
            out.append(space if in_class else f"[{space}]")
        elif piece == "\\S":
            out.append(f"[^{space}]")
        else:
            out.append(piece)
    return "".join(out)


def is_valid(name: str, instance: object) -> bool | None:
    """Whether `instance` is valid under schema `name`, from jsonschema-rs (Rust: about a hundred
    times faster than `validator()`); None when it cannot tell (a value JSON has no type for).

    The fast path of schema_problems. What it buys (BENCHMARKS.md, "Fast paths";
    SYNDICATE_LIBRARY_ONLY=jsonschema-rs: always None, jsonschema alone): `validate` over
    10,000 articles 4.26 -> 2.03 s (52%). One differential test: tests/test_schemas.py."""
    if not _RUST:
        return None
    try:
        return bool(_fast_validator(name).is_valid(instance))
    except (ValueError, TypeError, OverflowError, RecursionError):
        return None


def schema_problems(name: str, instance: object) -> list[SchemaProblem]:
    """Every violation of schema `name` by `instance`, in document order.

    Nearly every article is valid: a fast pass says so, and only an instance that
    fails it (or that it cannot read) is checked again by jsonschema, whose errors
    say where and why.
    """
    if is_valid(name, instance):
        return []
    problems: dict[tuple[str, str], SchemaProblem] = {}
    errors = sorted(validator(name).iter_errors(instance), key=lambda e: list(map(str, e.absolute_path)))
    for error in errors:
        for problem in _describe(error, load_schema(name)):
            # if/then branches can report the same problem twice
            problems.setdefault((problem.pointer, problem.message), problem)
    return list(problems.values())


def _resolve(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    """Merge a local `$ref` (#/$defs/...) into the schema that names it, for messages."""
    ref = schema.get("$ref", "")
    if not ref.startswith("#/$defs/"):
        return schema
    target = root.get("$defs", {}).get(ref.removeprefix("#/$defs/"), {})
    return {**_resolve(target, root), **{k: v for k, v in schema.items() if k != "$ref"}}


def _describe(error: ValidationError, root: dict[str, Any]) -> list[SchemaProblem]:
    keyword = str(error.validator)
    pointer = _pointer(error.absolute_path)
    where = field_name(pointer)
    schema = _resolve(error.schema, root) if isinstance(error.schema, dict) else {}
    value = error.instance
    rule: Any = error.validator_value  # the keyword's value in the schema
    if keyword == "required":
        missing = [key for key in rule if not (isinstance(value, dict) and key in value)]
        return [
            SchemaProblem(
                Code.MISSING_FIELD,
                _pointer([*error.absolute_path, key]),
                f"missing required field {field_name(_pointer([*error.absolute_path, key]))!r}",
                _add_hint(schema, key),
                keyword,
            )
            for key in missing
        ]
    if keyword in ("additionalProperties", "unevaluatedProperties"):
        known = _known_properties(schema, value)
        extras = [key for key in value if key not in known] if isinstance(value, dict) else []
        return [
            SchemaProblem(
                Code.UNKNOWN_FIELD,
                _pointer([*error.absolute_path, key]),
                f"unknown field {field_name(_pointer([*error.absolute_path, key]))!r}",
                did_you_mean(key, known) + f"allowed here: {', '.join(known)}",
                keyword,
            )
            for key in extras
        ]
    if keyword == "type":
        expected = rule if isinstance(rule, list) else [rule]
        words = " or ".join(_TYPE_WORDS.get(str(t), str(t)) for t in expected)
        return [
            SchemaProblem(
                Code.WRONG_TYPE,
                pointer,
                f"{where} must be {words}, not {_type_word(value)}",
                _type_hint(expected, value, where, schema),
                keyword,
            )
        ]
    if keyword in ("enum", "const"):
        # true and false as TOML and YAML write them, not as Python does
        choices = [json.dumps(c) if isinstance(c, bool) else str(c) for c in (rule if keyword == "enum" else [rule])]
        shown = json.dumps(value) if isinstance(value, bool) else repr(value)
        return [
            SchemaProblem(
                Code.INVALID_CHOICE,
                pointer,
                f"{where} is {shown}, not one of: {', '.join(choices)}",
                did_you_mean(str(value), choices) + f"use one of: {', '.join(choices)}",
                keyword,
            )
        ]
    if keyword in ("pattern", "format"):
        return [
            SchemaProblem(
                Code.INVALID_FORMAT,
                pointer,
                f"{where} {value!r} is not in the expected form",
                schema.get("description") or f"it must match {error.validator_value}",
                keyword,
            )
        ]
    messages = {
        "minItems": (f"{where} must not be empty", "add at least one item"),
        "minLength": (f"{where} must not be empty", "give it a value, or remove the field"),
        "uniqueItems": (f"{where} repeats an item", "list each item once"),
        "minimum": (f"{where} {value!r} is too small", f"the smallest allowed is {error.validator_value}"),
        "maximum": (f"{where} {value!r} is too large", f"the largest allowed is {error.validator_value}"),
        "maxLength": (f"{where} is too long", f"at most {error.validator_value} characters"),
        "maxItems": (f"{where} has more than {error.validator_value} items", f"keep at most {error.validator_value}"),
    }
    message, hint = messages.get(keyword, (f"{where}: {error.message}", schema.get("description", "")))
    return [SchemaProblem(Code.INVALID_VALUE, pointer, message, hint, keyword)]


def _type_hint(expected: list[Any], value: object, where: str, schema: dict[str, Any]) -> str:
    if "string" in expected:
        # text of a set form (a date: 20260924 is a number to YAML) is better shown than quoted
        form = schema.get("description") if ("pattern" in schema or "format" in schema) else None
        return f"write it as text in this form: {form}" if form else "put the value in quotes"
    if "array" in expected and not isinstance(value, (dict, list)):
        return f"make it a list: [{value}]"
    if "integer" in expected and isinstance(value, str):
        return "write the number without quotes"
    return f"write {where} as {' or '.join(_TYPE_WORDS.get(str(t), str(t)) for t in expected)}"


def _add_hint(schema: dict[str, Any], key: str) -> str:
    """`add 'source': where this copy was taken from`, from the schema's own description."""
    properties = dict(schema.get("properties", {}))
    for branch in schema.get("allOf", []):
        properties.update(branch.get("then", {}).get("properties", {}))
    description = str(properties.get(key, {}).get("description", "")).split(";")[0].rstrip(".")
    if not description:
        return f"add {key!r}"
    return f"add {key!r}: {description[0].lower()}{description[1:]}"

"""Findings: one problem in one file, at one line, with a stable code and a hint.

Codes are stable: scripts and editors may match on them. The table in
README.md ("Finding codes") lists every code with what it means.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import functools
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    """One problem. `line` is 1-based; 0 means the file (or folder) as a whole."""

    path: str
    line: int
    code: str
    message: str
    hint: str = ""
    pointer: str = ""
    severity: Severity = Severity.ERROR
    #: for a licence refusal: a ready-to-send email asking the rights holder
    permission_request: str = ""

    def as_warning(self) -> Finding:
        return dataclasses.replace(self, severity=Severity.WARNING)

    def to_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "pointer": self.pointer,
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "hint": self.hint,
        } | ({"permission_request": self.permission_request} if self.permission_request else {})


@dataclass
class ValidationReport:
    """Everything one `validate` found, in the order the files were read."""

    findings: list[Finding] = field(default_factory=list)
    checked: Sequence[Path] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.WARNING]

    @property
    def ok(self) -> bool:
        return not self.errors


def display_path(path: Path) -> str:
    """The path as a user would type it: relative to the working folder when under it."""
    text = os.fspath(path)
    parent, name = os.path.split(text)
    # the folder resolved once per folder (a site has 10,000 files in a few), not each file
    shown = _shown_folder(os.path.abspath(parent or "."), os.getcwd())  # noqa: PTH100, PTH109
    if shown is None:
        return text
    return name if shown == "." else os.path.join(shown, name)  # noqa: PTH118


def display_time(moment: dt.datetime) -> str:
    """A time as a person reads it, to the minute, with its zone: "2026-12-10 09:00 UTC",
    "2026-12-10 09:00 UTC+02:00" (seconds only when not zero)."""
    offset = moment.utcoffset()
    if offset is None or not offset:
        zone = "UTC"
    else:
        minutes = int(offset.total_seconds()) // 60
        zone = f"UTC{'+' if minutes > 0 else '-'}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    return moment.strftime("%Y-%m-%d %H:%M" + (":%S" if moment.second else "")) + " " + zone


@functools.lru_cache(maxsize=256)
def _shown_folder(folder: str, cwd: str) -> str | None:
    try:
        return str(Path(folder).resolve().relative_to(Path(cwd).resolve()))
    except ValueError:
        return None


class Code:
    """The stable finding codes (README.md, "Finding codes", explains each)."""

    NOT_UTF8 = "not-utf8"
    EMPTY_FILE = "empty-file"
    FILE_TOO_LARGE = "file-too-large"
    UNREADABLE = "unreadable"
    NO_FRONT_MATTER = "no-front-matter"
    UNCLOSED_FRONT_MATTER = "unclosed-front-matter"
    YAML_SYNTAX = "yaml-syntax"
    YAML_TAG = "yaml-tag"
    YAML_TOO_COMPLEX = "yaml-too-complex"
    DUPLICATE_KEY = "duplicate-key"
    NOT_A_MAPPING = "not-a-mapping"
    NAIVE_DATETIME = "naive-datetime"
    CONTROL_CHARACTER = "control-character"
    INVALID_DATE = "invalid-date"
    MISSING_FIELD = "missing-field"
    UNKNOWN_FIELD = "unknown-field"
    WRONG_TYPE = "wrong-type"
    INVALID_CHOICE = "invalid-choice"
    INVALID_FORMAT = "invalid-format"
    INVALID_VALUE = "invalid-value"
    NO_ARTICLES = "no-articles"
    NOT_FOUND = "not-found"
    DUPLICATE_SLUG = "duplicate-slug"
    UNKNOWN_ENDPOINT = "unknown-endpoint"
    UNKNOWN_LICENSE = "unknown-license"
    LICENSE_REFUSED = "license-refused"
    PLACEHOLDER_LINK = "placeholder-link"
    RELATIVE_LINK = "relative-link"
    IMPLAUSIBLE_YEAR = "implausible-year"
    UPDATED_BEFORE_PUBLISHED = "updated-before-published"
    MISSING_ORIGINAL = "missing-original"
    MISSING_BODY_HASH = "missing-body-hash"
    BODY_CHANGED = "body-changed"
    BODY_CHANGED_SINCE_DELIVERY = "body-changed-since-delivery"


def finding_line(finding: Finding) -> str:
    """A finding as `validate` prints it: PATH:LINE: CODE [warning: ]MESSAGE (hint: HINT)."""
    warning = "warning: " if finding.severity is Severity.WARNING else ""
    hint = f" (hint: {finding.hint})" if finding.hint else ""
    return f"{finding.path}:{finding.line}: {finding.code} {warning}{finding.message}{hint}"

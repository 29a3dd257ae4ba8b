"""One article file as read: its front matter (with the line of every key), its body, its findings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from syndicate.findings import Finding, Severity


@dataclass
class ParsedArticle:
    """The outcome of reading one file; `data` is None when the front matter could not be read."""

    path: str
    data: dict[str, Any] | None = None
    body: str = ""
    body_line: int = 1
    lines: dict[str, int] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    #: pointers already reported here, so that the schema does not report them again
    reported: set[str] = field(default_factory=set)
    #: render.front_matter_digest(data), when a worker that rendered the article computed it
    front_matter_digest: bytes = b""
    #: attribution.body_hash(body), taken when the licence forbids derivatives ("" otherwise):
    #: what the bodies of the copies delivered are compared with (kept when the body is not)
    body_digest: str = ""
    #: sha256 of the body (UTF-8), when a worker rendered its copy and did not send the body back:
    #: what render.render_copy knows the copy by in place of the body
    body_key: bytes = b""

    def line_of(self, pointer: str) -> int:
        """The line of the key at `pointer`, else of its nearest ancestor, else the opening `---`."""
        while pointer:
            if pointer in self.lines:
                return self.lines[pointer]
            pointer = pointer.rsplit("/", 1)[0]
        return 1

    def add(
        self,
        code: str,
        message: str,
        hint: str,
        pointer: str = "",
        line: int | None = None,
        request: str = "",
        severity: Severity = Severity.ERROR,
    ) -> None:
        where = self.line_of(pointer) if line is None else line
        finding = Finding(self.path, where, code, message, hint, pointer, severity, permission_request=request)
        self.findings.append(finding)
        if pointer and severity is Severity.ERROR:  # a warning does not keep the schema from reporting it
            self.reported.add(pointer)


def escape_pointer_part(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")

"""Secrets kept out of text, in every form a secret takes in it.

A server that echoes a secret rarely echoes it as it was: it comes back inside
a JSON string (quotes and backslashes escaped, non-ASCII as \\uXXXX or not),
inside a Python repr, HTML-escaped in a WordPress message, percent-encoded in
an address, or as the base64 of an Authorization header; a configuration
problem quotes a value as its repr. Each of those forms, and each escaping of
it once more (syndicate renders a server's JSON as JSON, and its JSON output
escapes messages again), is written as ***, matched in either case (a
percent-encoding's or an escape's hexadecimal digits come in both).

A secret shorter than SHORT_SECRET characters is too common in text to be cut
out of it ("Not logged in." would lose every o of a one-letter password,
"endpoints[1]" its 1): what a server says is withheld whole when it shows any
form of such a secret (`shows`), and in syndicate's own messages only the
secret standing as a quoted value is hidden (`hide_quoted`).
"""

from __future__ import annotations

import base64
import functools
import html
import json
import re
from collections.abc import Callable, Iterable
from urllib.parse import quote, quote_plus

#: secrets with fewer characters are never cut out of a text (see above)
SHORT_SECRET = 4
#: what stands for a secret in a text
MARK = "***"


def _json_ascii(text: str) -> str:
    return json.dumps(text)[1:-1]


def _json(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)[1:-1]


def _repr(text: str) -> str:
    return repr(text)[1:-1]


def _ascii(text: str) -> str:
    return ascii(text)[1:-1]


def _php_json(text: str) -> str:
    """PHP's json_encode (WordPress's) also escapes "/"."""
    return _json_ascii(text).replace("/", "\\/")


def _html(text: str) -> str:
    return html.escape(text, quote=False)


def _html_quoted(text: str) -> str:
    return html.escape(text)


def _esc_html(text: str) -> str:
    """WordPress's esc_html: quotes as entities, ' as &#039;."""
    return html.escape(text).replace("&#x27;", "&#039;")


#: how a server may have written a secret into its text
_SERVER_ESCAPES: tuple[Callable[[str], str], ...] = (
    str,
    _json_ascii,
    _json,
    _repr,
    _ascii,
    _php_json,
    _html,
    _html_quoted,
    _esc_html,
)
#: how syndicate may show that text again (a server's JSON rendered as JSON; a message in JSON output; a repr)
_OUR_ESCAPES: tuple[Callable[[str], str], ...] = (str, _json_ascii, _json, _repr)


def _utf8(text: str) -> bytes:
    try:
        return text.encode("utf-8", "surrogateescape")  # a secret read from the environment
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass")


def forms(secret: str) -> set[str]:
    """Every form of `secret` a text may show: escaped (JSON, repr, HTML, and each of those escaped
    again), percent-encoded (quote, quote_plus) and base64 (standard and URL-safe, without padding
    for a secret long enough to be cut out, with it for a short one)."""
    found = {outer(inner(secret)) for inner in _SERVER_ESCAPES for outer in _OUR_ESCAPES}
    raw = _utf8(secret)
    found |= {quote(raw, safe=""), quote(raw), quote_plus(raw), quote_plus(raw, safe="/")}
    for encoded in (base64.b64encode(raw), base64.urlsafe_b64encode(raw)):
        text = encoded.decode("ascii")
        found.add(text.rstrip("=") if len(secret) >= SHORT_SECRET else text)
    found.discard("")
    return found


class Redactor:
    """The forms of some secrets: `hide` writes those of the long ones as ***; `shows` finds any form of any."""

    def __init__(self, secrets: Iterable[str]) -> None:
        secrets = {s for s in secrets if s}
        short = {s for s in secrets if len(s) < SHORT_SECRET}
        self._long = _alternation({form for s in secrets - short for form in forms(s)})
        self._every = _alternation({form for s in secrets for form in forms(s)})
        quoted = {escape(s) for s in short for escape in (*_SERVER_ESCAPES, *_OUR_ESCAPES)}
        self._short_quoted = _alternation(quoted, around="[\"']")

    def hide(self, text: str) -> str:
        return text if self._long is None else self._long.sub(MARK, text)

    def hide_quoted(self, text: str) -> str:
        """`hide`, and a short secret hidden too where it stands between quotes, as a value is quoted."""
        text = self.hide(text)
        return text if self._short_quoted is None else self._short_quoted.sub(MARK, text)

    def shows(self, text: str) -> bool:
        return self._every is not None and self._every.search(text) is not None


def _alternation(strings: set[str], around: str = "") -> re.Pattern[str] | None:
    """A pattern finding any of `strings` (each between two matches of `around`, when given)."""
    strings.discard("")
    if not strings:
        return None
    # longest first: a form that holds another is replaced whole
    ordered = "|".join(re.escape(s) for s in sorted(strings, key=lambda s: (-len(s), s)))
    pattern = f"(?<={around})(?:{ordered})(?={around})" if around else ordered
    return re.compile(pattern, re.IGNORECASE)


@functools.lru_cache(maxsize=64)
def redactor(secrets: tuple[str, ...]) -> Redactor:
    """The Redactor of some secrets, built once (an endpoint redacts every answer it reads)."""
    return Redactor(secrets)

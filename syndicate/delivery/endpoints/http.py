"""HTTP for endpoints: one session per endpoint, timeouts, and errors that say what to do.

Redirects are not followed: a 3xx is an error naming where it pointed, so
credentials and signatures never travel to another host.

A server is not trusted to behave: every exchange ends within the endpoint's
`timeout` (a server that answers a byte at a time is cut off too), an answer
is read up to MAX_RESPONSE_BYTES, and what a server says (its message, the id
and address of a copy) is cut short and stripped of control characters before
it reaches the ledger or a terminal, with the endpoint's secrets, in any form,
written as *** (syndicate/redact.py). A JSON message that is not text is shown
as compact JSON, never as a Python repr.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import html
import json
import os
import re
import time
from collections.abc import Iterable, Mapping
from typing import Any

import requests
import urllib3

from syndicate import __version__, redact
from syndicate.errors import CredentialsError, DeliveryError, network_reason

USER_AGENT = f"syndicate/{__version__}"
#: (connect, read) seconds, unless the endpoint sets `timeout`
TIMEOUT = (5.0, 30.0)
#: endpoints answer with small JSON documents; a larger answer is not read
MAX_RESPONSE_BYTES = 32 * 1024 * 1024
#: the longest Retry-After honoured: a server asking for longer is tried again after this
MAX_RETRY_AFTER = 24 * 3600.0
#: what a server says is kept to this many characters
MAX_MESSAGE = 300
_CHUNK = 64 * 1024
#: what stands for a server's text that shows a secret too short to cut out of it (see syndicate/redact.py)
WITHHELD = "(withheld: it shows the endpoint's secret)"
#: C0 and C1 controls, DEL, and the bidirectional overrides that make text read differently than it is
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]+")


class StatusError(DeliveryError):
    """The server answered with an error status: `status`, and the `code` its JSON answer gave (WordPress's)."""

    def __init__(
        self,
        message: str,
        hint: str,
        status: int,
        code: str = "",
        transient: bool = False,
        retry_after: float | None = None,
        term_id: int | None = None,
    ) -> None:
        super().__init__(message, hint, transient=transient, retry_after=retry_after)
        self.status = status
        self.code = code
        #: the existing term's id that WordPress gives with a `term_exists` answer
        self.term_id = term_id


def make_session(url: str) -> requests.Session:
    """A session for the endpoint at `url`, with what the environment says about it read once.

    requests would read the proxy variables, the CA bundle variables and
    ~/.netrc again for every request (a scan of os.environ and file checks
    each time, a cost on every delivery); an endpoint's host does not change
    within a run, so they are settled here with requests' own rules.
    """
    session = requests.Session()
    session.headers["User-Agent"] = USER_AGENT
    session.proxies.update(requests.utils.get_environ_proxies(url))
    bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
    if bundle:
        session.verify = bundle
    netrc = requests.utils.get_netrc_auth(url)
    if netrc:
        session.auth = netrc
    session.trust_env = False
    return session


def endpoint_timeout(timeout: float | None) -> tuple[float, float]:
    """(connect, read) seconds for an endpoint: its `timeout` setting, else TIMEOUT.

    `timeout` bounds every wait for the server, and the answer must be read
    whole within connect + timeout seconds of the request's start. (A server
    that drips its status line and headers is bounded only per read, and by
    the header size limits of http.client.)
    """
    if timeout is not None and timeout > 0:
        return (min(TIMEOUT[0], timeout), timeout)
    return TIMEOUT


def printable(text: str, limit: int = MAX_MESSAGE, secrets: Iterable[str] = (), withheld: str = WITHHELD) -> str:
    """Server-supplied text made safe to print and store: no control characters, cut at `limit`,
    secrets (in any form, see syndicate/redact.py) as ***; `withheld` instead when a secret cannot be cut out."""
    redactor = redact.redactor(tuple(secrets))
    text = _UNPRINTABLE.sub(" ", redactor.hide(text)).strip()
    text = redactor.hide(text)  # also a secret the server split with control characters
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return withheld if redactor.shows(text) else text


def retry_after_seconds(value: str | None, now: dt.datetime | None = None) -> float | None:
    """Retry-After as seconds (at most MAX_RETRY_AFTER): either a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return min(float(value), MAX_RETRY_AFTER)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    try:
        seconds = (when - (now or dt.datetime.now(dt.UTC))).total_seconds()
    except OverflowError:
        return None
    return min(max(0.0, seconds), MAX_RETRY_AFTER)


def request(
    session: requests.Session,
    method: str,
    url: str,
    endpoint: str,
    credentials_hint: str = "",
    secrets: Iterable[str] = (),
    **kwargs: Any,
) -> requests.Response:
    """Send one request; any answer but 2xx becomes a DeliveryError naming the endpoint and URL.

    The answer is read whole (its `content` is ready) within the timeout and
    the size limit. `secrets` never appear in an error, whatever the server says.
    """
    timeout: tuple[float, float] = kwargs.pop("timeout", TIMEOUT)
    secrets = tuple(secrets)
    try:
        response = _exchange(session, method, url, timeout, **kwargs)
    except requests.Timeout as e:
        raise DeliveryError(
            f"endpoint {endpoint!r}: {method} {url} timed out", "the server is slow or down", transient=True
        ) from e
    except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as e:
        raise DeliveryError(
            f"endpoint {endpoint!r}: {method} {url} failed: {network_reason(e)}",
            "check the endpoint's url and that the server is up",
            transient=True,
        ) from e
    except requests.RequestException as e:
        raise DeliveryError(f"endpoint {endpoint!r}: {method} {url} failed: {type(e).__name__}") from e
    except _Incomplete as e:
        raise DeliveryError(
            f"endpoint {endpoint!r}: {method} {url}: {e}", "the server is slow, failing or misbehaving", transient=True
        ) from e
    except _TooLarge as e:
        raise DeliveryError(f"endpoint {endpoint!r}: {method} {url}: {e}", "is the url the endpoint's API?") from e
    status = response.status_code
    if 200 <= status < 300:
        return response
    detail, code = _server_message(response, secrets)
    where = f"endpoint {endpoint!r}: {method} {url} answered HTTP {status}"
    if status in (401, 403):
        raise CredentialsError(f"{where}: {detail}", credentials_hint or "check the endpoint's credentials")
    if status == 429 or status >= 500:
        raise StatusError(
            f"{where}: {detail}",
            "the server is busy or failing; syndicate retries",
            status,
            code,
            transient=True,
            retry_after=retry_after_seconds(response.headers.get("Retry-After")),
        )
    if 300 <= status < 400:
        target = printable(response.headers.get("Location", "(no Location)"), secrets=secrets)
        raise StatusError(f"{where}: redirected to {target}", "put the final address in the endpoint's url", status)
    if status == 413:
        raise StatusError(
            f"{where}: the copy is too large for the server: {detail}", "raise the server's body size limit", status
        )
    raise StatusError(
        f"{where}: {detail}", "the server refused the copy; see its message", status, code, term_id=_term_id(response)
    )


class _Incomplete(Exception):
    """The answer did not arrive whole in time, or the connection broke while it came."""


class _TooLarge(Exception):
    pass


def read_page(
    session: requests.Session,
    url: str,
    timeout: tuple[float, float],
    max_bytes: int,
    headers: Mapping[str, str] | None = None,
) -> requests.Response:
    """GET `url` (no redirect followed, with these `headers` too), its answer read whole within the
    timeout and `max_bytes`, whatever its status: for `audit`, which reads the pages of copies. A
    failure to get the whole answer is a DeliveryError saying why, in words that name no endpoint."""
    try:
        return _exchange(session, "GET", url, timeout, max_bytes, headers=dict(headers or {}))
    except requests.Timeout as e:
        raise DeliveryError(f"no answer within {timeout[1]:g} s", "the server is slow or down") from e
    except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as e:
        raise DeliveryError(f"the connection failed: {network_reason(e)}", "is the server up?") from e
    except requests.RequestException as e:
        raise DeliveryError(f"the request failed: {type(e).__name__}", "check the address") from e
    except _Incomplete as e:
        raise DeliveryError(str(e), "the server is slow, failing or misbehaving") from e
    except _TooLarge as e:
        raise DeliveryError(str(e), "is the address a page, not a download?") from e


def _exchange(
    session: requests.Session,
    method: str,
    url: str,
    timeout: tuple[float, float],
    max_bytes: int | None = None,
    **kwargs: Any,
) -> requests.Response:
    """The request, and its answer read whole: within connect + read timeout in all, at most `max_bytes`
    (MAX_RESPONSE_BYTES, read when called, unless given).

    (requests' own read timeout applies to each read, so a server sending a
    byte at a time would hold a run for ever.)
    """
    deadline = time.monotonic() + timeout[0] + timeout[1]
    max_bytes = MAX_RESPONSE_BYTES if max_bytes is None else max_bytes
    response = session.request(method, url, allow_redirects=False, stream=True, timeout=timeout, **kwargs)
    body = bytearray()
    complete = False
    try:
        read = getattr(response.raw, "read1", None) or response.raw.read
        while True:
            if time.monotonic() > deadline:
                raise _Incomplete(f"the answer did not arrive within {timeout[0] + timeout[1]:g} seconds")
            try:
                chunk = read(_CHUNK, decode_content=True)
            except (urllib3.exceptions.HTTPError, OSError) as e:
                raise _Incomplete(f"the connection broke while the answer came ({type(e).__name__})") from e
            if not chunk:
                break
            body += chunk
            if len(body) > max_bytes:
                raise _TooLarge(f"the answer is larger than {max_bytes:,} bytes")
        complete = True
    finally:
        if not complete:
            response.close()
    response._content = bytes(body)
    return response


def json_body(response: requests.Response) -> Any:
    """The answer as JSON; ValueError when it is not JSON (however deeply a hostile server nests it)."""
    try:
        return json.loads(response.content)
    except RecursionError as e:
        raise ValueError("JSON nested too deeply") from e


def api_json(response: requests.Response, endpoint: str, what: str, hint: str, secrets: Iterable[str] = ()) -> Any:
    """The JSON answer of an API call (`what`: "POST /wp/v2/posts"); a transient DeliveryError
    quoting the start of the answer (secrets kept out) when it is not JSON."""
    try:
        return json_body(response)
    except ValueError as e:
        said = printable(response.content[:1000].decode("utf-8", "replace"), 100, secrets)
        raise DeliveryError(
            f"endpoint {endpoint!r}: {what} did not answer JSON" + (f": {said}" if said else ""), hint, transient=True
        ) from e


def _page_words(page: str, limit: int = 150) -> str:
    """An HTML page in a few words: its title, else its first visible text (no script or style)."""
    title = re.search(r"<title[^>]*>(.*?)</title>", page, re.IGNORECASE | re.DOTALL)
    if title is not None and title.group(1).strip():
        text = title.group(1)
    else:
        text = re.sub(r"<(script|style)\b.*?</\1\s*>|<!--.*?-->", " ", page, flags=re.IGNORECASE | re.DOTALL)
        text = re.sub(r"<[^>]*>", " ", text)
    words = " ".join(html.unescape(text).split())
    return words if len(words) <= limit else words[: limit - 1] + "…"


def _term_id(response: requests.Response) -> int | None:
    """`data.term_id` of a WordPress error answer (`term_exists` carries the existing term's id)."""
    try:
        data = json_body(response)
    except ValueError:
        return None
    details = data.get("data") if isinstance(data, dict) else None
    term_id = details.get("term_id") if isinstance(details, dict) else None
    return term_id if isinstance(term_id, int) and not isinstance(term_id, bool) and term_id > 0 else None


def _as_text(value: Any) -> str:
    """A JSON value as a message: a string as it is, anything else as compact JSON (never a Python repr,
    whose escaping would also hide a secret from redaction's plainest forms)."""
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    except (RecursionError, ValueError):
        return "(a JSON value nested too deeply)"


def _server_message(response: requests.Response, secrets: Iterable[str] = ()) -> tuple[str, str]:
    """What the server said, printable, and the error code its JSON answer gave ("" if none)."""
    secrets = tuple(secrets)
    code = ""
    try:
        data = json_body(response)
    except ValueError:
        head = response.content[: 64 * 1024]
        try:
            text = head.decode(response.encoding or "utf-8", errors="replace")
        except LookupError:  # a charset Python does not know
            text = head.decode("utf-8", errors="replace")
        if re.search(r"<(?:!doctype html|html|body)\b", text[:4096], re.IGNORECASE):
            # a page, not an API's answer: its markup would only bury the status (secrets go before it is cut)
            shown = printable(_page_words(redact.redactor(secrets).hide(text)), secrets=secrets)
            return f"an HTML page (\"{shown}\"), not the API's JSON: is the url the service's address?", code
        text = text or response.reason or ""
    else:
        if isinstance(data, dict) and isinstance(data.get("errors"), list) and data["errors"]:
            data = _first_error(data["errors"][0])  # Ghost's {"errors": [{"message", "context", "type"}]}
        said = (data.get("message") or data.get("error") or data) if isinstance(data, dict) else data
        text = _as_text(said)
        if isinstance(data, dict) and isinstance(data.get("code"), str):
            code = _code(data["code"], secrets)
    return printable(text, secrets=secrets) or "(no message)", code


def _first_error(error: Any) -> Any:
    """A Ghost error as a message and a code: its message and context, and its type (UpdateCollisionError)."""
    if not isinstance(error, dict):
        return error
    message, context = error.get("message"), error.get("context")
    if isinstance(message, str) and isinstance(context, str) and context and context != message:
        message = f"{message} {context}"
    return {"message": message or error, "code": error.get("type")}


def _code(value: str, secrets: tuple[str, ...]) -> str:
    """An error code (WordPress's "term_exists"): a short identifier, compared, never shown; "" if it is
    anything else or holds a secret (a short secret is let be: it would be in many a code)."""
    if not re.fullmatch(r"[A-Za-z0-9_.:-]{1,100}", value) or redact.redactor(secrets).hide(value) != value:
        return ""
    return value

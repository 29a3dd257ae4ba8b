"""Fetching a page for import: requests with a timeout, a size limit and clear errors.

A saved page or text file has the same size limit, checked before it is read.

The whole download must arrive within the timeout (a server trickling bytes
does not hold an import forever) and within the size limit. The text is
decoded with the charset the server declares, else the one the page declares
in a <meta> tag, else UTF-8; bytes that do not decode are replaced and said so.
"""

from __future__ import annotations

import codecs
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

import requests

from syndicate import __version__
from syndicate.errors import SyndicateError, UsageError, network_reason
from syndicate.files import read_bounded
from syndicate.importer.addresses import refuse_private, refuse_private_peer

#: the largest page fetch_page (and read_page_file) reads
MAX_PAGE_BYTES = 5_000_000
#: redirects followed (each one checked like the first address)
MAX_REDIRECTS = 10


@dataclass(frozen=True)
class FetchedPage:
    text: str
    #: "text/html", "text/plain", ... (lower case, without parameters)
    content_type: str
    #: the address after redirects
    url: str
    #: some bytes did not decode and were replaced with U+FFFD
    replaced: bool
    #: what the response's headers declare about reuse (TDM-Rep, a Link rel="license"), for the report
    declared: tuple[str, ...] = ()


def fetch_page(
    url: str, timeout: float = 20.0, max_bytes: int = MAX_PAGE_BYTES, allow_private: bool = False
) -> FetchedPage:
    """GET the page, following redirects; a failure, a page too large or too slow is a SyndicateError.
    An address on a private, loopback or link-local network is refused unless `allow_private`
    (checked at each redirect, and on the address connected to)."""
    headers = {"User-Agent": f"syndicate/{__version__} (article import)", "Accept": "text/html, text/plain;q=0.8"}
    deadline = time.monotonic() + timeout
    hint = "check the address, or save the page and import the file"
    current = url
    try:
        for _ in range(MAX_REDIRECTS + 1):
            if not allow_private:
                refuse_private(current)
            with requests.get(
                current, headers=headers, timeout=timeout, stream=True, allow_redirects=False
            ) as response:
                if not allow_private and not requests.utils.get_environ_proxies(current):
                    refuse_private_peer(current, response.raw)
                if response.is_redirect:
                    current = urljoin(current, response.headers["Location"])
                    continue
                raw, content_type, declared_charset = _body(url, response, max_bytes, deadline, timeout, hint)
                final_url = response.url
                declared = _reuse_headers(response)
                break
        else:
            raise requests.TooManyRedirects(f"more than {MAX_REDIRECTS} redirects")
    except requests.Timeout as e:
        raise SyndicateError(f"{url}: no answer within {timeout:g} s", hint) from e
    except requests.TooManyRedirects as e:
        raise SyndicateError(f"{url}: too many redirects", hint) from e
    except requests.ConnectionError as e:
        raise SyndicateError(f"{url}: cannot fetch the page: {network_reason(e)}", hint) from e
    except requests.RequestException as e:
        reason = str(e).splitlines()[0][:200] if str(e) else type(e).__name__
        raise SyndicateError(f"{url}: cannot fetch the page: {reason}", hint) from e
    text, replaced = decode_page(raw, declared_charset)
    return FetchedPage(text, content_type, final_url, replaced, declared)


def _reuse_headers(response: requests.Response) -> tuple[str, ...]:
    """TDM-Rep's `tdm-reservation` and `tdm-policy` headers and a `Link: <...>; rel="license"` header."""
    notes: list[str] = []
    reservation = response.headers.get("tdm-reservation", "").strip()
    if reservation:
        state = {"1": "reserved", "0": "not reserved"}.get(reservation, repr(reservation))
        notes.append(f"TDM-Rep: text-and-data-mining rights {state} (the tdm-reservation header)")
    if policy := response.headers.get("tdm-policy", "").strip():
        notes.append(f"TDM-Rep: mining policy at {policy} (the tdm-policy header)")
    for link in response.links.values():
        if "license" in str(link.get("rel", "")).split():
            notes.append(f'a licence at {link.get("url")} (the Link header, rel="license"; not read as the article\'s)')
    return tuple(notes)


def _body(
    url: str, response: requests.Response, max_bytes: int, deadline: float, timeout: float, hint: str
) -> tuple[bytes, str, str | None]:
    if response.status_code >= 400:
        raise SyndicateError(f"{url}: HTTP {response.status_code} {response.reason}", hint)
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise SyndicateError(f"{url}: the page is {declared} bytes, more than {max_bytes} bytes", hint)
    chunks: list[bytes] = []
    size = 0
    for chunk in _arriving(response):
        size += len(chunk)
        if size > max_bytes:
            raise SyndicateError(f"{url}: the page is more than {max_bytes} bytes", hint)
        if time.monotonic() > deadline:
            raise SyndicateError(f"{url}: the page took more than {timeout:g} s to arrive", hint)
        chunks.append(chunk)
    content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    charset = requests.utils.get_encoding_from_headers(response.headers)
    header = response.headers.get("Content-Type", "").lower()
    return b"".join(chunks), content_type, charset if "charset" in header and _known(charset) else None


def read_page_file(path: Path, shown: str, max_bytes: int = MAX_PAGE_BYTES) -> bytes:
    """A saved page or text file's bytes; a file over `max_bytes` is refused from its size before it
    is read, and a file that grows meanwhile, a pipe or a device is never read past the limit."""
    try:
        size, raw = read_bounded(path, max_bytes)
    except FileNotFoundError as e:
        raise UsageError(f"{shown}: no such file", "check the path") from e
    except IsADirectoryError as e:
        raise UsageError(f"{shown}: a folder, not a file", "name the files in it to import") from e
    except OSError as e:
        raise UsageError(f"{shown}: cannot read the file: {e.strerror}", "check its permissions") from e
    if size > max_bytes or len(raw) > max_bytes:
        more = f"{size:,} bytes" if size > max_bytes else "more arrived as it was read"
        raise UsageError(
            f"{shown}: the file is larger than the limit of {max_bytes:,} bytes ({more}): not read",
            "an article's page is far smaller: check that this is the right file (pages fetched from a URL "
            "have the same limit)",
        )
    return raw


def _arriving(response: requests.Response) -> Iterator[bytes]:
    """The body as it arrives: urllib3's read1 returns whatever one read gives, so that the
    deadline is checked even when a server trickles its bytes; small reads where it is missing."""
    raw = response.raw
    read1 = getattr(raw, "read1", None)
    while chunk := (read1(65536, decode_content=True) if read1 else raw.read(1024, decode_content=True)):
        yield chunk


def decode_page(raw: bytes, declared: str | None = None) -> tuple[str, bool]:
    """The page's text (the server's charset, else the page's <meta charset>, else UTF-8), and
    whether bytes that did not decode were replaced with U+FFFD."""
    text = raw.decode(declared or _sniff_charset(raw) or "utf-8", errors="replace")
    return text, "\ufffd" in text and "\ufffd".encode() not in raw


def _sniff_charset(raw: bytes) -> str | None:
    """The charset a page declares in its first bytes (<meta charset=...>), if it is one Python knows."""
    match = re.search(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_-]+)""", raw[:4096], re.I)
    if match is None:
        return None
    name = match.group(1).decode("ascii")
    return name if _known(name) else None


def _known(charset: str | None) -> bool:
    if not charset:
        return False
    try:
        codecs.lookup(charset)
    except LookupError:
        return False
    return True

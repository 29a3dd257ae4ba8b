"""Which addresses a URL import may fetch: public ones only, unless the editor allows private ones.

An address on a private, loopback, link-local (cloud metadata at 169.254.169.254),
multicast, reserved or unspecified network is refused: `syndicate import URL`
run on a server must not become a way to read that server's own network. The
check is made on every address the host name resolves to, before each request
and again on each redirect, and on the address the connection was actually
made to (a name that resolves differently the second time gains nothing).
`--allow-private` lifts it (the tests' pages are served on 127.0.0.1).
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Any
from urllib.parse import urlsplit

from syndicate.errors import UsageError

_HINT = "import a page on a public address, or pass --allow-private for one on your own network"


def refuse_private(url: str) -> None:
    """Raise a UsageError when the URL's host is, or resolves to, an address that is not public."""
    host = urlsplit(url).hostname or ""
    try:
        infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return  # the request itself reports that the name does not resolve
    for info in infos:
        _check(url, str(info[4][0]))


def refuse_private_peer(url: str, raw_response: Any) -> None:
    """Check the address the connection was made to, when urllib3 shows it (not through a proxy)."""
    connection = getattr(raw_response, "connection", None) or getattr(raw_response, "_connection", None)
    sock = getattr(connection, "sock", None)
    if sock is None:
        return
    try:
        peer = sock.getpeername()
    except OSError:
        return
    if isinstance(peer, tuple) and peer:
        _check(url, str(peer[0]))


def _check(url: str, address: str) -> None:
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    kind = _kind(ip)
    if kind:
        raise UsageError(f"{url}: the address {ip} is on a {kind} network: not fetched", _HINT)


def _kind(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str:
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link-local"
    if ip.is_multicast:
        return "multicast"
    if ip.is_unspecified or ip.is_reserved:
        return "reserved"
    if ip.is_private or not ip.is_global:
        return "private"
    return ""

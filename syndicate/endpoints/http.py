"""HTTP for endpoints: one session per endpoint, timeouts, and errors that say what to do.

Redirects are not followed: a 3xx is an error naming where it pointed, so
credentials and signatures never travel to another host.
"""

from __future__ import annotations

import datetime as dt
import email.utils
from typing import Any

import requests

from syndicate import __version__
from syndicate.errors import CredentialsError, DeliveryError

USER_AGENT = f"syndicate/{__version__}"
#: (connect, read) seconds
TIMEOUT = (5.0, 30.0)


def make_session() -> requests.Session:
    session = requests.Session()
    session.headers["User-Agent"] = USER_AGENT
    return session


def retry_after_seconds(value: str | None, now: dt.datetime | None = None) -> float | None:
    """Retry-After as seconds: either a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - (now or dt.datetime.now(dt.UTC))).total_seconds())


def request(
    session: requests.Session,
    method: str,
    url: str,
    endpoint: str,
    credentials_hint: str = "",
    **kwargs: Any,
) -> requests.Response:
    """Send one request; any answer but 2xx becomes a DeliveryError naming the endpoint and URL."""
    kwargs.setdefault("timeout", TIMEOUT)
    try:
        response = session.request(method, url, allow_redirects=False, **kwargs)
    except requests.Timeout as e:
        raise DeliveryError(
            f"endpoint {endpoint!r}: {method} {url} timed out", "the server is slow or down", transient=True
        ) from e
    except requests.ConnectionError as e:
        raise DeliveryError(
            f"endpoint {endpoint!r}: {method} {url} failed: connection error",
            "check the endpoint's url and that the server is up",
            transient=True,
        ) from e
    except requests.RequestException as e:
        raise DeliveryError(f"endpoint {endpoint!r}: {method} {url} failed: {type(e).__name__}") from e
    status = response.status_code
    if 200 <= status < 300:
        return response
    detail = _server_message(response)
    where = f"endpoint {endpoint!r}: {method} {url} answered HTTP {status}"
    if status in (401, 403):
        raise CredentialsError(f"{where}: {detail}", credentials_hint or "check the endpoint's credentials")
    if status == 429 or status >= 500:
        raise DeliveryError(
            f"{where}: {detail}",
            "the server is busy or failing; syndicate retries",
            transient=True,
            retry_after=retry_after_seconds(response.headers.get("Retry-After")),
        )
    if 300 <= status < 400:
        target = response.headers.get("Location", "(no Location)")
        raise DeliveryError(f"{where}: redirected to {target}", "put the final address in the endpoint's url")
    if status == 413:
        raise DeliveryError(f"{where}: the copy is too large for the server", "raise the server's body size limit")
    raise DeliveryError(f"{where}: {detail}", "the server refused the copy; see its message")


def _server_message(response: requests.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return (response.text or response.reason or "").strip()[:300] or "(no message)"
    if isinstance(data, dict):
        return str(data.get("message") or data.get("error") or data)[:300]
    return str(data)[:300]

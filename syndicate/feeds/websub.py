"""WebSub: tell the configured hubs that feeds changed (a "publish" ping).

Only feeds whose bytes changed are announced, so a run that changed nothing
notifies no hub. Each hub gets one POST per changed feed
(hub.mode=publish, hub.url=FEED); any 2xx is success.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from syndicate import __version__
from syndicate.errors import network_reason

if TYPE_CHECKING:
    import requests

USER_AGENT = f"syndicate/{__version__} (+https://pypi.org/project/syndicate/)"
TIMEOUT = (5.0, 15.0)  # connect, read


@dataclass(frozen=True)
class HubPing:
    hub: str
    topic: str
    ok: bool
    detail: str


def notify_hubs(hubs: Sequence[str], topics: Sequence[str], session: requests.Session | None = None) -> list[HubPing]:
    """Announce each changed feed URL to each hub; failures are returned, never raised."""
    return ping_hubs([(hub, topic) for hub in hubs for topic in topics], session)


def ping_hubs(pairs: Sequence[tuple[str, str]], session: requests.Session | None = None) -> list[HubPing]:
    """Send each (hub, feed URL) ping once; failures are returned, never raised."""
    pings: list[HubPing] = []
    if not pairs:
        return pings
    import requests  # 0.1 s: only a run that has a hub to tell pays for it

    http = session or requests.Session()
    http.headers["User-Agent"] = USER_AGENT
    for hub, topic in dict.fromkeys(pairs):
        try:
            response = http.post(hub, data={"hub.mode": "publish", "hub.url": topic}, timeout=TIMEOUT)
        except requests.RequestException as e:
            pings.append(HubPing(hub, topic, False, f"no answer: {network_reason(e)}"))
            continue
        ok = 200 <= response.status_code < 300
        detail = f"HTTP {response.status_code}" + ("" if ok else f": {response.text[:200].strip()}")
        pings.append(HubPing(hub, topic, ok, detail))
    return pings


def ping_problems(failed: Sequence[HubPing]) -> list[str]:
    """One line per hub and cause, not per feed: a hub that is down failed for every feed at once."""
    topics: dict[tuple[str, str], list[str]] = {}
    for ping in failed:
        topics.setdefault((ping.hub, ping.detail), []).append(ping.topic)
    lines = []
    for (hub, detail), told in topics.items():
        others = len(told) - 1
        more = f" and {others} more feed{'s' if others > 1 else ''}" if others else ""
        lines.append(f"hub {hub} was not told about {told[0]}{more}: {detail}")
    return lines

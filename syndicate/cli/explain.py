"""`--explain` of plan and status: the permission request drafted for each refused copy.

Part of the command line (see __init__.py); the requests are drafted by delivery/permission.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import click

from syndicate.errors import ExitStatus

if TYPE_CHECKING:
    from syndicate.checks.validate import SiteContent
    from syndicate.config import Config


def explain_option(where: str) -> Callable[[Callable[..., ExitStatus]], Callable[..., ExitStatus]]:
    return click.option(
        "--explain",
        is_flag=True,
        help=f"{where}, a ready-to-send permission request for each refused copy (JSON: permission_request).",
    )


def drafted_requests(
    site: SiteContent, config: Config, refused: list[tuple[str, str]], explain: bool
) -> dict[tuple[str, str], str]:
    """With --explain: the permission request of each refused (article, endpoint)."""
    if not explain or not refused:
        return {}
    from syndicate.delivery.permission import drafted_requests as draft

    return draft(site, config, refused)


def with_request(
    row: dict[str, object], requests: dict[tuple[str, str], str], pair: tuple[str, str], explain: bool
) -> dict[str, object]:
    """A row of `--format json`, with its permission_request (null when allowed) under --explain."""
    return row | {"permission_request": requests.get(pair)} if explain else row

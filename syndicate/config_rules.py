"""The rules of syndicate.toml that its JSON Schema cannot say: unique endpoint names, cron
expressions, URLs that urllib can read, and folders that must not overlap (copies inside the content
folder, a feeds folder at the root). Each returns the problems as lines for config.load_config's one ConfigError.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from syndicate.files import FEEDS_FOLDER_HINT, feeds_folder_problem
from syndicate.site_paths import SitePaths


def duplicate_names(data: dict[str, Any]) -> list[str]:
    seen: set[str] = set()
    problems = []
    endpoints = data.get("endpoints")
    for index, endpoint in enumerate(endpoints if isinstance(endpoints, list) else []):
        name = endpoint.get("name") if isinstance(endpoint, dict) else None
        if isinstance(name, str):
            if name in seen:
                problems.append(
                    f"endpoints[{index}].name {name!r} is a duplicate (hint: each endpoint needs its own name)"
                )
            seen.add(name)
    return problems


def endpoints_in_content(path: Path, data: dict[str, Any]) -> list[str]:
    """A directory endpoint may not write into the content folder: its Markdown copies would be read as articles."""
    paths, endpoints = data.get("paths", {}), data.get("endpoints")
    if not isinstance(paths, dict) or not isinstance(endpoints, list):
        return []  # the schema reports it
    try:
        content = Path(SitePaths.of(str(path), paths).content).resolve()
    except (OSError, RuntimeError, ValueError) as e:  # a loop of links (RuntimeError on 3.11), a NUL
        return [f"paths.content cannot be resolved: {e} (hint: give a folder that exists, without a loop of links)"]
    root = path.resolve().parent
    problems = []
    for index, endpoint in enumerate(endpoints):
        if not isinstance(endpoint, dict) or endpoint.get("type") != "directory":
            continue
        folder = endpoint.get("path")
        if not isinstance(folder, str):
            continue
        try:
            target = (root / folder).resolve()  # as endpoints/directory.py resolves it
        except (OSError, RuntimeError, ValueError) as e:
            problems.append(
                f"endpoints[{index}].path {folder!r} cannot be resolved: {e} "
                "(hint: give a folder path without a loop of symbolic links or control characters)"
            )
            continue
        if target == content or target.is_relative_to(content):
            where = "is the content folder" if target == content else f"is inside the content folder {content}"
            problems.append(
                f"endpoints[{index}] {endpoint.get('name')!r}: its path {target} {where} (paths.content) "
                '(hint: give the endpoint a folder outside the content folder, e.g. "out/archive": '
                "its Markdown copies would be read back as articles)"
            )
    return problems


def feeds_folder(path: Path, data: dict[str, Any]) -> list[str]:
    """paths.feeds may not be blank or the file system's root, nor the content folder, in it or around it."""
    paths = data.get("paths", {})
    feeds = paths.get("feeds", "feeds") if isinstance(paths, dict) else None
    if not isinstance(feeds, str) or feeds == "":
        return []  # the schema reports it
    site = SitePaths.of(str(path), paths)
    problem = feeds_folder_problem(site.feeds if feeds.strip() else feeds, Path(site.content))
    return [f"paths.feeds {feeds!r}: {problem} (hint: {FEEDS_FOLDER_HINT})"] if problem else []


def bad_schedules(data: dict[str, Any]) -> list[str]:
    endpoints = data.get("endpoints")
    scheduled = [
        (i, e["schedule"])
        for i, e in enumerate(endpoints if isinstance(endpoints, list) else [])
        if isinstance(e, dict) and isinstance(e.get("schedule"), str)
    ]
    if not scheduled:
        return []
    from croniter import croniter  # only configs with schedules pay for the import

    return [
        f"endpoints[{i}].schedule {expr!r} is not a cron expression (hint: minute hour day month weekday, "
        'e.g. "0 6 * * *")'
        for i, expr in scheduled
        if not croniter.is_valid(expr)
    ]


_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def unreadable_urls(value: Any, where: str = "") -> list[str]:
    """Every URL in the file that urllib cannot read (the schema's pattern lets through a broken IPv6
    host, 'http://[::1', and a port out of range): each would fail every request, or end in a traceback."""
    if isinstance(value, dict):
        return [p for key, item in value.items() for p in unreadable_urls(item, f"{where}.{key}" if where else key)]
    if isinstance(value, list):
        return [p for index, item in enumerate(value) for p in unreadable_urls(item, f"{where}[{index}]")]
    if not isinstance(value, str) or not _URL.match(value):
        return []
    try:
        urlsplit(value).port  # noqa: B018 (read for the ValueError a bad port raises)
    except ValueError as e:
        return [
            f"{where} is not a URL that can be read ({e}) (hint: scheme://host:port/path, the port a number "
            "up to 65535, an IPv6 host in [brackets])"
        ]
    return []

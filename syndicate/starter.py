"""What `syndicate init` writes: a new site that validates and runs as it is.

A commented syndicate.toml (the site, its paths, a folder endpoint, and a webhook, a WordPress
and a Ghost endpoint commented out but complete), one example article, and a .gitignore for
what runs write. Nothing is ever written over an existing file: every file is checked first,
and each is put in place with a hard link, which fails rather than replace one made meanwhile.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from syndicate.errors import UsageError, os_reason

EXAMPLE_SLUG = "example-library-extends-opening-hours"

CONFIG = """\
# syndicate.toml: this site's configuration. README.md ("Configuration") lists every key;
# schemas/config.schema.json validates it. Relative paths are relative to this file.
# Secrets never go here: endpoints name the environment variables that hold them.

[site]
title = {title}  # the site's name: feeds, copies, permission requests
url = "https://example.org/"            # the site's home page (change it)
channel = "community-web"               # where the site itself publishes: community-web,
                                        # commercial-web, print, newsletter or social
language = "en"
# description = "Local news from the valley, republished with permission"
# rights = "Compilation © Example; each article under its own licence"
# article_url = "https://example.org/{{slug}}/"   # where the site shows an article

[paths]
content = "content"                     # the articles (*.md)
feeds = "feeds"                         # RSS and Atom, written by `syndicate feeds` and `run`
state = ".syndicate/state.db"           # the ledger of every copy delivered: keep it, back it up
# licenses = "licenses"                 # the site's own licence profiles (*.json)

# [feeds]
# limit = 50                            # entries per feed; older ones go to archive pages
# tag_feeds = true                      # one feed pair per tag
# hubs = ["https://hub.example.org/"]   # WebSub hubs to ping

# [run]
# deleted = "keep"                      # an article file deleted: "keep" its copies, or "retract" them
# max_attempts = 5                      # failed tries before run stops retrying a delivery

# A folder: <slug>.html and <slug>.md for each article its channel's licence allows.
[[endpoints]]
name = "archive"
type = "directory"
channel = "community-web"
path = "out/archive"

# A webhook: POSTs each create, update and delete as JSON, signed with HMAC-SHA256.
# [[endpoints]]
# name = "newsroom-hook"
# type = "webhook"
# channel = "newsletter"
# description = "our email newsletter"  # as a permission request names it
# url = "https://hooks.example.org/syndicate"
# secret_env = "NEWSROOM_HOOK_SECRET"   # the variable holding the signing secret

# WordPress, over its REST API with an Application Password (Users > Profile).
# [[endpoints]]
# name = "partner"
# type = "wordpress"
# channel = "commercial-web"
# description = "our commercial website"
# url = "https://partner.example.org/"
# username_env = "PARTNER_WP_USER"      # the variable holding the user name
# password_env = "PARTNER_WP_APP_PASSWORD"   # the variable holding the Application Password
# status = "publish"                    # publish, draft or pending
# date = "published"                    # posts dated from the article's published; "push": today
# delete = "trash"                      # retraction trashes the post; "force" deletes it
# unpublish = "draft"                   # an article set back to draft: its post a draft; "trash"

# Ghost, over its Admin API with a custom integration's key (Settings > Integrations).
# [[endpoints]]
# name = "partner-ghost"
# type = "ghost"
# channel = "community-web"
# url = "https://ghost.partner.example.org/"
# admin_key_env = "PARTNER_GHOST_ADMIN_KEY"   # the variable holding the Admin API key (id:secret)
# status = "published"                  # published or draft
"""

ARTICLE = f"""\
---
# An example: replace it with your own articles (README.md, "Articles", has every field).
# `syndicate validate` names whatever is missing or wrong, with a hint.
title: "Example Library Extends Its Opening Hours"
slug: {EXAMPLE_SLUG}
authors:
  - name: Alex Example
published: 2026-01-15
source:
  name: The Example Gazette
  url: https://gazette.example.org/2026/01/library-opening-hours/
  published: 2026-01-15
copyright:
  holder: The Example Gazette
  year: 2026
license:
  id: CC-BY-4.0
  url: https://creativecommons.org/licenses/by/4.0/
summary: "The library opens until 8 pm on weekdays from February."
tags:
  - Libraries
status: ready   # draft: never pushed, and may be incomplete
---

The Example Library will stay open until 8 pm on weekdays from February, the
library board decided on Tuesday.

This article first appeared in [The Example Gazette](https://gazette.example.org/2026/01/library-opening-hours/)
and is republished under [CC BY 4.0](https://creativecommons.org/licenses/by/4.0/).
"""

GITIGNORE = """\
# what syndicate runs write (the ledger in .syndicate/ is kept by the server: back it up there)
/.syndicate/
/out/
"""


@dataclass(frozen=True)
class NewSite:
    folder: Path
    #: the files written, in the order written
    written: tuple[Path, ...]


def site_files(folder: Path) -> dict[Path, str]:
    """The files of a new site in `folder`, and their text."""
    return {
        folder / "syndicate.toml": CONFIG.format(title=json.dumps(_title(folder), ensure_ascii=False)),
        folder / "content" / f"{EXAMPLE_SLUG}.md": ARTICLE,
        folder / ".gitignore": GITIGNORE,
    }


def start_site(folder: Path) -> NewSite:
    """Write a new site into `folder` (made if missing). UsageError (exit 2), before anything is
    written, when one of its files exists, naming it."""
    files = site_files(folder)
    for path in files:
        if path.exists() or path.is_symlink():
            raise UsageError(
                f"{path}: already exists; init writes no file over another",
                "run syndicate init in a new or empty folder (syndicate init DIR), or move the file away",
            )
    written = []
    for path, text in files.items():
        _write_new(path, text.encode("utf-8"))
        written.append(path)
    return NewSite(folder, tuple(written))


def _write_new(path: Path, content: bytes) -> None:
    """`path` with `content`, whole or not at all, never in place of a file that exists."""
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp.write_bytes(content)
        os.link(temp, path)  # fails if `path` exists: a file made since the check is kept
    except FileExistsError as e:
        raise UsageError(f"{path}: already exists; init writes no file over another", "move it away") from e
    except OSError as e:
        raise UsageError(f"{path}: cannot write: {os_reason(e)}", "check the folder and its permissions") from e
    finally:
        with contextlib.suppress(OSError):  # (nothing was made where the folder could not be)
            temp.unlink(missing_ok=True)


def _title(folder: Path) -> str:
    """The site's title from its folder's name ("daily-example" -> "Daily Example")."""
    words = re.sub(r"[-_.\s]+", " ", folder.resolve().name).strip()
    return words.title() if words else "My Site"

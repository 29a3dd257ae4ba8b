"""The marker that tells the copies one site made from the posts of everyone else on a partner's CMS.

A partner's WordPress or Ghost may receive copies from several newsrooms that use syndicate, and two
of them may republish the same story under the same slug. So the marker names the site as well as
the article: `<!-- syndicate-copy: SLUG site: SITE -->`, SITE being the host and path of the
config's [site] url. An endpoint that looks for its own post after a crash or a lost ledger takes
a post only when it carries this site's marker, or the marker of the first releases, which named no
site (`<!-- syndicate-copy: SLUG -->`, still on WordPress posts made before), and never a post that
names another site.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import urlsplit

#: what a site's name may hold in the marker (and in a Ghost filter's quoted string)
_PLAIN = re.compile(r"[a-z0-9._~/:-]+")
_ANY_SITE = re.compile(r"<!-- syndicate-copy: (\S+) site: (\S+) -->")


def site_id(site_url: str) -> str:
    """The site as its marker names it: host and path, lowercase ("review.example.org/news"), or
    a digest where the address holds characters a comment or a filter could not carry."""
    parts = urlsplit(site_url)
    name = ((parts.netloc or "") + parts.path.rstrip("/")).lower()
    if name and _PLAIN.fullmatch(name) and "--" not in name.replace("xn--", ""):
        return name
    return "sha256-" + hashlib.sha256(site_url.encode()).hexdigest()[:16]


def copy_marker(slug: str, site_url: str) -> str:
    """The comment each post made from `slug` by the site at `site_url` carries."""
    return f"<!-- syndicate-copy: {slug} site: {site_id(site_url)} -->"


def legacy_marker(slug: str) -> str:
    """The marker of the first releases, which named no site."""
    return f"<!-- syndicate-copy: {slug} -->"


def marked_ours(text: str, slug: str, site_url: str) -> bool:
    """Whether `text` carries this site's marker of `slug` (or the first releases' marker of it)."""
    return copy_marker(slug, site_url) in text or legacy_marker(slug) in text


def marked_by_another_site(text: str, site_url: str) -> bool:
    """Whether `text` carries a marker naming a site other than this one: never ours to take."""
    ours = site_id(site_url)
    return any(site != ours for _, site in _ANY_SITE.findall(text))


def shows_marker(text: str, slug: str) -> bool:
    """Whether a page shows a marker of `slug`, whichever site's (the audit reads a copy at the address
    the ledger recorded for this site: the marker there says the post is still the copy)."""
    return legacy_marker(slug) in text or f"<!-- syndicate-copy: {slug} site: " in text

"""What a feed entry is made from, as a digest: what tells a run which feed documents to build again.

An entry is made from its article's front matter, its rendered copy, its licence and whether a
grant (not the licence) lets the site's channel carry it: `inputs_digest`, which a file's record
keeps (cron/records.py) so that a run after a small change need not read the article; and from
its atom:updated, which depends on the other entries (updated.py): `entry_digest`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from syndicate.licences.profiles import LicenseProfile


def inputs_digest(front_matter_digest: bytes, content_hash: str, profile: LicenseProfile, granted: bool) -> str:
    """The digest of what an entry is made from, but its atom:updated."""
    licence = [profile.id, profile.name, profile.short_name, profile.url, sorted(profile.channels)]
    text = json.dumps([front_matter_digest.hex(), content_hash, licence, granted], default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def entry_digest(inputs: str, updated: dt.datetime) -> str:
    """The digest of what an entry is made from: `inputs` (inputs_digest) and its atom:updated."""
    return hashlib.sha256(f"{inputs} {updated.isoformat()}".encode()).hexdigest()

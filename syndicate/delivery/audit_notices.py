"""Notices to partners: when an audit finds a copy that violates its licence or the newsroom's
decision, a notice is drafted to the partner's rights contact, in the plain words a rights desk
would send (no finding codes), for an editor to read and send.

One notice per partner (an endpoint, or a tracked address) per audit that found a violation new
at one of its copies (one the last audit that read the copy did not find, or at a copy audited
for the first time): a violation already notified is not drafted again every night. Notices
are text files, written whole (atomic), in the `notices` folder beside the ledger
(`.syndicate/notices/` by default): `YYYY-MM-DD-PARTNER.txt` (`-2`, `-3` ... for a second
notice to the same partner that day).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from syndicate.config import Config
from syndicate.delivery.audit import AuditFinding, AuditReport, CopyAudit
from syndicate.files import atomic_write

#: what the partner is asked to do, after what is wrong (the finding's own message), per code
_ASKS = {
    "retraction-ignored": "Please take it down from your site.",
    "attribution-missing": "Please restore the credit line we sent with the article.",
    "license-missing": "Please restore the line naming the licence under which you republish it.",
    "canonical-mismatch": (
        "As agreed for republished copies, please set the page's canonical link (in the page's head) as described."
    ),
    "noindex-missing": (
        "As agreed for republished copies, please ask search engines not to index the page "
        '(<meta name="robots" content="noindex"> in the page\'s head).'
    ),
    "body-altered": (
        "The licence allows republishing the text only unchanged. Please restore it as we sent it, or take the "
        "article down."
    ),
    "early-publication": "Please take the page down until the embargo lifts.",
}
#: the finding messages as a partner reads them (the rest of each message is plain already)
_PLAIN = {
    "retraction-ignored": "The page still shows the article",
    "noindex-missing": "The page does not ask search engines to leave it out of their index",
}


#: the words of the finding messages a partner would not read as meant
_WORDS = (
    ('which the endpoint\'s policy (canonical = "noindex") requires', "as agreed"),
    ("syndicate took the copy down (its article file is gone)", "we have withdrawn it"),
    ("syndicate took the copy down: the licence no longer allows it there", "the licence no longer allows it there"),
    ("syndicate took the copy down", "we have withdrawn it"),
    ("the article was taken back to draft", "we have withdrawn the article"),
    ("; syndicate's request to take it down failed", ""),
)


@dataclass(frozen=True)
class Notice:
    path: Path
    #: the endpoint (or track:ID) it is about
    partner: str
    contact: str | None
    copies: int


def notices_folder(config: Config) -> Path:
    return config.paths.state.parent / "notices"


def draft_notices(config: Config, report: AuditReport, now: dt.datetime | None = None) -> list[Notice]:
    """Draft a notice to each partner with a violation new since its copy's last audit."""
    now = now or dt.datetime.now(dt.UTC)
    by_partner: dict[str, list[CopyAudit]] = {}
    for copy in report.copies:
        violations = [f for f in copy.findings if f.violation]
        if violations and (not copy.compared or any(f.new for f in violations)):
            by_partner.setdefault(copy.endpoint, []).append(copy)
    drafted = []
    for partner, copies in sorted(by_partner.items()):
        contact = next((c.contact for c in copies if c.contact), None)
        path = _free_path(notices_folder(config), f"{now:%Y-%m-%d}-{_file_name(partner)}")
        atomic_write(path, notice_text(config, partner, contact, copies).encode("utf-8"))
        drafted.append(Notice(path, partner, contact, len(copies)))
    return drafted


def notice_text(config: Config, partner: str, contact: str | None, copies: list[CopyAudit]) -> str:
    site = config.site.title
    if contact:
        to = contact
    elif partner.startswith("track:"):
        to = f"(no contact on record: syndicate track URL --article SLUG --contact ADDR for {partner})"
    else:
        to = f"(no contact on record: set contact on the endpoint {partner!r} in the config)"
    several = len(copies) > 1
    lines = [
        f"To: {to}",
        f"Subject: {'Articles' if several else 'An article'} from {site} on your site",
        "",
        "Hello,",
        "",
        *_wrapped(f"We are writing about {'articles' if several else 'an article'} from {site} that your site "
                  "republishes.", indent=""),
        "",
    ]  # fmt: skip
    for number, copy in enumerate(copies, 1):
        lines.append(f"{number}. {copy.url}" if several else copy.url)
        for finding in (f for f in copy.findings if f.violation):
            lines.extend(_wrapped(f"- {_plain(finding)} {_ASKS.get(finding.code, '')}".rstrip()))
        lines.append("")
    lines += [
        *_wrapped(
            "Thank you for putting this right. If you believe this is in error, or need anything from us, "
            "please reply to this message.",
            indent="",
        ),
        "",
        "Kind regards,",
        site,
        "",
    ]
    return "\n".join(lines)


def _plain(finding: AuditFinding) -> str:
    """The finding's message as a sentence a partner reads."""
    message = finding.message
    if finding.code in _PLAIN:
        message = _PLAIN[finding.code] + (", but " + message.split(", but ", 1)[1] if ", but " in message else "")
    for internal, plain in _WORDS:
        message = message.replace(internal, plain)
    return message[:1].upper() + message[1:].rstrip(".") + "."


def _wrapped(text: str, width: int = 78, indent: str = "  ") -> list[str]:
    """`text` in lines of at most `width` characters (but a word longer), the second and later indented."""
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = indent + word
        else:
            line = f"{line} {word}" if line else word
    return [*lines, line] if line else lines


def _file_name(partner: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", partner).strip("-.") or "partner"


def _free_path(folder: Path, stem: str) -> Path:
    path, n = folder / f"{stem}.txt", 1
    while path.exists():
        n += 1
        path = folder / f"{stem}-{n}.txt"
    return path

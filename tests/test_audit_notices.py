"""Notices to partners: a violation drafts one, to the partner's contact, in plain words."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from syndicate.delivery.audit_checks import AuditCode
from tests.page_server import PageServer
from tests.test_audit import audit, audit_site, copy_html, deliver, page, server

__all__ = ["audit_site", "server"]  # (the fixtures)

CODES = [v for k, v in vars(AuditCode).items() if k.isupper()]


def test_a_violation_drafts_a_notice_once(run_cli: Any, audit_site: Path, server: PageServer) -> None:
    config = audit_site / "syndicate.toml"
    config.write_text(
        config.read_text() + '[[endpoints]]\nname = "partner"\ntype = "webhook"\nchannel = "community-web"\n'
        'url = "http://127.0.0.1:9/hook"\ncanonical = "copy"\ncontact = "rights@partner.example"\n'
    )
    stripped = re.sub(r"<p>© 2026 Hill Town Gazette\.</p>", "", copy_html(audit_site))
    deliver(audit_site, server.page("/copy", page(stripped)))
    kept = server.page("/kept", page(copy_html(audit_site)))
    deliver(audit_site, kept, endpoint="gone-partner", state="retracted")  # (not in the config: no contact)
    first = audit(run_cli, audit_site)
    assert first.status == 1
    folder = audit_site / ".syndicate" / "notices"
    drafted = sorted(folder.iterdir())
    assert [p.name[11:] for p in drafted] == ["gone-partner.txt", "partner.txt"]
    for path in drafted:
        assert f"{path.relative_to(audit_site)}" in first.err
    assert "notice drafted for partner (to rights@partner.example, 1 copy): " in first.err
    text = (folder / drafted[1].name).read_text()
    assert text.startswith("To: rights@partner.example\nSubject: An article from Review on your site\n")
    assert f"{server.url}copy\n- The page does not show the copyright notice (© 2026 Hill Town Gazette)" in text
    assert "Please restore the credit line we sent with the article." in " ".join(text.split())
    assert all(len(line) <= 78 for line in text.splitlines() if not line.startswith(("http", "To:")))
    assert text.rstrip().endswith("Kind regards,\nReview")
    other = (folder / drafted[0].name).read_text()
    assert other.startswith("To: (no contact on record: set contact on the endpoint 'gone-partner' in the config)")
    assert (
        "The page still shows the article, but we have withdrawn it. Please take it down from your site."
        in " ".join(other.split())
    )
    for said in (text, other):
        assert not any(code in said for code in CODES) and "syndicate" not in said.lower()
    # the same violations again: nothing new to say
    second = audit(run_cli, audit_site, "--format", "json")
    assert json.loads(second.out)["notices"] == []
    assert len(list(folder.iterdir())) == 2

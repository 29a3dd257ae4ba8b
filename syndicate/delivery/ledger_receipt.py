"""The ledger's receipt: a small file beside the ledger that says this site has delivered copies.

SQLite takes an emptied ledger (0 bytes), or a new one put in its place, for a
new database: without another record, a run would take the site for a new one
and create every copy again. So the first delivery a ledger records gives it an
id, kept in the ledger and in `<ledger>.receipt` beside it. A ledger opened
with a receipt whose id it does not hold was emptied or replaced: an error
(exit 2) naming both files, never a first run. `syndicate reconcile` rebuilds
the record from what the endpoints hold and takes the receipt's id over.

(A backup of the same ledger has the same id: restoring it just works.)
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from pathlib import Path

from syndicate.errors import LedgerError, WriteError, os_reason
from syndicate.files import atomic_write

#: the run_state key that holds the ledger's id
LEDGER_ID = "ledger_id"


@dataclass(frozen=True)
class Receipt:
    ledger_id: str
    #: when the ledger that holds this id recorded its first delivery (ISO 8601 UTC)
    since: str


def receipt_path(ledger: Path) -> Path:
    return ledger.with_name(ledger.name + ".receipt")


def new_ledger_id() -> str:
    return uuid.uuid4().hex


def read_receipt(ledger: Path) -> Receipt | None:
    """The receipt beside `ledger`; None when there is none. One that cannot be read is an error:
    taking it for none would let an empty ledger pass for a new site."""
    path = receipt_path(ledger)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as e:
        reason = os_reason(e) if isinstance(e, OSError) else "not UTF-8"
        raise LedgerError(f"{path}: cannot read the ledger's receipt: {reason}", _ASIDE.format(path=path)) from e
    try:
        data = json.loads(text)
        return Receipt(str(data["ledger_id"]), str(data.get("since", "")))
    except (ValueError, KeyError, TypeError) as e:
        raise LedgerError(
            f"{path}: the ledger's receipt is not as syndicate writes it", _ASIDE.format(path=path)
        ) from e


def write_receipt(ledger: Path, receipt: Receipt) -> None:
    body = {
        "ledger_id": receipt.ledger_id,
        "since": receipt.since,
        "about": "syndicate: the ledger beside this file has recorded deliveries; do not delete "
        "this file unless the site starts over with no copies out there (README: A lost ledger)",
    }
    try:
        atomic_write(receipt_path(ledger), (json.dumps(body, indent=2) + "\n").encode(), _WRITE_HINT)
    except WriteError as e:
        raise LedgerError(e.message, e.hint) from e


def lost_ledger(ledger: Path, receipt: Receipt, held: str | None) -> LedgerError:
    """The error for a ledger that does not hold the id its receipt names."""
    what = "holds another site's record, or an older one's" if held else "records no deliveries"
    since = f" since {receipt.since}" if receipt.since else ""
    return LedgerError(
        f"{ledger}: the ledger {what}, but {receipt_path(ledger).name} beside it says this site has "
        f"delivered copies{since}: it was emptied or replaced, and a run would send every copy again",
        f"restore the ledger from a backup, or rebuild it from what the endpoints hold: syndicate reconcile "
        f"(README: A lost ledger). Starting over on purpose, with no copy out there? Remove "
        f"{receipt_path(ledger)}",
    )


_ASIDE = (
    "it says whether the ledger beside it has recorded deliveries: restore it from a backup, or "
    "move {path} aside and run `syndicate reconcile` to rebuild the ledger from the endpoints"
)
_WRITE_HINT = "syndicate writes the ledger's receipt beside the ledger: check that its folder is writable"

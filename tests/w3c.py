"""The W3C Feed Validation Service, run offline on a feed file, when the tester has it.

The validator (github.com/w3c/feedvalidator) is not ours to ship: a tester who has a wrapper
command for it (``feedcheck [--strict] [--all] FILE``: exit 0 when the file passes) names it in
``SYNDICATE_FEEDCHECK``, with the validator's checkout in ``FEEDVALIDATOR_DIR`` if the wrapper
needs it. Without it, the tests that need it are skipped.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

FEEDCHECK = Path(os.environ["SYNDICATE_FEEDCHECK"]) if os.environ.get("SYNDICATE_FEEDCHECK") else None

needs_feedcheck = pytest.mark.skipif(
    FEEDCHECK is None or not FEEDCHECK.is_file(),
    reason="the W3C feed validator is not set up: set SYNDICATE_FEEDCHECK to its feedcheck command",
)


def w3c_problems(path: Path) -> str | None:
    """The validator's errors and warnings for `path` (None when it passes strictly, or is not set up)."""
    if FEEDCHECK is None or not FEEDCHECK.is_file():
        return None
    done = subprocess.run([str(FEEDCHECK), "--strict", "--all", str(path)], capture_output=True, text=True, check=False)
    return None if done.returncode == 0 else done.stdout + done.stderr

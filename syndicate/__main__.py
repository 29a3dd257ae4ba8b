"""The `syndicate` command (and `python -m syndicate`).

A cron `syndicate run` with nothing to do is answered here, by noop.py,
before the command line (click, the config schema, the ledger) is imported:
those imports were about half of a no-op run's time. Everything else goes to
the cli package, which prints; this one writes only the no-op's fixed answer.
"""

from __future__ import annotations

import os
import sys

from syndicate.cron.noop import answer_noop

TYPE_CHECKING = False  # typing costs 3 ms to import: a no-op run does without
if TYPE_CHECKING:
    from typing import NoReturn


def main() -> NoReturn:
    answer = answer_noop(sys.argv[1:], os.environ)
    if answer is None:
        from syndicate.cli.main import main as cli_main

        cli_main()
    out, err, status = answer
    if out:
        sys.stdout.write(out)
        sys.stdout.flush()
    if err:
        sys.stderr.write(err)
        sys.stderr.flush()
    sys.exit(status)


if __name__ == "__main__":
    main()

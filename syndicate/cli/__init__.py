"""The command line: parses arguments, calls the library, prints, picks the exit status.

This package is the only place that prints or exits, but for __main__.py, which answers a
no-op `run` before it loads. main.py: the `syndicate` command; app.py: the group, its options
and what commands share; articles.py, delivery.py, ledger_view.py, recovery.py, audit.py: the commands; reports.py: the
text the commands print.
"""

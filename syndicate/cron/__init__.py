"""Cron: the scheduled run (lock, validate, feeds, push, hubs), the incremental cache, the quick
no-op exit, and the crontab and systemd units.

`run.run` is the front door. This package's __init__ stays empty: the no-op exit (noop.py) is
imported before anything else and must stay cheap.
"""

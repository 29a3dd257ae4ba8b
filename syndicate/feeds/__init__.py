"""Feeds: RSS and Atom documents (main, per tag, RFC 5005 archives), written whole; WebSub pings.

`generate.generate_feeds` is the front door.
"""

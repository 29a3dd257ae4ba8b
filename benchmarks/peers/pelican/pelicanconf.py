"""Pelican's side of the peers' benchmark (benchmarks/peers/): the closest Pelican equivalent of what
`syndicate feeds` writes for a corpus of benchmarks/corpus.py, run as `pelican content -s pelicanconf.py`.

Feeds only: atom.xml and rss.xml (the newest 50, full content), tags/TAG/atom.xml and rss.xml (the
tag's newest 50, full content), RFC 5005-style archive pages archive/atom-N.xml (plugins/
archive_feeds.py), and a page for people beside the main feed and each tag feed (theme/). No page
per article, no category, author or archive pages.
"""

AUTHOR = "Benchmark Review"
SITENAME = "Benchmark Review"
SITEURL = "https://review.example.org/feeds"
FEED_DOMAIN = SITEURL
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
PATH = "content"
THEME = "theme"
THEME_STATIC_PATHS: list[str] = []
STATIC_PATHS: list[str] = []
PLUGIN_PATHS = ["plugins"]
PLUGINS = ["archive_feeds"]
CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False

# the feeds: [feeds] limit = 50, full content in RSS too
FEED_MAX_ITEMS = 50
RSS_FEED_SUMMARY_ONLY = False
FEED_ALL_ATOM = "atom.xml"
FEED_ALL_RSS = "rss.xml"
FEED_ATOM = None
FEED_RSS = None
TAG_FEED_ATOM = "tags/{slug}/atom.xml"
TAG_FEED_RSS = "tags/{slug}/rss.xml"
CATEGORY_FEED_ATOM = None
CATEGORY_FEED_RSS = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
TRANSLATION_FEED_RSS = None

# the pages for people: index.html beside the main feed and each tag feed; nothing else
DIRECT_TEMPLATES = ["index"]
DEFAULT_PAGINATION = False
TAG_URL = "tags/{slug}/"
TAG_SAVE_AS = "tags/{slug}/index.html"
ARTICLE_SAVE_AS = ""
ARTICLE_LANG_SAVE_AS = ""
DRAFT_SAVE_AS = ""
DRAFT_LANG_SAVE_AS = ""
PAGE_SAVE_AS = ""
PAGE_LANG_SAVE_AS = ""
CATEGORY_SAVE_AS = ""
CATEGORIES_SAVE_AS = ""
AUTHOR_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
TAGS_SAVE_AS = ""
ARCHIVES_SAVE_AS = ""

"""Importer: a scraped page (text, Markdown, saved HTML, a URL) to a draft article.

`drafts.import_source` is the front door; `layouts/` reads the parts of a page.
"""

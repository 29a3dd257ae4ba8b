"""Importer: a scraped page (text, Markdown, saved HTML, a URL) to a draft article.

`drafts.import_source` is the front door. `layouts/` holds the outlets' layouts, as data (a
Layout value each, layout_model.py); the modules here are the engine that reads a page with one:
header.py and footer.py (the parts of a scraped text), html.py and page.py (saved HTML and its
metadata), credits, dates, licensing, copyright_notice and markdown (the readings they share),
fetch.py (a URL or a file, within limits), drafts.py and output.py (the draft and its file).
"""

"""Render: Markdown to sanitised HTML, the attribution block and JSON-LD, and the copy endpoints get.

`copies.make_copy` is the front door: an Article and its licence profile in, a Copy out.
"""

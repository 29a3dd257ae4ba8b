"""Articles: reading the files and their front matter, the Article model, the content folder.

The first stage: `front_matter.read_article_file` reads one file (safe YAML, with the line of
every key), `article.Article` is what later stages use, `content_folder` finds the files.
"""

"""One-off commands around the build: ``scaffold`` (new-site, new-post),
``importer`` (an old blog into Markdown), ``isolation`` (CODEOWNERS and the scope of a
contribution).
"""

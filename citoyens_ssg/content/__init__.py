"""What volunteers write, made safe and readable: pure helpers used by both stages.

``sanitize`` (the one sanitiser), ``typography`` (French spacing), ``checks`` (a content
file's checks, and which formats are read), ``paths`` (where a reference may lead),
``static_files`` (which files are published as they are), ``images``, ``media``,
``events`` and ``calendar`` (iCalendar), ``dates`` (dates, hours and recurrences as people
read them), ``excerpts`` (a summary cut at whole blocks), ``abbreviations`` (a site's
acronyms marked at first use).
"""

"""Messages shown to volunteers, in French or English.

Message ids are the English text; the French catalogue is a gettext ``.po`` file
read with Babel, so translators edit a standard format and no compiled ``.mo``
has to be kept in the repository.  The language follows the usual gettext
environment variables (``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``, ``LANG``),
overridden by ``CITOYENS_LANG``: French when they say French, English otherwise.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).parent / "locale"
SUPPORTED = ("fr", "en")
_ENV_VARS = ("CITOYENS_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")

_current: dict[str, str] = {}


def language_from_environment(environ: dict[str, str] | None = None) -> str:
    environ = os.environ if environ is None else environ
    for name in _ENV_VARS:
        value = environ.get(name, "")
        if value:
            return "fr" if value.lower().startswith("fr") else "en"
    return "en"


def current_language() -> str:
    if "lang" not in _current:
        _current["lang"] = language_from_environment()
    return _current["lang"]


def set_language(lang: str) -> None:
    """Force the language for the rest of the process (tests, ``--lang``)."""
    _current["lang"] = lang if lang in SUPPORTED else "en"


@functools.cache
def _catalogue(lang: str) -> dict[str, str]:
    path = LOCALE_DIR / lang / "LC_MESSAGES" / "citoyens.po"
    if not path.is_file():
        return {}
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    return {m.id: m.string for m in catalog if m.id and m.string and not m.fuzzy}


def N_(message: str) -> str:
    """Mark a message for the catalogue where it is defined; translated where shown."""
    return message


def _(message: str, **values: object) -> str:
    """Translate ``message`` and fill its ``{named}`` fields."""
    return translate(current_language(), message, **values)


def translate(lang: str, message: str, **values: object) -> str:
    """``message`` in ``lang`` (a network's language: French or English), whatever the machine's locale."""
    lang = "fr" if lang.lower().startswith("fr") else "en"
    text = _catalogue(lang).get(message, message)
    return text.format(**values) if values else text

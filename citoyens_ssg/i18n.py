"""Messages shown to volunteers, in French or English.

Message ids are the English text; the French catalogue is a gettext ``.po`` file
read with Babel, so translators edit a standard format and no compiled ``.mo``
has to be kept in the repository.  The language follows the usual gettext
environment variables (``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``, ``LANG``),
overridden by ``CITOYENS_LANG``, when they say French or English; otherwise
(``C``, ``POSIX``, another language: a CI machine, a fresh container) the command
line speaks the network's ``language:`` (``choose_language``).  Decimal numbers
are written as the language writes them: "0,6 s" in French.
"""

from __future__ import annotations

import functools
import os
import string
from pathlib import Path

from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).parent / "locale"
SUPPORTED = ("fr", "en")
_ENV_VARS = ("CITOYENS_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")

_current: dict[str, str] = {}


def language_from_environment(environ: dict[str, str] | None = None) -> str | None:
    """French or English when the first variable set says so (``LANGUAGE`` is a list: fr:en);
    None when it names no language of ours (``C``, ``POSIX``, ``de_DE``…)."""
    environ = os.environ if environ is None else environ
    for name in _ENV_VARS:
        value = environ.get(name, "")
        if value:
            spoken = [part.split("_")[0].split(".")[0].lower() for part in value.split(":")]
            return next((lang for lang in spoken if lang in SUPPORTED), None)
    return None


def current_language() -> str:
    # Not kept until chosen: a message said before main() reads network.yaml must not fix it.
    return _current.get("lang") or language_from_environment() or "en"


def choose_language(network_language: str) -> None:
    """The command line's language, once per process: the locale's when French or English,
    else the network's (an unsupported network language: French, as the network's pages fall back)."""
    if "lang" not in _current:
        _current["lang"] = language_from_environment() or page_language(network_language)


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


def page_language(language: str) -> str:
    """The catalogue for a page in ``language`` (``fr-BE`` → fr): English only when the page is
    English, French otherwise, as the theme falls back to its French texts."""
    primary = language.replace("_", "-").split("-")[0].lower()
    return "en" if primary == "en" else "fr"


def _(message: str, **values: object) -> str:
    """Translate ``message`` and fill its ``{named}`` fields."""
    return translate(current_language(), message, **values)


def translate(lang: str, message: str, **values: object) -> str:
    """``message`` in ``lang`` (a network's language: French or English), whatever the machine's locale."""
    lang = "fr" if lang.lower().startswith("fr") else "en"
    text = _catalogue(lang).get(message, message)
    return _fill(lang, text, values)


def in_language(lang: str, message: str, **values: object) -> str:
    """``message`` in ``lang``, whatever the process's language: what a public page says
    follows the network's ``language:``, never the build machine's locale."""
    lang = page_language(lang)
    return _fill(lang, _catalogue(lang).get(message, message), values)


class _Numbers(string.Formatter):
    """``str.format`` writing decimal numbers as French does: 0,6 s."""

    def format_field(self, value: object, format_spec: str) -> str:
        text = super().format_field(value, format_spec)
        return text.replace(".", ",") if isinstance(value, float) else text


def _fill(lang: str, text: str, values: dict[str, object]) -> str:
    if not values:
        return text
    return _Numbers().format(text, **values) if lang == "fr" else text.format(**values)


class Said(str):
    """A message in the process's language that remembers its id and values, so that a
    public page can say it again in its own language (``Said.to``)."""

    message: str
    values: dict[str, object]  # numbers stay numbers: "{seconds:.0f}" formats them again

    def to(self, lang: str) -> str:
        return in_language(lang, self.message, **self.values)


def remembered(message: str, **values: object) -> Said:
    """Like ``_``, for messages stored now and shown later on a public page."""
    said = Said(_(message, **values))
    said.message = message
    said.values = {key: value if isinstance(value, (int, float, str)) else str(value)
                   for key, value in values.items()}
    return said


def said_again(lang: str, stored: dict | None, fallback: str | None) -> str | None:
    """A stored ``{"message", "values"}`` in ``lang``; ``fallback`` (as stored) when there is none."""
    if not stored:
        return fallback
    return in_language(lang, stored["message"], **stored.get("values", {}))


def stored_form(text: str | None) -> dict | None:
    """What of a message to keep in a cache to say it again in another language."""
    if isinstance(text, Said):
        return {"message": text.message, "values": text.values}
    return None

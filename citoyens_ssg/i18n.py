"""Every user-facing message, in one mechanism: gettext catalogues read with Babel.

Two domains: the package's messages (ids in English, ``locale/<lang>/LC_MESSAGES/citoyens.po``:
what volunteers read, and the words citoyens puts on public pages: media players, dates,
recurrences) and each theme's (ids in French, ``themes/<name>/locale/<lang>/LC_MESSAGES/theme.po``).
One loader (``translations``: catalogues read again when a file changes) and one fallback rule for a
public page: the page's language, then the site's and the network's, then French
(``fallback_languages``), each message looked for in that order.  No compiled ``.mo`` is kept.

What a volunteer reads follows the usual gettext environment variables (``LANGUAGE``,
``LC_ALL``, ``LC_MESSAGES``, ``LANG``), overridden by ``CITOYENS_LANG``, when they
say French or English; otherwise (``C``, ``POSIX``, another language: a CI machine, a fresh
container) the command line speaks the network's ``language:`` (``choose_language``). Decimal
numbers are written as the language writes them: "0,6 s" in French.
"""

from __future__ import annotations

import functools
import os
import string
from collections.abc import Callable, Iterable
from pathlib import Path

from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).parent / "locale"
SUPPORTED = ("fr", "en")
SOURCE_LANGUAGE = "en"  # the package's message ids
LAST_RESORT = "fr"  # the network's language when nothing else has a translation
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


def file_stamp(path: Path) -> tuple[int, int] | None:
    """What says a file changed, for the caches of a long-lived process: its time and size."""
    try:
        status = path.stat()
    except OSError:
        return None
    return status.st_mtime_ns, status.st_size


@functools.lru_cache(maxsize=64)
def _read_catalogue(path: Path, stamp: tuple[int, int] | None) -> dict[str, str]:
    """A ``.po`` file's translations (none when it is missing), by its stamp: read again when
    it changes, so the dev server shows an edited catalogue at the next rebuild."""
    if stamp is None:
        return {}
    with path.open("rb") as handle:
        catalog = read_po(handle)
    return {m.id: m.string for m in catalog if m.id and m.string and not m.fuzzy}


def language_code(language: str) -> str:
    """The primary language of a tag: 'fr-BE' → 'fr', 'br_FR' → 'br'."""
    return language.replace("_", "-").split("-")[0].lower()


def fallback_languages(*languages: str | None) -> tuple[str, ...]:
    """Where a public text is looked for, in order: the languages given (the page's, the
    site's, the network's), then French; each once."""
    chain: list[str] = []
    for language in (*languages, LAST_RESORT):
        code = language_code(language) if language else ""
        if code and code not in chain:
            chain.append(code)
    return tuple(chain)


def translations(
    languages: Iterable[str], source: str, catalogues: Callable[[str], list[Path]]
) -> dict[str, str]:
    """The messages of one domain for a fallback chain: each message from the first language
    that translates it; the source language (the ids themselves) ends the search."""
    chain = list(languages)
    chain = chain[: chain.index(source)] if source in chain else chain
    # The first language last: its translations win.
    return _merged(tuple((path, file_stamp(path)) for code in reversed(chain) for path in catalogues(code)))


@functools.lru_cache(maxsize=64)
def _merged(files: tuple[tuple[Path, tuple[int, int] | None], ...]) -> dict[str, str]:
    merged: dict[str, str] = {}
    for path, stamp in files:
        merged.update(_read_catalogue(path, stamp))
    return merged


def _package_catalogues(code: str) -> list[Path]:
    return [LOCALE_DIR / code / "LC_MESSAGES" / "citoyens.po"]


def _catalogue(lang: str) -> dict[str, str]:
    return translations((lang,), SOURCE_LANGUAGE, _package_catalogues)


def N_(message: str) -> str:
    """Mark a message for the catalogue where it is defined; translated where shown."""
    return message


def page_language(languages: str | tuple[str, ...]) -> str:
    """The language the package's words on a page are in: the first of its fallback chain
    that has them (English, the ids, or a language with a catalogue)."""
    for code in _chain(languages):
        if code == SOURCE_LANGUAGE or _package_catalogues(code)[0].is_file():
            return code
    return SOURCE_LANGUAGE


def _chain(languages: str | tuple[str, ...]) -> tuple[str, ...]:
    return fallback_languages(*((languages,) if isinstance(languages, str) else languages))


def _(message: str, **values: object) -> str:
    """Translate ``message`` and fill its ``{named}`` fields."""
    return translate(current_language(), message, **values)


def translate(lang: str, message: str, **values: object) -> str:
    """``message`` in ``lang`` (a network's language: French or English), whatever the machine's locale."""
    lang = "fr" if lang.lower().startswith("fr") else "en"
    text = _catalogue(lang).get(message, message)
    return _fill(lang, text, values)


def in_language(languages: str | tuple[str, ...], message: str, **values: object) -> str:
    """``message`` for a public page in ``languages`` (the page's, the site's, the network's:
    see ``fallback_languages``), whatever the process's language or the machine's locale."""
    text = _public_messages(_chain(languages)).get(message, message)
    return _fill(page_language(languages), text, values)


class _Numbers(string.Formatter):
    """``str.format`` writing decimal numbers as French does: 0,6 s."""

    def format_field(self, value: object, format_spec: str) -> str:
        text = super().format_field(value, format_spec)
        return text.replace(".", ",") if isinstance(value, float) else text


def _fill(lang: str, text: str, values: dict[str, object]) -> str:
    if not values:
        return text
    return _Numbers().format(text, **values) if lang == "fr" else text.format(**values)


def _public_messages(chain: tuple[str, ...]) -> dict[str, str]:
    return translations(chain, SOURCE_LANGUAGE, _package_catalogues)


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
    said.values = {
        key: value if isinstance(value, (int, float, str)) else str(value) for key, value in values.items()
    }
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

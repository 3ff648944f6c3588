"""Pelican plugin: the theme's strings in the site's language.

Our themes are written in French and use Jinja2's i18n extension
(``{{ _("Aller au contenu") }}``); each generator's template environment gets
the translations of the theme chain for the site's ``DEFAULT_LANG``.

Settings: the site context's theme chain, DEFAULT_LANG.
"""

from __future__ import annotations

from pelican import signals

from citoyens_ssg.site import templating
from citoyens_ssg.site.context import site_context


def translate_theme(generator) -> None:
    theme = site_context(generator.settings).theme
    if theme.from_pelican:
        return  # Pelican's own themes have no translatable strings
    translations = templating.theme_translations(theme, generator.settings.get("DEFAULT_LANG", "fr"))
    templating.install_translations(generator.env, translations)


def register() -> None:
    signals.generator_init.connect(translate_theme)

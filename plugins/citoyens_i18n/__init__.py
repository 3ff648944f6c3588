"""Pelican plugin: the theme's strings in the site's language.

Our themes are written in French and use Jinja2's i18n extension
(``{{ _("Aller au contenu") }}``); each generator's template environment gets
the translations of the theme chain for the site's ``DEFAULT_LANG``, then the network's language,
then French (the templates' own words): citoyens_ssg.i18n's one fallback rule.

Hooks ``generator_init``: it reads the site context's theme chain and network language, the
``DEFAULT_LANG`` setting and the themes' ``locale/`` catalogues; it writes nothing, it installs the
translations in each generator's Jinja environment.
"""

from __future__ import annotations

from pelican import signals

from citoyens_ssg.site import templating
from citoyens_ssg.site.context import site_context


def translate_theme(generator) -> None:
    theme = site_context(generator.settings).theme
    if theme.from_pelican:
        return  # Pelican's own themes have no translatable strings
    language = generator.settings.get("DEFAULT_LANG", "fr")
    network_language = site_context(generator.settings).network_language
    translations = templating.theme_translations(theme, language, network_language)
    templating.install_translations(generator.env, translations)


def register() -> None:
    signals.generator_init.connect(translate_theme)

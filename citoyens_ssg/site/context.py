"""What citoyens' Pelican plugins know of the site they run for: one typed value.

``site.settings`` puts a ``SiteContext`` in Pelican's settings under the one key
``CITOYENS``; every plugin reads it with ``site_context(settings)`` instead of
parsing settings of its own (a path as text, a list of widths, a flag).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from citoyens_ssg.config.themes import ThemeChain

SETTING = "CITOYENS"


class SiteContextError(ValueError):
    """A plugin run by a Pelican that citoyens did not configure."""


@dataclass(frozen=True, kw_only=True)
class SiteContext:
    slug: str
    network_id: str  # stable name of the network (calendar UIDs)
    network_language: str  # where a page's language has no translation
    theme: ThemeChain
    trusted: bool = False  # may embed frames: only network.yaml says so
    preview: bool = False  # citoyens serve: drafts and future posts kept, marked
    manifest_path: Path | None = None  # the published entries, for the network stage
    memo_path: Path | None = None  # results kept from one build to the next; None: not saved
    image_cache: Path | None = None
    image_widths: tuple[int, ...]  # network.yaml's image_widths
    agenda_folder: str  # site.settings.AGENDA_FOLDER
    podcast: dict[str, Any] = field(default_factory=dict)  # site.yaml's podcast: and the owner's e-mail
    abbreviations: dict[str, str] = field(default_factory=dict)  # site.yaml's acronyms, marked at first use
    renders: dict[str, str] | None = None  # incremental.RenderPaths.as_setting(); None: render everything
    extra_metadata: frozenset[str] = frozenset()  # metadata keys a site's plugins add, accepted by checks

    def replace(self, **changes: Any) -> SiteContext:
        return dataclasses.replace(self, **changes)


def site_context(settings: dict) -> SiteContext:
    """The site's context in Pelican's ``settings``; a plugin cannot run without it."""
    context = settings.get(SETTING)
    if not isinstance(context, SiteContext):
        raise SiteContextError(
            f"citoyens' plugins need the {SETTING} setting (a SiteContext), set by citoyens build"
        )
    return context

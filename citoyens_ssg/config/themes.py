"""Where themes live and how one theme extends another.

A theme is a folder ``themes/<name>/`` with ``templates/`` and ``static/``.  A
``theme.yaml`` holding ``extends: <parent>`` makes it a child: its templates
and static files are laid over its parent's, so a radio theme changes three
templates instead of copying twenty.  Pelican's own ``simple`` and
``notmyidea`` themes can be named too.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import yaml

PELICAN_THEMES = ("simple", "notmyidea")
MAX_DEPTH = 5


@dataclass(frozen=True)
class ThemeChain:
    """A theme and its ancestors, the root (the one Pelican calls THEME) last."""

    name: str
    folders: tuple[Path, ...]  # child first

    from_pelican: bool = False  # the root is one of Pelican's own themes

    @property
    def root(self) -> Path:
        return self.folders[-1]

    @property
    def template_overrides(self) -> list[Path]:
        return [folder / "templates" for folder in self.folders[:-1]]

    @property
    def static_folders(self) -> list[Path]:
        """Root first, so a child's file replaces its parent's when copied."""
        return [folder / "static" for folder in reversed(self.folders) if (folder / "static").is_dir()]


def available_themes(themes_dir: Path) -> list[str]:
    own = (
        sorted(p.name for p in themes_dir.iterdir() if (p / "templates").is_dir())
        if themes_dir.is_dir()
        else []
    )
    return own + [name for name in PELICAN_THEMES if name not in own]


def pelican_theme_folder(name: str) -> Path:
    import pelican  # imported here: only theme resolution needs Pelican's path

    return Path(pelican.__file__).parent / "themes" / name


def resolve_theme(themes_dir: Path, name: str) -> ThemeChain:
    """Follow ``extends:`` from ``name`` to its root; raises ValueError on a bad chain."""
    folders: list[Path] = []
    from_pelican = False
    current: str | None = name
    while current is not None:
        if len(folders) >= MAX_DEPTH:
            raise ValueError(f"theme '{name}': 'extends' goes deeper than {MAX_DEPTH} themes (a loop?)")
        folder = themes_dir / current
        if not (folder / "templates").is_dir():
            if current in PELICAN_THEMES:
                folders.append(pelican_theme_folder(current))
                from_pelican = True
                break
            raise ValueError(f"theme '{current}' not found in {themes_dir}")
        folders.append(folder)
        current = _parent_of(folder)
    return ThemeChain(name, tuple(folders), from_pelican)


def _parent_of(folder: Path) -> str | None:
    manifest = folder / "theme.yaml"
    if not manifest.is_file():
        return None
    data = yaml.safe_load(manifest.read_text(encoding="utf-8")) or {}
    parent = data.get("extends") if isinstance(data, dict) else None
    return str(parent) if parent else None


ASSETS = "theme"  # the theme's files are published in ASSETS/<digest>/: a new name whenever one changes


def assets_dir(folders: list[Path], *generated: str) -> str:
    """Where theme files are published: ``theme/<8 hex>``, named by the bytes of every static
    folder copied there and of the files generated into it.  A changed style sheet or script
    gets a new address, so hosts may cache the folder for a year (headers.IMMUTABLE); relative
    references between its files (a style sheet's images) keep working."""
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            digest.update(f"{folder.name}/{path.relative_to(folder).as_posix()}\0".encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    for text in generated:
        digest.update(hashlib.sha256(text.encode()).digest())
    return f"{ASSETS}/{digest.hexdigest()[:8]}"

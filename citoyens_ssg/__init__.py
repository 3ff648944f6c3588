"""citoyens: one build for a network of citizen media sites, on top of Pelican."""

from __future__ import annotations

__version__ = "0.1.0"

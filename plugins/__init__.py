"""citoyens' Pelican plugins, one folder each (``citoyens_guard``, ``citoyens_images``…), loaded by
Pelican from this folder (``PLUGIN_PATHS``) under their own names.

This file makes the folder a package for pytest only: the plugins' tests and their conftest.py are
imported as ``plugins.…``, so that this conftest is not confused with tests/conftest.py.
"""

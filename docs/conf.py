"""Sphinx configuration: the Pallets theme, autodoc from the docstrings, doctests."""

from __future__ import annotations

import sys
from pathlib import Path

# Document the checkout being built, whatever copy of the package is installed.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pallets_sphinx_themes import get_version

project = "flask-ecwid-sso"
copyright = "flask-ecwid-sso contributors"
author = "flask-ecwid-sso contributors"
release, version = get_version("flask-ecwid-sso")

master_doc = "index"
# examples/ holds real files that pages include and tests/test_docs_conftest.py runs.
exclude_patterns = ["_build", "examples"]
extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.doctest",
    "pallets_sphinx_themes",
]
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_preserve_defaults = True

html_theme = "flask"
html_theme_options = {"index_sidebar_logo": False}
html_sidebars = {
    "index": ["project.html", "localtoc.html", "searchbox.html"],
    "**": ["localtoc.html", "relations.html", "searchbox.html"],
}
html_title = f"flask-ecwid-sso ({version})"
html_show_sourcelink = False

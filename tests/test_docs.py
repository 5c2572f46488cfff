"""The README and the docs say what the code does: commands, links, quick start, API pages."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PACKAGE = ROOT / "flask_ecwid_sso"
README = (ROOT / "README.md").read_text(encoding="utf-8")
PAGES = {path.name: path.read_text(encoding="utf-8") for path in sorted(DOCS.glob("*.rst"))}


def public_names(package: Path) -> list[str]:
    """The names a package's ``__init__.py`` re-exports (``from .x import Name as Name``)."""
    tree = ast.parse((package / "__init__.py").read_text(encoding="utf-8"))
    return [
        alias.asname or alias.name
        for node in tree.body
        if isinstance(node, ast.ImportFrom) and node.level == 1
        for alias in node.names
    ]


@pytest.mark.parametrize("name", [*PAGES, "README.md"])
def test_every_flask_ecwid_command_names_the_app(name: str) -> None:
    text = README if name == "README.md" else PAGES[name]
    commands = re.findall(r"^\s*\$ (.*)$", text, re.M)
    ecwid = [part for line in commands for part in line.split("|") if " ecwid " in f"{part} "]

    assert [part for part in ecwid if "flask" in part and "--app" not in part] == []


def test_the_readme_fits_on_a_screen_or_two() -> None:
    assert len(README.splitlines()) <= 150


def test_the_readmes_links_into_the_docs_lead_to_pages() -> None:
    links = re.findall(r"\]\((docs/[^)#]*)\)", README)

    assert links
    assert [link for link in links if not (ROOT / link).exists()] == []
    assert {Path(link).name for link in links if link.endswith(".rst")} == set(PAGES)


def test_the_docs_quick_start_is_the_readmes() -> None:
    readme = README.split("## Quick start", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    page = PAGES["quickstart.rst"].split(".. code-block:: python\n\n", 1)[1].split("\n\n\n\n")[0]
    page_lines = page.split("\nThen, in the template", 1)[0].rstrip().splitlines()

    assert [line.removeprefix("    ") for line in page_lines] == readme.rstrip().splitlines()


@pytest.mark.parametrize("name", public_names(PACKAGE) + public_names(PACKAGE / "testing"))
def test_the_api_reference_documents_every_public_name(name: str) -> None:
    assert re.search(rf"^\.\. (auto)?\w+:: (\S+\.)?{name}\b", PAGES["api.rst"], re.M), name

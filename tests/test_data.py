"""The shipped data (template and rule catalog) is found from this installation.

CI installs the package editable (`pip install -e`), so this checks the source-checkout
lookup; tests/test_release.py installs the built wheel into a fresh venv and checks the
packaged lookup.
"""

from __future__ import annotations

from nodeharden._data import codemods_dir, templates_dir

from conftest import REPO


def test_editable_install_finds_the_catalog_and_templates() -> None:
    assert (codemods_dir() / "helmet" / "rule.yml").is_file()
    assert templates_dir().is_dir()
    assert codemods_dir().resolve() in (REPO / "codemods", REPO / "src/nodeharden/_data/codemods")

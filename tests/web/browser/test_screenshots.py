"""Where the browser tests save their screenshots: a temporary folder unless
``make screenshots`` asks for the committed ones (a test run must leave a
fresh clone clean)."""

from __future__ import annotations

import re
from pathlib import Path

from tests.web.browser.conftest import SHOTS_ENV, shots_folder

ROOT = Path(__file__).resolve().parents[3]


def test_screenshots_go_to_a_temporary_folder_by_default(tmp_path: Path) -> None:
    assert shots_folder({}, tmp_path) == tmp_path
    assert shots_folder({SHOTS_ENV: " "}, tmp_path) == tmp_path


def test_the_folder_named_in_the_environment_is_used(tmp_path: Path) -> None:
    assert shots_folder({SHOTS_ENV: "docs/screenshots"}, tmp_path) == Path("docs/screenshots")


def test_make_screenshots_refreshes_the_committed_ones() -> None:
    makefile = (ROOT / "Makefile").read_text()
    recipe = re.search(r"^screenshots:.*\n((?:\t.*\n)+)", makefile, re.MULTILINE)
    assert recipe, "the Makefile has no screenshots target"
    assert f"{SHOTS_ENV}=docs/screenshots" in recipe.group(1)
    assert "tests/web/browser" in recipe.group(1)
    assert "make screenshots" in (ROOT / "docs" / "web.md").read_text()

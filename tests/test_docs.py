"""Docs held to the code: every setting, CLI command and API route is documented."""

from __future__ import annotations

import re
from pathlib import Path

import typer.main

from liaison.api.app import create_app
from liaison.cli.main import app as cli_app
from liaison.settings import Settings
from liaison.web import PAGES

ROOT = Path(__file__).resolve().parent.parent
DOCS = "\n".join(p.read_text() for p in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))])


def test_every_setting_is_documented() -> None:
    for name in Settings.model_fields:
        assert f"LIAISON_{name.upper()}" in DOCS, name


def _commands(group: typer.Typer, prefix: str = "liaison") -> list[str]:
    click_group = typer.main.get_command(group)
    found = []
    for name, command in click_group.commands.items():  # type: ignore[attr-defined]
        sub = getattr(command, "commands", None)
        if sub:
            found += [f"{prefix} {name} {child}" for child in sub]
        else:
            found.append(f"{prefix} {name}")
    return found


def test_every_cli_command_is_documented() -> None:
    for command in _commands(cli_app):
        assert f"`{command}" in DOCS, command


def test_every_api_route_is_documented() -> None:
    paths = create_app(Settings()).openapi()["paths"]
    for path, methods in paths.items():
        for method in methods:
            pattern = rf"`{method.upper()} {re.escape(path)}`"
            assert re.search(pattern, DOCS), f"{method.upper()} {path}"


def test_every_web_page_is_documented() -> None:
    routes = [route for module in PAGES for route in module.router.routes]
    assert len(routes) > 20
    for route in routes:
        for method in sorted(route.methods - {"HEAD"}):  # type: ignore[attr-defined]
            path = route.path  # type: ignore[attr-defined]
            assert f"`{method} {path}`" in DOCS, f"{method} {path} (docs/web.md)"

"""Fixture strategy: every CLI test runs the real command against a real data
directory and database (the ``settings`` fixture: SQLite and PostgreSQL),
through Typer's runner, with fast Argon2 parameters and fixed passwords."""

from __future__ import annotations

import pytest

from liaison.settings import Settings
from tests.conftest import PASSWORD


@pytest.fixture
def env(settings: Settings) -> dict[str, str]:
    return {
        "LIAISON_DATA_DIR": str(settings.data_dir),
        "LIAISON_DATABASE_URL": settings.resolved_database_url(),
        "LIAISON_ARGON2_TIME_COST": "1",
        "LIAISON_ARGON2_MEMORY_KIB": "8192",
        "LIAISON_ADMIN_PASSWORD": PASSWORD,
        "LIAISON_NEW_PASSWORD": PASSWORD,
        "LIAISON_PASSWORD": PASSWORD,
    }

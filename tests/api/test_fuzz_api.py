"""Schema-driven fuzzing: every operation of the OpenAPI document, with requests
schemathesis generates from it (valid and invalid), signed in as an administrator
and as an analyst, must never get a server error (5xx).

Bounded so that CI stays quick and repeatable: a few examples per operation and
mode, derandomized (the same requests on every run), no deadline (a shared CI
machine is slow at times), no example database. Each call gets a fresh token, so
that an operation that revokes tokens (log out, revoke a token, a new password)
cannot sign the rest of the run out. Nothing is excluded.
"""

from __future__ import annotations

from collections.abc import Callable

import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import Case, GenerationMode

from liaison.api.app import create_app
from liaison.model.roles import Actor
from liaison.node import Node
from liaison.settings import Settings
from tests.conftest import Team, auth

EXAMPLES = 8  # per operation and mode, each sent as every user
MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)


def _sweep(
    schema: schemathesis.BaseSchema,
    signed_in: list[Callable[[], dict[str, str]]],
    failures: list[str],
) -> int:
    """Each generated request is sent once per user; returns how many operations ran."""
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        for mode in MODES:

            @settings(
                max_examples=EXAMPLES,
                derandomize=True,
                deadline=None,
                database=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy(generation_mode=mode))
            def call(case: Case) -> None:
                for headers in signed_in:
                    response = case.call(headers=headers())
                    if response.status_code >= 500:
                        failures.append(
                            f"{response.status_code} {case.method} {case.formatted_path}"
                            f" query={case.query} body={case.body!r:.300}: {response.text[:300]}"
                        )

            try:
                call()
            except Unsatisfiable:
                # an operation with no parameters and no body has no invalid request
                # to make (GET /node); its valid requests ran just before
                assert mode is GenerationMode.NEGATIVE, operation.label
    return operations


def test_no_operation_answers_a_server_error(settings: Settings, node: Node, team: Team) -> None:
    app = create_app(settings, node)
    with TestClient(app):  # the lifespan, as a served node has it
        schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
        failures: list[str] = []
        users: list[Actor] = [team.admin, team.analyst]
        count = _sweep(schema, [lambda u=user: auth(node, u) for user in users], failures)
    assert count == sum(len(methods) for methods in app.openapi()["paths"].values())
    assert not failures, "\n".join(failures)

"""`liaison hub ...` end to end on one node: a project on a hub, joining as a
member with a secret file (the exchange between nodes is tested in
tests/federation/test_hub.py)."""

from __future__ import annotations

from pathlib import Path

import orjson

from liaison.model.identity import NodeKey
from liaison.settings import Settings
from tests.cli.test_agreements_cli import said
from tests.cli.test_cli import liaison


def test_hub_projects_and_joining(env: dict[str, str], settings: Settings, tmp_path: Path) -> None:
    assert liaison(env, "admin", "init", "--name", "hub")[0] == 0
    for name in ("manila", "moscow"):
        key = NodeKey.generate().public_key
        url = f"http://{name}.test"
        code, out = liaison(
            {**env, "LIAISON_FEDERATION_ALLOW_HTTP": "true"},
            "admin", "peer", "add", name, "--url", url, "--key", key,
        )  # fmt: skip
        assert code == 0, out
    args = ["hub", "create", "--project", "asean", "--member", "manila", "--member", "moscow"]
    code, out = liaison(env, "admin", *args)
    assert code == 0 and "manila" in out and "moscow" in out
    code, out = liaison(env, "admin", "hub", "projects", "--json")
    assert code == 0 and orjson.loads(out)[0]["run"] == 0
    code, out = liaison(env, "admin", "hub", "link", "--project", "asean")
    assert code == 2 and "fewer than two members" in said(out)
    short = tmp_path / "short.secret"
    short.write_bytes(b"too short\n")
    join = ["hub", "join", "--project", "other", "--hub", "manila", "--member", "moscow"]
    code, out = liaison(env, "admin", *join, "--secret-file", str(short))
    assert code == 2 and "secret" in said(out)
    good = tmp_path / "hub.secret"
    good.write_bytes(b"fictitious shared secret of the cli test, 48 bytes\n")
    code, out = liaison(env, "admin", *join, "--secret-file", str(good))
    assert code == 0 and "joined other on hub manila" in said(out)

"""`liaison audit witnesses|export-bundle|verify-bundle` on a real data directory
(SQLite and PostgreSQL). The bundle is checked by a runner with no data
directory at all: verification needs neither the database nor the node key."""

from __future__ import annotations

from pathlib import Path

import orjson
from typer.testing import CliRunner

from liaison.cli.main import app


def liaison(env: dict[str, str], user: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), env={**env, "LIAISON_USER": user})
    return result.exit_code, result.output


def test_a_bundle_is_exported_and_verified_without_the_node(
    env: dict[str, str], tmp_path: Path
) -> None:
    assert liaison(env, "admin", "init", "--name", "manila")[0] == 0
    assert liaison(env, "admin", "user", "add", "aud", "--role", "auditor")[0] == 0
    code, out = liaison(env, "aud", "audit", "witnesses", "--json")
    assert code == 0 and orjson.loads(out) == []  # no peers: nothing to wait for
    bundle = tmp_path / "manila.bundle"
    code, out = liaison(env, "aud", "audit", "export-bundle", str(bundle))
    assert code == 0, out
    header = orjson.loads(bundle.read_bytes().splitlines()[0])
    assert header["format"] == "liaison-audit-bundle/1" and header["witnesses"] == []

    elsewhere = {"LIAISON_DATA_DIR": str(tmp_path / "nowhere")}  # no node, no key
    result = CliRunner().invoke(
        app,
        ["audit", "verify-bundle", str(bundle), "--node-key", header["public_key"]],
        env=elsewhere,
    )
    assert result.exit_code == 0, result.output
    assert "bundle verified" in result.output

    lines = bundle.read_bytes().splitlines()
    entry = orjson.loads(lines[2])
    entry["actor"] = "someone else"
    tampered = tmp_path / "tampered.bundle"
    tampered.write_bytes(b"\n".join([*lines[:2], orjson.dumps(entry), *lines[3:]]) + b"\n")
    result = CliRunner().invoke(app, ["audit", "verify-bundle", str(tampered)], env=elsewhere)
    assert result.exit_code == 1 and "entry 2: its content does not match" in result.output
    result = CliRunner().invoke(
        app, ["audit", "verify-bundle", str(bundle), "--witness-key", "moscow"], env=elsewhere
    )
    assert result.exit_code == 2 and "--witness-key" in result.output
    code, out = liaison(env, "aud", "audit", "export-bundle", str(bundle))
    assert code == 2 and "exists" in out

"""`liaison export --format stix` and `liaison import --format stix` end to end."""

from __future__ import annotations

from pathlib import Path

import orjson
from stix2validator import ValidationOptions, validate_instance

from tests.cli.test_cli import liaison


def test_stix_export_then_import(env: dict[str, str], tmp_path: Path) -> None:
    assert liaison(env, "admin", "init", "--name", "manila")[0] == 0
    add = ("user", "add", "ana", "--role", "analyst", "--clearance", "SECRET")
    assert liaison(env, "admin", *add)[0] == 0
    data = tmp_path / "people.jsonl"
    data.write_text(
        '{"id": "a", "schema": "Person", "properties": {"name": ["Амир Хасанов"]},'
        ' "envelope": {"markings": {"tlp": "GREEN", "handling": ["H0"]}}}\n'
        '{"id": "b", "schema": "Person", "properties": {"name": ["Juan dela Cruz Fict"]}}\n'
    )
    assert liaison(env, "ana", "import", str(data))[0] == 0

    bundle = tmp_path / "records.stix.json"
    code, out = liaison(env, "ana", "export", "--format", "stix", "--out", str(bundle))
    assert code == 0 and "exported 2 records" in out
    made = orjson.loads(bundle.read_bytes())
    assert validate_instance(made, ValidationOptions(version="2.1")).is_valid

    code, out = liaison(env, "ana", "import", "--format", "stix", str(bundle))
    assert code == 0 and "0 created, 0 updated, 2 unchanged" in out, out

    made["objects"].append({"type": "indicator", "id": "not-an-id"})
    bundle.write_bytes(orjson.dumps(made))
    code, out = liaison(env, "ana", "import", "--format", "stix", str(bundle))
    assert code == 2 and "refused not-an-id" in out and "Traceback" not in out

    bundle.write_text("not json")
    code, out = liaison(env, "ana", "import", "--format", "stix", str(bundle))
    assert code == 2 and "bundle" in out and "Traceback" not in out

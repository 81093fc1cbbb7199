"""`liaison record lookup` end to end, and the hint `record list --q` gives when
what it was given is an identifier rather than a name."""

from __future__ import annotations

import orjson

from tests.cli.test_cli import liaison

ENTITY = {
    "schema": "Person",
    "properties": {"name": ["Juan dela Cruz"], "phone": ["+639171234567"]},
}


def _setup(env: dict[str, str]) -> str:
    assert liaison(env, "admin", "init", "--name", "manila")[0] == 0
    assert liaison(env, "admin", "user", "add", "ana", "--role", "analyst")[0] == 0
    code, out = liaison(env, "ana", "record", "create", orjson.dumps({"entity": ENTITY}).decode())
    assert code == 0, out
    return str(orjson.loads(out)["record_id"])


def test_record_lookup_finds_a_phone_written_locally(env: dict[str, str]) -> None:
    record_id = _setup(env)
    wide = {**env, "COLUMNS": "250"}
    code, out = liaison(wide, "ana", "record", "lookup", "0917 123 4567", "--country", "PH")
    assert code == 0, out
    assert "read as: phone +639171234567" in out
    assert record_id in out and "phone:+639171234567" in out
    code, out = liaison(
        {**wide, "LIAISON_DEFAULT_COUNTRY": "PH"}, "ana", "record", "lookup", "0917 1234567"
    )
    assert code == 0 and record_id in out
    code, out = liaison(wide, "ana", "record", "lookup", "Juan dela Cruz")
    assert code == 2 and "not read as an identifier" in out and "Traceback" not in out


def test_record_list_points_an_identifier_to_lookup(env: dict[str, str]) -> None:
    _setup(env)
    code, out = liaison({**env, "COLUMNS": "250"}, "ana", "record", "list", "--q", "+639171234567")
    assert code == 0, out
    assert "liaison record lookup '+639171234567'" in out
    code, out = liaison(env, "ana", "record", "list", "--q", "Pedro")
    assert code == 0 and "record lookup" not in out

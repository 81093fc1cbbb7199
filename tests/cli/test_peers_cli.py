"""`liaison peer add|list|sync` and `liaison disclosures` end to end."""

from __future__ import annotations

from pathlib import Path

import orjson

from liaison.federation.tls import ensure_certificate
from liaison.model.identity import NodeKey
from liaison.settings import Settings
from tests.cli.test_agreements_cli import said
from tests.cli.test_cli import liaison


def test_pin_list_sync_and_register(
    env: dict[str, str], settings: Settings, tmp_path: Path
) -> None:
    assert liaison(env, "admin", "init", "--name", "manila")[0] == 0
    assert Path(settings.tls_cert_path).exists()  # init made the node certificate
    assert liaison(env, "admin", "user", "add", "olga", "--role", "liaison_officer")[0] == 0
    peer = NodeKey.generate()
    cert = ensure_certificate(tmp_path / "moscow.crt", tmp_path / "moscow.key", "moscow")
    code, out = liaison(
        env, "admin", "peer", "add", "moscow", "--url", "https://127.0.0.1:9",
        "--key", peer.public_key, "--cert", str(cert),
    )  # fmt: skip
    assert code == 0, out
    assert peer.node_id in said(out)
    code, out = liaison(
        env, "admin", "peer", "add", "x", "--url", "http://127.0.0.1:9", "--key", peer.public_key
    )
    assert code == 2 and "plain HTTP between nodes is off" in said(out)
    code, out = liaison(env, "olga", "peer", "list", "--json")
    assert code == 0 and orjson.loads(out)[0]["name"] == "moscow"
    code, out = liaison(env, "olga", "peer", "sync")  # nobody listens on port 9
    assert code == 0 and "pushed 0 change(s), pulled 0" in said(out)
    assert "moscow:" in out  # the error is shown
    code, out = liaison(env, "olga", "peer", "list", "--json")
    state = orjson.loads(out)[0]
    assert state["reachable"] is False and state["last_error"]
    code, out = liaison(env, "olga", "disclosures", "--json")
    assert code == 0 and orjson.loads(out) == []

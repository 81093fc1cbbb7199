"""`liaison agreement`, `policy`, `consent`, `neutrality`, `retention` end to end."""

from __future__ import annotations

from pathlib import Path

import orjson

from liaison.model.identity import NodeKey
from liaison.node import Node
from liaison.settings import Settings
from tests.cli.test_cli import liaison
from tests.node.test_agreements import PARTNER


def said(out: str) -> str:
    """The output with Rich's line wrapping undone."""
    return " ".join(out.split())


def test_agreement_cycle_and_explain(
    env: dict[str, str], settings: Settings, tmp_path: Path
) -> None:
    assert liaison(env, "admin", "init", "--name", "manila")[0] == 0
    for name, role in [
        ("olga", "liaison_officer"),
        ("sam", "supervisor"),
        ("ana", "analyst"),
        ("aud", "auditor"),
    ]:
        assert (
            liaison(env, "admin", "user", "add", name, "--role", role, "--clearance", "SECRET")[0]
            == 0
        )
    node = Node.open(settings)
    me, my_key = node.info.node_id, node.info.public_key
    node.close()
    doc = {
        "agreement_id": "ph-ru-2026",
        "title": "Manila–Moscow exchange",
        "parties": [
            {"node_id": me, "name": "manila", "public_key": my_key},
            {"node_id": PARTNER.node_id, "name": "moscow", "public_key": PARTNER.public_key},
        ],
        "scope": {
            "schemata": ["Person"],
            "crime_areas": ["piracy"],
            "subject_categories": ["suspect"],
        },
        "purposes": ["cross_check"],
        "max_classification": "RESTRICTED",
        "tlp": ["GREEN", "AMBER+STRICT"],
        "handling": ["H2"],
        "retention": {"nominal": "5y"},
        "effective_from": "2020-01-01",
    }
    path = tmp_path / "agreement.json"
    path.write_bytes(orjson.dumps(doc))
    code, out = liaison(env, "olga", "agreement", "propose", f"@{path}")
    assert code == 0 and "ph-ru-2026 version 1 (draft)" in said(out)
    code, out = liaison(env, "olga", "agreement", "sign", "ph-ru-2026", "--version", "1")
    assert code == 1 and "does not grant agreement:sign" in said(out)
    assert liaison(env, "sam", "agreement", "sign", "ph-ru-2026", "--version", "1")[0] == 0
    code, out = liaison(env, "olga", "agreement", "activate", "ph-ru-2026")
    assert code == 1 and "missing: moscow" in said(out) and "Traceback" not in out
    code, out = liaison(env, "olga", "agreement", "export", "ph-ru-2026")
    bundle = orjson.loads(out)
    payload = b"liaison-agreement-v1\n" + orjson.dumps(
        bundle["document"], option=orjson.OPT_SORT_KEYS
    )
    wrong = NodeKey.generate().sign(payload)
    bundle_path = tmp_path / "bundle.json"
    bundle_path.write_bytes(orjson.dumps({**bundle, "signatures": {PARTNER.node_id: wrong}}))
    code, out = liaison(env, "olga", "agreement", "receive", f"@{bundle_path}")
    assert code == 2 and "not a valid signature" in said(out)  # 2: bad input
    bundle_path.write_bytes(
        orjson.dumps({**bundle, "signatures": {PARTNER.node_id: PARTNER.sign(payload)}})
    )
    assert liaison(env, "olga", "agreement", "receive", f"@{bundle_path}")[0] == 0
    code, out = liaison(env, "olga", "agreement", "activate", "ph-ru-2026")
    assert code == 0 and "(active)" in said(out)
    code, out = liaison(env, "aud", "agreement", "list")
    assert code == 0 and "active" in said(out)

    record = {
        "entity": {"schema": "Person", "properties": {"name": ["Juan dela Cruz"]}},
        "envelope": {
            "crime_area": "piracy",
            "subject_category": "suspect",
            "markings": {"tlp": "GREEN"},
        },
    }
    code, out = liaison(env, "ana", "record", "create", orjson.dumps(record).decode())
    rid = orjson.loads(out)["record_id"]
    code, out = liaison(env, "ana", "policy", "explain", rid, PARTNER.node_id)
    assert code == 0 and said(out).startswith("allow full") and "✓ [agreement]" in said(out)
    code, out = liaison(
        env, "ana", "policy", "explain", rid, PARTNER.node_id, "--purpose", "investigation"
    )
    assert said(out).startswith("deny") and "✗ [purpose]" in said(out)
    code, out = liaison(
        env, "ana", "policy", "explain", rid, "user:aud", "--use", "coercive_alert", "--json"
    )
    found = orjson.loads(out)
    assert found["outcome"] == "deny" and {r["rule"] for r in found["reasons"]} >= {
        "role",
        "grading",
    }
    code, out = liaison(
        env,
        "olga",
        "consent",
        "give",
        rid,
        PARTNER.node_id,
        "--use",
        "push",
        "--justification",
        "joint operation Reef",
    )
    assert code == 0 and orjson.loads(out)["recipient"] == PARTNER.node_id
    assert liaison(env, "olga", "consent", "withdraw", "1", "--reason", "operation over")[0] == 0
    assert "operation over" in said(liaison(env, "olga", "consent", "list")[1])
    code, out = liaison(env, "aud", "neutrality", "queue")
    assert code == 0
    code, out = liaison(
        env, "aud", "neutrality", "release", rid, "--reason", "nothing political here"
    )
    assert code == 1 and "no neutrality review" in said(out)
    assert liaison(env, "aud", "neutrality", "uphold", rid, "--reason", "x")[0] == 2
    assert liaison(env, "ana", "retention", "due")[0] == 0
    code, out = liaison(
        env,
        "sam",
        "retention",
        "renew",
        rid,
        "--review-due",
        "2001-01-01",
        "--justification",
        "still needed for the case",
    )
    assert code == 2 and "review_due" in said(out)
    code, out = liaison(env, "sam", "retention", "purge")
    assert code == 0 and "0 record(s) purged" in said(out)
    assert liaison(env, "olga", "agreement", "suspend", "ph-ru-2026", "--reason", "review")[0] == 0
    assert liaison(env, "olga", "agreement", "resume", "ph-ru-2026")[0] == 0
    assert liaison(env, "olga", "agreement", "terminate", "ph-ru-2026", "--reason", "ended")[0] == 0
    code, out = liaison(env, "olga", "agreement", "show", "ph-ru-2026", "--json")
    assert orjson.loads(out)["state"] == "terminated"
    code, out = liaison(env, "olga", "agreement", "diff", "ph-ru-2026", "1", "1")
    assert "no changes" in said(out)

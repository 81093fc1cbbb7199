"""The node's gauges (``liaison.storage.gauges``, exposed by ``GET /metrics``) with real
partners: outbox entries wait per peer until the partner acknowledges them, every
pinned peer is listed (zeros too), and the match queue holds what is not yet
cross-matched. Three real nodes, real HTTP in process (see conftest)."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

from liaison.node import Node
from liaison.storage import gauges
from tests.conftest import person
from tests.federation.conftest import ENVELOPE, Federation, agree


def read(node: Node) -> gauges.Gauges:
    with node.ctx.engine.connect() as conn:
        return gauges.read(conn)


def test_outbox_waits_per_peer_until_acknowledged(federation: Federation) -> None:
    manila, moscow = federation["manila"], federation["moscow"]
    agree("ph-ru", [manila, moscow])
    for name in ("Иван Петров", "Juan dela Cruz"):
        manila.node.records.create(manila.team.analyst, person(name), ENVELOPE)
    before = read(manila.node)
    assert before.outbox == {"moscow": 2, "kuala-lumpur": 0}
    assert before.match_queue == 2 and before.alerts_open == 0
    exposed = {
        tuple(sample.labels.values()): sample.value
        for family in text_string_to_metric_families(manila.app.state.metrics.exposition().decode())
        if family.name == "liaison_outbox_pending"
        for sample in family.samples
    }
    assert exposed == {("moscow",): 2, ("kuala-lumpur",): 0}
    assert before.oldest_pending["moscow"] is not None
    assert before.oldest_pending["kuala-lumpur"] is None
    lag = {
        tuple(sample.labels.values()): sample.value
        for family in text_string_to_metric_families(manila.app.state.metrics.exposition().decode())
        if family.name == "liaison_courier_lag_seconds"
        for sample in family.samples
    }
    assert lag[("kuala-lumpur",)] == 0.0 and 0.0 < lag[("moscow",)] < 600
    federation.settle()
    after = read(manila.node)
    assert after.outbox == {"moscow": 0, "kuala-lumpur": 0}
    assert after.notices == {"moscow": 0, "kuala-lumpur": 0}
    assert after.oldest_pending == {"moscow": None, "kuala-lumpur": None}
    assert after.audit_entries > before.audit_entries

"""The app factory: which background workers run beside the API."""

from __future__ import annotations

import threading

import pytest
from fastapi.testclient import TestClient

from liaison.api.app import background_workers, create_app
from liaison.node import Node
from liaison.node.courier import CourierThread
from liaison.node.matching import MatchWorker
from liaison.node.sweeping import NoticeSweeper
from liaison.node.witness import WitnessThread
from liaison.settings import Settings

SWITCHES = [
    (True, True, {"liaison-courier", "liaison-matcher"}),
    (False, True, {"liaison-matcher"}),
    (True, False, {"liaison-courier"}),
    (False, False, set()),
]


def _running() -> set[str]:
    return {t.name for t in threading.enumerate() if t.name.startswith("liaison-")}


@pytest.mark.parametrize(("federation", "matching", "expected"), SWITCHES)
def test_each_switch_starts_only_its_own_worker(
    settings: Settings, node: Node, federation: bool, matching: bool, expected: set[str]
) -> None:
    """LIAISON_FEDERATION_WORKER=false once stopped the match worker too."""
    chosen = settings.model_copy(
        update={
            "federation_worker": federation,
            "match_worker": matching,
            "witness_worker": False,
            "notice_sweep_worker": False,
        }
    )
    kinds = {type(worker) for worker in background_workers(chosen, node)}
    assert kinds == {
        kind for kind, on in ((CourierThread, federation), (MatchWorker, matching)) if on
    }
    before = _running()
    with TestClient(create_app(chosen, node, workers=True)):
        assert _running() - before == expected
    assert _running() - before == set()


def test_the_witness_thread_has_its_own_switch(settings: Settings, node: Node) -> None:
    """On by default (a node offers its checkpoints to its partners unless told not to)."""
    assert Settings.model_fields["witness_worker"].default is True
    only = settings.model_copy(
        update={
            "federation_worker": False,
            "match_worker": False,
            "witness_worker": True,
            "notice_sweep_worker": False,
        }
    )
    assert {type(w) for w in background_workers(only, node)} == {WitnessThread}
    off = only.model_copy(update={"witness_worker": False})
    assert background_workers(off, node) == []


def test_the_notice_sweeper_has_its_own_switch(settings: Settings, node: Node) -> None:
    """On by default: a node expires its notices on their day without an operator's cron."""
    assert Settings.model_fields["notice_sweep_worker"].default is True
    only = settings.model_copy(
        update={
            "federation_worker": False,
            "match_worker": False,
            "witness_worker": False,
            "notice_sweep_worker": True,
        }
    )
    (sweeper,) = background_workers(only, node)
    assert isinstance(sweeper, NoticeSweeper)
    assert sweeper.interval == settings.notice_sweep_seconds
    before = _running()
    with TestClient(create_app(only, node, workers=True)):
        assert _running() - before == {"liaison-sweeper"}
    assert _running() - before == set()


def test_no_workers_unless_asked(settings: Settings, node: Node) -> None:
    before = _running()
    with TestClient(create_app(settings, node)):
        assert _running() - before == set()

"""The follow-up workflow's rules (pure): states, decisions, fields, deadlines,
and the wire checks of its notices."""

from __future__ import annotations

import datetime as dt

import pytest

from liaison.errors import Conflict, InvalidInput, MessageRefused
from liaison.federation.notices import NoticeKind, check_notices
from liaison.policy import followups as rules
from liaison.policy.followups import State

NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)


def test_deadlines_and_overdue() -> None:
    due = rules.deadline(NOW)
    assert due - NOW == dt.timedelta(hours=48)
    assert not rules.overdue(State.PENDING, due, NOW + dt.timedelta(hours=47))
    assert rules.overdue(State.PENDING, due, NOW + dt.timedelta(hours=49))
    assert rules.overdue(State.MORE, due, NOW + dt.timedelta(hours=49))
    assert not rules.overdue(State.DENIED, due, NOW + dt.timedelta(days=30))  # final


def test_decisions_lead_to_their_states() -> None:
    person = ["Person"]
    assert rules.decide(State.PENDING, "approve", "", None, person).state is State.APPROVED
    partly = rules.decide(State.PENDING, "approve", "", ["name", "birthDate", "name"], person)
    assert partly.state is State.PARTLY and partly.fields == ("birthDate", "name")
    denied = rules.decide(State.PENDING, "deny", "  protected witness  ", None, person)
    assert denied.state is State.DENIED and denied.reason == "protected witness"
    assert rules.decide(State.PENDING, "more", "which case?", None, person).state is State.MORE


@pytest.mark.parametrize(
    ("outcome", "reason", "fields", "field"),
    [
        ("maybe", "", None, "decision"),
        ("deny", "", None, "reason"),
        ("more", "why", None, "reason"),
        ("deny", "protected witness", ["name"], "fields"),
        ("approve", "", [], "fields"),
        ("approve", "", ["dna"], "fields"),
        ("approve", "", ["imoNumber"], "fields"),  # a Vessel's, not a Person's
    ],
)
def test_bad_decisions_name_the_field(
    outcome: str, reason: str, fields: list[str] | None, field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        rules.decide(State.PENDING, outcome, reason, fields, ["Person"])
    assert refused.value.field == field


def test_fields_must_fit_every_schema_concerned() -> None:
    assert rules.check_fields(["name"], ["Person", "Vessel"]) == ("name",)
    with pytest.raises(InvalidInput):
        rules.check_fields(["birthDate"], ["Person", "Vessel"])


def test_only_pending_requests_are_decided_and_only_questions_answered() -> None:
    for state in (State.APPROVED, State.PARTLY, State.DENIED, State.MORE):
        with pytest.raises(Conflict):
            rules.decide(state, "approve", "", None, ["Person"])
    assert rules.after_reply(State.MORE) is State.PENDING
    with pytest.raises(Conflict):
        rules.after_reply(State.PENDING)


def test_justification_and_reply_lengths() -> None:
    with pytest.raises(InvalidInput) as short:
        rules.check_justification("need it")
    assert short.value.field == "justification"
    assert rules.check_justification("  " + "x" * 30 + " ") == "x" * 30
    with pytest.raises(InvalidInput):
        rules.check_reply("ok")


def test_released_keeps_only_chosen_fields() -> None:
    props = {"name": ["Maria Clara Bautista"], "passportNumber": ["P5550123"]}
    assert rules.released(props, None) == props
    assert rules.released(props, ("name",)) == {"name": ["Maria Clara Bautista"]}


def _request(**changes: object) -> dict[str, object]:
    notice: dict[str, object] = {
        "id": 1,
        "kind": "request",
        "request": "req-0123456789ab",
        "reference": "AAAAAAAAAAAAAAAAAAAAAA",
        "agreement": "ph-ru",
        "period": "2026-11",
        "purpose": "cross_check",
        "justification": "Subject crossed the border with this passport",
        "asked_by": "user:analyst",
        "due": "2026-11-25T09:00:00+00:00",
    }
    notice.update(changes)
    return notice


def test_a_request_notice_is_checked_field_by_field() -> None:
    (notice,) = check_notices({"notices": [_request()]})
    assert notice.kind is NoticeKind.REQUEST and notice.body["agreement"] == "ph-ru"
    assert notice.body["due"] == dt.datetime(2026, 11, 25, 9, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"purpose": "blackmail"}, "notices.0.purpose"),
        ({"due": "tomorrow"}, "notices.0.due"),
        ({"due": "2026-11-25T09:00:00"}, "notices.0.due"),  # no zone
        ({"justification": ""}, "notices.0.justification"),
        ({"request": 7}, "notices.0.request"),
        ({"reference": "x" * 200}, "notices.0.reference"),
    ],
)
def test_a_malformed_request_notice_is_refused(changes: dict[str, object], field: str) -> None:
    with pytest.raises(MessageRefused) as refused:
        check_notices({"notices": [_request(**changes)]})
    assert refused.value.field == field


def test_a_decision_notice_carries_no_more_than_it_may() -> None:
    decision = {
        "id": 2,
        "kind": "decision",
        "request": "req-0123456789ab",
        "state": "partly",
        "fields": ["name"],
        "reason": "",
        "records": ["rec-1"],
        "decided_by": "user:officer",
        "due": None,
    }
    (notice,) = check_notices({"notices": [decision]})
    assert notice.body["fields"] == ("name",) and notice.body["due"] is None
    with pytest.raises(MessageRefused) as refused:
        check_notices({"notices": [{**decision, "state": "granted"}]})
    assert refused.value.field == "notices.0.state"
    with pytest.raises(MessageRefused):
        check_notices({"notices": [{**decision, "records": ["rec-x"] * 101}]})

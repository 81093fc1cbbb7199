"""Receivers' responses and the deadlines both sides see."""

from __future__ import annotations

import datetime as dt

import pytest

from liaison.diffusion import lifecycle as lc
from liaison.diffusion.kinds import Party, RequestKind, ResponseKind, Step
from liaison.diffusion.responses import Ground, Response, check_response, deadlines
from liaison.errors import Conflict, InvalidInput
from tests.diffusion.conftest import MANILA, MOSCOW, NOON, TODAY, make_draft, passed_review
from tests.diffusion.test_lifecycle import (
    BEN,
    EXPIRES,
    ROSA,
    approved,
    cancelled,
    expired,
    issued,
    started,
    suspended,
)

HOUR = dt.timedelta(hours=1)
R = ResponseKind


def respond(kind: ResponseKind, **changes: object) -> Response:
    values: dict[str, object] = {"kind": kind, "by_node": MOSCOW, "at": NOON}
    values.update(changes)
    return Response(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "kind", [R.ACKNOWLEDGED, R.LOCATED, R.DETAINED, R.NOT_FOUND], ids=lambda k: k.value
)
def test_an_arrest_request_takes_its_responses(kind: ResponseKind) -> None:
    checked = check_response(issued(), respond(kind, text="  at the airport  "), originator=MANILA)
    assert checked.kind is kind and checked.text == "at the airport"


def test_a_suspended_notice_still_takes_responses() -> None:
    assert check_response(suspended(), respond(R.NOT_FOUND), originator=MANILA)


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (cancelled, "is cancelled: it takes no responses"),
        (expired, "is expired: it takes no responses"),
        (started, "is draft: it was never issued"),
        (approved, "is approved: it was never issued"),
    ],
)
def test_a_response_to_a_notice_that_is_not_live_is_refused(build: object, message: str) -> None:
    with pytest.raises(Conflict, match=message):
        check_response(build(), respond(R.LOCATED), originator=MANILA)  # type: ignore[operator]


def test_a_response_after_the_expiry_day_is_refused_before_the_notice_is_moved() -> None:
    late = dt.datetime.combine(EXPIRES, dt.time(0, 0), tzinfo=dt.UTC)
    with pytest.raises(Conflict, match="expired on 2031-12-07: it takes no responses"):
        check_response(issued(), respond(R.LOCATED, at=late), originator=MANILA)


def test_a_kind_takes_only_its_responses() -> None:
    with pytest.raises(InvalidInput, match="arrest requests take: acknowledged, detained"):
        check_response(issued(), respond(R.SEIZED), originator=MANILA)
    doc = make_draft(RequestKind.TRAVEL_DOCUMENT)
    notice = lc.submit(lc.start("ntc-doc", doc, "analyst-ana", TODAY), "analyst-ana", TODAY)
    notice = lc.record_review(notice, passed_review(doc), ROSA, TODAY)
    notice = lc.issue(lc.approve(notice, BEN, TODAY), BEN, TODAY)
    assert check_response(notice, respond(R.SEIZED), originator=MANILA).kind is R.SEIZED
    with pytest.raises(InvalidInput, match="travel_document requests take"):
        check_response(notice, respond(R.DETAINED), originator=MANILA)


@pytest.mark.parametrize("ground", [g for g in Ground if g is not Ground.OTHER])
def test_will_not_act_with_each_ground(ground: Ground) -> None:
    response = respond(R.WILL_NOT_ACT, ground=ground)
    assert check_response(issued(), response, originator=MANILA).ground is ground


def test_will_not_act_needs_a_ground_and_other_needs_words() -> None:
    with pytest.raises(InvalidInput, match="will not act needs its ground"):
        check_response(issued(), respond(R.WILL_NOT_ACT), originator=MANILA)
    with pytest.raises(InvalidInput, match="ground other is explained"):
        check_response(issued(), respond(R.WILL_NOT_ACT, ground=Ground.OTHER), originator=MANILA)
    explained = respond(R.WILL_NOT_ACT, ground=Ground.OTHER, text="a treaty reservation applies")
    assert check_response(issued(), explained, originator=MANILA)
    with pytest.raises(InvalidInput, match="a ground goes with will_not_act only"):
        check_response(
            issued(), respond(R.LOCATED, ground=Ground.REFUGEE_STATUS), originator=MANILA
        )


def test_other_checks() -> None:
    with pytest.raises(InvalidInput, match="the originator does not respond to itself"):
        check_response(issued(), respond(R.LOCATED, by_node=MANILA), originator=MANILA)
    with pytest.raises(InvalidInput, match="a time with its time zone"):
        check_response(issued(), respond(R.LOCATED, at=dt.datetime(2026, 12, 7)), originator=MANILA)
    with pytest.raises(InvalidInput, match="at most 4000"):
        check_response(issued(), respond(R.LOCATED, text="x" * 4001), originator=MANILA)
    blank = check_response(issued(), respond(R.LOCATED, text="   "), originator=MANILA)
    assert blank.text is None


def test_an_arrest_request_is_acknowledged_within_48_hours() -> None:
    [ack] = deadlines(RequestKind.ARREST, NOON)
    assert (ack.after, ack.who, ack.step) == ("received", Party.RECEIVER, Step.ACKNOWLEDGE)
    assert ack.due == NOON + 48 * HOUR and not ack.met
    assert not ack.overdue(NOON + 48 * HOUR) and ack.overdue(NOON + 49 * HOUR)


def test_any_response_acknowledges_and_a_detention_awaits_confirmation() -> None:
    detained = respond(R.DETAINED, at=NOON + 30 * HOUR)
    ack, confirm = deadlines(RequestKind.ARREST, NOON, [detained])
    assert ack.met and not ack.overdue(NOON + 100 * HOUR)
    assert (confirm.after, confirm.who, confirm.step) == (
        "detained",
        Party.ORIGINATOR,
        Step.CONFIRM,
    )
    assert confirm.due == NOON + 54 * HOUR and confirm.overdue(NOON + 55 * HOUR)
    [_, done] = deadlines(RequestKind.ARREST, NOON, [detained], [NOON + 40 * HOUR])
    assert done.met
    [_, early] = deadlines(RequestKind.ARREST, NOON, [detained], [NOON + 10 * HOUR])
    assert not early.met  # a confirmation before the detention does not confirm it


def test_kinds_without_deadlines_and_aware_times() -> None:
    assert deadlines(RequestKind.WARNING, NOON) == ()
    assert [d.due for d in deadlines(RequestKind.IMMINENT_THREAT, NOON)] == [NOON + 24 * HOUR]
    with pytest.raises(InvalidInput, match="time zone"):
        deadlines(RequestKind.ARREST, dt.datetime(2026, 12, 7, 12))

from __future__ import annotations

import datetime as dt

import pytest

from liaison.errors import InvalidEnvelope
from liaison.model import TLP, Classification, Envelope, HandlingCode, Markings, Scheme

FULL = {
    "legal_basis": "agreement:ph-ru-2026",
    "purposes": ["operational_analysis", "cross_check"],
    "crime_area": "terrorism",
    "markings": {
        "classification": "CONFIDENTIAL",
        "tlp": "AMBER+STRICT",
        "pap": "GREEN",
        "handling": ["H1", "H3"],
        "h3_text": "not for use in court before 2027",
    },
    "evaluation": {"scheme": "europol", "source": "X", "information": "3"},
    "subject_category": "witness",
    "assertion": "assessment",
    "review_due": "2028-01-31",
    "expires": "2031-01-31",
    "on_expiry": "delete",
}


def test_every_field_round_trips() -> None:
    envelope = Envelope.from_dict(FULL, originator="lsn-a")
    again = Envelope.from_dict(envelope.to_dict(), originator="lsn-a")
    assert again == envelope
    out = envelope.to_dict()
    assert out["purposes"] == ["cross_check", "operational_analysis"]
    assert out["markings"]["handling"] == ["H1", "H3"]
    assert out["evaluation"] == {"scheme": "europol", "source": "X", "information": "3"}
    assert {k: v for k, v in out.items() if k not in {"originator", "purposes"}} == {
        k: v for k, v in FULL.items() if k != "purposes"
    }


def test_originator_from_client_is_ignored() -> None:
    envelope = Envelope.from_dict({"originator": "lsn-forged"}, originator="lsn-real")
    assert envelope.originator == "lsn-real"


def test_unmarked_record_is_amber_strict_and_h2() -> None:
    effective = Envelope.from_dict({}, originator="n").markings.effective()
    assert effective.tlp is TLP.AMBER_STRICT
    assert effective.handling == frozenset({HandlingCode.H2})
    assert effective.classification is Classification.UNCLASSIFIED


@pytest.mark.parametrize(
    ("data", "field", "value"),
    [
        ({"markings": {"tlp": "PURPLE"}}, "markings.tlp", "PURPLE"),
        ({"markings": {"classification": "ULTRA"}}, "markings.classification", "ULTRA"),
        ({"markings": {"handling": ["H3"]}}, "markings.h3_text", "None"),
        ({"markings": {"handling": ["H9"]}}, "markings.handling", "H9"),
        ({"markings": {"colour": "red"}}, "markings.colour", "colour"),
        (
            {"evaluation": {"scheme": "admiralty", "source": "X", "information": "1"}},
            "evaluation.source",
            "X",
        ),
        (
            {"evaluation": {"scheme": "europol", "source": "A", "information": "5"}},
            "evaluation.information",
            "5",
        ),
        (
            {"evaluation": {"scheme": "nato", "source": "A", "information": "1"}},
            "evaluation.scheme",
            "nato",
        ),
        ({"review_due": "2026-02-30"}, "review_due", "2026-02-30"),
        ({"expires": "next year"}, "expires", "next year"),
        ({"review_due": "2030-01-01", "expires": "2029-01-01"}, "expires", "2029-01-01"),
        ({"purposes": ["gossip"]}, "purposes", "gossip"),
        ({"crime_area": "jaywalking"}, "crime_area", "jaywalking"),
        ({"subject_category": "celebrity"}, "subject_category", "celebrity"),
        ({"handling_codes": ["H1"]}, "handling_codes", "handling_codes"),
    ],
)
def test_bad_envelope_names_field_and_value(
    data: dict[str, object], field: str, value: str
) -> None:
    with pytest.raises(InvalidEnvelope) as caught:
        Envelope.from_dict(data, originator="n")
    assert caught.value.field == field
    assert caught.value.value == value
    assert caught.value.reason


def test_tlp_accepts_conventional_spelling() -> None:
    assert Markings.from_dict({"tlp": "tlp:amber+strict"}).tlp is TLP.AMBER_STRICT


def test_admiralty_grades() -> None:
    envelope = Envelope.from_dict(
        {"evaluation": {"scheme": "Admiralty", "source": "f", "information": "6"}}, "n"
    )
    assert envelope.evaluation is not None
    assert envelope.evaluation.scheme is Scheme.ADMIRALTY
    assert envelope.evaluation.code == "F6"


def test_default_review_date_is_n_years_ahead() -> None:
    envelope = Envelope.from_dict({}, "n").with_defaults(dt.date(2024, 2, 29), 3)
    assert envelope.review_due == dt.date(2027, 2, 28)


def test_record_content_hash_is_the_canonical_hash() -> None:
    import datetime as dt

    from liaison.model.ids import content_hash
    from liaison.model.records import Record

    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    envelope = Envelope.from_dict(FULL, originator="lsn-a")
    for deleted in (False, True):
        record = Record(
            "rec-1",
            1,
            "Person",
            "p1",
            {"name": ["Юлия"], "alias": ["Ю."]},
            envelope,
            "Юлия",
            now,
            now,
            "a",
            "a",
            deleted,
        )
        expected = content_hash(
            {"entity": record.entity, "envelope": envelope.to_dict(), "deleted": deleted}
        )
        assert record.content_hash == expected

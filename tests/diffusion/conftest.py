"""Fixture strategy.

The notice rules are pure: no database, no clock, no network, so these tests
need nothing from ``tests/conftest.py``. They build real ``Record`` values
(real envelopes, markings and gradings) and real drafts through
``parse_draft``, from the request types in the shipped data file; nothing is
mocked. The day is always passed in (``TODAY``). Names, numbers and places
are fictitious. The helpers are plain functions, not fixtures, so that table
rows and hypothesis strategies share them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from liaison.diffusion.compliance import Review, review
from liaison.diffusion.drafts import NoticeDraft, parse_draft
from liaison.diffusion.kinds import RequestKind
from liaison.model.envelope import Envelope
from liaison.model.grading import Evaluation, Scheme
from liaison.model.ids import record_id_for
from liaison.model.markings import PAP, TLP, HandlingCode, Markings
from liaison.model.records import Record

TODAY = dt.date(2026, 12, 7)
NOON = dt.datetime(2026, 12, 7, 12, 0, tzinfo=dt.UTC)
MANILA = "lsn-manila-fictitious"
MOSCOW = "lsn-moscow-fictitious"
KL = "lsn-kuala-lumpur-fictitious"
GREEN_H0 = Markings(tlp=TLP.GREEN, pap=PAP.GREEN, handling=frozenset({HandlingCode.H0}))
STRONG = Evaluation(Scheme.ADMIRALTY, "B", "2")


def record(
    schema: str,
    properties: dict[str, list[str]],
    *,
    entity_id: str,
    originator: str = MANILA,
    markings: Markings = GREEN_H0,
    evaluation: Evaluation | None = STRONG,
    deleted: bool = False,
    review_due: dt.date | None = None,
    expires: dt.date | None = None,
) -> Record:
    stamp = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)
    envelope = Envelope(
        originator=originator,
        markings=markings,
        evaluation=evaluation,
        review_due=review_due,
        expires=expires,
    )
    return Record(
        record_id=record_id_for(originator, entity_id),
        version=1,
        schema=schema,
        entity_id=entity_id,
        properties={} if deleted else properties,
        envelope=envelope,
        caption=entity_id,
        created=stamp,
        modified=stamp,
        created_by="analyst-ana",
        modified_by="analyst-ana",
        deleted=deleted,
    )


def person(entity_id: str = "person-1", **changes: Any) -> Record:
    properties = {"name": ["Ivan Petrovich Fictitiev"], "birthDate": ["1980-02-29"]}
    properties.update(changes.pop("properties", {}))
    return record(
        "Person", {k: v for k, v in properties.items() if v}, entity_id=entity_id, **changes
    )


def passport(entity_id: str = "passport-1", **changes: Any) -> Record:
    properties = {"number": ["FX1234567"], "country": ["ph"]}
    properties.update(changes.pop("properties", {}))
    return record(
        "Passport", {k: v for k, v in properties.items() if v}, entity_id=entity_id, **changes
    )


def vehicle(entity_id: str = "vehicle-1", **changes: Any) -> Record:
    properties = {"registrationNumber": ["FIC 1234"], "country": ["ph"]}
    properties.update(changes.pop("properties", {}))
    return record(
        "Vehicle", {k: v for k, v in properties.items() if v}, entity_id=entity_id, **changes
    )


def vessel(entity_id: str = "vessel-1", **changes: Any) -> Record:
    properties = {"name": ["MV Fictitious Star"], "imoNumber": ["IMO9074729"]}
    properties.update(changes.pop("properties", {}))
    return record(
        "Vessel", {k: v for k, v in properties.items() if v}, entity_id=entity_id, **changes
    )


#: Complete, lawful fields for each kind (fictitious).
FIELDS: dict[RequestKind, dict[str, Any]] = {
    RequestKind.ARREST: {
        "charge": "Murder",
        "warrant_reference": "RTC-QC-2026-0117",
        "warrant_date": "2026-03-02",
        "issuing_authority": "Regional Trial Court, Fictitious City, Branch 9",
        "summary_of_facts": "On 2026-01-05 the person shot a shopkeeper during a robbery.",
        "penalty": "Reclusion perpetua (20 to 40 years)",
        "legal_references": ["Revised Penal Code, art. 248"],
        "extradition_intent": True,
    },
    RequestKind.INFORMATION: {
        "information_sought": ["location", "identity"],
        "summary_of_facts": "Suspected courier of a drug trafficking ring.",
        "legal_references": ["RA 9165, sec. 5"],
    },
    RequestKind.WARNING: {
        "reason_for_warning": "Convicted three times of child sexual exploitation.",
        "summary_of_facts": "Released on 2026-10-01 after serving his sentence.",
        "legal_references": ["RA 7610"],
    },
    RequestKind.MISSING_PERSON: {
        "disappearance_date": "2026-11-20",
        "disappearance_place": "Port area, Fictitious City",
        "circumstances": "A child last seen boarding a ferry with an unknown adult.",
    },
    RequestKind.UNIDENTIFIED: {
        "discovery_date": "2026-11-30",
        "discovery_place": "Beach near Fictitious Bay",
        "circumstances": "A body found on the shore, no documents.",
    },
    RequestKind.IMMINENT_THREAT: {
        "threat_description": "A parcel bomb mailed from abroad to a courthouse.",
        "legal_references": ["RA 11479"],
    },
    RequestKind.MODUS_OPERANDI: {
        "modus_operandi": "Cocaine hidden in hollowed-out surfboards.",
        "summary_of_facts": "Three seizures at Fictitious Port since 2026-06.",
    },
    RequestKind.TRAVEL_DOCUMENT: {
        "loss_date": "2026-10-10",
        "loss_report_reference": "PNP-FIC-2026-5511",
    },
    RequestKind.STOLEN_VEHICLE: {
        "loss_date": "2026-10-11",
        "loss_report_reference": "PNP-FIC-2026-5512",
    },
    RequestKind.STOLEN_VESSEL: {
        "loss_date": "2026-10-12",
        "loss_report_reference": "PCG-FIC-2026-0042",
    },
    RequestKind.ASSET_TRACING: {
        "asset_description": "Proceeds of an investment fraud moved to real estate.",
        "summary_of_facts": "Some 2,000 victims defrauded between 2023 and 2025.",
        "legal_references": ["RA 9160, sec. 4"],
    },
    RequestKind.UN_SANCTIONS: {
        "sanctions_committee": "Committee pursuant to resolution 1267 (1999)",
        "sanctions_reference": "QDi.999-FICTITIOUS",
        "sanctions_measures": ["asset_freeze", "travel_ban", "arms_embargo"],
    },
}

#: A subject record that satisfies each kind.
SUBJECTS: dict[RequestKind, Any] = {
    RequestKind.TRAVEL_DOCUMENT: passport,
    RequestKind.STOLEN_VEHICLE: vehicle,
    RequestKind.STOLEN_VESSEL: vessel,
    RequestKind.UNIDENTIFIED: lambda: person(
        properties={"name": [], "birthDate": [], "description": ["Male, about 40, tattoo"]}
    ),
}


def subject_for(kind: RequestKind) -> Record:
    build = SUBJECTS.get(kind, person)
    made: Record = build()
    return made


def draft_data(kind: RequestKind = RequestKind.ARREST, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": kind.value,
        "subjects": [subject_for(kind).record_id],
        "fields": dict(FIELDS[kind]),
        "markings": GREEN_H0.to_dict(),
        "evaluation": STRONG.to_dict(),
        "distribution": {"mode": "publication"},
        "releases": [],
    }
    data.update(changes)
    return data


def make_draft(kind: RequestKind = RequestKind.ARREST, **changes: Any) -> NoticeDraft:
    return parse_draft(draft_data(kind, **changes), TODAY)


def passed_review(draft: NoticeDraft, *subjects: Record) -> Review:
    found = subjects or (subject_for(draft.kind),)
    result = review(draft, list(found), node_id=MANILA, today=TODAY)
    assert result.passed, [r.text for r in result.denials]
    return result

"""Notice drafts: parsing, every problem named at once, completeness."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from liaison.diffusion.drafts import (
    Distribution,
    DraftRejected,
    Mode,
    missing,
    parse_draft,
    require_complete,
)
from liaison.diffusion.kinds import RequestKind
from liaison.errors import InvalidInput
from liaison.model.markings import TLP, HandlingCode
from tests.diffusion.conftest import FIELDS, MOSCOW, TODAY, draft_data, make_draft

ARREST = RequestKind.ARREST


def test_a_valid_draft_is_typed() -> None:
    draft = make_draft()
    assert draft.kind is ARREST
    assert draft.value("warrant_date") == dt.date(2026, 3, 2)
    assert draft.value("legal_references") == ("Revised Penal Code, art. 248",)
    assert draft.value("extradition_intent") is True
    assert draft.markings.tlp is TLP.GREEN
    assert draft.distribution == Distribution(Mode.PUBLICATION)
    assert draft.drafted_on == TODAY
    assert missing(draft) == ()
    assert require_complete(draft) is draft


def test_fields_cannot_be_changed_after_parsing() -> None:
    draft = make_draft()
    with pytest.raises(TypeError):
        draft.fields["charge"] = "something else"  # type: ignore[index]


def test_choices_are_sorted_and_deduplicated() -> None:
    fields = {
        **FIELDS[RequestKind.INFORMATION],
        "information_sought": ["location", "identity", "location"],
    }
    draft = make_draft(RequestKind.INFORMATION, fields=fields)
    assert draft.value("information_sought") == ("identity", "location")


def test_a_single_text_counts_as_a_list() -> None:
    fields = {**FIELDS[ARREST], "legal_references": "Revised Penal Code, art. 248"}
    assert make_draft(fields=fields).value("legal_references") == ("Revised Penal Code, art. 248",)


def test_the_digest_names_exactly_what_was_drafted() -> None:
    assert make_draft().digest == make_draft().digest
    other = make_draft(fields={**FIELDS[ARREST], "penalty": "Life imprisonment"})
    assert other.digest != make_draft().digest
    diffusion = make_draft(distribution={"mode": "diffusion", "recipients": [MOSCOW]})
    assert diffusion.digest != make_draft().digest
    assert diffusion.distribution.recipients == {MOSCOW}


def test_a_diffusion_names_partners_and_a_publication_none() -> None:
    with pytest.raises(InvalidInput, match="at least one partner"):
        Distribution(Mode.DIFFUSION)
    with pytest.raises(InvalidInput, match="name none"):
        Distribution(Mode.PUBLICATION, frozenset({MOSCOW}))


@pytest.mark.parametrize(
    ("changes", "field", "reason"),
    [
        ({"colour": "red"}, "colour", "unknown key"),
        ({"kind": "red_notice"}, "kind", "must be one of"),
        ({"subjects": "rec-1"}, "subjects", "a list of at most"),
        ({"subjects": ["person-1"]}, "subjects[0]", "not a record id"),
        ({"subjects": ["rec-" + "a" * 32, "rec-" + "a" * 32]}, "subjects[1]", "named twice"),
        ({"fields": ["charge"]}, "fields", "must be an object"),
        ({"fields": {**FIELDS[ARREST], "colour": "red"}}, "fields.colour", "not a field of arrest"),
        (
            {"fields": {**FIELDS[ARREST], "threat_description": "x"}},
            "fields.threat_description",
            "not a field of arrest",
        ),
        (
            {"fields": {**FIELDS[ARREST], "warrant_date": "02/03/2026"}},
            "fields.warrant_date",
            "YYYY-MM-DD",
        ),
        ({"fields": {**FIELDS[ARREST], "charge": "Murder\nand more"}}, "fields.charge", "one line"),
        ({"fields": {**FIELDS[ARREST], "charge": 42}}, "fields.charge", "one line"),
        (
            {"fields": {**FIELDS[ARREST], "summary_of_facts": "x" * 8001}},
            "fields.summary_of_facts",
            "text of 1-8000",
        ),
        (
            {"fields": {**FIELDS[ARREST], "extradition_intent": "yes"}},
            "fields.extradition_intent",
            "true or false",
        ),
        (
            {"fields": {**FIELDS[ARREST], "legal_references": {"a": 1}}},
            "fields.legal_references",
            "a list of",
        ),
        (
            {"fields": {**FIELDS[ARREST], "legal_references": ["ok", ""]}},
            "fields.legal_references",
            "each item",
        ),
        (
            {"fields": {**FIELDS[RequestKind.INFORMATION], "information_sought": ["gossip"]}},
            "fields.information_sought",
            "must be among",
        ),
        ({"markings": {"tlp": "PINK"}}, "markings.tlp", "must be one of"),
        ({"markings": "RED"}, "markings", "must be an object"),
        (
            {"evaluation": {"scheme": "admiralty", "source": "G", "information": "1"}},
            "evaluation.source",
            "must be one of",
        ),
        ({"distribution": "publication"}, "distribution", "an object"),
        ({"distribution": {"mode": "broadcast"}}, "distribution.mode", "publication or diffusion"),
        (
            {"distribution": {"mode": "diffusion", "recipients": []}},
            "distribution.recipients",
            "at least one partner",
        ),
        (
            {"distribution": {"mode": "diffusion", "recipients": ["a b"]}},
            "distribution.recipients",
            "node ids",
        ),
        (
            {"distribution": {"mode": "publication", "recipients": [MOSCOW]}},
            "distribution.recipients",
            "name none",
        ),
        ({"releases": ["H3"]}, "releases", "only H1 and H2"),
        ({"releases": "H2"}, "releases", "a list"),
        ({"language": "English"}, "language", "language code"),
    ],
)
def test_each_malformed_part_is_named(changes: dict[str, Any], field: str, reason: str) -> None:
    kind = RequestKind.INFORMATION if "information_sought" in str(changes) else ARREST
    with pytest.raises(DraftRejected) as caught:
        parse_draft({**draft_data(kind), **changes}, TODAY)
    problems = {(p.field, p.reason) for p in caught.value.problems}
    assert any(f == field and reason in r for f, r in problems), problems


def test_every_problem_is_named_at_once() -> None:
    data = draft_data(
        colour="red",
        fields={**FIELDS[ARREST], "warrant_date": "soon", "colour": "red"},
        releases=["H0"],
    )
    with pytest.raises(DraftRejected) as caught:
        parse_draft(data, TODAY)
    fields = [p.field for p in caught.value.problems]
    assert fields == ["colour", "fields.warrant_date", "fields.colour", "releases"]
    assert isinstance(caught.value, InvalidInput)  # the API answers 422
    assert caught.value.details()["errors"][0] == {
        "field": "colour",
        "value": "colour",
        "reason": "unknown key; known: distribution, evaluation, fields, kind, language, "
        "markings, releases, subjects",
    }
    assert caught.value.message.startswith("4 problem(s)")


def test_a_draft_that_is_not_an_object_is_refused() -> None:
    with pytest.raises(DraftRejected, match="must be an object"):
        parse_draft(["arrest"], TODAY)


def test_an_incomplete_draft_is_kept_and_names_every_gap() -> None:
    draft = make_draft(fields={"charge": "Murder", "extradition_intent": False}, subjects=[])
    gaps = {p.field: p.reason for p in missing(draft)}
    assert set(gaps) == {
        "fields.warrant_reference",
        "fields.warrant_date",
        "fields.issuing_authority",
        "fields.summary_of_facts",
        "fields.penalty",
        "fields.legal_references",
        "fields.extradition_intent",
        "subjects",
    }
    assert gaps["fields.warrant_reference"].startswith("a required legal reference of arrest")
    assert gaps["fields.penalty"].startswith("a required field of arrest")
    assert gaps["fields.extradition_intent"].startswith("the undertaking must be given")
    assert "at least 1 subject" in gaps["subjects"]
    with pytest.raises(DraftRejected) as caught:
        require_complete(draft)
    assert len(caught.value.problems) == 8


def test_kinds_without_subjects_need_none() -> None:
    draft = make_draft(RequestKind.MODUS_OPERANDI, subjects=[])
    assert missing(draft) == ()


def test_empty_values_count_as_absent() -> None:
    draft = make_draft(fields={**FIELDS[ARREST], "penalty": "", "legal_references": []})
    assert {p.field for p in missing(draft)} == {"fields.penalty", "fields.legal_references"}


def test_releases_and_defaults() -> None:
    draft = make_draft(releases=["h2", "H1"], markings=None, evaluation=None)
    assert draft.releases == {HandlingCode.H1, HandlingCode.H2}
    assert draft.markings.tlp is None and draft.evaluation is None
    assert draft.language == "en"
    assert make_draft(language="fil").language == "fil"

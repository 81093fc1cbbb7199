"""The record form's pure functions: a schema as fields, posted values as an
entity and an envelope that the real validators accept."""

from __future__ import annotations

from followthemoney import model

from liaison.model.envelope import Envelope
from liaison.model.markings import TLP, Classification
from liaison.model.vocab import CrimeArea, Purpose
from liaison.web import forms
from liaison.web.forms import Widget


def by_name(fields: list[forms.Field]) -> dict[str, forms.Field]:
    return {f.name: f for f in fields}


def test_person_fields_start_with_the_required_and_featured_and_skip_the_rest() -> None:
    fields = forms.fields_for(model["Person"])
    names = [f.name for f in fields]
    assert names[:3] == ["name", "nationality", "birthDate"]
    assert {"firstName", "lastName", "fatherName", "alias", "gender", "passportNumber"} <= set(
        names
    )
    assert {"phone", "email", "birthPlace", "idNumber", "notes"} <= set(names)
    assert not {"sourceUrl", "okpoCode", "ownershipOwner", "modifiedAt"} & set(names)
    assert len(names) == len(set(names))


def test_widgets_follow_the_property_types() -> None:
    person = by_name(forms.fields_for(model["Person"]))
    assert person["name"].required and person["name"].widget is Widget.TEXT
    assert person["birthDate"].widget is Widget.DATE
    assert person["gender"].widget is Widget.SELECT
    assert ("male", "male") in person["gender"].options
    assert person["nationality"].widget is Widget.SELECT and person["nationality"].multiple
    assert ("ru", "Russia") in person["nationality"].options
    assert person["alias"].widget is Widget.LINES
    assert person["notes"].widget is Widget.LONGTEXT
    assert person["email"].input_type == "email"
    link = by_name(forms.fields_for(model["Associate"]))
    assert link["person"].widget is Widget.ENTITY and link["person"].range == "Person"
    assert link["person"].required and link["associate"].required


def test_a_held_property_without_a_default_field_still_gets_one() -> None:
    values = {"properties.okpoCode": ["123"], "properties.firstName": ["Ana", "Anna"]}
    fields = by_name(forms.fields_for(model["Person"], values))
    assert "okpoCode" in fields
    assert fields["firstName"].widget is Widget.LINES  # two values: one per line


def test_posted_values_become_an_entity_with_empties_dropped() -> None:
    posted = {
        "csrf": ["x"],
        "properties.name": ["  Ana Reyes "],
        "properties.alias": ["Ana R.\r\n\nA. Reyes\nAna R."],
        "properties.birthDate": [""],
        "properties.nationality": ["ph", "ru"],
        "properties.notes": ["first line\nsecond line"],
        "markings.tlp": ["RED"],
    }
    entity = forms.entity_from_form("Person", posted)
    assert entity == {
        "schema": "Person",
        "properties": {
            "name": ["Ana Reyes"],
            "alias": ["Ana R.", "A. Reyes"],
            "nationality": ["ph", "ru"],
            "notes": ["first line\nsecond line"],
        },
    }


def test_posted_envelope_parses_with_the_real_envelope() -> None:
    posted = {
        "markings.classification": ["SECRET"],
        "markings.tlp": ["AMBER+STRICT"],
        "markings.pap": [""],
        "markings.handling": ["H0", "H3"],
        "markings.h3_text": ["not before 2027"],
        "evaluation.scheme": ["admiralty"],
        "evaluation.source": ["B"],
        "evaluation.information": ["2"],
        "purposes": ["cross_check", "alert"],
        "crime_area": ["terrorism"],
        "subject_category": [""],
        "review_due": ["2027-01-31"],
        "legal_basis": [""],
    }
    data = forms.envelope_from_form(posted)
    assert data["legal_basis"] is None and data["subject_category"] is None
    assert data["markings"]["pap"] is None
    envelope = Envelope.from_dict(data, originator="lsn-test")
    assert envelope.markings.classification is Classification.SECRET
    assert envelope.markings.tlp is TLP.AMBER_STRICT
    assert envelope.markings.h3_text == "not before 2027"
    assert envelope.evaluation is not None and envelope.evaluation.code == "B2"
    assert envelope.purposes == (Purpose.ALERT, Purpose.CROSS_CHECK)
    assert envelope.crime_area is CrimeArea.TERRORISM


def test_an_empty_evaluation_is_none_and_a_partial_one_is_kept_for_the_validator() -> None:
    assert forms.envelope_from_form({})["evaluation"] is None
    partial = forms.envelope_from_form({"evaluation.scheme": ["europol"]})["evaluation"]
    assert partial == {"scheme": "europol", "source": "", "information": ""}


def test_a_record_round_trips_through_the_form() -> None:
    envelope = Envelope.from_dict(
        {
            "purposes": ["investigation"],
            "markings": {"tlp": "GREEN", "handling": ["H1"]},
            "evaluation": {"scheme": "europol", "source": "X", "information": "3"},
            "review_due": "2028-05-01",
        },
        originator="lsn-test",
    )
    properties = {"name": ["Ivan Petrov"], "alias": ["Vanya", "Иван"]}
    values = forms.form_values(properties, envelope.to_dict())
    assert forms.entity_from_form("Person", values)["properties"] == properties
    again = Envelope.from_dict(forms.envelope_from_form(values), originator="lsn-test")
    assert again == envelope


def test_choices_come_from_the_enums() -> None:
    choices = forms.envelope_choices()
    assert [c.value for c in choices["tlp"]] == [t.value for t in TLP]
    assert [c.value for c in choices["classification"]][-1] == "TOP_SECRET"
    assert [c.value for c in choices["source"]] == list("ABCDEFX")
    assert [c.value for c in choices["information"]] == list("123456")
    assert {c.value for c in choices["purposes"]} == {p.value for p in Purpose}
    assert forms.humanise("operational_analysis") == "Operational analysis"


def test_offered_schemata_and_shown_properties() -> None:
    offered = [s.name for s in forms.offered_schemata()]
    assert offered[0] == "Person" and "UnknownLink" in offered
    rows = forms.shown_properties(model["Person"], {"name": ["A"], "nationality": ["ru"]})
    assert [(r.label, r.values) for r in rows] == [("Name", ("A",)), ("Nationality", ("ru",))]
    assert forms.display_value("country", "ru") == "Russia"
    assert forms.schema_label("BankAccount") == "Bank account"

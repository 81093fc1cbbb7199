"""Request types as data: the shipped file, and what a bad file is refused for."""

from __future__ import annotations

import copy
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

from liaison.diffusion.kinds import (
    Colour,
    Party,
    RequestKind,
    ResponseKind,
    Step,
    build_catalogue,
    default_catalogue,
    field_spec,
    request_type,
)

K = RequestKind


def _raw() -> dict[str, Any]:
    text = resources.files("liaison.diffusion").joinpath("data/requests.yaml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def test_every_kind_has_a_type_and_an_action_in_words() -> None:
    catalogue = default_catalogue()
    assert set(catalogue.types) == set(RequestKind)
    for kind in RequestKind:
        assert len(request_type(kind).action) > 20, kind


@pytest.mark.parametrize(
    ("kind", "colour"),
    [
        (K.ARREST, Colour.RED),
        (K.INFORMATION, Colour.BLUE),
        (K.WARNING, Colour.GREEN),
        (K.MISSING_PERSON, Colour.YELLOW),
        (K.UNIDENTIFIED, Colour.BLACK),
        (K.IMMINENT_THREAT, Colour.ORANGE),
        (K.MODUS_OPERANDI, Colour.PURPLE),
        (K.ASSET_TRACING, Colour.SILVER),
        (K.UN_SANCTIONS, Colour.INTERPOL_UNSC),
        (K.TRAVEL_DOCUMENT, Colour.NONE),
        (K.STOLEN_VEHICLE, Colour.NONE),
        (K.STOLEN_VESSEL, Colour.NONE),
    ],
)
def test_each_kind_maps_to_its_interpol_colour(kind: RequestKind, colour: Colour) -> None:
    assert request_type(kind).colour is colour


def test_identifier_lists_are_not_colour_notices_and_answer_by_hit() -> None:
    lists = {k for k in RequestKind if request_type(k).is_identifier_list}
    assert lists == {K.TRAVEL_DOCUMENT, K.STOLEN_VEHICLE, K.STOLEN_VESSEL}
    for kind in lists:
        rt = request_type(kind)
        assert rt.colour is Colour.NONE and rt.identifier_list
        assert ResponseKind.LOCATED in rt.responses  # a hit at a border post
        assert ResponseKind.ACKNOWLEDGED not in rt.responses  # checked, not acknowledged


def test_coercive_kinds_say_why() -> None:
    coercive = {k for k in RequestKind if request_type(k).coercive}
    assert coercive == {
        K.ARREST,
        K.UN_SANCTIONS,
        K.TRAVEL_DOCUMENT,
        K.STOLEN_VEHICLE,
        K.STOLEN_VESSEL,
    }
    assert request_type(K.ARREST).coercion == "deprives the person of liberty"
    for kind in RequestKind:
        rt = request_type(kind)
        assert bool(rt.coercion) is rt.coercive


def test_an_arrest_request_requires_warrant_charge_facts_and_penalty() -> None:
    rt = request_type(K.ARREST)
    assert {"warrant_reference", "charge", "summary_of_facts", "penalty"} <= set(rt.required)
    assert set(rt.references) == {"warrant_reference", "warrant_date", "legal_references"}
    assert rt.primary == ("Person",)
    assert ResponseKind.DETAINED in rt.responses
    assert "extradition" in rt.action


def test_validity_renewal_and_reminder_defaults() -> None:
    for kind in RequestKind:
        rt = request_type(kind)
        assert (rt.validity_years, rt.renewal_years, rt.reminder_months) == (5, 5, 6)


def test_deadlines_are_data() -> None:
    rules = request_type(K.ARREST).deadlines
    ack = [r for r in rules if r.after == "received"]
    assert [(r.who, r.step, r.hours) for r in ack] == [(Party.RECEIVER, Step.ACKNOWLEDGE, 48)]
    assert any(r.after == "detained" and r.who is Party.ORIGINATOR for r in rules)


@pytest.mark.parametrize(
    ("kind", "schema", "covered"),
    [
        (K.ARREST, "Person", True),
        (K.ARREST, "Passport", True),  # extends Identification
        (K.ARREST, "Vessel", True),  # a Vessel is a Vehicle in FtM
        (K.ARREST, "Company", False),
        (K.TRAVEL_DOCUMENT, "Passport", True),
        (K.TRAVEL_DOCUMENT, "Person", False),
        (K.ASSET_TRACING, "Company", True),  # extends LegalEntity
        (K.ASSET_TRACING, "BankAccount", True),
        (K.UN_SANCTIONS, "Organization", True),
        (K.STOLEN_VESSEL, "Vehicle", False),
    ],
)
def test_which_schemata_a_kind_concerns(kind: RequestKind, schema: str, covered: bool) -> None:
    assert request_type(kind).covers(schema) is covered


@pytest.mark.parametrize(
    ("kind", "schema", "rule_schema"),
    [
        (K.ARREST, "Person", "Person"),
        (K.ARREST, "Passport", "Identification"),
        (K.ASSET_TRACING, "Company", "LegalEntity"),
        (K.STOLEN_VESSEL, "Vessel", "Vessel"),
    ],
)
def test_identifying_rule_is_the_nearest_schema(
    kind: RequestKind, schema: str, rule_schema: str
) -> None:
    rule = request_type(kind).identifying_rule(schema)
    assert rule is not None and rule.schema == rule_schema


def test_identifying_rules_name_what_is_missing() -> None:
    person = request_type(K.ARREST).identifying_rule("Person")
    assert person is not None
    assert person.missing({"name": ["A"], "birthDate": ["1980"]}) == ()
    assert person.missing({"name": ["A"], "passportNumber": ["X1"]}) == ()
    assert person.missing({"name": ["  "], "birthDate": ["1980"]}) == ("name",)
    assert person.missing({"name": ["A"]}) == (
        "one of birthDate, passportNumber, idNumber, images",
    )
    vessel = request_type(K.STOLEN_VESSEL).identifying_rule("Vessel")
    assert vessel is not None and vessel.missing({"mmsi": ["366123456"]}) == ()
    assert vessel.text == "one of imoNumber, mmsi"
    # an unidentified body is identified by its description, not by a name
    body = request_type(K.UNIDENTIFIED).identifying_rule("Person")
    assert body is not None and body.missing({"description": ["tattoo"]}) == ()


def test_unknown_schema_has_no_rule() -> None:
    assert request_type(K.ARREST).identifying_rule("NoSuchSchema") is None
    assert not request_type(K.ARREST).covers("NoSuchSchema")


def test_field_specs() -> None:
    assert field_spec("summary_of_facts").screen
    assert not field_spec("warrant_reference").screen
    assert field_spec("information_sought").values == {"identity", "location", "activities"}


def test_the_shipped_file_loads() -> None:
    assert build_catalogue(_raw()).types.keys() == default_catalogue().types.keys()


def _set(path: str, value: Any) -> Any:
    def change(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target = data
        for key in parents:
            target = target[key]
        if value is _DELETE:
            del target[last]
        else:
            target[last] = value

    return change


_DELETE = object()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_set("extra", 1), "expected keys"),
        (_set("defaults.validity_years", 0), "defaults.validity_years"),
        (_set("kinds.arrest", _DELETE), "kinds must be exactly"),
        (_set("kinds.arrest.colour", "mauve"), "kinds.arrest"),
        (_set("kinds.arrest.colour", "none"), "identifier list"),
        (_set("kinds.travel_document.colour", "red"), "identifier list"),
        (_set("kinds.arrest.coercion", _DELETE), "coercive"),
        (_set("kinds.warning.coercion", "a reason"), "coercive"),
        (_set("kinds.arrest.required", ["charge", "no_such_field"]), "unknown field"),
        (_set("kinds.arrest.references", ["notes"]), "reference is not required"),
        (_set("kinds.arrest.allowed", ["charge"]), "overlap"),
        (_set("kinds.arrest.schemata", ["Person", "NoSuchSchema"]), "unknown FtM schema"),
        (_set("kinds.arrest.primary", ["Vessel"]), "primary"),
        (_set("kinds.arrest.schemata", ["Person", "Address"]), "no identifying rule"),
        (_set("kinds.arrest.responses", ["acknowledged", "located", "detained"]), "refuse to act"),
        (_set("kinds.arrest.responses", ["bogus"]), "kinds.arrest"),
        (
            _set(
                "kinds.warning.deadlines",
                [{"after": "detained", "who": "originator", "step": "confirm", "hours": 5}],
            ),
            "not a response",
        ),
        (
            _set(
                "kinds.warning.deadlines",
                [{"after": "received", "who": "someone", "step": "acknowledge", "hours": 5}],
            ),
            "deadlines",
        ),
        (
            _set(
                "kinds.warning.deadlines",
                [{"after": "received", "who": "receiver", "step": "acknowledge", "hours": 0}],
            ),
            "deadlines",
        ),
        (_set("kinds.arrest.min_subjects", -1), "min_subjects"),
        (_set("identifying.Person.any", ["noSuchProperty"]), "identifying.Person"),
        (_set("identifying.NoSuch", {"all": ["name"], "any": []}), "unknown FtM schema"),
        (_set("fields.charge.type", "number"), "fields.charge"),
        (_set("fields.charge.values", ["a"]), "values are given for choices"),
        (_set("fields.information_sought.values", _DELETE), "values are given for choices"),
        (_set("fields.charge.screen", "yes"), "screen must be true or false"),
        (_set("kinds.unidentified.identifying", {"Person": {"all": [], "any": []}}), "Person"),
    ],
)
def test_a_bad_file_fails_naming_the_entry(change: Any, message: str) -> None:
    data = copy.deepcopy(_raw())
    change(data)
    with pytest.raises(ValueError, match=message):
        build_catalogue(data)


def test_docs_list_every_kind_with_its_colour() -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "notices.md").read_text()
    rows = {
        line.split("|")[1].strip(): line for line in docs.splitlines() if line.startswith("| `")
    }
    for kind in RequestKind:
        rt = request_type(kind)
        row = rows[f"`{kind.value}`"]
        colour = "identifier list" if rt.is_identifier_list else rt.colour.value
        if rt.colour is Colour.INTERPOL_UNSC:
            colour = "INTERPOL–UNSC"
        assert colour in row, kind
        assert ("yes" in row.split("|")[4]) is rt.coercive, kind
        for name in rt.required:
            assert name in row, (kind, name)


def test_the_package_exports_what_it_lists() -> None:
    import liaison.diffusion as package

    for name in package.__all__:
        assert hasattr(package, name), name
    assert len(set(package.__all__)) == len(package.__all__)


def test_docs_list_the_responses_each_kind_takes() -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "notices.md").read_text()
    rows = [line for line in docs.splitlines() if line.startswith("| **`")]
    for kind in RequestKind:
        (row,) = [r for r in rows if f"**`{kind.value}`**" in r.split("|")[1]]
        listed = {r.strip() for r in row.split("|")[2].split(",")}
        assert listed == {r.value for r in request_type(kind).responses}, kind

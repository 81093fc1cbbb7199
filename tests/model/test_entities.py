from __future__ import annotations

import pytest

from liaison.errors import InvalidEntity
from liaison.model.entities import parse_entity

SCHEMATA = {
    "Person": {
        "name": ["Maria Cristina dela Cruz"],
        "birthDate": ["1988-07-14"],
        "nationality": ["ph"],
    },
    "Organization": {"name": ["Fictitious Shipping Ltd"]},
    "Company": {"name": ["ООО Вымышленная Компания"], "jurisdiction": ["ru"]},
    "Passport": {"holder": ["p1"], "number": ["P1234567"], "country": ["ph"]},
    "Identification": {"holder": ["p1"], "number": ["ID-99"]},
    "Vehicle": {"registrationNumber": ["ABC 1234"]},
    "Vessel": {"name": ["MV Fictional"], "imoNumber": ["IMO 9074729"]},
    "Airplane": {"registrationNumber": ["RP-C1234"]},
    "BankAccount": {"iban": ["DE89370400440532013000"]},
    "Address": {"full": ["1 Fictional Street, Manila"]},
    "UserAccount": {"username": ["fict_user"]},
    "CryptoWallet": {"publicKey": ["bc1qexample"]},
    "Event": {"name": ["Meeting in Kota Kinabalu"]},
    "Associate": {"person": ["p1"], "associate": ["p2"]},
    "Family": {"person": ["p1"], "relative": ["p2"]},
    "Membership": {"member": ["p1"], "organization": ["o1"]},
    "Ownership": {"owner": ["p1"], "asset": ["c1"]},
    "Directorship": {"director": ["p1"], "organization": ["c1"]},
    "UnknownLink": {"subject": ["p1"], "object": ["p2"]},
}


@pytest.mark.parametrize("schema", sorted(SCHEMATA))
def test_schemata_of_the_brief_parse(schema: str) -> None:
    proxy = parse_entity({"schema": schema, "properties": SCHEMATA[schema]}, "e1")
    assert proxy.schema.name == schema
    assert proxy.id == "e1"
    for name in SCHEMATA[schema]:
        assert proxy.get(name), name


@pytest.mark.parametrize(
    ("data", "field", "reason_part"),
    [
        ({"schema": "Wizard", "properties": {}}, "schema", "unknown"),
        ({"schema": "Thing", "properties": {}}, "schema", "abstract"),
        (
            {"schema": "Person", "properties": {"name": ["A"], "shoeSize": ["44"]}},
            "properties.shoeSize",
            "no such property",
        ),
        (
            {"schema": "Person", "properties": {"name": ["A"], "birthDate": ["1990-13-45"]}},
            "properties.birthDate",
            "not a valid date",
        ),
        (
            {"schema": "Person", "properties": {"name": ["A"], "associates": ["x"]}},
            "properties.associates",
            "reverse",
        ),
        ({"schema": "Person", "properties": {}}, "properties.name", "required"),
        ({"schema": "Person", "properties": {"name": [{"x": 1}]}}, "properties.name", "strings"),
        ({"schema": "Person", "properties": ["name"]}, "properties", "object"),
        ("Person", "entity", "object"),
    ],
)
def test_bad_entities_name_the_field(data: object, field: str, reason_part: str) -> None:
    with pytest.raises(InvalidEntity) as caught:
        parse_entity(data, "e1")
    assert caught.value.field == field
    assert reason_part in caught.value.reason


def test_bad_entity_id() -> None:
    with pytest.raises(InvalidEntity) as caught:
        parse_entity({"schema": "Person", "properties": {"name": ["A"]}}, "has space")
    assert caught.value.field == "id"


def test_names_read_from_stored_properties_are_those_of_the_proxy() -> None:
    from liaison.demo.generate import Generator
    from liaison.model.entities import entity_names, stored_names

    for entity in Generator(seed=5).entities(300):
        proxy = parse_entity(entity, entity["id"])
        properties = proxy.to_dict()["properties"]
        assert stored_names(proxy.schema.name, properties, proxy.caption) == entity_names(proxy)

"""A member's records as the hub's persons (``liaison.node.linkage``): the
same person written in another script or split differently encodes alike;
what is not a named person is not offered."""

from __future__ import annotations

from liaison.federation.hub import REF
from liaison.matching import bloom
from liaison.node import Node
from liaison.node.linkage import new_ref, person_of
from tests.conftest import Team


def record(
    node: Node, team: Team, schema: str = "Person", **props: list[str]
) -> bloom.Person | None:
    entity = {"schema": schema, "properties": {"name": ["placeholder"], **props}}
    return person_of(node.records.create(team.analyst, entity, {}))


def test_names_in_any_script_give_one_person(node: Node, team: Team) -> None:
    cyrillic = record(
        node, team, firstName=["Мария"], lastName=["Иванова"], birthDate=["1985-03-02"]
    )
    latin = record(node, team, firstName=["Mariya"], lastName=["IVANOVA"], birthDate=["1985-03-02"])
    assert cyrillic == latin == bloom.Person("mariya", "ivanova", "1985-03-02")


def test_a_whole_name_is_split_into_given_name_and_surname(node: Node, team: Team) -> None:
    found = record(node, team, name=["Juan dela Cruz"], birthDate=["1979"])
    assert found == bloom.Person("juan", "delacruz", "")  # a year alone is left out
    assert record(node, team, name=["Volkov"]) == bloom.Person("", "volkov", "")


def test_what_is_not_a_named_person_is_not_offered(node: Node, team: Team) -> None:
    assert record(node, team, "Company", name=["Mabuhay Shipping Corp"]) is None
    assert record(node, team, name=["..."]) is None


def test_references_are_fresh_and_opaque() -> None:
    refs = {new_ref() for _ in range(100)}
    assert len(refs) == 100 and all(REF.match(r) for r in refs)

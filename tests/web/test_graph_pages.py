"""The link-analysis page and its data: neighbours, visibility, no inline script."""

from __future__ import annotations

import re
from typing import Any

from liaison.node import Node
from tests.conftest import Team
from tests.web.conftest import SignIn

SECRET = {"markings": {"classification": "SECRET"}}


def entity(entity_id: str, schema: str, **props: list[str]) -> dict[str, Any]:
    return {"id": entity_id, "schema": schema, "properties": props}


def network(node: Node, team: Team) -> dict[str, str]:
    """Ivan with an associate (Petr), a passport, a SECRET associate (Oleg,
    linked by a RESTRICTED link) and a RESTRICTED contact linked by a SECRET link."""
    create = node.records.create
    made = {
        "ivan": create(team.analyst, entity("ivan", "Person", name=["Ivan Petrov"]), {}),
        "petr": create(team.analyst, entity("petr", "Person", name=["Petr Sidorov"]), {}),
        "oleg": create(team.analyst, entity("oleg", "Person", name=["Oleg Secretov"]), SECRET),
        "anna": create(team.analyst, entity("anna", "Person", name=["Anna Hidden"]), {}),
        "link": create(
            team.analyst, entity("l1", "Associate", person=["ivan"], associate=["petr"]), {}
        ),
        "passport": create(
            team.analyst, entity("pp", "Passport", holder=["ivan"], number=["7501234"]), {}
        ),
        "to-oleg": create(
            team.analyst, entity("l2", "Associate", person=["ivan"], associate=["oleg"]), {}
        ),
        "to-anna": create(
            team.analyst, entity("l3", "Associate", person=["ivan"], associate=["anna"]), SECRET
        ),
    }
    return {name: record.record_id for name, record in made.items()}


def test_graph_data_has_the_associate_the_passport_and_their_edges(
    browser_as: SignIn, node: Node, team: Team
) -> None:
    ids = network(node, team)
    data = browser_as("analyst").get("/graph/data", params={"record": ids["ivan"]}).json()
    nodes = {n["data"]["id"]: n["data"] for n in data["nodes"]}
    assert {ids["ivan"], ids["petr"], ids["passport"], ids["oleg"], ids["anna"]} <= set(nodes)
    assert nodes[ids["ivan"]]["centre"] and nodes[ids["ivan"]]["own"]
    edges = {(e["data"]["source"], e["data"]["target"]): e["data"] for e in data["edges"]}
    assert edges[(ids["ivan"], ids["petr"])]["record"] == ids["link"]
    assert edges[(ids["ivan"], ids["petr"])]["label"] == "associated with"
    assert edges[(ids["passport"], ids["ivan"])]["label"] == "Identification holder"
    assert not data["capped"]


def test_the_junior_sees_no_secret_record_nor_what_only_a_secret_link_reaches(
    browser_as: SignIn, node: Node, team: Team
) -> None:
    ids = network(node, team)
    junior = browser_as("junior")
    data = junior.get("/graph/data", params={"record": ids["ivan"]}).json()
    shown = {n["data"]["id"] for n in data["nodes"]} | {
        e["data"].get("record") for e in data["edges"]
    }
    assert ids["petr"] in shown and ids["passport"] in shown
    assert ids["oleg"] not in shown  # SECRET person
    assert ids["to-anna"] not in shown and ids["anna"] not in shown  # behind a SECRET link
    assert "Oleg" not in str(data) and "Anna" not in str(data)
    assert junior.get("/graph/data", params={"record": ids["oleg"]}).status_code == 404
    page = junior.get("/graph", params={"record": ids["ivan"]})
    assert "Petr Sidorov" in page.text and "Oleg" not in page.text and "Anna" not in page.text


def test_the_page_loads_the_vendored_library_and_has_no_inline_script(
    browser_as: SignIn, node: Node, team: Team
) -> None:
    ids = network(node, team)
    page = browser_as("analyst").get("/graph", params={"record": ids["ivan"]})
    assert page.status_code == 200
    scripts = re.findall(r"<script[^>]*>", page.text)
    assert scripts and all(" src=" in tag and "defer" in tag for tag in scripts)
    assert '<script src="/static/vendor/cytoscape-3.34.4.min.js" defer>' in page.text
    assert '<script src="/static/js/graph.js" defer>' in page.text
    assert f'data-record="{ids["ivan"]}"' in page.text
    assert not re.search(r"\son\w+=", page.text) and 'style="' not in page.text
    # the keyboard list: a link to every record in the graph
    for name in ("ivan", "petr", "passport"):
        assert f'href="/records/{ids[name]}"' in page.text
    assert browser_as("analyst").get("/static/js/graph.js").status_code == 200


def test_without_a_record_the_page_asks_for_one(browser_as: SignIn) -> None:
    page = browser_as("analyst").get("/graph")
    assert page.status_code == 200
    assert 'name="record"' in page.text and 'action="/records"' in page.text
    assert 'for="graph-record"' in page.text


def test_neighbours_are_capped_and_the_page_says_so(
    browser_as: SignIn, node: Node, team: Team
) -> None:
    node.records.create(team.analyst, entity("hub", "Person", name=["Hub Person"]), {})
    for i in range(52):
        node.records.create(
            team.analyst, entity(f"doc{i}", "Passport", holder=["hub"], number=[f"N{i:04}"]), {}
        )
    centre = node.records.search(team.analyst, _text("hub person"), None, 1).items[0]
    client = browser_as("analyst")
    data = client.get("/graph/data", params={"record": centre["record_id"]}).json()
    assert data["capped"] and len(data["nodes"]) == 51
    page = client.get("/graph", params={"record": centre["record_id"]})
    assert "only the first 50 are shown" in page.text


def test_names_are_escaped(browser_as: SignIn, node: Node, team: Team) -> None:
    bad = node.records.create(
        team.analyst, entity("bad", "Person", name=["<script>alert(1)</script>"]), {}
    )
    node.records.create(
        team.analyst, entity("bad-pp", "Passport", holder=["bad"], number=["' OR 1=1 --"]), {}
    )
    page = browser_as("analyst").get("/graph", params={"record": bad.record_id})
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "<script>alert(1)" not in page.text


def test_an_unknown_record_is_not_found(browser_as: SignIn, team: Team) -> None:
    assert browser_as("analyst").get("/graph?record=nope").status_code == 404


def _text(text: str) -> Any:
    from liaison.storage.records import RecordFilter

    return RecordFilter(text=text)

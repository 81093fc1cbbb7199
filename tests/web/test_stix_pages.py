"""The export form offers a STIX 2.1 bundle, decided and audited as every export."""

from __future__ import annotations

import orjson
from stix2validator import ValidationOptions, validate_instance

from liaison.node import Node
from tests.conftest import Team, person
from tests.web.conftest import SignIn
from tests.web.test_transfer_pages import _export


def test_export_a_stix_bundle(browser_as: SignIn, node: Node, team: Team) -> None:
    node.records.create(team.analyst, person("Ana Santos"), {"crime_area": "fraud"})
    node.records.create(team.analyst, person("Ben Cruz"), {"crime_area": "piracy"})
    browser = browser_as("analyst")
    assert "STIX 2.1 bundle" in browser.get("/records").text
    made = _export(browser, format="stix", crime_area="fraud")
    assert made.status_code == 303, made.text
    page = browser.get(made.headers["location"]).text
    assert "1 record exported as STIX." in page
    download = browser.get(made.headers["location"] + "/file")
    assert download.status_code == 200
    assert download.headers["content-type"].startswith("application/stix+json")
    assert 'filename="liaison-records.stix.json"' in download.headers["content-disposition"]
    bundle = orjson.loads(download.content)
    assert validate_instance(bundle, ValidationOptions(version="2.1")).is_valid
    names = [o["name"] for o in bundle["objects"] if o.get("identity_class") == "individual"]
    assert names == ["Ana Santos"]
    entries = node.audit.entries(team.auditor, action="record.export")
    assert {e.object for e in entries} == {"stix"}
    assert _export(browser, format="stixx").status_code == 422

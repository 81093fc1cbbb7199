"""Challenges by the person concerned through the pages of two real nodes
(``nodes`` from test_notices_pages): a liaison officer takes in a request about
one of the node's own records and decides it; a request about a record received
from moscow is routed there, moscow's officer decides it with leave, and manila's
page shows what the requester may be told. Bad input is named next to its field;
only liaison officers reach these pages. Names are fictitious."""

from __future__ import annotations

import re

from starlette.datastructures import FormData

from liaison.web.pages.challenges import decision_of, record_ids
from tests.federation.test_diffusion import EVALUATED, fugitive
from tests.web.test_notices_pages import Nodes, node_url, nodes, post

__all__ = ["node_url", "nodes"]  # fixtures

REQUESTER = {"name": "Rodrigo Villanueva Santos", "contact": "PO Box 17, Fictitious City"}
REASONS = "Disclosure would obstruct an ongoing inquiry into the network."
LINK = re.compile(r"/challenges/(chl-[0-9a-f]{32})")


def take_in(nodes: Nodes, records: list[str], kind: str = "access") -> str:
    officer = nodes.browser(nodes.manila, "officer")
    data = {"kind": kind, "records": "\n".join(records), **REQUESTER}
    made = post(officer, "/challenges", data, "/challenges/new")
    assert made.status_code == 303, made.text
    (found,) = LINK.findall(made.headers["location"])
    return str(found)


def test_a_request_about_our_record_is_taken_in_and_decided(nodes: Nodes) -> None:
    m = nodes.manila
    record = m.node.records.create(m.team.analyst, fugitive(), EVALUATED).record_id
    challenge_id = take_in(nodes, [record])
    officer = nodes.browser(m, "officer")
    page = officer.get(f"/challenges/{challenge_id}").text
    assert "Rodrigo Villanueva Santos" in page and "received, to decide" in page
    assert "Your request has been received" in page  # the answer so far
    assert 'id="answer"' in page and 'action="/challenges/' + challenge_id in page
    listed = officer.get("/challenges?stage=received").text
    assert f"/challenges/{challenge_id}" in listed

    path = f"/challenges/{challenge_id}/decision"
    page_path = f"/challenges/{challenge_id}"
    short = post(officer, path, {"verdict": "refuse", "reasons": "No."}, page_path)
    assert short.status_code == 422 and 'id="err-reasons"' in short.text
    bare = post(officer, path, {"verdict": "refuse", "reasons": REASONS}, page_path)
    assert bare.status_code == 422 and 'id="err-restrictions"' in bare.text
    assert 'value="' + REASONS.replace("'", "&#39;") not in bare.text  # a textarea keeps it
    assert REASONS in bare.text
    data = {"verdict": "refuse", "reasons": REASONS, "restrictions": ["obstruct_inquiry"]}
    decided = post(officer, path, data, page_path)
    assert decided.status_code == 303, decided.text
    after = officer.get(page_path).text
    assert "All necessary verifications have been carried out" in after
    assert "would obstruct an inquiry" in after and 'action="' + path not in after


def test_a_request_about_a_partners_record_goes_to_its_originator(nodes: Nodes) -> None:
    moscow = nodes.moscow
    theirs = moscow.node.records.create(moscow.team.analyst, fugitive(), EVALUATED).record_id
    nodes.fed.settle()  # manila holds a copy
    challenge_id = take_in(nodes, [theirs], "deletion")
    manila_page = nodes.browser(nodes.manila, "officer").get(f"/challenges/{challenge_id}").text
    assert "sent to the originator" in manila_page and "Sent to moscow" in manila_page
    nodes.fed.settle()

    officer = nodes.browser(moscow, "officer")
    page = officer.get(f"/challenges/{challenge_id}").text
    assert "Rodrigo Villanueva Santos" not in page  # the requester stays at manila
    data = {"verdict": "grant", "reasons": "The record was entered by mistake.", "leave": "1"}
    data["records"] = [theirs]
    decided = post(
        officer, f"/challenges/{challenge_id}/decision", data, f"/challenges/{challenge_id}"
    )
    assert decided.status_code == 303, decided.text
    nodes.fed.settle()
    told = nodes.browser(nodes.manila, "officer").get(f"/challenges/{challenge_id}").text
    assert "The data about you has been deleted." in told and "granted" in told


def test_bad_intake_is_named_and_only_officers_reach_the_pages(nodes: Nodes) -> None:
    officer = nodes.browser(nodes.manila, "officer")
    data = {"kind": "access", "records": "rec-" + "0" * 32, **REQUESTER}
    ghost = post(officer, "/challenges", data, "/challenges/new")
    assert ghost.status_code == 422 and 'id="err-records"' in ghost.text
    assert "this node holds no such record" in ghost.text
    assert 'value="Rodrigo Villanueva Santos"' in ghost.text  # the input is kept
    nameless = post(officer, "/challenges", {**data, "name": "R"}, "/challenges/new")
    assert nameless.status_code == 422 and 'id="err-name"' in nameless.text
    odd = post(officer, "/challenges", {**data, "kind": "revenge"}, "/challenges/new")
    assert odd.status_code == 422 and 'id="err-kind"' in odd.text
    assert officer.get("/challenges?stage=lost").status_code == 422
    assert nodes.manila.node.challenges.page(nodes.manila.team.officer) == []
    for username in ("analyst", "supervisor", "auditor", "admin"):
        client = nodes.browser(nodes.manila, username)
        assert client.get("/challenges").status_code == 403
        assert client.get("/challenges/chl-" + "0" * 32).status_code == 403


def test_the_forms_are_read_as_posted() -> None:
    assert record_ids("rec-a\nrec-b, rec-a  rec-c") == ["rec-a", "rec-b", "rec-c"]
    posted = decision_of(
        FormData([("verdict", "partly"), ("records", "r1"), ("restrictions", "x"), ("leave", "1")])
    )
    assert (posted.verdict, posted.records, posted.restrictions, posted.leave) == (
        "partly",
        ["r1"],
        ["x"],
        True,
    )

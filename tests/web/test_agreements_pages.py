"""Agreement pages: plain-language terms, signing, the life cycle, refusals, escaping."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from liaison.model.identity import NodeKey
from liaison.model.markings import TLP
from liaison.node import SYSTEM, Node
from liaison.policy.agreements import AgreementState, parse_document
from liaison.web.pages.agreements import clauses, moves
from tests.conftest import Team
from tests.node.test_agreements import PARTNER, agreement_doc, partner_signature
from tests.web.conftest import SignIn, csrf_of

URL = "/agreements/ph-ru-2026"


def propose(node: Node, team: Team, **changes: Any) -> None:
    node.agreements.propose(
        team.officer, agreement_doc(node, PARTNER.node_id, PARTNER.public_key, **changes)
    )


def test_the_terms_read_as_sentences() -> None:
    ours = NodeKey.generate()
    holder = SimpleNamespace(
        ctx=SimpleNamespace(node_id=ours.node_id), info=SimpleNamespace(public_key=ours.public_key)
    )
    doc = parse_document(
        agreement_doc(
            holder,  # type: ignore[arg-type] - agreement_doc reads only these two fields
            PARTNER.node_id,
            PARTNER.public_key,
            retention={"nominal": "5y", "victim": "18m"},
            hit_only=["Passport"],
        )
    )
    found = {c.message: c for c in clauses(doc)}
    sharing = [c for c in clauses(doc) if c.message.startswith("%(party)s shares")]
    assert [c.values["party"] for c in sharing] == [p.name for p in doc.parties]
    assert sharing[0].values["schemata"] == ("Legal entity", "Passport", "Person")  # labels
    years = found["A partner keeps %(category)s for at most %(num)d year."]
    assert years.count == 5 and years.plural is not None
    assert found["A partner keeps %(category)s for at most %(num)d month."].count == 18
    assert "These are only answered" in next(
        c.message for c in clauses(doc) if c.values.get("kinds")
    )
    tlp = found["Only records marked %(tlp)s are shared."].values["tlp"]
    assert tlp == tuple(f"TLP:{t.value}" for t in sorted(TLP, key=lambda t: t.rank))


def test_moves_follow_the_life_cycle() -> None:
    assert moves(AgreementState.DRAFT, None) == ["activate"]
    assert moves(AgreementState.ACTIVE, AgreementState.ACTIVE) == ["suspend", "terminate"]
    assert moves(AgreementState.DRAFT, AgreementState.SUSPENDED) == [
        "activate",
        "resume",
        "terminate",
    ]
    assert moves(AgreementState.TERMINATED, None) == []


def test_sign_activate_and_suspend_through_the_pages(
    browser_as: SignIn, node: Node, team: Team
) -> None:
    propose(node, team)
    supervisor = browser_as("supervisor")
    listing = supervisor.get("/agreements")
    assert listing.status_code == 200 and f'href="{URL}"' in listing.text
    assert "0 of 2" in listing.text
    page = supervisor.get(URL)
    assert "manila shares with moscow records of these kinds: Legal entity, Passport, Person." in (
        page.text
    )
    assert "No party may" not in page.text and "only with the originator" in page.text
    assert "A partner keeps persons for at most 5 years." in page.text
    signed = supervisor.post(
        f"{URL}/sign", data={"csrf": csrf_of(page.text), "version": "1"}, follow_redirects=False
    )
    assert signed.status_code == 303 and signed.headers["location"] == URL
    after = supervisor.get(URL)
    assert "1 of 2" in after.text and "valid" in after.text
    assert f'action="{URL}/sign"' not in after.text  # signed once only
    assert node.agreements.get(SYSTEM, "ph-ru-2026").signatures.keys() == {node.ctx.node_id}

    bundle = {
        "document": node.agreements.get(SYSTEM, "ph-ru-2026").document.to_dict(),
        "signatures": partner_signature(node),
    }
    node.agreements.receive(team.officer, bundle)
    officer = browser_as("officer")
    page = officer.get(URL)
    activated = officer.post(
        f"{URL}/activate", data={"csrf": csrf_of(page.text)}, follow_redirects=False
    )
    assert activated.status_code == 303
    page = officer.get(URL)
    assert "data-confirm=" in page.text and f'action="{URL}/suspend"' in page.text
    missing = officer.post(f"{URL}/suspend", data={"csrf": csrf_of(page.text), "reason": " "})
    assert missing.status_code == 422
    assert 'id="err-reason"' in missing.text and "give the reason" in missing.text
    assert node.agreements.get(SYSTEM, "ph-ru-2026").state is AgreementState.ACTIVE
    suspended = officer.post(
        f"{URL}/suspend",
        data={"csrf": csrf_of(page.text), "reason": "audit of the partner"},
        follow_redirects=True,
    )
    assert suspended.status_code == 200
    assert node.agreements.get(SYSTEM, "ph-ru-2026").state is AgreementState.SUSPENDED
    assert f'action="{URL}/resume"' in suspended.text


def test_an_analyst_cannot_sign_nor_suspend(browser_as: SignIn, node: Node, team: Team) -> None:
    propose(node, team)
    analyst = browser_as("analyst")
    page = analyst.get(URL)
    assert page.status_code == 200
    assert f'action="{URL}/sign"' not in page.text and "/activate" not in page.text
    refused = analyst.post(f"{URL}/sign", data={"csrf": csrf_of(page.text), "version": "1"})
    assert refused.status_code == 403
    refused = analyst.post(f"{URL}/suspend", data={"csrf": csrf_of(page.text), "reason": "x"})
    assert refused.status_code in (403, 422)
    assert node.agreements.get(SYSTEM, "ph-ru-2026").signatures == {}


def test_a_missing_agreement_is_not_found(browser_as: SignIn, team: Team) -> None:
    assert browser_as("officer").get("/agreements/nope-2026").status_code == 404


def test_titles_and_party_names_are_escaped(browser_as: SignIn, node: Node, team: Team) -> None:
    doc = agreement_doc(node, PARTNER.node_id, PARTNER.public_key)
    doc["title"] = "<script>alert(1)</script>"
    doc["parties"][1]["name"] = "' OR 1=1 --"
    node.agreements.propose(team.officer, doc)
    client = browser_as("officer")
    for url in ("/agreements", URL):
        page = client.get(url)
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
        assert "<script>alert(1)" not in page.text
        assert "&#39; OR 1=1 --" in page.text

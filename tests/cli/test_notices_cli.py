"""`liaison notice` and `liaison challenge` end to end on a real node (SQLite and
PostgreSQL): a political arrest request refused by the review with its reasons,
fixed, approved by someone else and issued (to nobody: the node has no peers);
list, show and --json; a border check with no hit; bad drafts named by field;
roles refused; a deletion challenge decided. Names and numbers are fictitious."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import orjson
import pytest

from tests.cli.test_cli import liaison

EVALUATED = {
    "crime_area": "human_trafficking",
    "subject_category": "suspect",
    "markings": {"tlp": "GREEN", "pap": "GREEN", "handling": ["H0"]},
    "evaluation": {"scheme": "admiralty", "source": "B", "information": "2"},
}
FUGITIVE = {
    "schema": "Person",
    "properties": {
        "name": ["Rodrigo Villanueva Santos"],
        "birthDate": ["1984-02-29"],
        "nationality": ["ph"],
        "passportNumber": ["P7730419"],
    },
}
POLITICAL = "Insulting the president and sedition at an opposition rally"


def said(out: str) -> str:
    """The output with Rich's line wrapping undone."""
    return " ".join(out.split())


def arrest(subject: str, charge: str = "Qualified trafficking in persons") -> dict[str, Any]:
    return {
        "kind": "arrest",
        "subjects": [subject],
        "fields": {
            "charge": charge,
            "warrant_reference": "RTC-FIC-2026-0117",
            "warrant_date": "2026-03-02",
            "issuing_authority": "Regional Trial Court, Fictitious City, Branch 9",
            "summary_of_facts": "Recruited eleven women with false job offers; sold them abroad.",
            "penalty": "Life imprisonment and a fine",
            "legal_references": ["Republic Act 9208 as amended, section 4"],
            "extradition_intent": True,
        },
        "markings": {"tlp": "GREEN", "pap": "GREEN", "handling": ["H0"]},
        "evaluation": {"scheme": "admiralty", "source": "B", "information": "2"},
        "distribution": {"mode": "publication"},
    }


@pytest.fixture
def manila(env: dict[str, str]) -> str:
    """An initialised node with one user per role; returns a record id (a fugitive)."""
    assert liaison(env, "admin", "init", "--name", "manila")[0] == 0
    for user, role in [
        ("ana", "analyst"),
        ("sam", "supervisor"),
        ("olga", "liaison_officer"),
        ("aud", "auditor"),
    ]:
        code, out = liaison(
            env, "admin", "user", "add", user, "--role", role, "--clearance", "SECRET"
        )
        assert code == 0, out
    body = orjson.dumps({"entity": FUGITIVE, "envelope": EVALUATED}).decode()
    code, out = liaison(env, "ana", "record", "create", body)
    assert code == 0, out
    return str(orjson.loads(out)["record_id"])


def write(path: Path, data: Any) -> str:
    path.write_bytes(orjson.dumps(data))
    return str(path)


def test_refused_fixed_approved_and_issued(
    env: dict[str, str], manila: str, tmp_path: Path
) -> None:
    draft = write(tmp_path / "draft.json", arrest(manila, POLITICAL))
    code, out = liaison(env, "ana", "notice", "draft", "--file", draft)
    assert code == 0, out
    assert "draft (version 1)" in said(out)
    code, out = liaison(env, "ana", "notice", "list", "--json")
    notice_id = orjson.loads(out)["notices"][0]["notice_id"]

    code, out = liaison(env, "ana", "notice", "submit", notice_id)
    assert code == 1 and "Traceback" not in out
    text = said(out)
    assert f"notice {notice_id}: draft" in text and "review refused" in text
    assert "neutrality: the request may be predominantly political" in text
    assert "fields.charge: mentions" in text and "refused by the compliance review" in text
    code, out = liaison(env, "sam", "notice", "approve", notice_id)
    assert code == 1 and notice_id in said(out)  # never approved after a refusal

    fixed = write(tmp_path / "fixed.json", arrest(manila))
    assert liaison(env, "ana", "notice", "edit", notice_id, "--file", fixed)[0] == 0
    code, out = liaison(env, "ana", "notice", "submit", notice_id)
    assert code == 0, out
    assert f"notice {notice_id}: in_review" in said(out) and "refused" not in out
    code, out = liaison(env, "ana", "notice", "approve", notice_id)
    assert code == 1 and "does not grant notice:approve" in said(out)  # an analyst
    code, out = liaison(env, "sam", "notice", "approve", notice_id)
    assert code == 0 and f"notice {notice_id}: approved" in said(out)
    code, out = liaison(env, "sam", "notice", "issue", notice_id)
    assert code == 0, out
    assert f"notice {notice_id}: issued" in said(out)
    assert "holders: none" in said(out) and "expires" in out

    code, out = liaison(env, "olga", "notice", "list", "--state", "issued")
    assert code == 0 and "issued" in out and "1 notice(s) (out)" in said(out)
    code, out = liaison(env, "olga", "notice", "list", "--in")
    assert code == 0 and "0 notice(s) (in)" in said(out)
    code, out = liaison(env, "olga", "notice", "show", notice_id)
    assert code == 0 and "Rodrigo Villanueva Santos" in said(out)
    assert "warrant_reference: RTC-FIC-2026-0117" in said(out)
    assert "extradition_intent: yes" in said(out)
    assert "review passed on" in said(out)
    assert re.search(r"history \S+ v1 issue by cli:\w+", said(out)), said(out)
    code, out = liaison(env, "olga", "notice", "show", notice_id, "--json")
    view = orjson.loads(out)
    assert view["summary"]["state"] == "issued" and view["holders"] == []
    assert [e["move"] for e in view["history"]][-2:] == ["approve", "issue"]

    code, out = liaison(env, "sam", "notice", "suspend", notice_id, "--reason", "short")
    assert code == 2 and "reason" in said(out)  # 10 characters or more
    reason = "The warrant is being reviewed by the court."
    code, out = liaison(env, "sam", "notice", "suspend", notice_id, "--reason", reason)
    assert code == 0 and f"notice {notice_id}: suspended" in said(out)
    code, out = liaison(env, "sam", "notice", "cancel", notice_id, "--reason", reason)
    assert code == 0 and f"notice {notice_id}: cancelled" in said(out)
    code, out = liaison(env, "sam", "notice", "sweep")
    assert code == 0 and "0 notice(s) expired" in out


def test_check_prints_no_hit_and_exits_zero(env: dict[str, str], manila: str) -> None:
    code, out = liaison(
        env, "olga", "notice", "check", "--passport", "P7730419", "--vehicle", "NBC 4512"
    )
    assert code == 0, out
    assert "passport P7730419: no hit" in out and "vehicle NBC4512: no hit" in out
    code, out = liaison(env, "olga", "notice", "check")
    assert code == 2 and "identifiers" in out  # nothing asked
    code, out = liaison(env, "aud", "notice", "check", "--passport", "P7730419")
    assert code == 1 and "does not grant notice:check" in said(out)


def test_bad_drafts_are_named_by_field(env: dict[str, str], manila: str, tmp_path: Path) -> None:
    code, out = liaison(env, "ana", "notice", "draft", "--file", str(tmp_path / "nowhere.json"))
    assert code == 2 and "--file" in out and "cannot read the file" in said(out)
    broken = tmp_path / "broken.json"
    broken.write_text('{"kind": "arrest",')
    code, out = liaison(env, "ana", "notice", "draft", "--file", str(broken))
    assert code == 2 and "not valid JSON" in said(out) and "Traceback" not in out
    unknown = write(tmp_path / "unknown.json", {**arrest(manila), "kind": "bounty"})
    code, out = liaison(env, "ana", "notice", "draft", "--file", unknown)
    assert code == 2 and "kind:" in said(out) and "bounty" in out and "Traceback" not in out
    code, out = liaison(env, "aud", "notice", "draft", "--file", write(broken, arrest(manila)))
    assert code == 1 and "does not grant notice:draft" in said(out)
    code, out = liaison(env, "ana", "notice", "show", "ntc-" + "0" * 32)
    assert code == 1 and "Traceback" not in out


def test_draft_from_stdin(env: dict[str, str], manila: str) -> None:
    from typer.testing import CliRunner

    from liaison.cli.main import app

    result = CliRunner().invoke(
        app,
        ["notice", "draft", "--file", "-"],
        input=orjson.dumps(arrest(manila)).decode(),
        env={**env, "LIAISON_USER": "ana"},
    )
    assert result.exit_code == 0, result.output
    assert "draft (version 1)" in said(result.output)


def test_a_deletion_challenge_is_taken_in_and_decided(env: dict[str, str], manila: str) -> None:
    args = ["--kind", "deletion", "--record", manila, "--name", "Rodrigo Villanueva Santos"]
    code, out = liaison(env, "ana", "challenge", "open", *args)
    assert code == 1 and "does not grant challenge:handle" in said(out)
    code, out = liaison(env, "olga", "challenge", "open", *args, "--contact", "rvs@example.org")
    assert code == 0, out
    assert "(deletion): received" in said(out) and "does not confirm or deny" in said(out)
    code, out = liaison(env, "olga", "challenge", "list", "--json")
    challenge_id = orjson.loads(out)[0]["challenge_id"]
    code, out = liaison(env, "olga", "challenge", "list", "--stage", "received")
    assert code == 0 and "1 challenge(s)" in out
    code, out = liaison(env, "olga", "challenge", "show", challenge_id)
    assert code == 0 and "requester: Rodrigo Villanueva Santos (rvs@example.org)" in said(out)
    code, out = liaison(
        env, "olga", "challenge", "decide", challenge_id, "--verdict", "maybe", "--reasons", "x"
    )
    assert code == 2 and "verdict" in said(out) and "maybe" in out
    reasons = "The person was wrongly identified; the warrant names someone else."
    decide = ["challenge", "decide", challenge_id, "--verdict", "grant", "--reasons", reasons]
    code, out = liaison(env, "olga", *decide)
    assert code == 2 and "records: grant: name the records" in said(out)
    code, out = liaison(env, "olga", *decide, "--record", manila)
    assert code == 0, out
    assert "decided" in out and "verdict: grant" in said(out)
    code, out = liaison(env, "olga", "challenge", "show", challenge_id, "--json")
    assert orjson.loads(out)["decision"]["reasons"] == reasons
    code, out = liaison(env, "ana", "record", "get", manila)
    assert code == 0 and orjson.loads(out)["deleted"] is True  # the deletion granted


def issued_with_override(env: dict[str, str], manila: str, tmp_path: Path) -> str:
    """A political draft refused, overridden in writing by the auditor, approved, issued."""
    draft = write(tmp_path / "draft.json", arrest(manila, POLITICAL))
    assert liaison(env, "ana", "notice", "draft", "--file", draft)[0] == 0
    code, out = liaison(env, "ana", "notice", "list", "--state", "draft", "--json")
    notice_id = str(orjson.loads(out)["notices"][0]["notice_id"])
    assert liaison(env, "ana", "notice", "submit", notice_id)[0] == 1
    why = "The charge is ordinary trafficking; the rally is where he was last seen."
    code, out = liaison(env, "sam", "notice", "override", notice_id, "--justification", why)
    assert code == 1 and "does not grant notice:override" in said(out)
    code, out = liaison(env, "aud", "notice", "override", notice_id, "--justification", why)
    assert code == 0, out
    text = said(out)
    assert f"notice {notice_id}: in_review" in text
    assert "review refused, overridden by cli:aud" in text and f"justification: {why}" in text
    assert liaison(env, "sam", "notice", "approve", notice_id)[0] == 0
    assert liaison(env, "sam", "notice", "issue", notice_id)[0] == 0
    return notice_id


def test_override_in_writing_and_answers_on_our_own_notice(
    env: dict[str, str], manila: str, tmp_path: Path
) -> None:
    notice_id = issued_with_override(env, manila, tmp_path)
    code, out = liaison(env, "olga", "notice", "respond", notice_id, "--kind", "located")
    assert code == 2 and "kind:" in said(out) and "confirmed" in out  # our own notice
    code, out = liaison(env, "olga", "notice", "confirm", notice_id, "--receiver", "lsn-nobody")
    assert code == 2 and "receiver:" in said(out) and "lsn-nobody" in out


def test_an_amendment_is_proposed_and_approved(
    env: dict[str, str], manila: str, tmp_path: Path
) -> None:
    notice_id = issued_with_override(env, manila, tmp_path)
    amended = write(tmp_path / "amended.json", arrest(manila))
    code, out = liaison(env, "ana", "notice", "amend", notice_id, "--file", amended)
    assert code == 0 and "an amendment waits for approval" in said(out)
    reason = "The charge is restated without the rally."
    code, out = liaison(env, "sam", "notice", "approve-amendment", notice_id, "--reason", reason)
    assert code == 0, out
    assert f"notice {notice_id}: issued (version 2)" in said(out)

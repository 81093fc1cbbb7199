"""What each role may do on its own node, and the clearance rule.

Separation of duties: administrators run the node but do not read records;
auditors read records and the audit log but never change records; nobody
edits the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from liaison.errors import Forbidden
from liaison.model.markings import Classification, Markings
from liaison.model.roles import Actor, Role


class Permission(StrEnum):
    RECORD_READ = "record:read"
    RECORD_WRITE = "record:write"
    RECORD_IMPORT = "record:import"
    RECORD_EXPORT = "record:export"
    AUDIT_READ = "audit:read"
    AUDIT_VERIFY = "audit:verify"
    USER_MANAGE = "user:manage"
    AGREEMENT_READ = "agreement:read"
    AGREEMENT_MANAGE = "agreement:manage"
    AGREEMENT_SIGN = "agreement:sign"
    CONSENT_MANAGE = "consent:manage"
    POLICY_EXPLAIN = "policy:explain"
    NEUTRALITY_REVIEW = "neutrality:review"
    RECORD_RENEW = "record:renew"
    PEER_MANAGE = "peer:manage"
    PEER_READ = "peer:read"
    DISCLOSURE_READ = "disclosure:read"
    MATCH = "match:run"
    ALERT_READ = "alert:read"
    ALERT_DECIDE = "alert:decide"
    WATCHLIST_READ = "watchlist:read"
    WATCHLIST_MANAGE = "watchlist:manage"
    HIT_QUERY = "hit:query"  # ask a partner hit/no-hit
    HUB_MANAGE = "hub:manage"  # create hub projects, join one as a member
    HUB_USE = "hub:use"  # submit to a hub, read its candidate pairs
    FOLLOWUP_FILE = "followup:file"  # ask a partner for what a hit found
    FOLLOWUP_READ = "followup:read"
    FOLLOWUP_DECIDE = "followup:decide"  # approve, deny, ask for more
    COLLECTION_READ = "collection:read"  # read every partner's TAXII collection
    FEED_MANAGE = "feed:manage"  # subscribe to TAXII feeds, pull them, read their state
    NOTICE_READ = "notice:read"  # our notices and the partners' we hold
    NOTICE_DRAFT = "notice:draft"  # draft, edit, submit to review, draft amendments
    NOTICE_APPROVE = "notice:approve"  # approve, issue, suspend, resume, renew, cancel
    NOTICE_OVERRIDE = "notice:override"  # override a neutrality refusal, in writing
    NOTICE_RESPOND = "notice:respond"  # answer a partner's notice; confirm a response
    NOTICE_CHECK = "notice:check"  # a border post's hit/no-hit against identifier lists
    CHALLENGE_HANDLE = "challenge:handle"  # take in, route and decide persons' requests


P = Permission
#: Liaison officers propose, receive, activate, suspend and terminate agreements
#: and decide consents; supervisors sign for the agency and nothing else about
#: agreements (so no agreement binds the node on one person's word); they renew
#: records at review; auditors run the neutrality queue. Administrators add
#: peers (keys and addresses); officers and auditors read the peers' state and
#: the disclosure register. Analysts and supervisors screen, keep watchlists and
#: decide alerts; officers screen and read alerts; auditors read the audit log.
#: Analysts and officers ask partners hit/no-hit and file follow-up requests;
#: only officers decide the partners' requests; supervisors and auditors read them.
#: In hub mode administrators create projects (on a hub) and join them (on a
#: member); analysts and officers submit and read the candidate pairs.
#: Auditors read every partner's TAXII collection (what each partner receives);
#: a partner's own TAXII account reads only its partner's (``policy.collections``).
#: Notices (``liaison.diffusion``): analysts draft them and check identifiers at the
#: border; the compliance review is automatic, and only an auditor overrides its
#: neutrality refusal, in writing; supervisors approve, issue, suspend, resume,
#: renew and cancel (four-eyes: never their own draft); liaison officers answer the
#: partners' notices, check identifiers, and take in and decide the challenges of
#: the persons concerned; every role but the administrator reads notices.
#: Administrators subscribe the node to TAXII feeds and pull them (the records a
#: feed brings are written by the node's STIX import, with the feed as provenance).
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMINISTRATOR: frozenset(
        {
            P.USER_MANAGE,
            P.AUDIT_VERIFY,
            P.AGREEMENT_READ,
            P.PEER_MANAGE,
            P.PEER_READ,
            P.HUB_MANAGE,
            P.FEED_MANAGE,
        }
    ),
    Role.ANALYST: frozenset(
        {
            P.RECORD_READ,
            P.RECORD_WRITE,
            P.RECORD_IMPORT,
            P.RECORD_EXPORT,
            P.AGREEMENT_READ,
            P.POLICY_EXPLAIN,
            P.MATCH,
            P.ALERT_READ,
            P.ALERT_DECIDE,
            P.WATCHLIST_READ,
            P.WATCHLIST_MANAGE,
            P.HIT_QUERY,
            P.HUB_USE,
            P.FOLLOWUP_FILE,
            P.FOLLOWUP_READ,
            P.NOTICE_READ,
            P.NOTICE_DRAFT,
            P.NOTICE_CHECK,
        }
    ),
    Role.LIAISON_OFFICER: frozenset(
        {
            P.RECORD_READ,
            P.RECORD_EXPORT,
            P.AGREEMENT_READ,
            P.AGREEMENT_MANAGE,
            P.CONSENT_MANAGE,
            P.POLICY_EXPLAIN,
            P.PEER_READ,
            P.DISCLOSURE_READ,
            P.MATCH,
            P.ALERT_READ,
            P.WATCHLIST_READ,
            P.HIT_QUERY,
            P.HUB_USE,
            P.FOLLOWUP_FILE,
            P.FOLLOWUP_READ,
            P.FOLLOWUP_DECIDE,
            P.NOTICE_READ,
            P.NOTICE_RESPOND,
            P.NOTICE_CHECK,
            P.CHALLENGE_HANDLE,
        }
    ),
    Role.SUPERVISOR: frozenset(
        {
            P.RECORD_READ,
            P.RECORD_WRITE,
            P.RECORD_RENEW,
            P.AGREEMENT_READ,
            P.AGREEMENT_SIGN,
            P.POLICY_EXPLAIN,
            P.MATCH,
            P.ALERT_READ,
            P.ALERT_DECIDE,
            P.WATCHLIST_READ,
            P.WATCHLIST_MANAGE,
            P.FOLLOWUP_READ,
            P.NOTICE_READ,
            P.NOTICE_APPROVE,
        }
    ),
    Role.AUDITOR: frozenset(
        {
            P.RECORD_READ,
            P.AUDIT_READ,
            P.AUDIT_VERIFY,
            P.AGREEMENT_READ,
            P.POLICY_EXPLAIN,
            P.NEUTRALITY_REVIEW,
            P.PEER_READ,
            P.DISCLOSURE_READ,
            P.FOLLOWUP_READ,
            P.COLLECTION_READ,
            P.NOTICE_READ,
            P.NOTICE_OVERRIDE,
        }
    ),
}


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reasons: tuple[str, ...]


def check_role(actor: Actor, permission: Permission) -> Decision:
    allowed = permission in ROLE_PERMISSIONS[actor.role]
    verb = "grants" if allowed else "does not grant"
    return Decision(allowed, (f"role {actor.role.value} {verb} {permission.value}",))


def check_clearance(actor: Actor, markings: Markings) -> Decision:
    level = markings.effective().classification or Classification.UNCLASSIFIED
    allowed = actor.clearance >= level
    relation = "covers" if allowed else "is below"
    reason = f"clearance {actor.clearance.name} {relation} classification {level.name}"
    return Decision(allowed, (reason,))


def require(decision: Decision) -> None:
    if not decision.allowed:
        raise Forbidden("; ".join(decision.reasons))

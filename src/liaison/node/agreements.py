"""Agreement use cases: propose, receive from a partner, sign, activate,
suspend, resume, terminate, inspect. Each is one transaction with its audit
entry. Signing uses this node's key; a partner's signature arrives in a
bundle (the document and the signatures so far) and is checked against the
key the document pins for that partner."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection

from liaison.audit.chain import Action, Result
from liaison.errors import Conflict, InvalidInput, InvalidSignature, NotFound
from liaison.model.roles import Actor
from liaison.node.context import NO_REASON, NodeContext, Why
from liaison.node.diffusion import DiffusionService
from liaison.node.outbox import propagate_all
from liaison.policy import agreements as rules
from liaison.policy.agreements import Agreement, AgreementDocument, AgreementState
from liaison.policy.permissions import Permission
from liaison.storage import policy as store

P = Permission
_TARGETS = {
    "activate": (AgreementState.ACTIVE, Action.AGREEMENT_ACTIVATE),
    "suspend": (AgreementState.SUSPENDED, Action.AGREEMENT_SUSPEND),
    "resume": (AgreementState.ACTIVE, Action.AGREEMENT_RESUME),
    "terminate": (AgreementState.TERMINATED, Action.AGREEMENT_TERMINATE),
}
MOVES = tuple(_TARGETS)


class AgreementService:
    def __init__(self, ctx: NodeContext) -> None:
        self.ctx = ctx

    def propose(self, actor: Actor, data: Any, why: Why = NO_REASON) -> Agreement:
        """A new agreement (version 1) or an amendment (the next version), as a draft."""
        with self.ctx.guard(actor, why):
            self.ctx.permit(actor, P.AGREEMENT_MANAGE, Action.AGREEMENT_PROPOSE, "agreement")
            doc = rules.parse_document(data)
            self._must_be_party(doc.party_ids)
            with self.ctx.tx() as conn:
                agreement = self._add_draft(conn, actor, doc)
                self._log(conn, actor, Action.AGREEMENT_PROPOSE, agreement, why)
        return agreement

    def receive(self, actor: Actor, bundle: Any, why: Why = NO_REASON) -> Agreement:
        """A partner's bundle: the document (stored as a draft if new) and its signatures."""
        if not isinstance(bundle, dict) or "document" not in bundle:
            raise InvalidInput("bundle", bundle, "must be an object with document and signatures")
        signatures = bundle.get("signatures") or {}
        if not isinstance(signatures, dict):
            raise InvalidInput("signatures", signatures, "must map node ids to signatures")
        with self.ctx.guard(actor, why), self._refusals(actor, Action.AGREEMENT_SIGN, why):
            self.ctx.permit(actor, P.AGREEMENT_MANAGE, Action.AGREEMENT_PROPOSE, "agreement")
            doc = rules.parse_document(bundle["document"])
            self._must_be_party(doc.party_ids)
            with self.ctx.tx() as conn:
                agreement = store.load_agreement(conn, doc.agreement_id, doc.version, lock=True)
                if agreement is None:
                    agreement = self._add_draft(conn, actor, doc)
                    self._log(conn, actor, Action.AGREEMENT_PROPOSE, agreement, why, received=True)
                elif agreement.document.hash != doc.hash:
                    raise Conflict(
                        f"agreement {doc.agreement_id} version {doc.version} here has hash "
                        f"{agreement.document.hash}, the bundle's has {doc.hash}: not the same "
                        "document"
                    )
                for node_id, signature in sorted(signatures.items()):
                    if node_id in agreement.signatures:
                        if agreement.signatures[node_id] != signature:
                            rules.check_signature(doc, node_id, str(signature))
                        continue
                    agreement = self._add(conn, actor, agreement, node_id, str(signature), why)
        return agreement

    def sign(
        self, actor: Actor, agreement_id: str, version: int, why: Why = NO_REASON
    ) -> Agreement:
        """Sign one version for this node, with its key. The version is named
        explicitly, so that nobody signs a draft that arrived after they read one."""
        with self.ctx.guard(actor, why):
            self.ctx.permit(actor, P.AGREEMENT_SIGN, Action.AGREEMENT_SIGN, agreement_id)
            with self.ctx.tx() as conn:
                agreement = _load(conn, agreement_id, version, lock=True)
                signature = self.ctx.key.sign(agreement.document.signing_payload())
                return self._add(conn, actor, agreement, self.ctx.node_id, signature, why)

    def move(
        self,
        actor: Actor,
        agreement_id: str,
        move: str,
        reason: str | None = None,
        why: Why = NO_REASON,
    ) -> Agreement:
        """Activate the latest version; suspend, resume or terminate the one in force."""
        if move not in _TARGETS:
            raise InvalidInput("move", move, f"must be one of {', '.join(MOVES)}")
        target, action = _TARGETS[move]
        if move in ("suspend", "terminate") and not (reason and reason.strip()):
            raise InvalidInput("reason", reason, f"to {move} an agreement, give the reason")
        with self.ctx.guard(actor, why), self._refusals(actor, action, why, agreement_id):
            self.ctx.permit(actor, P.AGREEMENT_MANAGE, action, agreement_id)
            with self.ctx.tx() as conn:
                # activation puts the latest version in force; the other moves act on
                # the version in force, whatever drafts of an amendment wait beside it
                found = (
                    _load(conn, agreement_id, None, lock=True)
                    if move == "activate"
                    else store.in_force(conn, agreement_id, lock=True)
                )
                if found is None:
                    raise Conflict(f"agreement {agreement_id} has no version in force to {move}")
                agreement = found
                if move == "resume" and agreement.state is not AgreementState.SUSPENDED:
                    raise Conflict(
                        f"agreement {agreement_id} is {agreement.state.value}, not suspended"
                    )
                moved = rules.transition(agreement, target)
                store.set_state(conn, moved, self.ctx.now())
                superseded = self._supersede_older(conn, moved) if move == "activate" else []
                queued = propagate_all(self.ctx, conn)  # what now flows, or is recalled
                queued += DiffusionService(self.ctx).agreements_moved(conn)  # notices too
                self._log(
                    conn,
                    actor,
                    action,
                    moved,
                    why,
                    reason=reason,
                    on_end=moved.document.on_end.value,
                    superseded=superseded,
                    queued=queued,
                )
        return moved

    def get(
        self, actor: Actor, agreement_id: str, version: int | None = None, why: Why = NO_REASON
    ) -> Agreement:
        with self.ctx.guard(actor, why):
            self.ctx.permit(actor, P.AGREEMENT_READ, Action.AGREEMENT_READ, agreement_id)
            with self.ctx.tx() as conn:
                agreement = _load(conn, agreement_id, version)
                self._log(conn, actor, Action.AGREEMENT_READ, agreement, why)
        return agreement

    def all(self, actor: Actor, why: Why = NO_REASON) -> list[Agreement]:
        with self.ctx.guard(actor, why):
            self.ctx.permit(actor, P.AGREEMENT_READ, Action.AGREEMENT_READ, "agreements")
            with self.ctx.tx() as conn:
                found = store.all_agreements(conn)
                self.ctx.record(
                    conn, actor, Action.AGREEMENT_READ, "agreements", why, returned=len(found)
                )
        return found

    def diff(self, actor: Actor, agreement_id: str, old: int, new: int) -> list[str]:
        before = self.get(actor, agreement_id, old)
        after = self.get(actor, agreement_id, new)
        return rules.diff(before.document, after.document)

    def _add_draft(self, conn: Connection, actor: Actor, doc: AgreementDocument) -> Agreement:
        """Store a new agreement (version 1) or the next version of one, as a draft."""
        latest = store.load_agreement(conn, doc.agreement_id, lock=True)
        if latest is not None:
            rules.check_amendment(latest.document, doc, latest.state)
        elif doc.version != 1:
            raise InvalidInput("version", doc.version, "a new agreement starts at 1")
        agreement = Agreement(doc)
        store.add_agreement(conn, agreement, actor.label, self.ctx.now())
        return agreement

    def _add(
        self, conn: Connection, actor: Actor, agreement: Agreement, node_id: str, sig: str, why: Why
    ) -> Agreement:
        signed = rules.add_signature(agreement, node_id, sig)
        store.add_signature(conn, signed, node_id, actor.label, self.ctx.now())
        self._log(conn, actor, Action.AGREEMENT_SIGN, signed, why, party=node_id)
        return signed

    def _supersede_older(self, conn: Connection, active: Agreement) -> list[int]:
        done = []
        for version in range(active.document.version - 1, 0, -1):
            older = store.load_agreement(conn, active.document.agreement_id, version, lock=True)
            if older is not None and older.state in (
                AgreementState.ACTIVE,
                AgreementState.SUSPENDED,
            ):
                store.set_state(conn, rules.supersede(older), self.ctx.now())
                done.append(version)
        return done

    @contextmanager
    def _refusals(
        self, actor: Actor, action: Action, why: Why, obj: str = "agreement"
    ) -> Iterator[None]:
        """A forged signature or a refused move leaves a trace: an entry of its own."""
        try:
            yield
        except (InvalidSignature, Conflict) as exc:
            with self.ctx.tx() as conn:
                self.ctx.record(conn, actor, action, obj, why, Result.REJECTED, reason=exc.message)
            raise

    def _must_be_party(self, parties: frozenset[str]) -> None:
        if self.ctx.node_id not in parties:
            raise InvalidInput(
                "parties", sorted(parties), f"this node ({self.ctx.node_id}) is not a party"
            )

    def _log(
        self,
        conn: Connection,
        actor: Actor,
        action: Action,
        agreement: Agreement,
        why: Why,
        **detail: object,
    ) -> None:
        doc = agreement.document
        self.ctx.record(
            conn,
            actor,
            action,
            f"agreement:{doc.agreement_id}@{doc.version}",
            why,
            Result.OK,
            hash=doc.hash,
            state=agreement.state.value,
            **detail,
        )


def _load(
    conn: Connection, agreement_id: str, version: int | None, lock: bool = False
) -> Agreement:
    agreement = store.load_agreement(conn, agreement_id, version, lock)
    if agreement is None:
        key = agreement_id if version is None else f"{agreement_id}@{version}"
        raise NotFound("agreement", key)
    return agreement

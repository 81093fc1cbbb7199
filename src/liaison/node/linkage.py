"""A member's side of multilateral hub mode.

**Joining.** The members of a project agree among themselves, out of band,
on a linkage secret (at least 32 bytes, e.g. ``openssl rand -base64 48``,
handed over the way the agreement's signatures are); each member's
administrator joins the project with it (``liaison hub join --project P
--hub H --member A --member B --secret-file F``), naming the hub and every
member. The secret is stored sealed (AES-GCM under a key derived from the
node key's deterministic signature of a fixed label, with the project and
hub as associated data), so a copy of the database alone does not reveal
it. It is used only here, to key the encodings and the block ids; it never
leaves the node, and the hub never receives it.

**What is offered.** A submission holds the node's own current Person
records (with a name) that the policy offers *every other member* of the
project as hit/no-hit (``best_push`` with ``Use.HIT_ONLY``, at least
``Outcome.HIT_ONLY``, under an agreement in force with that member): the
hub may pair a record with any member, so a record that one member may not
learn of stays home. Each person becomes a ``liaison.matching.bloom.Person``
(given name and surname in Latin letters, birth date; no address: FtM keeps
addresses as free text that members write differently) and is encoded with
the hub's hardened schema and keyed block ids.

**References.** Each submitted record gets a fresh random reference (16
bytes, base64url) per submission; only the member knows which record it
stands for (``hub_refs``), so the hub learns nothing it could link to a
record id or across submissions by reference. A candidate pair the hub
returns is resolved here to the own record and kept with the partner and
the partner's reference (``hub_candidates``) for a follow-up request; a
user sees the candidates on records their clearance lets them see.

Everything is audited: ``hub.join`` (without the secret), ``hub.submit``
(how many records were offered and how many the policy kept home),
``hub.results`` and ``hub.list``.
"""

from __future__ import annotations

import asyncio
import base64
import os
import secrets
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx2 as httpx
import orjson
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import Connection, Row

from liaison.audit.chain import Action, Result
from liaison.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    LiaisonError,
    MessageRefused,
    NotFound,
    PeerUnreachable,
)
from liaison.federation import hub as wire
from liaison.federation.messages import MessageType, seal
from liaison.matching import bloom
from liaison.matching.names import analyse
from liaison.model.records import Record
from liaison.model.roles import Actor
from liaison.node.context import NO_REASON, NodeContext, Why
from liaison.node.decisions import best_push, facts_for, local_decisions, policy_context
from liaison.node.hub import peer_ids, project_name
from liaison.policy.decide import Outcome, PolicyContext, RecordFacts, Use
from liaison.policy.permissions import Permission
from liaison.storage import federation as federation_store
from liaison.storage import hub as store
from liaison.storage import records as record_store

if TYPE_CHECKING:
    from liaison.node.courier import Clients
    from liaison.node.federation import FederationService

P = Permission
MIN_SECRET = 32  # bytes
_SEAL_LABEL = b"liaison-hub-secret-seal-v1"
_CHUNK = 2000
_INBOX = "/api/v1/federation/inbox"


# --- records as the hub's persons (pure) ----------------------------------------------


def person_of(record: Record) -> bloom.Person | None:
    """The person the hub encodes for a record; None if it is not a named person."""
    if record.schema != "Person" or record.deleted:
        return None
    props = record.properties
    given, surname = bloom_name(_first(props, "firstName")), bloom_name(_first(props, "lastName"))
    if not (given or surname):
        given, surname = _split_name(_first(props, "name"))
    if not (given or surname):
        return None
    return bloom.Person(given_name=given, surname=surname, birth_date=_date(props))


def _parts(name: str) -> list[str]:
    """A name's parts in lower-case Latin letters, whatever the script (particles
    joined to their surname, honorifics dropped)."""
    forms = analyse([name]) if name.strip() else ()
    return [part.text for part in forms[0].parts] if forms else []


def bloom_name(value: str) -> str:
    """A given name or surname as the hub's schema takes it."""
    return "".join(_parts(value))


def _split_name(name: str) -> tuple[str, str]:
    """Given name and surname of a whole name: its first and last parts."""
    parts = _parts(name)
    if len(parts) < 2:
        return "", "".join(parts)
    return parts[0], parts[-1]


def _first(props: Mapping[str, Sequence[str]], name: str) -> str:
    values = [v.strip() for v in props.get(name, ()) if isinstance(v, str) and v.strip()]
    return values[0] if values else ""


def _date(props: Mapping[str, Sequence[str]]) -> str:
    """The first full birth date (YYYY-MM-DD); a year or a month alone is left out."""
    value = _first(props, "birthDate")[:10]
    return value if len(value) == 10 and value[4] == "-" and value[7] == "-" else ""


def offered_to_all(
    facts: RecordFacts, record: Record, context: PolicyContext, others: Sequence[str]
) -> bool:
    """Whether the policy lets every other member learn of the record (hit/no-hit)."""
    return all(
        best_push(facts, member, record, context, Use.HIT_ONLY).outcome >= Outcome.HIT_ONLY
        for member in others
    )


def new_ref() -> str:
    """A fresh opaque reference: 16 random bytes, base64url."""
    return base64.urlsafe_b64encode(secrets.token_bytes(16)).rstrip(b"=").decode("ascii")


@dataclass(frozen=True)
class Prepared:
    """A submission ready to send: the hub, the bodies of its parts, the counts."""

    hub: Row[Any]
    project: str
    submission: str
    bodies: list[dict[str, Any]]
    offered: int
    kept_home: int  # named persons the policy does not offer every other member


class LinkageService:
    def __init__(self, ctx: NodeContext, federation: FederationService) -> None:
        self.ctx = ctx
        self.federation = federation
        self._key: bytes | None = None

    # --- joining -------------------------------------------------------------------------

    def join(
        self,
        actor: Actor,
        project: str,
        hub: str,
        members: Sequence[str],
        secret: bytes,
        why: Why = NO_REASON,
    ) -> dict[str, Any]:
        """Join a project on a hub with the members' shared linkage secret (white
        space around it is not part of it: a file's final newline)."""
        name = project_name(project)
        secret = secret.strip() if isinstance(secret, bytes) else secret
        if not isinstance(secret, bytes) or len(secret) < MIN_SECRET:
            raise InvalidInput("secret", "<hidden>", f"at least {MIN_SECRET} bytes")
        with self.ctx.guard(actor, why):
            self.ctx.permit(actor, P.HUB_MANAGE, Action.HUB_JOIN, f"hub:{name}")
            with self.ctx.tx() as conn:
                hub_id, ids = self._parties(conn, hub, members)
                if store.membership(conn, name) is not None:
                    raise Conflict(f"this node is already in project {name}")
                sealed = self._seal(name, hub_id, secret)
                store.add_membership(
                    conn, _membership_row(name, hub_id, ids, sealed, actor, self.ctx)
                )
                self.ctx.record(
                    conn, actor, Action.HUB_JOIN, f"hub:{name}", why, hub=hub_id, members=ids
                )
                return _membership(conn, store.membership(conn, name))

    def memberships(self, actor: Actor) -> list[dict[str, Any]]:
        with self.ctx.guard(actor):
            self.ctx.permit(actor, P.HUB_USE, Action.HUB_LIST, "hub:memberships")
            with self.ctx.tx() as conn:
                found = [_membership(conn, row) for row in store.memberships(conn)]
                self.ctx.record(
                    conn, actor, Action.HUB_LIST, "hub:memberships", returned=len(found)
                )
        return found

    def _parties(self, conn: Connection, hub: str, members: Sequence[str]) -> tuple[str, list[str]]:
        me = self.ctx.node_id
        (hub_id,) = peer_ids(conn, [hub], self.ctx)
        ids = sorted(set(peer_ids(conn, members, self.ctx)) | {me})
        if hub_id in ids:
            raise InvalidInput("hub", hub, "the hub is a peer that is not a member")
        if len(ids) < 2:
            raise InvalidInput("members", list(members), "a project has two members at least")
        return hub_id, ids

    # --- submitting ----------------------------------------------------------------------

    def prepare(self, actor: Actor, project: str, why: Why = NO_REASON) -> Prepared:
        """Encode the records offered to every other member; keep their references."""
        name = project_name(project)
        with self.ctx.guard(actor, why):
            self.ctx.permit(actor, P.HUB_USE, Action.HUB_SUBMIT, f"hub:{name}")
        with self.ctx.read() as conn:
            row = _joined(conn, name)
            hub = federation_store.peer(conn, row.hub)
            members = orjson.loads(row.members)
            others = [m for m in members if m != self.ctx.node_id]
            people, kept_home = self._offered(conn, others)
        if hub is None:
            raise NotFound("peer", row.hub)
        encoded = bloom.encode_people([p for _, p in people], self._unseal(row))
        refs = [new_ref() for _ in people]
        submission = uuid.uuid4().hex
        with self.ctx.tx() as conn:
            store.add_refs(conn, _ref_rows(name, submission, refs, people, self.ctx))
        parts = wire.split(name, submission, members, refs, encoded)
        bodies = [p.to_body() for p in parts]
        return Prepared(hub, name, submission, bodies, len(people), kept_home)

    def _offered(
        self, conn: Connection, others: Sequence[str]
    ) -> tuple[list[tuple[str, bloom.Person]], int]:
        """Own named persons the policy offers every other member, and how many stay home."""
        out: list[tuple[str, bloom.Person]] = []
        kept_home, after = 0, 0
        while True:
            found, after = record_store.current_of(conn, self.ctx.node_id, after, _CHUNK)
            if not found:
                return out, kept_home
            named = [(r, p) for r in found if (p := person_of(r)) is not None]
            records = [r for r, _ in named]
            context = policy_context(self.ctx, conn, [r.record_id for r in records])
            for (record, person), facts in zip(
                named, facts_for(self.ctx, conn, records), strict=True
            ):
                if offered_to_all(facts, record, context, others):
                    out.append((record.record_id, person))
                else:
                    kept_home += 1

    def submitted(
        self,
        actor: Actor,
        prepared: Prepared,
        acks: Sequence[Mapping[str, Any]],
        why: Why = NO_REASON,
    ) -> dict[str, Any]:
        """The hub took every part: note it and audit it."""
        run = acks[-1].get("run") if acks else None
        summary = {
            "project": prepared.project,
            "hub": prepared.hub.name,
            "submission": prepared.submission,
            "offered": prepared.offered,
            "kept_home": prepared.kept_home,
            "parts": len(prepared.bodies),
            "run": run if type(run) is int else None,
        }
        with self.ctx.tx() as conn:
            store.set_membership(conn, prepared.project, submitted=self.ctx.now())
            # what the hub held before is replaced: its references and pairs are void
            store.drop_refs_except(conn, prepared.project, prepared.submission)
            store.replace_candidates(conn, prepared.project, [])
            detail = {k: v for k, v in summary.items() if k != "project"}
            self.ctx.record(
                conn, actor, Action.HUB_SUBMIT, f"hub:{prepared.project}", why, **detail
            )
        return summary

    def failed(
        self, actor: Actor, action: Action, project: str, exc: LiaisonError, why: Why, **detail: Any
    ) -> None:
        """An exchange with the hub that failed or was refused: audited too."""
        result = Result.REJECTED if isinstance(exc, Forbidden) else Result.FAILED
        with self.ctx.tx() as conn:
            target = f"hub:{project}"
            self.ctx.record(conn, actor, action, target, why, result, reason=exc.message, **detail)

    def message(self, hub: Row[Any], kind: MessageType, body: dict[str, Any]) -> bytes:
        return seal(self.ctx.key, kind, hub.node_id, body, self.ctx.now())

    # --- results -------------------------------------------------------------------------

    def question(
        self, actor: Actor, project: str, why: Why = NO_REASON
    ) -> tuple[Row[Any], dict[str, Any]]:
        """The hub to ask and the body of a ``hub_pull`` for our candidate pairs."""
        name = project_name(project)
        with self.ctx.guard(actor, why):
            self.ctx.permit(actor, P.HUB_USE, Action.HUB_RESULTS, f"hub:{name}")
        with self.ctx.read() as conn:
            row = _joined(conn, name)
            hub = federation_store.peer(conn, row.hub)
        if hub is None:
            raise NotFound("peer", row.hub)
        return hub, {"project": name, "request": uuid.uuid4().hex}

    def take_results(
        self,
        actor: Actor,
        hub: Row[Any],
        asked: Mapping[str, Any],
        reply: bytes,
        why: Why = NO_REASON,
    ) -> list[dict[str, Any]]:
        """Read the hub's signed answer: resolve our references, keep the candidates."""
        name = str(asked["project"])
        answer = self.federation.open(reply)
        if answer.type is not MessageType.HUB_RESULTS or answer.sender != hub.node_id:
            raise MessageRefused("type", answer.type.value, "a hub_pull is answered by hub_results")
        body = answer.body
        with self.ctx.tx() as conn:
            row = _joined(conn, name)
            others = frozenset(orjson.loads(row.members)) - {self.ctx.node_id}
            results = wire.read_results(body, name, str(asked["request"]), others)
            rows = _candidate_rows(conn, name, results, self.ctx)
            store.replace_candidates(conn, name, rows)
            store.set_membership(conn, name, run=results.run)
            self.ctx.record(
                conn,
                actor,
                Action.HUB_RESULTS,
                f"hub:{name}",
                why,
                hub=row.hub,
                run=results.run,
                pairs=len(rows),
            )
        return self.candidates(actor, name)

    def candidates(self, actor: Actor, project: str) -> list[dict[str, Any]]:
        """The candidate pairs kept for a project, on records this user may see."""
        name = project_name(project)
        with self.ctx.guard(actor):
            self.ctx.permit(actor, P.HUB_USE, Action.HUB_LIST, f"hub:{name}")
            with self.ctx.tx() as conn:
                _joined(conn, name)
                rows = store.candidates(conn, name)
                visible = self._visible(conn, actor, [r.record_id for r in rows])
                shown = [r for r in rows if r.record_id in visible]
                self.ctx.record(conn, actor, Action.HUB_LIST, f"hub:{name}", returned=len(shown))
                names = federation_store.peer_names(conn)
        return [_candidate(r, names) for r in shown]

    def _visible(self, conn: Connection, actor: Actor, record_ids: Sequence[str]) -> set[str]:
        records = record_store.current_for(conn, sorted(set(record_ids)))
        decisions = local_decisions(self.ctx, conn, actor, records, Use.VIEW)
        return {r.record_id for r, d in zip(records, decisions, strict=True) if d.allowed}

    # --- the sealed secret ---------------------------------------------------------------

    def _aead(self) -> AESGCM:
        """AES-GCM under a key only the node key can produce (never stored)."""
        if self._key is None:
            signature = self.ctx.key.sign(_SEAL_LABEL).encode()
            hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_SEAL_LABEL)
            self._key = hkdf.derive(signature)
        return AESGCM(self._key)

    def _seal(self, project: str, hub: str, secret: bytes) -> bytes:
        nonce = os.urandom(12)
        return nonce + self._aead().encrypt(nonce, secret, f"{project}\x1f{hub}".encode())

    def _unseal(self, row: Row[Any]) -> bytes:
        sealed = bytes(row.secret)
        try:
            return self._aead().decrypt(
                sealed[:12], sealed[12:], f"{row.project}\x1f{row.hub}".encode()
            )
        except InvalidTag:
            raise Conflict(
                f"the linkage secret of {row.project} does not open with this node key; join again"
            ) from None


# --- over HTTP -------------------------------------------------------------------------


async def submit(
    linkage: LinkageService, clients: Clients, actor: Actor, project: str, why: Why = NO_REASON
) -> dict[str, Any]:
    """Send a submission to the hub, part after part, each acknowledged."""
    prepared = await asyncio.to_thread(linkage.prepare, actor, project, why)
    acks: list[dict[str, Any]] = []
    try:
        for body in prepared.bodies:
            raw = linkage.message(prepared.hub, MessageType.HUB_SUBMIT, body)
            reply = await _post(clients, prepared.hub, raw)
            acks.append(_ack(linkage, prepared, body, reply))
    except LiaisonError as exc:
        detail = {"submission": prepared.submission, "parts_taken": len(acks)}
        linkage.failed(actor, Action.HUB_SUBMIT, prepared.project, exc, why, **detail)
        raise
    return linkage.submitted(actor, prepared, acks, why)


async def results(
    linkage: LinkageService, clients: Clients, actor: Actor, project: str, why: Why = NO_REASON
) -> list[dict[str, Any]]:
    """Ask the hub for our candidate pairs and keep them."""
    hub, asked = linkage.question(actor, project, why)
    try:
        reply = await _post(clients, hub, linkage.message(hub, MessageType.HUB_PULL, asked))
        return linkage.take_results(actor, hub, asked, reply, why)
    except LiaisonError as exc:
        linkage.failed(actor, Action.HUB_RESULTS, str(asked["project"]), exc, why)
        raise


async def submit_now(
    linkage: LinkageService, actor: Actor, project: str, why: Why = NO_REASON
) -> dict[str, Any]:
    """``submit`` over real HTTP."""
    from liaison.node.courier import HttpClients

    clients = HttpClients(linkage.ctx.settings.federation_timeout_seconds)
    try:
        return await submit(linkage, clients, actor, project, why)
    finally:
        await clients.aclose()


async def results_now(
    linkage: LinkageService, actor: Actor, project: str, why: Why = NO_REASON
) -> list[dict[str, Any]]:
    """``results`` over real HTTP."""
    from liaison.node.courier import HttpClients

    clients = HttpClients(linkage.ctx.settings.federation_timeout_seconds)
    try:
        return await results(linkage, clients, actor, project, why)
    finally:
        await clients.aclose()


async def _post(clients: Clients, peer: Row[Any], raw: bytes) -> bytes:
    try:
        response = await clients.client(peer).post(
            _INBOX, content=raw, headers={"Content-Type": "application/json"}
        )
    except httpx.HTTPError as exc:
        raise PeerUnreachable(peer.name, f"{type(exc).__name__}: {exc}") from None
    if response.status_code != 200:
        raise PeerUnreachable(peer.name, f"answered {response.status_code}: {response.text[:300]}")
    content: bytes = response.content
    return content


def _ack(
    linkage: LinkageService, prepared: Prepared, body: Mapping[str, Any], reply: bytes
) -> dict[str, Any]:
    """The hub's signed ack of one part, checked against what was sent."""
    ack = linkage.federation.open(reply)
    taken = ack.body
    if ack.type is not MessageType.ACK or ack.sender != prepared.hub.node_id:
        raise MessageRefused("type", ack.type.value, "a hub_submit is answered by an ack")
    if (taken.get("submission"), taken.get("part")) != (prepared.submission, body["part"]):
        raise MessageRefused("part", taken.get("part"), f"expected an ack of part {body['part']}")
    return taken


# --- rows -------------------------------------------------------------------------------


def _joined(conn: Connection, project: str) -> Row[Any]:
    row = store.membership(conn, project)
    if row is None:
        raise NotFound("hub project", project)
    return row


def _membership_row(
    project: str, hub: str, members: list[str], sealed: bytes, actor: Actor, ctx: NodeContext
) -> dict[str, Any]:
    return {
        "project": project,
        "hub": hub,
        "members": orjson.dumps(members).decode(),
        "secret": sealed,
        "joined": ctx.now(),
        "joined_by": actor.label,
        "submitted": None,
        "run": None,
    }


def _membership(conn: Connection, row: Row[Any] | None) -> dict[str, Any]:
    assert row is not None
    names = federation_store.peer_names(conn)
    return {
        "project": row.project,
        "hub": names.get(row.hub, row.hub),
        "hub_id": row.hub,
        "members": [
            {"name": names.get(m, "this node"), "node_id": m} for m in orjson.loads(row.members)
        ],
        "joined": row.joined.isoformat(),
        "submitted": row.submitted.isoformat() if row.submitted else None,
        "run": row.run,
    }


def _ref_rows(
    project: str,
    submission: str,
    refs: Sequence[str],
    people: Sequence[tuple[str, bloom.Person]],
    ctx: NodeContext,
) -> list[dict[str, Any]]:
    now = ctx.now()
    return [
        {"project": project, "ref": ref, "submission": submission, "record_id": rid, "created": now}
        for ref, (rid, _) in zip(refs, people, strict=True)
    ]


def _candidate_rows(
    conn: Connection, project: str, results: wire.Results, ctx: NodeContext
) -> list[dict[str, Any]]:
    """Candidate rows for the hub's pairs; a reference that is not ours refuses the answer."""
    records = store.records_of(conn, project, [ref for ref, _, _ in results.pairs])
    unknown = [ref for ref, _, _ in results.pairs if ref not in records]
    if unknown or (results.run is None and results.pairs):
        raise MessageRefused("pairs.ref", unknown[:3], "not a reference this node gave")
    now = ctx.now()
    return [
        {
            "project": project,
            "run": results.run,
            "record_id": records[ref],
            "ref": ref,
            "partner": member,
            "partner_ref": other,
            "received": now,
        }
        for ref, member, other in results.pairs
    ]


def _candidate(row: Row[Any], names: Mapping[str, str]) -> dict[str, Any]:
    return {
        "project": row.project,
        "run": row.run,
        "record_id": row.record_id,
        "ref": row.ref,
        "partner": names.get(row.partner, row.partner),
        "partner_id": row.partner,
        "partner_ref": row.partner_ref,
        "received": row.received.isoformat(),
    }

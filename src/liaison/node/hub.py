"""The hub of multilateral hub mode: a neutral node that holds no key.

The hub's administrator creates a project naming its members (pinned peers
of the hub, at least two, not the hub itself) and a Dice threshold. Each
member sends its hardened encodings and keyed block ids in signed
``hub_submit`` messages (``liaison.federation.hub``), part after part; the
hub takes a part only from a member of the project, only in order, and only
when the member names the same members as the project (so that the
member's policy was decided for exactly the nodes its records may be paired
with). When a submission is complete the member's earlier one is
forgotten, and as soon as every member has a complete submission the hub
runs the linkage (``liaison.matching.dice.link``, one-to-one, blocking on
the keyed block ids) and keeps the candidate pairs of that run, never a
score. A member's ``hub_pull`` is answered with the pairs that concern it,
each as its own reference, the other member and the other's reference.
The administrator may also link at any time among the members that have
submitted (``link_now``).

What the hub holds: per member, opaque references chosen by the member,
1024-bit balanced encodings and 64-bit keyed block ids; it never receives
the members' secret, a name, a date or a record id. Everything is audited:
``hub.create``, each part taken (``hub.submit``), each run (``hub.link``,
with how many pairs and comparisons) and each answer (``hub.results``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import orjson
from sqlalchemy import Connection, Row

from liaison.audit.chain import Action
from liaison.errors import Conflict, InvalidInput, MessageRefused, NotFound
from liaison.federation import hub as wire
from liaison.federation.messages import Message, MessageType
from liaison.matching import bloom, dice
from liaison.model.roles import Actor
from liaison.node.context import NO_REASON, NodeContext, Why
from liaison.node.setup import SYSTEM
from liaison.policy.permissions import Permission
from liaison.storage import federation as federation_store
from liaison.storage import hub as store

P = Permission
HUB_REQUESTS = frozenset({MessageType.HUB_SUBMIT, MessageType.HUB_PULL})
#: Members encode names and birth dates only (``liaison.node.linkage``), so the
#: empty address fields agree in every pair and raise Dice: measured on 3,000 x
#: 3,000 synthetic persons (Faker names of five locales, half of one side
#: perturbed by one or two typos, date changes or a missing date), one-to-one,
#: F1 is 0.943 at ``dice.THRESHOLD`` (0.74, precision 0.945) and 0.962 at 0.80
#: (precision 0.989, recall 0.937).
THRESHOLD = 0.80


def project_name(project: str) -> str:
    """A project's name, checked (lower case, digits, '.', '_', '-')."""
    if not isinstance(project, str) or not wire.PROJECT.match(project):
        raise InvalidInput("project", project, "lower-case letters, digits, '.', '_' and '-'")
    return project


def peer_ids(conn: Connection, given: Sequence[str], ctx: NodeContext) -> list[str]:
    """Node ids of peers named by name or node id (this node's own name and id pass)."""
    known = {row.name: row.node_id for row in federation_store.all_peers(conn)}
    known[ctx.name] = ctx.node_id
    ids = set(known.values())
    out = []
    for name in given:
        if name not in ids and name not in known:
            raise NotFound("peer", name)
        out.append(known.get(name, name))
    return out


class HubService:
    def __init__(self, ctx: NodeContext) -> None:
        self.ctx = ctx

    # --- the hub's administrator ---------------------------------------------------------

    def create(
        self,
        actor: Actor,
        project: str,
        members: Sequence[str],
        threshold: float = THRESHOLD,
        why: Why = NO_REASON,
    ) -> dict[str, Any]:
        """A project on this hub for these members (pinned peers, by name or id)."""
        name = project_name(project)
        if not 0.0 < threshold <= 1.0:
            raise InvalidInput("threshold", threshold, "a Dice threshold in (0, 1]")
        with self.ctx.guard(actor, why):
            self.ctx.permit(actor, P.HUB_MANAGE, Action.HUB_CREATE, f"hub:{name}")
            with self.ctx.tx() as conn:
                ids = sorted(set(peer_ids(conn, members, self.ctx)))
                if self.ctx.node_id in ids or len(ids) < 2:
                    reason = "at least two peers; the hub is never a member"
                    raise InvalidInput("members", list(members), reason)
                if store.project(conn, name) is not None:
                    raise Conflict(f"project {name} exists on this hub")
                store.add_project(conn, _project_row(name, ids, threshold, actor, self.ctx))
                self.ctx.record(
                    conn,
                    actor,
                    Action.HUB_CREATE,
                    f"hub:{name}",
                    why,
                    members=ids,
                    threshold=threshold,
                )
                return self._describe(conn, store.project(conn, name))

    def projects(self, actor: Actor) -> list[dict[str, Any]]:
        """This hub's projects: members, who submitted how many rows, runs, pairs."""
        with self.ctx.guard(actor):
            self.ctx.permit(actor, P.HUB_MANAGE, Action.HUB_LIST, "hub:projects")
            with self.ctx.tx() as conn:
                found = [self._describe(conn, row) for row in store.projects(conn)]
                self.ctx.record(conn, actor, Action.HUB_LIST, "hub:projects", returned=len(found))
        return found

    def link_now(self, actor: Actor, project: str, why: Why = NO_REASON) -> dict[str, Any]:
        """Link now, among the members whose submission is complete (two at least)."""
        name = project_name(project)
        with self.ctx.guard(actor, why):
            self.ctx.permit(actor, P.HUB_MANAGE, Action.HUB_LINK, f"hub:{name}")
            with self.ctx.tx() as conn:
                row = store.project(conn, name, lock=True)
                if row is None:
                    raise NotFound("hub project", name)
                return self.link(conn, row, actor)

    # --- messages from members -----------------------------------------------------------

    def receive(
        self, conn: Connection, peer: Row[Any], actor: Actor, message: Message
    ) -> tuple[MessageType, dict[str, Any]]:
        """A member's ``hub_submit`` (answered by an ack) or ``hub_pull``."""
        if message.type is MessageType.HUB_SUBMIT:
            return MessageType.ACK, self.take(conn, peer, actor, message.body)
        return MessageType.HUB_RESULTS, self.answer(conn, peer, actor, message.body)

    def take(
        self, conn: Connection, peer: Row[Any], actor: Actor, body: dict[str, Any]
    ) -> dict[str, Any]:
        """One part of a member's submission; links when the last member completes."""
        part = wire.read_part(body)
        row = _project_of(conn, part.project, peer.node_id)
        if list(part.members) != _members(row):
            raise MessageRefused("members", list(part.members), "not this project's members")
        complete = self._advance(conn, peer.node_id, part)
        self.ctx.record(
            conn,
            actor,
            Action.HUB_SUBMIT,
            f"hub:{part.project}",
            member=peer.node_id,
            submission=part.submission,
            part=part.part,
            parts=part.parts,
            rows=len(part.refs),
        )
        run = None
        if complete:
            store.drop_others(conn, part.project, peer.node_id, part.submission)
            if self._all_submitted(conn, row):
                run = self.link(conn, row, SYSTEM)["run"]
            else:  # its old pairs name what it no longer submits (deleted, re-marked...)
                store.drop_pairs_of(conn, part.project, peer.node_id)
        return {
            "project": part.project,
            "submission": part.submission,
            "part": part.part,
            "complete": complete,
            "run": run,
        }

    def answer(
        self, conn: Connection, peer: Row[Any], actor: Actor, body: dict[str, Any]
    ) -> dict[str, Any]:
        """The last run's pairs that concern the asking member, facing it."""
        name = wire.project_of(body)
        nonce = wire.nonce_of(body, "request")
        row = _project_of(conn, name, peer.node_id)
        pairs = [
            dice.CandidatePair(p.left_member, p.left_ref, p.right_member, p.right_ref).facing(
                peer.node_id
            )
            for p in store.pairs_of(conn, name, peer.node_id)
        ]
        run = row.run or None
        self.ctx.record(
            conn,
            actor,
            Action.HUB_RESULTS,
            f"hub:{name}",
            member=peer.node_id,
            run=run,
            pairs=len(pairs),
        )
        return wire.results_body(name, nonce, run, pairs)

    # --- linkage ---------------------------------------------------------------------------

    def link(self, conn: Connection, row: Row[Any], actor: Actor) -> dict[str, Any]:
        """Run the linkage over the complete submissions; keep the pairs, no scores."""
        current = _complete(conn, row.project)
        members = [m for m in _members(row) if m in current]
        if len(members) < 2:
            raise InvalidInput("project", row.project, "fewer than two members have submitted")
        subs = [_submission(conn, row.project, m, current[m]) for m in members]
        linkage = dice.link(subs, row.threshold)
        run = int(row.run) + 1
        store.replace_pairs(conn, row.project, run, [_pair_row(p) for p in linkage.pairs])
        store.set_project(conn, row.project, run=run, linked=self.ctx.now())
        self.ctx.record(
            conn,
            actor,
            Action.HUB_LINK,
            f"hub:{row.project}",
            run=run,
            submissions={m: current[m] for m in members},
            rows=sum(len(s.refs) for s in subs),
            pairs=len(linkage.pairs),
            comparisons=linkage.comparisons,
            skipped_blocks=linkage.skipped_blocks,
        )
        return {"project": row.project, "run": run, "members": members, "pairs": len(linkage.pairs)}

    def _advance(self, conn: Connection, member: str, part: wire.Part) -> bool:
        """Store a part taken in order; return whether the submission is complete."""
        key = (part.project, member, part.submission)
        found = store.submission(conn, *key)
        expected = _expected(found, part.parts)
        if part.part != expected:
            wanted = "none: complete or cut otherwise" if expected is None else expected
            raise MessageRefused("part", part.part, f"parts arrive once, in order (next: {wanted})")
        if found is None:
            store.start_submission(conn, _submission_row(key, part.parts, self.ctx))
        store.add_entries(conn, _entry_rows(key, part))
        complete = part.part == part.parts - 1
        rows = (0 if found is None else int(found.rows)) + len(part.refs)
        done = self.ctx.now() if complete else None
        store.set_submission(conn, *key, received=part.part + 1, rows=rows, completed=done)
        return complete

    def _all_submitted(self, conn: Connection, row: Row[Any]) -> bool:
        return set(_members(row)) <= set(_complete(conn, row.project))

    def _describe(self, conn: Connection, row: Row[Any] | None) -> dict[str, Any]:
        assert row is not None
        names = {p.node_id: p.name for p in federation_store.all_peers(conn)}
        subs = [
            {
                "member": names.get(s.member, s.member),
                "node_id": s.member,
                "rows": s.rows,
                "complete": s.completed is not None,
            }
            for s in store.submissions(conn, row.project)
        ]
        return {
            "project": row.project,
            "members": [{"name": names.get(m, m), "node_id": m} for m in _members(row)],
            "threshold": row.threshold,
            "submissions": subs,
            "run": row.run,
            "linked": row.linked.isoformat() if row.linked else None,
            "pairs": store.pair_count(conn, row.project),
        }


def _project_of(conn: Connection, name: str, member: str) -> Row[Any]:
    """The project, locked, if ``member`` is one of its members; refused otherwise
    (without telling a non-member whether the project exists)."""
    row = store.project(conn, name, lock=True)
    if row is None or member not in _members(row):
        raise MessageRefused("project", name, "the sender is not a member of such a project")
    return row


def _expected(found: Row[Any] | None, parts: int) -> int | None:
    """The part a submission takes next (None: complete, or cut differently)."""
    if found is None:
        return 0
    if found.completed is not None or found.parts != parts:
        return None
    return int(found.received)


def _members(row: Row[Any]) -> list[str]:
    members: list[str] = orjson.loads(row.members)
    return members


def _complete(conn: Connection, project: str) -> dict[str, str]:
    """Each member's complete submission."""
    return {s.member: s.submission for s in store.submissions(conn, project) if s.completed}


def _submission(conn: Connection, project: str, member: str, sub: str) -> dice.Submission:
    rows = store.entries(conn, project, member, sub)
    encodings = bloom.as_words([bytes(r.encoding) for r in rows], wire.BITS)
    raw = b"".join(bytes(r.blocks) for r in rows)
    blocks = np.frombuffer(raw, dtype="<u8").astype(np.uint64).reshape(len(rows), wire.KINDS)
    return dice.Submission(member, tuple(r.ref for r in rows), encodings, blocks)


def _project_row(
    name: str, members: list[str], threshold: float, actor: Actor, ctx: NodeContext
) -> dict[str, Any]:
    return {
        "project": name,
        "members": orjson.dumps(members).decode(),
        "threshold": threshold,
        "created": ctx.now(),
        "created_by": actor.label,
        "run": 0,
        "linked": None,
    }


def _submission_row(key: tuple[str, str, str], parts: int, ctx: NodeContext) -> dict[str, Any]:
    project, member, submission = key
    return {
        "project": project,
        "member": member,
        "submission": submission,
        "parts": parts,
        "received": 0,
        "rows": 0,
        "started": ctx.now(),
        "completed": None,
    }


def _entry_rows(key: tuple[str, str, str], part: wire.Part) -> list[dict[str, Any]]:
    project, member, submission = key
    blocks = part.blocks.astype("<u8")
    return [
        {
            "project": project,
            "member": member,
            "submission": submission,
            "ref": ref,
            "encoding": part.encodings[i].tobytes(),
            "blocks": blocks[i].tobytes(),
        }
        for i, ref in enumerate(part.refs)
    ]


def _pair_row(pair: dice.CandidatePair) -> dict[str, str]:
    return {
        "left_member": pair.left_member,
        "left_ref": pair.left_ref,
        "right_member": pair.right_member,
        "right_ref": pair.right_ref,
    }

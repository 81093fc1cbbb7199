"""Hit/no-hit for exact identifiers and fuzzy persons between partners (the
OPRF of ``liaison.matching.psi``), at the node's edges.

Answering: for each agreement in force and each partner it binds, the node
keeps an index of the identifiers (passport and ID numbers, phones, IBANs,
IMO/MMSI, emails, wallets) and the person match keys
(``liaison.matching.person_keys``: names in any script × birth-date variants)
of its own records that the policy lets that partner learn of as hit/no-hit
(``decide`` with use ``hit_only``, the agreement that allows it being that one). The key of a domain
("<agreement>/<partner>") and period (a calendar month) derives from a node
secret that never leaves the node (the node key's deterministic Ed25519
signature over a fixed label, through HKDF), so keys rotate every month and
differ per agreement and partner. The index of the current period is built
when first asked and kept up to date with every write (``refresh``, called
in the same transaction as propagation). Each partner may have at most
``hit_hourly_limit`` elements evaluated per hour (a person counts
``person_keys.MAX_KEYS``); every answer is audited
(``hit.answer``), without knowing whether it hit.

Asking: the node normalises the identifiers, derives the match keys of the
persons asked about (each person padded to ``person_keys.MAX_KEYS`` elements
with random ones), blinds them, sends them signed to the partner
(``hit_query``), and reads the answer locally: hit or no hit, and for a hit an
opaque reference for the follow-up request; a person is a *candidate hit* if
any of its keys hit, for a human to confirm. A question with persons asks for
every tag of the index (0 bucket bits): the bits of several keys of one person
together would let the answering node test its guesses of who was asked
about. Its own questions and answers are kept (``hit_queries``) and audited
(``hit.query``). Identifiers, names and dates never leave in clear.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import Connection, Row

from liaison.audit.chain import Action
from liaison.errors import InvalidInput, MessageRefused, NotFound
from liaison.matching import person_keys, psi
from liaison.matching.identifiers import IdKind, normalise
from liaison.matching.names import MAX_NAMES
from liaison.matching.person_keys import PersonKey, Tier
from liaison.matching.profile import Profile
from liaison.model.records import Record
from liaison.model.roles import Actor
from liaison.model.vocab import Purpose
from liaison.node.context import NO_REASON, NodeContext, Why
from liaison.node.decisions import (
    agreement_index,
    best_push,
    facts_for,
    only_agreement,
    policy_context,
)
from liaison.node.setup import SYSTEM
from liaison.policy.decide import Outcome, PolicyContext, RecordFacts, Use
from liaison.policy.permissions import Permission
from liaison.storage import federation as federation_store
from liaison.storage import psi as store
from liaison.storage import records as record_store
from liaison.storage.matching import profile_of

P = Permission
MAX_QUERY = 1000  # blinded elements per question: an identifier is one, a person MAX_KEYS
MAX_PERSONS = MAX_QUERY // person_keys.MAX_KEYS
_MASTER_LABEL = b"liaison-psi-master-v1"
_CHUNK = 2000


def period_of(now: dt.datetime) -> str:
    """The key period: a calendar month, so keys and tags rotate monthly."""
    return f"{now:%Y-%m}"


def domain_name(agreement_id: str, partner: str) -> str:
    return f"{agreement_id}/{partner}"


@dataclass(frozen=True)
class PersonQuestion:
    """A person asked about: names, birth date and the match keys sent."""

    names: tuple[str, ...]
    birth_date: str | None  # None: the asker knows no date (name keys only)
    keys: tuple[PersonKey, ...]

    @property
    def summary(self) -> str:
        """What this node keeps of the question (``hit_queries.value``)."""
        return f"{'; '.join(self.names)} | {self.birth_date or 'no birth date'}"[:200]


@dataclass(frozen=True)
class Prepared:
    """A question ready to send, and what is kept to read its answer.

    ``blinded`` holds the identifiers first, then ``person_keys.MAX_KEYS``
    elements per person: its keys, then random padding."""

    partner: Row[Any]
    agreement_id: str
    period: str
    purpose: Purpose
    blinded: list[psi.Blinded]
    body: dict[str, Any]
    identifiers: int
    persons: tuple[PersonQuestion, ...] = ()


class HitService:
    def __init__(self, ctx: NodeContext) -> None:
        self.ctx = ctx
        self._master: bytes | None = None

    @property
    def _name_only(self) -> bool:
        return self.ctx.settings.hit_name_only

    def master(self) -> bytes:
        """The node's PSI master secret: only the node key can produce it."""
        if self._master is None:
            signature = self.ctx.key.sign(_MASTER_LABEL).encode()
            hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_MASTER_LABEL)
            self._master = hkdf.derive(signature)
        return self._master

    def key(self, domain: psi.Domain) -> psi.ServerKey:
        return psi.derive_key(self.master(), domain)

    # --- answering -----------------------------------------------------------------------

    def answer(self, conn: Connection, peer: Row[Any], body: Mapping[str, Any]) -> dict[str, Any]:
        """Evaluate a partner's blinded identifiers under an agreement in force."""
        agreement = body.get("agreement")
        index = agreement_index(self.ctx, conn)
        bound = {t.agreement_id for t in index.by_partner.get(peer.node_id, ())}
        if not isinstance(agreement, str) or agreement not in bound:
            raise MessageRefused("agreement", agreement, "no agreement in force binds us to it")
        raw = body.get("request")
        if not isinstance(raw, Mapping):
            raise MessageRefused("request", raw, "must be an object")
        request = psi.Request.from_json(raw, max_elements=MAX_QUERY)
        now = self.ctx.now()
        used = store.use(conn, peer.node_id, f"{now:%Y-%m-%dT%H}", len(request.elements))
        limit = self.ctx.settings.hit_hourly_limit
        if used > limit:
            raise MessageRefused("request.elements", used, f"more than {limit} this hour")
        period = period_of(now)
        name = domain_name(agreement, peer.node_id)
        domain = psi.Domain(name, period)
        self.ensure(conn, agreement, peer.node_id, period)
        size = store.size(conn, name, period)
        plan = psi.BucketPlan(request.bits, 0)
        real = {
            b: b"".join(store.tags_between(conn, name, period, *plan.key_range(b)))
            for b in request.buckets
        }
        response = psi.respond(self.key(domain), domain, size, request, real)
        self.ctx.record(
            conn,
            SYSTEM,
            Action.HIT_ANSWER,
            f"peer:{peer.node_id}",
            agreement=agreement,
            period=period,
            identifiers=len(request.elements),
            bits=request.bits,
            buckets=len(request.buckets),
        )
        return {"agreement": agreement, "period": period, "response": response.to_json()}

    def ensure(self, conn: Connection, agreement: str, partner: str, period: str) -> None:
        """Build a domain's index for the period if it is not built yet."""
        if not store.built(conn, domain_name(agreement, partner), period):
            self.build(conn, agreement, partner, period)

    def build(self, conn: Connection, agreement: str, partner: str, period: str) -> int:
        """The whole index of a domain for a period, from every own record."""
        name = domain_name(agreement, partner)
        rows: list[dict[str, Any]] = []
        after = 0
        while True:
            found, after = record_store.current_of(conn, self.ctx.node_id, after, _CHUNK)
            if not found:
                break
            ids = [r.record_id for r in found]
            live = _offerable(found, facts_for(self.ctx, conn, found), self._name_only)
            context = policy_context(self.ctx, conn, ids)
            rows += self._rows(agreement, partner, period, live, context)
        store.replace(conn, name, period, rows, self.ctx.now())
        self.ctx.record(
            conn,
            SYSTEM,
            Action.HIT_INDEX,
            f"peer:{partner}",
            agreement=agreement,
            period=period,
            entries=len(rows),
        )
        return len(rows)

    def refresh(
        self,
        conn: Connection,
        own: Sequence[Record],
        facts: Sequence[RecordFacts],
        context: PolicyContext,
    ) -> None:
        """Bring every built index of the current period up to date with these
        own records (written, deleted, re-marked), with the facts and policy
        context that propagation computed for them: in the writer's transaction."""
        period = period_of(self.ctx.now())
        names = store.domains(conn, period)
        if not names:
            return
        live = _offerable(own, facts, self._name_only)
        for name in names:
            agreement, _, partner = name.rpartition("/")
            store.drop_records(conn, name, period, [r.record_id for r in own])
            store.add(conn, name, period, self._rows(agreement, partner, period, live, context))

    def _rows(
        self,
        agreement: str,
        partner: str,
        period: str,
        live: Sequence[tuple[Record, RecordFacts, frozenset[psi.Item]]],
        context: PolicyContext,
    ) -> list[dict[str, Any]]:
        """Index rows for the identifiers and person keys of the records the
        partner may learn of under this agreement."""
        carriers: dict[psi.Item, list[str]] = {}
        under = only_agreement(context, partner, agreement)
        for record, facts, items in live:
            decision = best_push(facts, partner, record, under, Use.HIT_ONLY)
            if decision.outcome < Outcome.HIT_ONLY:
                continue
            for item in items:
                carriers.setdefault(item, []).append(record.record_id)
        domain = psi.Domain(domain_name(agreement, partner), period)
        entries = psi.index_entries(self.key(domain), domain, list(carriers))
        return [
            {
                "bucket_key": e.bucket_key,
                "tag": e.tag,
                "reference": e.reference,
                "record_id": record_id,
            }
            for item, e in zip(carriers, entries, strict=True)
            for record_id in carriers[item]
        ]

    def what_hit(
        self,
        agreement: str,
        partner: str,
        period: str,
        references: Sequence[bytes],
        records: Sequence[Record],
    ) -> str | None:
        """What of these own records a partner's references stand for, to tell the
        liaison officer who decides its follow-up request: ``kind:value`` of an
        identifier (``phone:+639171234567``), or ``person:<tier>`` for a person's
        match key (``person:name and birth date``, the strongest tier that hit);
        ``None`` when none of them does any more. Each record's items are evaluated
        under the domain's key again, as ``build`` did (a few per record)."""
        domain = psi.Domain(domain_name(agreement, partner), period)
        live = [r for r in records if not r.deleted]
        items = sorted({i for r in live for i in _offered_items(profile_of(r), self._name_only)})
        entries = psi.index_entries(self.key(domain), domain, items)
        wanted = set(references)
        found = [item for item, e in zip(items, entries, strict=True) if e.reference in wanted]
        ids = [f"{kind}:{value}" for kind, value in found if kind != person_keys.KIND]
        if ids:
            return ids[0]
        strongest = person_keys.strongest(person_keys.tier_of(value) for _, value in found)
        return f"{person_keys.KIND}:{strongest.label}" if strongest else None

    # --- asking --------------------------------------------------------------------------

    def prepare(
        self,
        actor: Actor,
        partner: str,
        identifiers: Sequence[Mapping[str, Any]],
        purpose: str = Purpose.CROSS_CHECK.value,
        why: Why = NO_REASON,
        *,
        persons: Sequence[Mapping[str, Any]] = (),
    ) -> Prepared:
        """Check and blind a question for a partner (by name or node id): exact
        identifiers (``{kind, value, country?}``) and persons (``{names, birth_date}``),
        under the first agreement in force with it that allows the purpose."""
        return self.prepare_each(actor, partner, identifiers, purpose, why, persons=persons)[0]

    def prepare_each(
        self,
        actor: Actor,
        partner: str,
        identifiers: Sequence[Mapping[str, Any]],
        purpose: str = Purpose.CROSS_CHECK.value,
        why: Why = NO_REASON,
        *,
        persons: Sequence[Mapping[str, Any]] = (),
    ) -> list[Prepared]:
        """``prepare``, checked once, blinded under each agreement in force with
        the partner that allows the purpose: a record is offered under each
        agreement that covers it, and the asker cannot know which does, so a
        full question asks under each (``Courier.hit_query``)."""
        with self.ctx.guard(actor, why):
            self.ctx.permit(actor, P.HIT_QUERY, Action.HIT_QUERY, f"peer:{partner}")
        items, people = _questions(identifiers, persons)
        try:
            chosen = Purpose(purpose)
        except ValueError:
            raise InvalidInput("purpose", purpose, "not a known purpose") from None
        with self.ctx.read() as conn:
            peer = _peer(conn, partner)
            index = agreement_index(self.ctx, conn)
            terms = index.by_partner.get(peer.node_id, ())
            agreed = sorted(t.agreement_id for t in terms if chosen in t.purposes)
        if not agreed:
            raise InvalidInput(
                "partner", partner, f"no agreement in force with it allows {chosen.value}"
            )
        return [self._question(peer, a, chosen, items, people) for a in agreed]

    def _question(
        self,
        peer: Row[Any],
        agreement: str,
        purpose: Purpose,
        items: list[psi.Item],
        people: tuple[PersonQuestion, ...],
    ) -> Prepared:
        """The blinded question under one agreement."""
        period = period_of(self.ctx.now())
        # the answering node keys the domain by the asker: this node
        domain = psi.Domain(domain_name(agreement, self.ctx.node_id), period)
        blinded = psi.blind_many(domain, items + [i for p in people for i in _slots(p)])
        # several keys of one person would give away too many bucket bits: ask for all
        bits = 0 if people else psi.BucketPlan.best_bits(1_000_000, len(blinded))
        request = psi.make_request(blinded, bits)
        body = {"agreement": agreement, "request": request.to_json()}
        return Prepared(peer, agreement, period, purpose, blinded, body, len(items), people)

    def read(
        self, actor: Actor, prepared: Prepared, answer: Mapping[str, Any], why: Why = NO_REASON
    ) -> list[dict[str, Any]]:
        """Read a partner's answer locally; keep and audit the outcome."""
        raw = answer.get("response")
        if answer.get("period") != prepared.period or not isinstance(raw, Mapping):
            raise MessageRefused("period", answer.get("period"), f"expected {prepared.period}")
        response = psi.Response.from_json(raw, max_elements=MAX_QUERY)
        if len(response.elements) != len(prepared.blinded):
            raise MessageRefused("response.elements", len(response.elements), "one per question")
        references = psi.read_response(prepared.blinded, response)
        count = prepared.identifiers
        found = [
            _identifier_found(b.item, ref)
            for b, ref in zip(prepared.blinded[:count], references[:count], strict=True)
        ]
        for i, person in enumerate(prepared.persons):
            start = count + i * person_keys.MAX_KEYS
            found.append(_person_found(person, references[start : start + len(person.keys)]))
        self._keep(actor, prepared, found, why)
        partner = {"partner": prepared.partner.name, "agreement": prepared.agreement_id}
        return [{**f, **partner} for f in found]

    def _keep(
        self, actor: Actor, prepared: Prepared, found: Sequence[dict[str, Any]], why: Why
    ) -> None:
        """Keep the outcome for the follow-up request (one row per reference) and audit it."""
        base = {
            "partner": prepared.partner.node_id,
            "agreement_id": prepared.agreement_id,
            "period": prepared.period,
            "purpose": prepared.purpose.value,
            "asked_by": actor.label,
            "created": self.ctx.now(),
        }
        rows = [
            {
                **base,
                "kind": f["kind"],
                "value": f["value"],
                "hit": ref is not None,
                "reference": ref,
            }
            for f in found
            for ref in f.get("references") or [f["reference"]]
        ]
        with self.ctx.tx() as conn:
            store.add_queries(conn, rows)
            self.ctx.record(
                conn,
                actor,
                Action.HIT_QUERY,
                f"peer:{prepared.partner.node_id}",
                why,
                agreement=prepared.agreement_id,
                identifiers=prepared.identifiers,
                persons=len(prepared.persons),
                elements=len(prepared.blinded),
                hits=sum(1 for f in found if f["hit"]),
            )


def merge(answers: Sequence[Sequence[dict[str, Any]]]) -> list[dict[str, Any]]:
    """The answers to one question asked under several agreements, item by
    item: the first that hit (it names its agreement), else the first."""
    return [next((a for a in same if a["hit"]), same[0]) for same in zip(*answers, strict=True)]


def _slots(person: PersonQuestion) -> list[psi.Item]:
    """A person's keys, padded to ``MAX_KEYS`` with random items that never hit."""
    padding = person_keys.MAX_KEYS - len(person.keys)
    return [k.item for k in person.keys] + [
        (person_keys.KIND, f"pad:{secrets.token_hex(16)}") for _ in range(padding)
    ]


def _identifier_found(item: psi.Item, reference: bytes | None) -> dict[str, Any]:
    return {
        "kind": item[0],
        "value": item[1],
        "hit": reference is not None,
        "reference": psi.b64encode(reference) if reference is not None else None,
    }


def _person_found(person: PersonQuestion, references: Sequence[bytes | None]) -> dict[str, Any]:
    """A candidate hit if any key hit: its references (strongest tier first, each
    once), how many keys hit and the strongest tier that did."""
    hits = [(k.tier, ref) for k, ref in zip(person.keys, references, strict=True) if ref]
    hits.sort(key=lambda hit: list(Tier).index(hit[0]))
    strongest = person_keys.strongest(tier for tier, _ in hits)
    found = list(dict.fromkeys(psi.b64encode(ref) for _, ref in hits))
    return {
        "kind": person_keys.KIND,
        "value": person.summary,
        "names": list(person.names),
        "birth_date": person.birth_date,
        "hit": bool(hits),
        "candidate": bool(hits),
        "match": strongest.label if strongest else None,
        "keys": len(person.keys),
        "keys_hit": len(hits),
        "reference": found[0] if found else None,
        "references": found,
    }


def _offerable(
    records: Sequence[Record], facts: Sequence[RecordFacts], name_only: bool
) -> list[tuple[Record, RecordFacts, frozenset[psi.Item]]]:
    """Live records that have something to offer, with their facts and items."""
    out = []
    for record, found in zip(records, facts, strict=True):
        items = _offered_items(profile_of(record), name_only) if not record.deleted else frozenset()
        if items:
            out.append((record, found, items))
    return out


def _offered_items(profile: Profile, name_only: bool) -> frozenset[psi.Item]:
    """A record's OPRF items: its identifiers and, for a person, its match keys
    (name-only keys of a person with a full birth date only if ``name_only``)."""
    items: set[psi.Item] = set()
    for ident in profile.identifiers:
        kind, _, value = ident.partition(":")
        items.add((kind, value))
    if profile.person:
        found = person_keys.keys(profile, person_keys.Role.INDEX, name_only)
        items.update(k.item for k in found)
    return frozenset(items)


def _questions(
    identifiers: Sequence[Mapping[str, Any]], persons: Sequence[Mapping[str, Any]]
) -> tuple[list[psi.Item], tuple[PersonQuestion, ...]]:
    """Checked identifiers and persons: at least one of them, at most
    ``MAX_QUERY`` blinded elements in all."""
    items, people = _items(identifiers), _persons(persons)
    if not items and not people:
        raise InvalidInput("identifiers", identifiers, "give at least one identifier or person")
    elements = len(items) + person_keys.MAX_KEYS * len(people)
    if elements > MAX_QUERY:
        reason = f"{elements} elements (a person counts {person_keys.MAX_KEYS}), most {MAX_QUERY}"
        raise InvalidInput("persons", len(people), reason)
    return items, people


def _items(identifiers: Sequence[Mapping[str, Any]]) -> list[psi.Item]:
    if not isinstance(identifiers, Sequence) or len(identifiers) > MAX_QUERY:
        raise InvalidInput("identifiers", identifiers, f"must be a list of at most {MAX_QUERY}")
    items: dict[psi.Item, None] = {}
    for i, given in enumerate(identifiers):
        if not isinstance(given, Mapping):
            raise InvalidInput(f"identifiers.{i}", given, "must be an object with kind and value")
        kind, value = given.get("kind"), given.get("value")
        if kind not in {k.value for k in IdKind}:
            known = ", ".join(k.value for k in IdKind)
            raise InvalidInput(f"identifiers.{i}.kind", kind, f"one of {known}")
        found = normalise(IdKind(kind), str(value or ""), given.get("country"))
        if found is None or not found.valid:
            reason = found.reason if found is not None else "empty"
            raise InvalidInput(f"identifiers.{i}.value", value, reason or "not valid")
        items[(found.kind.value, found.value)] = None
    return list(items)


def _persons(persons: Sequence[Mapping[str, Any]]) -> tuple[PersonQuestion, ...]:
    if isinstance(persons, str | bytes) or not isinstance(persons, Sequence):
        raise InvalidInput("persons", persons, "must be a list of {names, birth_date}")
    if len(persons) > MAX_PERSONS:
        raise InvalidInput("persons", len(persons), f"at most {MAX_PERSONS} per question")
    return tuple(_person(f"persons.{i}", given) for i, given in enumerate(persons))


def _person(field: str, given: Any) -> PersonQuestion:
    if not isinstance(given, Mapping):
        raise InvalidInput(field, given, "must be an object with names and birth_date")
    names = _names(f"{field}.names", given.get("names"))
    raw = given.get("birth_date")
    birth_date = _birth_date(f"{field}.birth_date", raw)
    profile = person_keys.person_profile(names, birth_date)
    keys = person_keys.keys(profile, person_keys.Role.QUERY)
    if not keys:
        reason = "no two name parts, nor one with a full birth date, to match on"
        raise InvalidInput(f"{field}.names", names, reason)
    return PersonQuestion(tuple(names), birth_date, keys)


def _birth_date(field: str, raw: Any) -> str | None:
    """A person's birth date as asked, or ``None`` when none is given (an absent,
    null or blank value): the question then carries name keys only."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    parsed = person_keys.parse_birth_date(raw) if isinstance(raw, str) else None
    if parsed is None:
        reason = "a date as YYYY-MM-DD, YYYY-MM or YYYY, or nothing if unknown"
        raise InvalidInput(field, raw, reason)
    return parsed


def _names(field: str, names: Any) -> list[str]:
    if isinstance(names, str) or not isinstance(names, Sequence):
        raise InvalidInput(field, names, f"must be a list of 1-{MAX_NAMES} names")
    kept = [n.strip() for n in names if isinstance(n, str) and n.strip()]
    if not 1 <= len(kept) <= MAX_NAMES or len(kept) != len(names):
        raise InvalidInput(field, names, f"must be a list of 1-{MAX_NAMES} non-empty names")
    return kept


def _peer(conn: Connection, partner: str) -> Row[Any]:
    found = federation_store.peer_called(conn, partner)
    if found is None:
        raise NotFound("peer", partner)
    return found

"""The bodies of hub-mode messages, and their checks. Pure.

A member sends its encodings to the hub in ``hub_submit`` messages, one
:class:`Part` each (at most :data:`MAX_ROWS` rows, so a large set stays
under the body limit); the hub answers each with an ``ack``. The member
asks for its candidate pairs with ``hub_pull``; the hub answers
``hub_results`` with the pairs that concern the member, each as the
member's own reference, the other member's node id and that member's
reference, and never a score.

Rows travel packed: the references as a list of opaque strings (16 random
bytes, base64url, chosen by the member per submission: they say nothing
about the record), the encodings as one base64 string of ``n * bits / 8``
bytes, the block ids as one base64 string of ``n * kinds`` little-endian
64-bit words. The hub checks that every encoding is balanced (exactly half
of its bits set, as ``liaison.matching.bloom``'s hardening makes them), so
a member cannot send unhardened filters by mistake.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from liaison.errors import MessageRefused
from liaison.matching import bloom
from liaison.matching.dice import CandidatePair, Submission, Words, popcounts

SCHEMA = "liaison-person-v1"  # bloom.PERSON_SCHEMA with bloom.BLOCK_KINDS
BITS = bloom.PERSON_SCHEMA.bits
KINDS = len(bloom.BLOCK_KINDS)
MAX_ROWS = 10_000  # rows per hub_submit message (about 3 MB of JSON)
MAX_PARTS = 1000
MAX_PAIRS = 1_000_000  # pairs in one hub_results answer
PROJECT = re.compile(r"^[a-z0-9][a-z0-9._-]{0,62}$")
REF = re.compile(r"^[A-Za-z0-9_-]{22}$")  # 16 bytes, base64url without padding
NONCE = re.compile(r"^[0-9a-f]{32}$")
_NODE = re.compile(r"^lsn-[a-z2-7]{20}$")


@dataclass(frozen=True, slots=True)
class Part:
    """One message's share of a member's submission."""

    project: str
    submission: str  # 32 hex digits, chosen by the member
    part: int  # 0, 1, ... parts - 1
    parts: int
    members: tuple[str, ...]  # the project's members as the member knows them, sorted
    refs: tuple[str, ...]
    encodings: Words  # (n, BITS / 64)
    blocks: Words  # (n, KINDS)

    def to_body(self) -> dict[str, Any]:
        return {
            "project": self.project,
            "submission": self.submission,
            "part": self.part,
            "parts": self.parts,
            "members": list(self.members),
            "schema": SCHEMA,
            "refs": list(self.refs),
            "encodings": _b64(self.encodings.tobytes()),
            "blocks": _b64(self.blocks.astype("<u8").tobytes()),
        }

    def submission_of(self, member: str) -> Submission:
        return Submission(member, self.refs, self.encodings, self.blocks)


def split(
    project: str,
    submission: str,
    members: Sequence[str],
    refs: Sequence[str],
    encoded: bloom.Encoded,
    size: int = MAX_ROWS,
) -> list[Part]:
    """A member's rows cut into parts of at most ``size`` (one part when empty)."""
    starts = range(0, max(len(refs), 1), size)
    return [
        Part(
            project,
            submission,
            i,
            len(starts),
            tuple(sorted(members)),
            tuple(refs[s : s + size]),
            encoded.encodings[s : s + size],
            encoded.blocks[s : s + size],
        )
        for i, s in enumerate(starts)
    ]


def read_part(body: Mapping[str, Any]) -> Part:
    """A ``hub_submit`` body, checked; raises :class:`MessageRefused`."""
    if body.get("schema") != SCHEMA:
        raise MessageRefused("schema", body.get("schema"), f"this hub links {SCHEMA}")
    parts = _int(body, "parts", 1, MAX_PARTS)
    refs = _refs(body.get("refs"))
    encodings = _encodings(body, len(refs))
    if np.any(popcounts(encodings) != BITS // 2):
        raise MessageRefused("encodings", len(refs), "every encoding must be balanced")
    return Part(
        project_of(body),
        nonce_of(body, "submission"),
        _int(body, "part", 0, parts - 1),
        parts,
        _members(body.get("members")),
        refs,
        encodings,
        _blocks(body, len(refs)),
    )


def project_of(body: Mapping[str, Any]) -> str:
    project = body.get("project")
    if not isinstance(project, str) or not PROJECT.match(project):
        raise MessageRefused("project", project, "a project name: a-z, 0-9, '.', '_', '-'")
    return project


def results_body(
    project: str, nonce: str, run: int | None, pairs: Sequence[CandidatePair]
) -> dict[str, Any]:
    """The hub's answer to one member: its pairs, facing it, no scores."""
    rows = [{"ref": p.left_ref, "member": p.right_member, "member_ref": p.right_ref} for p in pairs]
    return {"project": project, "request": nonce, "run": run, "pairs": rows}


@dataclass(frozen=True, slots=True)
class Results:
    """What a member reads from the hub's answer."""

    run: int | None
    pairs: tuple[tuple[str, str, str], ...]  # own ref, other member, its ref


def read_results(
    body: Mapping[str, Any], project: str, nonce: str, members: frozenset[str]
) -> Results:
    """The hub's ``hub_results``, checked against the question and the members."""
    if body.get("project") != project or body.get("request") != nonce:
        raise MessageRefused("request", body.get("request"), "not an answer to this question")
    run = body.get("run")
    if run is not None and (type(run) is not int or run < 1):
        raise MessageRefused("run", run, "a linkage run number")
    rows = body.get("pairs")
    if not isinstance(rows, list) or len(rows) > MAX_PAIRS:
        raise MessageRefused("pairs", type(rows).__name__, f"a list of at most {MAX_PAIRS}")
    return Results(run, tuple(_pair(row, members) for row in rows))


def _pair(row: Any, members: frozenset[str]) -> tuple[str, str, str]:
    if not isinstance(row, dict):
        raise MessageRefused("pairs", row, "each pair is an object")
    ref, member, other = row.get("ref"), row.get("member"), row.get("member_ref")
    if member not in members:
        raise MessageRefused("pairs.member", member, "not another member of the project")
    if not (
        isinstance(ref, str) and REF.match(ref) and isinstance(other, str) and REF.match(other)
    ):
        raise MessageRefused("pairs.ref", (ref, other), "references are 22 base64url characters")
    return ref, member, other


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _int(body: Mapping[str, Any], name: str, low: int, high: int) -> int:
    value = body.get(name)
    if type(value) is not int or not low <= value <= high:
        raise MessageRefused(name, value, f"an integer from {low} to {high}")
    return value


def nonce_of(body: Mapping[str, Any], name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not NONCE.match(value):
        raise MessageRefused(name, value, "32 hex digits")
    return value


def _members(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(m, str) and _NODE.match(m) for m in value):
        raise MessageRefused("members", value, "a list of node ids")
    return tuple(sorted(set(value)))


def _refs(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or len(value) > MAX_ROWS:
        raise MessageRefused("refs", type(value).__name__, f"a list of at most {MAX_ROWS}")
    if not all(isinstance(r, str) and REF.match(r) for r in value):
        raise MessageRefused("refs", value[:3], "references are 22 base64url characters")
    if len(set(value)) != len(value):
        raise MessageRefused("refs", len(value), "references are unique")
    return tuple(value)


def _bytes(body: Mapping[str, Any], name: str, size: int, shape: str) -> bytes:
    """A base64 field of exactly ``size`` bytes."""
    text = body.get(name)
    try:
        raw = base64.b64decode(text, validate=True) if isinstance(text, str) else None
    except (binascii.Error, ValueError):
        raw = None
    if raw is None or len(raw) != size:
        raise MessageRefused(name, size, f"base64 of {shape}")
    return raw


def _encodings(body: Mapping[str, Any], rows: int) -> Words:
    """Encodings as serialised (bytes in clkhash's order), viewed as 64-bit words."""
    raw = _bytes(body, "encodings", rows * BITS // 8, f"{rows} encodings of {BITS} bits")
    words: Words = np.frombuffer(raw, dtype=np.uint8).reshape(rows, BITS // 8).view(np.uint64)
    return words


def _blocks(body: Mapping[str, Any], rows: int) -> Words:
    raw = _bytes(body, "blocks", rows * KINDS * 8, f"{rows} x {KINDS} 64-bit words")
    words: Words = np.frombuffer(raw, dtype="<u8").astype(np.uint64).reshape(rows, KINDS)
    return words

"""Signed node-to-node messages. Pure: keys, clocks and the replay store are
passed in.

A message is ``{"message": "<JSON text>", "signature": "..."}``. The inner
JSON object names its id, type, sender, recipient and time, and carries a
body; the signature is Ed25519 by the sender's node key over a domain tag and
the exact bytes of that text (as JWS signs its payload), so nothing depends
on both sides serialising JSON the same way. Records inside travel as stored.
The receiver checks, in this order, that it is well formed, addressed to it,
from a pinned peer, signed by that peer's key and within the clock-skew
window. Replay (a message id seen before) needs the inbox, so the node
checks it where it stores the id.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import orjson

from liaison.errors import MessageRefused
from liaison.model.identity import NodeKey, verify_signature
from liaison.model.ids import canonical_json

DOMAIN = b"liaison-message-v1\x00"
_ID = re.compile(r"^[0-9a-f]{32}$")
_NODE = re.compile(r"^lsn-[a-z2-7]{20}$")
_SIGNATURE = re.compile(r"^[A-Za-z0-9_-]{86}$")


class MessageType(StrEnum):
    CHANGES = "changes"  # record changes, in outbox order
    ACK = "ack"  # the changes applied, up to a sequence number
    PULL = "pull"  # send me what I missed since my cursor
    AGREEMENT = "agreement"  # an agreement document and its signatures
    NOTICES = "notices"  # events that are not record changes (liaison.federation.notices)
    HIT_QUERY = "hit_query"  # blinded identifiers (liaison.matching.psi)
    HIT_ANSWER = "hit_answer"  # their evaluations and the padded tags of their buckets
    HUB_SUBMIT = "hub_submit"  # a member's encodings for a hub (liaison.federation.hub)
    HUB_PULL = "hub_pull"  # a member asks the hub for its candidate pairs
    HUB_RESULTS = "hub_results"  # the pairs that concern that member, no scores
    WITNESS = "witness"  # a log's signed checkpoint and consistency proof (liaison.audit.witness)
    WITNESS_GET = "witness_get"  # what checkpoint of my log do you hold?
    WITNESS_STATE = "witness_state"  # the checkpoint a witness holds, cosigned (or its refusal)
    PROVE = "prove"  # prove that an entry about us is in your log
    PROOF = "proof"  # the entry, its inclusion proof and the checkpoint it is proved against


_TYPES = frozenset(t.value for t in MessageType)


@dataclass(frozen=True)
class Message:
    id: str
    type: MessageType
    sender: str
    recipient: str
    time: dt.datetime
    body: dict[str, Any]


def seal(
    key: NodeKey, kind: MessageType, recipient: str, body: dict[str, Any], now: dt.datetime
) -> bytes:
    """A new message with a fresh id, signed by ``key``."""
    inner = {
        "id": uuid.uuid4().hex,
        "type": kind.value,
        "sender": key.node_id,
        "recipient": recipient,
        "time": now.astimezone(dt.UTC).isoformat(),
        "body": body,
    }
    text = canonical_json(inner)
    signature = key.sign(DOMAIN + text)
    return orjson.dumps({"message": text.decode(), "signature": signature})


def open_message(
    raw: bytes,
    me: str,
    key_of: Callable[[str], str | None],
    now: dt.datetime,
    window: dt.timedelta,
) -> Message:
    """Check a message and return it; refuse it (``MessageRefused``) naming the
    field that failed. ``key_of`` gives the pinned key of a peer, or None."""
    try:
        outer = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise MessageRefused("body", raw[:60], "not JSON") from None
    if not isinstance(outer, dict) or not isinstance(outer.get("message"), str):
        raise MessageRefused("message", outer, "must be an object with message and signature")
    text = outer["message"].encode()
    signature = outer.get("signature")
    if not isinstance(signature, str) or not _SIGNATURE.match(signature):
        raise MessageRefused("signature", signature, "missing or not an Ed25519 signature")
    try:
        inner = orjson.loads(text)
    except orjson.JSONDecodeError:
        raise MessageRefused("message", text[:60], "not JSON") from None
    if not isinstance(inner, dict):
        raise MessageRefused("message", inner, "must be a JSON object")
    _fields(inner)
    if inner["recipient"] != me:
        raise MessageRefused("recipient", inner["recipient"], f"this node is {me}")
    public_key = key_of(inner["sender"])
    if public_key is None:
        raise MessageRefused("sender", inner["sender"], "not a peer of this node")
    if not verify_signature(public_key, DOMAIN + text, signature):
        raise MessageRefused("signature", signature, "does not verify with the pinned key")
    time = _time(inner["time"])
    if abs(now - time) > window:
        raise MessageRefused(
            "time", inner["time"], f"outside the clock-skew window of {window} around {now}"
        )
    return Message(
        inner["id"],
        MessageType(inner["type"]),
        inner["sender"],
        inner["recipient"],
        time,
        inner["body"],
    )


def _fields(inner: dict[str, Any]) -> None:
    checks: list[tuple[str, Callable[[Any], bool], str]] = [
        ("id", lambda v: isinstance(v, str) and bool(_ID.match(v)), "32 hex digits"),
        ("type", lambda v: isinstance(v, str) and v in _TYPES, "a known message type"),
        ("sender", lambda v: isinstance(v, str) and bool(_NODE.match(v)), "a node id"),
        ("recipient", lambda v: isinstance(v, str) and bool(_NODE.match(v)), "a node id"),
        ("time", lambda v: isinstance(v, str), "an ISO 8601 time"),
        ("body", lambda v: isinstance(v, dict), "an object"),
    ]
    for name, ok, expected in checks:
        if not ok(inner.get(name)):
            raise MessageRefused(name, inner.get(name), f"must be {expected}")


def _time(text: str) -> dt.datetime:
    try:
        time = dt.datetime.fromisoformat(text)
    except ValueError:
        raise MessageRefused("time", text, "not an ISO 8601 time") from None
    if time.tzinfo is None:
        raise MessageRefused("time", text, "must carry a time zone")
    return time

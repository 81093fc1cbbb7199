"""Deterministic STIX ids and timestamps.

A record's STIX id is ``<type>--uuid5(NAMESPACE, "<originator>/<record id>")``: the
same for every version of the record (a new version is a new STIX version of the
same object, with a later ``modified``), and different for every originator. An
observable derived from a value (an e-mail address, a domain) has the id STIX
itself prescribes for cyber-observables: uuid5 in the SCO namespace over its
id-contributing properties, so that every producer names it alike.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any, Final

from liaison.stix.markings import NAMESPACE

#: The namespace STIX 2.1 (section 2.9) prescribes for cyber-observable ids
SCO_NAMESPACE: Final = uuid.UUID("00abedb4-aa42-466c-9c01-fed23315a9b7")


def record_id(kind: str, originator: str, record: str) -> str:
    """The STIX id of a record's object of type ``kind``."""
    return f"{kind}--{uuid.uuid5(NAMESPACE, f'{originator}/{record}')}"


def agency_id(node_id: str) -> str:
    """The identity of an originating agency (a node)."""
    return f"identity--{uuid.uuid5(NAMESPACE, f'node/{node_id}')}"


def derived_id(kind: str, *parts: str) -> str:
    """An object derived from a record (a relationship to an observable, say)."""
    return f"{kind}--{uuid.uuid5(NAMESPACE, '/'.join(parts))}"


def observable_id(kind: str, contributing: dict[str, Any]) -> str:
    """A cyber-observable's id as STIX prescribes it (uuid5 over the canonical JSON
    of its id-contributing properties)."""
    text = json.dumps(contributing, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return f"{kind}--{uuid.uuid5(SCO_NAMESPACE, text)}"


def timestamp(moment: dt.datetime) -> str:
    """A STIX timestamp: UTC, microsecond precision (STIX allows any), ``Z``."""
    utc = moment.astimezone(dt.UTC) if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_timestamp(text: Any) -> dt.datetime | None:
    """A STIX timestamp read back; ``None`` when it is not one."""
    if not isinstance(text, str):
        return None
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)

"""Records: create, read, update, delete, versions, list, look up by identifier."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from liaison.api.deps import ActorDep, NodeDep, WhyDep
from liaison.api.wire import Limit
from liaison.errors import InvalidInput
from liaison.matching.identifiers import MAX_RAW_LENGTH
from liaison.node.records import Lookup
from liaison.storage.records import RecordFilter

router = APIRouter(tags=["records"])


class RecordIn(BaseModel):
    entity: dict[str, Any] = Field(
        description="A FollowTheMoney entity: {id?, schema, properties: {name: [values]}}"
    )
    envelope: dict[str, Any] | None = Field(
        default=None, description="legal_basis, purposes, crime_area, markings, evaluation, ..."
    )


def _version(if_match: str | None) -> int | None:
    if if_match is None:
        return None
    found = re.fullmatch(r'\s*(?:W/)?"?([0-9]{1,9})"?\s*', if_match)
    if found is None:
        raise InvalidInput("If-Match", if_match, 'must be the record version, as in the ETag ("3")')
    return int(found.group(1))


@router.post("/records", status_code=201)
def create_record(
    body: RecordIn, node: NodeDep, actor: ActorDep, why: WhyDep, response: Response
) -> dict[str, Any]:
    record = node.records.create(actor, body.entity, body.envelope, why)
    response.headers["ETag"] = f'"{record.version}"'
    response.headers["Location"] = f"/api/v1/records/{record.record_id}"
    return record.to_dict()


@router.get("/records")
def list_records(
    node: NodeDep,
    actor: ActorDep,
    why: WhyDep,
    schema: str | None = None,
    classification: str | None = None,
    tlp: str | None = None,
    crime_area: str | None = None,
    q: Annotated[str | None, Query(max_length=200, description="text in names")] = None,
    include_deleted: bool = False,
    cursor: Annotated[str | None, Query(max_length=100)] = None,
    limit: Annotated[Limit, Query(le=500)] = 50,
) -> dict[str, Any]:
    """Records this user may see, oldest first; follow ``next_cursor`` for more."""
    flt = RecordFilter.parse(schema, classification, tlp, crime_area, q, include_deleted)
    page = node.records.search(actor, flt, cursor, limit, why)
    return {"items": page.items, "next_cursor": page.next_cursor}


class Reading(BaseModel):
    """What the identifier was read as: a kind and the normalised value the
    candidate index holds for records (``phone``, ``+639171234567``)."""

    kind: str
    value: str


class Found(BaseModel):
    """A record holding the identifier: its summary, as ``GET /records`` lists it,
    and the readings it holds (``kind:value``)."""

    model_config = ConfigDict(populate_by_name=True)
    record_id: str
    schema_: str = Field(alias="schema")
    caption: str
    version: int
    originator: str
    classification: str | None
    tlp: str | None
    crime_area: str | None
    deleted: bool
    modified: str
    matched: list[str]


class LookupOut(BaseModel):
    identifier: str = Field(description="the text as given")
    country: str | None = Field(description="where phone numbers without + were read")
    read_as: list[Reading]
    items: list[Found]
    next_cursor: str | None


def lookup_out(found: Lookup) -> LookupOut:
    return LookupOut(
        identifier=found.text,
        country=found.country,
        read_as=[Reading(kind=r.kind.value, value=r.value) for r in found.readings],
        items=[Found.model_validate(item) for item in found.items],
        next_cursor=found.next_cursor,
    )


@router.get("/records/lookup", response_model_by_alias=True)
def lookup_records(
    node: NodeDep,
    actor: ActorDep,
    why: WhyDep,
    identifier: Annotated[
        str, Query(min_length=1, max_length=MAX_RAW_LENGTH, description="as written")
    ],
    country: Annotated[
        str | None, Query(max_length=100, description="for phones without +; e.g. PH")
    ] = None,
    cursor: Annotated[str | None, Query(max_length=100)] = None,
    limit: Annotated[Limit, Query(le=500)] = 50,
) -> LookupOut:
    """Records this user may see (own and received copies) that hold an identifier —
    phone, e-mail, IBAN, IMO, MMSI, wallet, passport or ID number — however it is
    written; oldest first, with what it was read as. Audited as a search."""
    return lookup_out(node.records.lookup(actor, identifier, country, cursor, limit, why))


@router.get("/records/{record_id}")
def get_record(
    record_id: str, node: NodeDep, actor: ActorDep, why: WhyDep, response: Response
) -> dict[str, Any]:
    record = node.records.get(actor, record_id, None, why)
    response.headers["ETag"] = f'"{record.version}"'
    return record.to_dict()


@router.put("/records/{record_id}")
def update_record(
    record_id: str,
    body: RecordIn,
    node: NodeDep,
    actor: ActorDep,
    why: WhyDep,
    response: Response,
    if_match: Annotated[str | None, Header()] = None,
) -> dict[str, Any]:
    """Write the next version (the whole entity and envelope). Send If-Match to avoid
    overwriting a change you have not seen."""
    record = node.records.update(
        actor, record_id, body.entity, body.envelope, _version(if_match), why
    )
    response.headers["ETag"] = f'"{record.version}"'
    return record.to_dict()


@router.delete("/records/{record_id}")
def delete_record(
    record_id: str,
    node: NodeDep,
    actor: ActorDep,
    why: WhyDep,
    reason: Annotated[str, Query(min_length=1, max_length=2000)],
    if_match: Annotated[str | None, Header()] = None,
) -> dict[str, Any]:
    """Delete: a tombstone version is written; earlier versions stay."""
    return node.records.delete(actor, record_id, reason, _version(if_match), why).to_dict()


@router.get("/records/{record_id}/versions")
def record_versions(
    record_id: str, node: NodeDep, actor: ActorDep, why: WhyDep
) -> list[dict[str, Any]]:
    return [r.to_dict() for r in node.records.history(actor, record_id, why)]


@router.get("/records/{record_id}/versions/{version}")
def record_version(
    record_id: str,
    version: Annotated[int, Path(ge=1, le=2**31)],
    node: NodeDep,
    actor: ActorDep,
    why: WhyDep,
) -> dict[str, Any]:
    return node.records.get(actor, record_id, version, why).to_dict()

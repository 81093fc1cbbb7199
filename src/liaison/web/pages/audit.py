"""The audit log for auditors: entries filtered by actor, action, object and
result, page by page; and verification of the whole chain."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from liaison.api.deps import NodeDep
from liaison.api.wire import Seq
from liaison.audit.chain import Action, Entry, Result, Verification
from liaison.policy.permissions import Permission as P  # noqa: N817 - as in node/
from liaison.web.render import render
from liaison.web.session import FormDep, UserDep, WebUser

router = APIRouter()

PAGE = 50
DETAIL_SHOWN = 400  # characters of an entry's detail shown in the table
Filter = Annotated[str | None, Query(max_length=200)]


@dataclass(frozen=True)
class Filters:
    actor: str | None = None
    action: str | None = None
    object: str | None = None
    result: str | None = None

    def given(self) -> dict[str, str]:
        return {k: v.strip() for k, v in self.__dict__.items() if v and v.strip()}


def detail_text(detail: dict[str, Any]) -> str:
    """An entry's detail as compact JSON, cut short for the table."""
    text = orjson.dumps(detail, option=orjson.OPT_SORT_KEYS).decode()
    return text if len(text) <= DETAIL_SHOWN else text[: DETAIL_SHOWN - 1] + "…"


def next_cursor(entries: list[Entry], limit: int) -> int | None:
    return entries[-1].seq if len(entries) == limit else None


@router.get("/audit")
def audit_page(
    request: Request,
    node: NodeDep,
    user: UserDep,
    actor: Filter = None,
    action: Filter = None,
    object_: Annotated[str | None, Query(alias="object", max_length=200)] = None,
    result: Filter = None,
    cursor: Seq = 0,
) -> Response:
    filters = Filters(actor, action, object_, result)
    if user.may(P.AUDIT_VERIFY) and not user.may(P.AUDIT_READ):
        return _page(request, user, filters, None, cursor, None)  # verify, not read
    entries = node.audit.entries(user.actor, cursor, PAGE, **filters.given())
    return _page(request, user, filters, entries, cursor, None)


@router.post("/audit/verify")
def audit_verify(request: Request, node: NodeDep, user: UserDep, _: FormDep) -> Response:
    verification = node.audit.verify(user.actor)
    return _page(request, user, Filters(), None, 0, verification)


def _page(
    request: Request,
    user: WebUser,
    filters: Filters,
    entries: list[Entry] | None,
    cursor: int,
    verification: Verification | None,
) -> Response:
    rows = [(e, detail_text(e.detail)) for e in entries or []]
    return render(
        request,
        "audit.html",
        user,
        filters=filters,
        rows=rows,
        listed=entries is not None,
        cursor=cursor,
        next=next_cursor(entries or [], PAGE),
        params=request.query_params,
        actions=[a.value for a in Action],
        results=[r.value for r in Result],
        verification=verification,
    )

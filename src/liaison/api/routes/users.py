"""User administration (administrators only)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from liaison.api.deps import ActorDep, NodeDep
from liaison.model.markings import Classification
from liaison.model.roles import Role

router = APIRouter(tags=["users"])


class UserIn(BaseModel):
    username: str = Field(max_length=64)
    password: str = Field(max_length=1000)
    role: Role
    clearance: str = Classification.RESTRICTED.name


class UserPatch(BaseModel):
    role: Role | None = None
    clearance: str | None = None
    active: bool | None = None
    password: str | None = Field(default=None, max_length=1000)


@router.get("/users")
def list_users(node: NodeDep, actor: ActorDep) -> list[dict[str, Any]]:
    return node.accounts.list_users(actor)


@router.post("/users", status_code=201)
def create_user(body: UserIn, node: NodeDep, actor: ActorDep) -> dict[str, Any]:
    return node.accounts.create_user(actor, body.username, body.password, body.role, body.clearance)


@router.patch("/users/{username}")
def update_user(username: str, body: UserPatch, node: NodeDep, actor: ActorDep) -> dict[str, Any]:
    return node.accounts.update_user(actor, username, **body.model_dump(exclude_none=True))

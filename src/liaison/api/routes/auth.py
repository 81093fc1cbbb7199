"""Sign-in, sign-out, own tokens and the TOTP second factor."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from liaison.api.deps import ActorDep, NodeDep, TokenDep
from liaison.api.wire import Id

router = APIRouter(tags=["auth"])


class LoginIn(BaseModel):
    username: str = Field(max_length=100)
    password: str = Field(max_length=1000)
    totp_code: str | None = Field(default=None, max_length=10)


class TokenIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    days: int = Field(default=90, ge=1, le=366)


class CodeIn(BaseModel):
    code: str = Field(min_length=6, max_length=10)


@router.post("/auth/login")
def login(body: LoginIn, node: NodeDep, request: Request) -> dict[str, Any]:
    """A session token for a user name and password (and TOTP code when enrolled)."""
    client = f"api@{request.client.host}" if request.client else "api"
    issued = node.accounts.login(body.username, body.password, body.totp_code, client)
    return {
        "token": issued.token,
        "expires": issued.expires.isoformat() if issued.expires else None,
        "username": issued.actor.username,
        "role": issued.actor.role.value,
    }


@router.post("/auth/logout", status_code=204)
def logout(node: NodeDep, actor: ActorDep, token: TokenDep) -> None:
    node.accounts.logout(actor, token)


@router.get("/me")
def me(actor: ActorDep) -> dict[str, Any]:
    return {"username": actor.username, "role": actor.role.value, "clearance": actor.clearance.name}


@router.post("/me/tokens", status_code=201)
def create_token(body: TokenIn, node: NodeDep, actor: ActorDep) -> dict[str, Any]:
    """A named API token; it is shown once and stored only as a hash."""
    issued = node.accounts.create_token(actor, body.name, body.days)
    return {
        "id": issued.token_id,
        "token": issued.token,
        "expires": issued.expires.isoformat() if issued.expires else None,
    }


@router.get("/me/tokens")
def list_tokens(node: NodeDep, actor: ActorDep) -> list[dict[str, Any]]:
    return node.accounts.tokens(actor)


@router.delete("/me/tokens/{token_id}", status_code=204)
def revoke_token(token_id: Id, node: NodeDep, actor: ActorDep) -> None:
    node.accounts.revoke_token(actor, token_id)


class EnrolIn(BaseModel):
    code: str | None = Field(default=None, max_length=10, description="current code, if any")


@router.post("/me/totp")
def totp_enrol(node: NodeDep, actor: ActorDep, body: EnrolIn | None = None) -> dict[str, str]:
    """Start TOTP enrolment: scan the URI, then confirm with a code. Replacing an
    enrolled authenticator needs a current code from it."""
    return node.accounts.totp_enrol(actor, body.code if body else None)


@router.post("/me/totp/confirm", status_code=204)
def totp_confirm(body: CodeIn, node: NodeDep, actor: ActorDep) -> None:
    node.accounts.totp_confirm(actor, body.code)

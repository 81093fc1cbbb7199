"""Hub mode: a hub's projects (its administrator), a member's memberships,
submissions and candidate pairs (see docs/hits.md)."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated, Any

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field

from liaison.api.deps import ActorDep, NodeDep, WhyDep
from liaison.errors import InvalidInput
from liaison.node.hub import THRESHOLD
from liaison.node.linkage import results_now, submit_now

router = APIRouter(tags=["hub"])
ProjectPath = Annotated[str, Path(max_length=63)]


class ProjectIn(BaseModel):
    project: str = Field(max_length=63)
    members: list[str] = Field(min_length=2, max_length=100, description="peer names or node ids")
    threshold: float = Field(default=THRESHOLD, gt=0.0, le=1.0)


class MembershipIn(BaseModel):
    project: str = Field(max_length=63)
    hub: str = Field(max_length=64, description="the hub: peer name or node id")
    members: list[str] = Field(min_length=1, max_length=100, description="every member")
    secret: str = Field(max_length=1000, description="the members' linkage secret, base64")


@router.post("/hub/projects", status_code=201)
def create_project(body: ProjectIn, node: NodeDep, actor: ActorDep, why: WhyDep) -> dict[str, Any]:
    """On a hub: a project for these members (pinned peers)."""
    return node.hub.create(actor, body.project, body.members, body.threshold, why)


@router.get("/hub/projects")
def list_projects(node: NodeDep, actor: ActorDep) -> list[dict[str, Any]]:
    """On a hub: its projects, who submitted, runs, how many pairs."""
    return node.hub.projects(actor)


@router.post("/hub/projects/{project}/link")
def link_project(
    project: ProjectPath, node: NodeDep, actor: ActorDep, why: WhyDep
) -> dict[str, Any]:
    """On a hub: link now among the members that have submitted."""
    return node.hub.link_now(actor, project, why)


@router.post("/hub/memberships", status_code=201)
def join(body: MembershipIn, node: NodeDep, actor: ActorDep, why: WhyDep) -> dict[str, Any]:
    """On a member: join a hub's project with the members' shared secret."""
    try:
        secret = base64.b64decode(body.secret, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInput("secret", "<hidden>", "base64") from None
    return node.linkage.join(actor, body.project, body.hub, body.members, secret, why)


@router.get("/hub/memberships")
def memberships(node: NodeDep, actor: ActorDep) -> list[dict[str, Any]]:
    """On a member: the projects it is in."""
    return node.linkage.memberships(actor)


@router.post("/hub/memberships/{project}/submit")
async def submit(
    project: ProjectPath, node: NodeDep, actor: ActorDep, why: WhyDep
) -> dict[str, Any]:
    """On a member: encode the records offered to every other member, send them."""
    return await submit_now(node.linkage, actor, project, why)


@router.post("/hub/memberships/{project}/results")
async def results(
    project: ProjectPath, node: NodeDep, actor: ActorDep, why: WhyDep
) -> list[dict[str, Any]]:
    """On a member: ask the hub for this node's candidate pairs and keep them."""
    return await results_now(node.linkage, actor, project, why)


@router.get("/hub/memberships/{project}/candidates")
def candidates(project: ProjectPath, node: NodeDep, actor: ActorDep) -> list[dict[str, Any]]:
    """On a member: the candidate pairs kept, on records you may see."""
    return node.linkage.candidates(actor, project)

"""Who may read a partner's TAXII collection: pure.

A collection holds what one partner receives from this node in full. It is
read by that partner's TAXII account (a user of this node that the node's
settings tie to the partner, ``LIAISON_TAXII_USERS``) and by the node's
auditors (``collection:read``). Nobody else: not the other partners'
accounts, for whom the collection does not exist (they are not told which
other partners this node shares with), and not the node's other users, who
may know the partners but are refused (403).
"""

from __future__ import annotations

from dataclasses import dataclass

from liaison.model.roles import Actor
from liaison.policy.permissions import Permission, check_role


@dataclass(frozen=True)
class Access:
    """Whether an actor may read a collection, whether it may know it exists,
    and why."""

    readable: bool
    visible: bool
    reason: str
    tied: bool = False  # the actor is a partner's TAXII account


def collection_access(actor: Actor, partner: str, tied_to: str | None) -> Access:
    """``partner``: the collection's partner (node id); ``tied_to``: the partner
    (node id) the actor's account is tied to, if any."""
    if tied_to is not None:
        if tied_to == partner:
            reason = f"user {actor.username} is {partner}'s TAXII account"
            return Access(True, True, reason, tied=True)
        reason = f"user {actor.username} is the TAXII account of another partner"
        return Access(False, False, reason, tied=True)
    role = check_role(actor, Permission.COLLECTION_READ)
    return Access(role.allowed, True, role.reasons[0])

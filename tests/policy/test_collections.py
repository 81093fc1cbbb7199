"""Who reads a partner's TAXII collection: the partner's account, auditors; who
may know it exists."""

from __future__ import annotations

import pytest

from liaison.model.markings import Classification
from liaison.model.roles import Actor, Role
from liaison.policy.collections import collection_access
from liaison.policy.permissions import ROLE_PERMISSIONS, Permission


def actor(role: Role, name: str = "someone") -> Actor:
    return Actor(1, name, role, Classification.SECRET)


def test_the_partners_account_reads_its_own_collection_only() -> None:
    account = actor(Role.LIAISON_OFFICER, "moscow-taxii")
    own = collection_access(account, "node-moscow", "node-moscow")
    assert own.readable and own.visible and own.tied
    other = collection_access(account, "node-kl", "node-moscow")
    assert not other.readable and not other.visible  # told it does not exist (404)
    assert "another partner" in other.reason


def test_auditors_read_every_collection() -> None:
    access = collection_access(actor(Role.AUDITOR), "node-kl", None)
    assert access.readable and access.visible and not access.tied
    assert [r for r, ps in ROLE_PERMISSIONS.items() if Permission.COLLECTION_READ in ps] == [
        Role.AUDITOR
    ]


@pytest.mark.parametrize(
    "role", [Role.ADMINISTRATOR, Role.ANALYST, Role.LIAISON_OFFICER, Role.SUPERVISOR]
)
def test_other_users_know_of_collections_but_may_not_read_them(role: Role) -> None:
    access = collection_access(actor(role), "node-kl", None)
    assert access.visible and not access.readable  # 403
    assert access.reason == f"role {role.value} does not grant collection:read"

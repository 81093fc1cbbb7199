"""Pure decision logic: who may do what with which record, and why."""

from liaison.policy.permissions import Decision, Permission, check_clearance, check_role, require

__all__ = ["Decision", "Permission", "check_clearance", "check_role", "require"]

"""The notice sweeper: ``liaison serve`` expires this node's notices whose expiry
day has come and tells their holders, in a thread beside the API
(``LIAISON_NOTICE_SWEEP_WORKER``), when it starts and then every
``LIAISON_NOTICE_SWEEP_SECONDS``. ``liaison notice sweep`` runs one round by
hand. A round is ``DiffusionService.sweep``: idempotent, one transaction, audited
as the system user's ``diffusion.change`` with ``move: expire``."""

from __future__ import annotations

import logging

from liaison.node.diffusion import DiffusionService
from liaison.node.periodic import Periodic

log = logging.getLogger(__name__)


class NoticeSweeper(Periodic):
    """Runs ``sweep`` on a timer; a failed round is logged and tried again at the next."""

    name = "sweeper"

    def __init__(self, service: DiffusionService, interval_seconds: float) -> None:
        super().__init__(interval_seconds)
        self.service = service

    def round(self) -> list[str]:
        expired = self.service.sweep()
        if expired:
            log.info("notices expired: %s", ", ".join(expired), extra={"expired": expired})
        return expired


__all__ = ["NoticeSweeper"]

"""The notice sweeper: ``liaison serve`` expires this node's notices whose expiry
day has come and tells their holders, in a thread beside the API
(``LIAISON_NOTICE_SWEEP_WORKER``), when it starts and then every
``LIAISON_NOTICE_SWEEP_SECONDS``. ``liaison notice sweep`` runs one round by
hand. A round is ``DiffusionService.sweep``: idempotent, one transaction, audited
as the system user's ``diffusion.change`` with ``move: expire``."""

from __future__ import annotations

import logging
import threading

from liaison.node.diffusion import DiffusionService

log = logging.getLogger(__name__)


class NoticeSweeper:
    """Runs ``sweep`` on a timer; a failed round is logged and tried again at the next."""

    def __init__(self, service: DiffusionService, interval_seconds: float) -> None:
        self.service, self.interval = service, interval_seconds
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._main, name="liaison-sweeper", daemon=True)

    def round(self) -> list[str]:
        expired = self.service.sweep()
        if expired:
            log.info("notices expired: %s", ", ".join(expired), extra={"expired": expired})
        return expired

    def _main(self) -> None:
        while not self.stop.is_set():
            try:
                self.round()
            except Exception:  # the loop must outlive any one failure
                log.exception("sweeper: a round failed; trying again at the next")
            self.stop.wait(self.interval)

    def start(self) -> None:
        self.thread.start()

    def close(self, timeout: float = 10.0) -> None:
        self.stop.set()
        self.thread.join(timeout)


__all__ = ["NoticeSweeper"]

"""A background thread that runs a round of work, waits, and runs it again, beside
the API server (``liaison serve``): the feeds' puller, the witnessing of the audit
log, the notice sweeper. A round that fails is logged and the next one runs as
planned; ``close`` stops the loop and waits for the round under way."""

from __future__ import annotations

import logging
import threading
from typing import ClassVar

log = logging.getLogger(__name__)


class Periodic:
    """Subclasses name the thread (``liaison-<name>``) and give ``round``."""

    name: ClassVar[str]

    def __init__(self, interval_seconds: float) -> None:
        self.interval = interval_seconds
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._main, name=f"liaison-{self.name}", daemon=True)

    def round(self) -> object:
        raise NotImplementedError

    def _main(self) -> None:
        while not self.stop.is_set():
            try:
                self.round()
            except Exception:  # the loop must outlive any one failure
                log.exception("%s: a round failed; trying again at the next", self.name)
            self.stop.wait(self.interval)

    def start(self) -> None:
        self.thread.start()

    def close(self, timeout: float = 10.0) -> None:
        self.stop.set()
        self.thread.join(timeout)


__all__ = ["Periodic"]

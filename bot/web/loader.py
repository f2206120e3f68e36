"""Open the services in a background thread, so the port opens at once.

Loading the embedding model and the index takes seconds, and so does the first answer
(the model's first passes, lazy caches): one unrecorded question runs through the
pipeline before the services count as ready. Meanwhile ``/healthz`` says "starting" and
the endpoints that need them answer 503 with Retry-After.
"""

from __future__ import annotations

import gc
import logging
import threading
from collections.abc import Callable
from typing import Literal

from bot.runtime import Services
from retrieval.errors import StoreError

log = logging.getLogger(__name__)

LoadState = Literal["starting", "ok", "failed"]


class ServiceLoader:
    """Owns the services: opens them off the event loop and closes them at shutdown."""

    def __init__(self, open_services: Callable[[], Services]) -> None:
        self._open = open_services
        self._services: Services | None = None
        self._state: LoadState = "starting"
        self.failed_dependency: dict[str, str] | None = None
        self._closed = False
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="vnpos-load", daemon=True)

    @property
    def state(self) -> LoadState:
        """Return "starting", "ok" or "failed"."""
        return self._state

    @property
    def services(self) -> Services | None:
        """Return the services once loaded, else None."""
        return self._services

    def start(self) -> None:
        """Start loading in the background."""
        self._thread.start()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until loading ends; return True when the services are ready."""
        self._thread.join(timeout)
        return self._state == "ok"

    def close(self, timeout: float = 120.0) -> None:
        """Close the services, waiting for a load in progress to finish first."""
        with self._lock:
            self._closed = True
        if self._thread.is_alive():
            self._thread.join(timeout)
        with self._lock:
            services, self._services = self._services, None
        if services is not None:
            services.close()

    def _run(self) -> None:
        try:
            services = self._open()
        except StoreError as exc:
            log.error("cannot start: %s", exc, exc_info=log.isEnabledFor(logging.DEBUG))
            self.failed_dependency = {exc.dependency: "unavailable"}
            self._state = "failed"
            return
        except Exception:
            log.exception("could not load the model, index or store; /healthz reports it")
            self.failed_dependency = {"startup": "failed"}
            self._state = "failed"
            return
        try:
            log.info("pipeline warmed up in %.1fs", services.answerer.warm_up())
            services.keep_warming()
        except Exception:
            # A warm-up that fails leaves the first reader to pay the cold start, no more.
            log.exception("the warm-up question failed; serving anyway")
        # The warm-up's garbage is collected now, not in the middle of a first answer.
        gc.collect()
        with self._lock:
            if self._closed:
                services.close()
                return
            self._services = services
            self._state = "ok"
        log.info("services ready")

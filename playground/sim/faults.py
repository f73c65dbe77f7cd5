"""Which requests fail: ``fail_times`` counters per family and model id, and ``fail_key``."""

from __future__ import annotations

import threading

from playground.sim.params import SimParams


class FaultSchedule:
    """Decides whether a request gets its model id's fault; thread-safe, resettable.

    The first ``fail_times`` requests for one exact model id in one family fail and later ones
    succeed (no ``fail_times``: all fail). With ``fail_key``, only requests whose credential
    contains that substring fail — and only they are counted.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._failed: dict[tuple[str, str], int] = {}

    def fault_for(self, family: str, params: SimParams, credential: str | None) -> str | None:
        """The fault to inject into this request, or None."""
        if params.fail is None:
            return None
        if params.fail_key is not None and params.fail_key not in (credential or ""):
            return None
        if params.fail_times is None:
            return params.fail
        key = (family, params.model_id)
        with self._lock:
            done = self._failed.get(key, 0)
            if done >= params.fail_times:
                return None
            self._failed[key] = done + 1
        return params.fail

    def reset(self) -> None:
        """Forget every counter."""
        with self._lock:
            self._failed.clear()

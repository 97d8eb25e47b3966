"""Supervision of the daemon's optional parts (history recorder, MQTT bridge, ...).

``supervise`` runs one: an exception is logged, becomes a node alarm and the component restarts
after a growing delay. Control never stops for a component. Which components run is decided
above the service layer (``brewctl.cli.components.optional_components``) and handed to the
daemon: the service never imports the recorder, MQTT or alerts.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from brewctl.backoff import Backoff
from brewctl.model import Alarm
from brewctl.service.hub import Component, Hub

__all__ = ["backoff_s", "supervise"]

log = logging.getLogger(__name__)


def backoff_s(failures: int, *, first_s: float = 1.0, max_s: float = 300.0) -> float:
    """Delay before restart number ``failures`` (1, 2, 4, ... capped at ``max_s``)."""
    return Backoff(initial_s=first_s, max_s=max_s).delay(failures - 1)


async def supervise(
    component: Component,
    hub: Hub,
    *,
    sleep: Callable[[float], Awaitable[None]],
    healthy_after_s: float = 120.0,
) -> None:
    """Run ``component`` forever, restarting it with backoff when it fails.

    Once a run has lasted ``healthy_after_s``, its alarm clears and the backoff resets.
    Cancelling ``supervise`` cancels the component.
    """
    failures = 0
    code = f"component_{component.name}_failed"
    while True:
        run = asyncio.ensure_future(component.run(hub))
        timer = asyncio.ensure_future(sleep(healthy_after_s))
        try:
            done, _ = await asyncio.wait({run, timer}, return_when=asyncio.FIRST_COMPLETED)
            if timer in done:
                failures = 0
                hub.clear_alarm(code)
            await run
            log.warning("component %s returned; restarting it", component.name)
        except Exception as exc:
            # An OSError is the machine's doing (a port in use, a missing file, a refused
            # connection) and says so itself: no traceback. Anything else is a bug: with one.
            trace = None if isinstance(exc, OSError) else exc
            log.error("component %s failed: %s: %s", component.name, type(exc).__name__, exc, exc_info=trace)
            hub.raise_alarm(
                Alarm(
                    code=code,
                    severity="warning",
                    message=f"{component.name} failed: {type(exc).__name__}: {exc}; restarting",
                )
            )
        finally:
            for task in (run, timer):
                task.cancel()
            await asyncio.gather(run, timer, return_exceptions=True)
        failures += 1
        await sleep(backoff_s(failures))

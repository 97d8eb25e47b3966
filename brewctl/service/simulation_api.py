"""The simulation-only fault API: break and mend a simulated probe from outside the daemon.

``POST /v1/simulation/probes/{probe}/unplug`` takes a configured probe off the simulated 1-wire
bus (a broken cable: its directory disappears, w1thermsensor reports it missing);
``.../stuck`` freezes it at its present reading, or at ``{"value_c": 25.0}`` (JSON body), while
the simulated beer goes on (a stuck probe: docs/control.md, "Stuck probes"); ``.../plug`` mends
either. A daemon that drives real hardware refuses them all (409): nothing here can touch a
real bus. ``brewctl sim-fault PROBE unplug|stuck|plug`` is the same from the shell.
"""

from __future__ import annotations

import asyncio
import json
import math
from typing import TYPE_CHECKING, Literal

from brewctl.service import http
from brewctl.service.api import BODY_TIMEOUT_S
from brewctl.service.hub import Hub

if TYPE_CHECKING:
    from brewctl.service.simulation import SimulatedRigs

__all__ = ["simulation_routes"]

FaultAction = Literal["unplug", "stuck", "plug"]

STUCK_RANGE_C = (-55.0, 125.0)
"""What a DS18B20 can read."""


def _rigs(hub: Hub) -> SimulatedRigs | None:
    daemon = hub.extra.get("daemon")
    return getattr(daemon, "rigs", None)


def _refused(error: str, status: int) -> http.Response:
    return http.json_response({"ok": False, "error": error}, status=status)


def simulation_routes(hub: Hub) -> list[http.Route]:
    """The fault routes (answered 409 by a daemon that is not simulated)."""

    async def fault(request: http.Request) -> http.Response:
        probe = request.match_info["probe"]
        action = request.match_info["action"]
        rigs = _rigs(hub)
        if rigs is None:
            return http.json_response(
                {
                    "ok": False,
                    "error": "not a simulated daemon: faults can only be injected into `brewctl run --simulate`",
                },
                status=409,
            )
        if probe not in rigs.config.probes:
            known = ", ".join(sorted(rigs.config.probes)) or "none"
            return http.json_response(
                {"ok": False, "error": f"probe: no probe named {probe!r} (known: {known})"}, status=404
            )
        if action == "stuck":
            value_c = await _stuck_value(request)
            if isinstance(value_c, str):
                return _refused(value_c, 400)
            frozen = rigs.stick(probe, value_c)
            at = f" at {frozen:g} °C" if frozen is not None else ""
            hub.event("simulation", f"simulated probe {probe} stuck{at}", probe=probe, action=action)
            return http.json_response({"ok": True, "probe": probe, "plugged": True, "stuck_c": frozen})
        if action == "unplug":
            rigs.unplug(probe)
        else:
            rigs.plug(probe)
        hub.event("simulation", f"simulated probe {probe} {action}ged", probe=probe, action=action)
        return http.json_response({"ok": True, "probe": probe, "plugged": action == "plug"})

    return [http.post("/v1/simulation/probes/{probe}/{action:unplug|stuck|plug}", fault)]


async def _stuck_value(request: http.Request) -> float | str | None:
    """The ``value_c`` of a ``stuck`` request (None without a body), or why it is refused."""
    try:
        async with asyncio.timeout(BODY_TIMEOUT_S):  # a half-sent body must not hold an API slot
            body = await request.read()
    except TimeoutError:
        return f"body: not received within {BODY_TIMEOUT_S:g} s"
    if not body.strip():
        return None
    if len(body) > 1024:
        return "payload: too large (at most 1024 bytes)"
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as exc:
        return f"payload: not valid JSON ({exc})"
    if not isinstance(data, dict) or set(data) - {"value_c"}:
        return 'payload: expected {"value_c": NUMBER} or nothing'
    value = data.get("value_c")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return "value_c: expected a number of °C"
    low, high = STUCK_RANGE_C
    if not low <= value <= high:
        return f"value_c: {value:g} °C is outside what a DS18B20 reads ({low:g}..{high:g} °C)"
    return float(value)

"""The simulation-only fault API: unplug and plug a simulated probe from outside the daemon.

``POST /v1/simulation/probes/{probe}/unplug`` takes a configured probe off the simulated 1-wire
bus (a broken cable: its directory disappears, w1thermsensor reports it missing) until
``.../plug`` puts it back. A daemon that drives real hardware refuses both (409): nothing here
can touch a real bus. ``brewctl sim-fault PROBE unplug|plug`` is the same from the shell.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from aiohttp import web

from brewctl.service.hub import Hub

if TYPE_CHECKING:
    from brewctl.service.simulation import SimulatedRigs

__all__ = ["simulation_routes"]

FaultAction = Literal["unplug", "plug"]


def _rigs(hub: Hub) -> SimulatedRigs | None:
    daemon = hub.extra.get("daemon")
    return getattr(daemon, "rigs", None)


def _refused(error: str, status: int) -> web.Response:
    return web.json_response({"ok": False, "error": error}, status=status)


def simulation_routes(hub: Hub) -> list[web.RouteDef]:
    """The fault routes (answered 409 by a daemon that is not simulated)."""

    async def fault(request: web.Request) -> web.Response:
        probe = request.match_info["probe"]
        action = request.match_info["action"]
        rigs = _rigs(hub)
        if rigs is None:
            return web.json_response(
                {
                    "ok": False,
                    "error": "not a simulated daemon: faults can only be injected into `brewctl run --simulate`",
                },
                status=409,
            )
        if probe not in rigs.config.probes:
            known = ", ".join(sorted(rigs.config.probes)) or "none"
            return web.json_response(
                {"ok": False, "error": f"probe: no probe named {probe!r} (known: {known})"}, status=404
            )
        if action == "unplug":
            rigs.unplug(probe)
        else:
            rigs.plug(probe)
        hub.event("simulation", f"simulated probe {probe} {action}ged", probe=probe, action=action)
        return web.json_response({"ok": True, "probe": probe, "plugged": action == "plug"})

    return [web.post(r"/v1/simulation/probes/{probe}/{action:unplug|plug}", fault)]

"""Local API routes served by the history recorder (see docs/history.md).

``GET /v1/fermenters/{id}/history?since_s=&until_s=&step_s=`` and ``GET /v1/events?since_s=``.
Queries run in a worker thread on their own read-only connection.
"""

from __future__ import annotations

import asyncio
import json
import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from aiohttp import web

from brewctl.recorder.history import (
    COLUMNS,
    HistoryStore,
    NoHistoryError,
    UnknownFermenterError,
    UnreadableHistoryError,
)

if TYPE_CHECKING:
    from brewctl.service.hub import Hub

__all__ = ["history_routes"]

_MAX_S = 1e11
"""Largest time (and step) accepted, in seconds: the year 5138, far inside SQLite's integers."""


def _number(request: web.Request, name: str, *, required: bool = False) -> float | None:
    text = request.query.get(name)
    if text is None or text == "":
        if required:
            raise _bad(f"{name}: required (Unix seconds)")
        return None
    try:
        value = float(text)
    except ValueError:
        raise _bad(f"{name}: expected a number, got {text!r}") from None
    if not math.isfinite(value):
        raise _bad(f"{name}: expected a finite number")
    if abs(value) > _MAX_S:
        raise _bad(f"{name}: {text} is out of range (Unix seconds, at most {_MAX_S:.0e})")
    return value


def _bad(message: str) -> web.HTTPBadRequest:
    return web.HTTPBadRequest(text=json.dumps({"error": message}), content_type="application/json")


def history_routes(store: HistoryStore, hub: Callable[[], Hub | None]) -> Sequence[web.RouteDef]:
    """Route definitions for the daemon's local API."""

    async def history(request: web.Request) -> web.Response:
        fermenter = request.match_info["id"]
        since_s = _number(request, "since_s", required=True)
        until_s = _number(request, "until_s")
        step_s = _number(request, "step_s")
        assert since_s is not None
        if step_s is not None and step_s < 1:
            raise _bad("step_s: at least 1 (seconds); omit it for every control cycle")
        try:
            rows = await asyncio.to_thread(store.query, fermenter, since_s, until_s, step_s)
        except UnknownFermenterError:
            current = hub()
            status = current.latest if current is not None else None
            if status is None or fermenter not in status.fermenters:
                return web.json_response({"error": f"no fermenter {fermenter!r}"}, status=404)
            empty = {"fermenter": fermenter, "columns": list(COLUMNS), "rows": [], "resolution": "raw"}
            return web.json_response(empty)
        except (NoHistoryError, UnreadableHistoryError) as exc:
            return web.json_response({"error": str(exc)}, status=503)
        return web.json_response(
            {"fermenter": fermenter, "columns": list(rows.columns), "rows": rows.rows, "resolution": rows.resolution}
        )

    async def events(request: web.Request) -> web.Response:
        since_s = _number(request, "since_s") or 0.0
        until_s = _number(request, "until_s")
        fermenter = request.query.get("fermenter") or None
        try:
            found = await asyncio.to_thread(store.events, since_s, until_s, fermenter=fermenter)
        except (NoHistoryError, UnreadableHistoryError) as exc:
            return web.json_response({"error": str(exc)}, status=503)
        return web.json_response({"events": [e.model_dump(mode="json") for e in found]})

    return [web.get("/v1/fermenters/{id}/history", history), web.get("/v1/events", events)]

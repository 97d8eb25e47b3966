"""Local API routes served by the history recorder (see docs/history.md).

``GET /v1/fermenters/{id}/history?since_s=&until_s=&step_s=``, the same for a shared chiller
(``GET /v1/chillers/{id}/history``) and ``GET /v1/events?since_s=``.
Queries run in a worker thread on their own read-only connection.
"""

from __future__ import annotations

import asyncio
import json
import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from brewctl.recorder.history import (
    CHILLER_COLUMNS,
    CHILLER_PREFIX,
    COLUMNS,
    HistoryStore,
    NoHistoryError,
    UnknownFermenterError,
    UnreadableHistoryError,
)
from brewctl.service import http

if TYPE_CHECKING:
    from brewctl.service.hub import Hub

__all__ = ["history_routes"]

_MAX_S = 1e11
"""Largest time (and step) accepted, in seconds: the year 5138, far inside SQLite's integers."""


def _number(request: http.Request, name: str, *, required: bool = False) -> float | None:
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


def _bad(message: str) -> http.HttpError:
    return http.HttpError(http.Response(json.dumps({"error": message}), status=400, content_type="application/json"))


def history_routes(store: HistoryStore, hub: Callable[[], Hub | None]) -> Sequence[http.Route]:
    """Route definitions for the daemon's local API."""

    async def history(request: http.Request) -> http.Response:
        return await _history(request, request.match_info["id"], chiller=False)

    async def chiller_history(request: http.Request) -> http.Response:
        return await _history(request, request.match_info["id"], chiller=True)

    async def _history(request: http.Request, name: str, *, chiller: bool) -> http.Response:
        kind = "chiller" if chiller else "fermenter"
        if ":" in name:  # no fermenter or chiller id holds one; chiller:NAME is the chillers' route
            return http.json_response({"error": f"no {kind} {name!r}"}, status=404)
        series = CHILLER_PREFIX + name if chiller else name
        since_s = _number(request, "since_s", required=True)
        until_s = _number(request, "until_s")
        step_s = _number(request, "step_s")
        assert since_s is not None
        if step_s is not None and step_s < 1:
            raise _bad("step_s: at least 1 (seconds); omit it for every control cycle")
        try:
            rows = await asyncio.to_thread(store.query, series, since_s, until_s, step_s)
        except UnknownFermenterError:
            current = hub()
            status = current.latest if current is not None else None
            known = () if status is None else status.chillers if chiller else status.fermenters
            if name not in known:
                return http.json_response({"error": f"no {kind} {name!r}"}, status=404)
            columns = CHILLER_COLUMNS if chiller else COLUMNS
            return http.json_response({kind: name, "columns": list(columns), "rows": [], "resolution": "raw"})
        except (NoHistoryError, UnreadableHistoryError) as exc:
            return http.json_response({"error": str(exc)}, status=503)
        return http.json_response(
            {kind: name, "columns": list(rows.columns), "rows": rows.rows, "resolution": rows.resolution}
        )

    async def events(request: http.Request) -> http.Response:
        since_s = _number(request, "since_s") or 0.0
        until_s = _number(request, "until_s")
        fermenter = request.query.get("fermenter") or None
        try:
            found = await asyncio.to_thread(store.events, since_s, until_s, fermenter=fermenter)
        except (NoHistoryError, UnreadableHistoryError) as exc:
            return http.json_response({"error": str(exc)}, status=503)
        return http.json_response({"events": [e.model_dump(mode="json") for e in found]})

    return [
        http.get("/v1/fermenters/{id}/history", history),
        http.get("/v1/chillers/{id}/history", chiller_history),
        http.get("/v1/events", events),
    ]

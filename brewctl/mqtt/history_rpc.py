"""History over MQTT: a node answers history requests for its own fermenters (MQTT 5 request/response).

A client publishes on ``<base>/fermenters/<fid>/history[/<client>]`` a small JSON request
(``{"what": "rows", "since_s": ..., "until_s": ..., "step_s": ...}`` or ``{"what": "events",
"since_s": ...}``) with an MQTT 5 *response topic* and *correlation data*; the node queries its
own history (the recorder's SQLite, in a worker thread) and answers there with the same JSON as
the local API's ``GET /v1/fermenters/{id}/history`` / ``GET /v1/events``, plus ``ok``. No node
needs another's database. Answers are bounded: past ``MAX_REPLY_BYTES`` rows are thinned
(every 2nd, 4th, ... row kept, ``thinned`` says by how much) and events keep the newest.
``{"what": "profiles"}`` lists the node's profile library.
"""

from __future__ import annotations

import asyncio
import json
import math
from collections.abc import Awaitable, Callable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from brewctl.errors import UserError
from brewctl.mqtt.commands import describe_validation_error
from brewctl.recorder.history import COLUMNS, HistoryStore, UnknownFermenterError

__all__ = ["MAX_REPLY_BYTES", "MAX_REQUEST_BYTES", "HistoryRequest", "answer", "bounded", "parse_request"]

MAX_REQUEST_BYTES = 1024
MAX_REPLY_BYTES = 256 * 1024
"""An answer never exceeds this (mosquitto's default limit is far above; a Pi's memory is not)."""
_MAX_S = 1e11


class HistoryRequest(BaseModel):
    """What a client asks for."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    what: Literal["rows", "events", "profiles"] = "rows"
    since_s: float = Field(0.0, ge=0.0, le=_MAX_S)
    until_s: float | None = Field(None, ge=0.0, le=_MAX_S)
    step_s: float | None = Field(None, ge=1.0, le=_MAX_S)


def parse_request(payload: bytes) -> HistoryRequest | str:
    """The request, or an error naming the field."""
    if len(payload) > MAX_REQUEST_BYTES:
        return f"payload: too large ({len(payload)} bytes, at most {MAX_REQUEST_BYTES})"
    try:
        request = HistoryRequest.model_validate_json(payload, strict=True)
    except ValidationError as exc:
        return describe_validation_error(exc)
    if not all(math.isfinite(v) for v in (request.since_s, request.until_s or 0.0, request.step_s or 1.0)):
        return "since_s: expected finite numbers"
    return request


def bounded(body: dict[str, Any], limit: int = MAX_REPLY_BYTES) -> bytes:
    """``body`` as JSON of at most ``limit`` bytes: rows thinned, or the oldest events dropped."""
    text = json.dumps(body, separators=(",", ":")).encode()
    thinned = 1
    while len(text) > limit:
        if body.get("rows"):
            thinned *= 2
            body = {**body, "rows": body["rows"][::2], "thinned": thinned}
        elif body.get("events"):
            events = body["events"]
            body = {**body, "events": events[len(events) // 2 :] if len(events) > 1 else [], "truncated": True}
        else:
            return json.dumps({"ok": False, "error": "answer too large"}).encode()
        text = json.dumps(body, separators=(",", ":")).encode()
    return text


def _query(store: HistoryStore, fid: str, request: HistoryRequest) -> dict[str, Any]:
    if request.what == "events":
        found = store.events(request.since_s, request.until_s, fermenter=fid)
        return {"ok": True, "fermenter": fid, "events": [e.model_dump(mode="json") for e in found]}
    try:
        rows = store.query(fid, request.since_s, request.until_s, request.step_s)
    except UnknownFermenterError:  # configured but nothing recorded yet
        return {"ok": True, "fermenter": fid, "columns": list(COLUMNS), "rows": [], "resolution": "raw"}
    return {
        "ok": True,
        "fermenter": fid,
        "columns": list(rows.columns),
        "rows": rows.rows,
        "resolution": rows.resolution,
    }


async def answer(
    store: HistoryStore | None,
    fid: str,
    payload: bytes,
    profiles: Callable[[], Awaitable[list[dict[str, Any]]]] | None = None,
) -> bytes:
    """The reply to a history request for ``fid`` (bounded JSON; ``ok: false`` with ``error`` if refused).

    ``{"what": "profiles"}`` lists the node's profile library (``profiles``: the daemon's lister).
    """
    request = parse_request(payload)
    if isinstance(request, str):
        return json.dumps({"ok": False, "error": request}).encode()
    if request.what == "profiles":
        if profiles is None:
            return json.dumps({"ok": False, "error": "no profile library on this node"}).encode()
        return bounded({"ok": True, "profiles": await profiles()})
    if store is None:
        return json.dumps({"ok": False, "error": "history is not recorded on this node"}).encode()
    try:
        body = await asyncio.to_thread(_query, store, fid, request)
    except UserError as exc:  # no history file yet, unreadable
        return json.dumps({"ok": False, "error": str(exc)}).encode()
    return bounded(body)

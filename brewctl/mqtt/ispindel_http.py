"""iSpindel's generic "HTTP" service: a small listener that feeds the same hydrometer path as MQTT.

An iSpindel set to the "HTTP" service POSTs one JSON document per reading::

    {"name": "red", "ID": 1234567, "angle": 52.3, "temperature": 19.5, "temp_units": "C",
     "battery": 4.1, "gravity": 1.048, "interval": 900, "RSSI": -71}

``parse_post`` validates it (pure); the reading goes to the hydrometer configured with
``kind = "ispindel"`` and that ``name`` (the route of ``ispindel/<name>/gravity``), through the
same plausibility check as an MQTT reading. ``IspindelHttpComponent`` serves it on
``[ispindel_http] host:port`` (off by default), with a bounded body size. Any path is accepted:
the iSpindel's "Path / URI" field can stay as it is.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Mapping
from typing import Literal

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from brewctl.config import Config, IspindelHttpConfig
from brewctl.mqtt.commands import describe_validation_error
from brewctl.mqtt.hydrometer import HydrometerRoute, gravity_value, hydrometer_routes, ispindel_topic
from brewctl.service.hardening import ConnectionLimit, QuietHttpErrors, RateLimitedLog
from brewctl.service.hub import Hub

__all__ = ["IspindelHttpComponent", "IspindelPost", "ispindel_http_components", "parse_post", "route_post"]

log = logging.getLogger(__name__)

MAX_CONNECTIONS = 16
"""Open connections at most (an iSpindel posts one reading every few minutes); more are closed at
once, so a flood on the LAN port cannot take the descriptors the probes and the state file need."""
IDLE_TIMEOUT_S = 10.0
"""A connection that sends no complete request head for this long (or idles after one) is closed."""
BODY_TIMEOUT_S = 10.0
"""A post whose body is not received whole within this is answered 408 and the connection closed."""
ACCEPT_BACKLOG = 16

_http_log = logging.getLogger("brewctl.ispindel_http.server")
_http_log.addFilter(QuietHttpErrors())


class _LimitedTCPSite(web.TCPSite):
    """A TCP site that keeps at most ``limit`` connections open (``brewctl.service.hardening``)."""

    def __init__(self, runner: web.AppRunner, host: str, port: int, limit: int) -> None:
        super().__init__(runner, host, port, backlog=ACCEPT_BACKLOG)
        self._limit = limit

    async def start(self) -> None:
        await web.BaseSite.start(self)
        server = self._runner.server
        assert server is not None
        limited = ConnectionLimit(server, lambda: len(server.connections), self._limit, name="ispindel http")
        self._server = await asyncio.get_running_loop().create_server(
            limited, self._host, self._port, backlog=ACCEPT_BACKLOG
        )


class IspindelPost(BaseModel):
    """One iSpindel HTTP post. Fields brewctl does not use are checked for type and otherwise ignored."""

    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=True)

    name: str = Field(min_length=1, max_length=64)
    id: int | str | None = Field(None, alias="ID")
    """The chip id: a number from the iSpindel, a hex string from GravityMon's iSpindel format."""
    angle: float | None = None
    temperature: float | None = None
    temp_units: Literal["C", "F", "K"] | None = None
    battery: float | None = None
    gravity: float
    interval: int | None = None
    rssi: int | None = Field(None, alias="RSSI")


def parse_post(body: bytes) -> IspindelPost:
    """The validated post; ``ValueError`` names the field that is wrong."""
    try:
        return IspindelPost.model_validate_json(body, strict=True)
    except ValidationError as exc:
        raise ValueError(describe_validation_error(exc)) from None


def route_post(routes: Mapping[str, list[HydrometerRoute]], post: IspindelPost) -> list[tuple[HydrometerRoute, float]]:
    """``(route, SG)`` for every hydrometer the post feeds; ``LookupError`` if none is configured
    with that name, ``ValueError`` if the gravity is not plausible.
    """
    found = routes.get(ispindel_topic(post.name))
    if not found:
        raise LookupError(f"name: no iSpindel hydrometer named {post.name!r} in [hydrometers]")
    return [(route, gravity_value(route, post.gravity)) for route in found]


def _answer(status: int, error: str | None = None) -> web.Response:
    body = {"ok": error is None} if error is None else {"ok": False, "error": error}
    return web.Response(status=status, text=json.dumps(body), content_type="application/json")


class IspindelHttpComponent:
    """The ``ispindel_http`` daemon component: an aiohttp server on the configured address."""

    name = "ispindel_http"

    def __init__(self, config: Config) -> None:
        self.settings: IspindelHttpConfig = config.ispindel_http
        self._routes = hydrometer_routes(config.hydrometers)
        self._log = RateLimitedLog(log)
        """Refused posts: one line a minute per kind (anyone on the LAN can post)."""
        self.port: int | None = None
        """The port actually bound (after ``run`` started; ``port = 0`` in the config picks a free one)."""

    def make_app(self, hub: Hub) -> web.Application:
        async def post(request: web.Request) -> web.Response:
            try:
                async with asyncio.timeout(BODY_TIMEOUT_S):  # a half-sent body must not hold a descriptor
                    body = await request.read()  # bounded by client_max_size: 413 beyond it
                reading = parse_post(body)
                fed = route_post(self._routes, reading)
            except TimeoutError:
                late = _answer(408, f"body: not received within {BODY_TIMEOUT_S:g} s")
                late.force_close()
                return late
            except LookupError as exc:
                self._log("unknown", logging.INFO, "ispindel http: %s (from %s)", exc, request.remote)
                return _answer(404, str(exc))
            except ValueError as exc:
                self._log("refused", logging.WARNING, "ispindel http: refused a post from %s: %s", request.remote, exc)
                return _answer(400, str(exc))
            for route, sg in fed:
                hub.feed_gravity(route.fermenter, sg, f"hydrometer:{route.hydrometer}")
            return _answer(200)

        app = web.Application(client_max_size=self.settings.max_body_bytes)
        app.router.add_post("/{tail:.*}", post)
        return app

    async def run(self, hub: Hub) -> None:
        runner = web.AppRunner(
            self.make_app(hub),
            access_log=None,
            keepalive_timeout=IDLE_TIMEOUT_S,  # also closes a connection that never sends a whole request
            lingering_time=1.0,
            logger=_http_log,
        )
        await runner.setup()
        try:
            site = _LimitedTCPSite(runner, self.settings.host, self.settings.port, MAX_CONNECTIONS)
            try:
                await site.start()
            except OSError as exc:
                where = f"{self.settings.host}:{self.settings.port}"
                raise OSError(exc.errno, f"ispindel_http: cannot listen on {where}: {exc.strerror}") from None
            self.port = runner.addresses[0][1] if runner.addresses else self.settings.port
            log.info("ispindel http: listening on %s:%s", self.settings.host, self.port)
            await asyncio.Future()  # serve until cancelled
        finally:
            await runner.cleanup()


def ispindel_http_components(config: Config) -> list[IspindelHttpComponent]:
    """The listener, if ``[ispindel_http] enabled = true`` (for ``optional_components``)."""
    return [IspindelHttpComponent(config)] if config.ispindel_http.enabled else []

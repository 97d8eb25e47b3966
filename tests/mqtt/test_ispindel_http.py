"""iSpindel's generic HTTP service and TiltBridge's MQTT payload, as the devices send them."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import socket
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from brewctl.cli.components import optional_components
from brewctl.config import Config
from brewctl.mqtt.ispindel_http import IspindelHttpComponent, parse_post
from brewctl.service.components import supervise
from brewctl.service.hub import Hub
from tests.mqtt.conftest import Broker, Recorder, free_port, make_config, until

# What an iSpindel (firmware 7.x, service "HTTP") posts, byte for byte apart from the values.
ISPINDEL = {
    "name": "red",
    "ID": 1234567,
    "token": "",
    "angle": 52.31,
    "temperature": 19.5,
    "temp_units": "C",
    "battery": 4.07,
    "gravity": 1.0481,
    "interval": 900,
    "RSSI": -71,
}


def _config(port: int, **http: Any) -> Config:
    hydrometers = {"red": {"fermenter": "fv1", "name": "red"}}
    base = make_config(1883, hydrometers=hydrometers)
    return base.model_copy(
        update={"ispindel_http": base.ispindel_http.model_copy(update={"enabled": True, "port": port, **http})}
    )


@contextlib.asynccontextmanager
async def listening(config: Config, hub: Hub) -> AsyncIterator[str]:
    [component] = [c for c in optional_components(config, config.node.state_dir) if c.name == "ispindel_http"]
    assert isinstance(component, IspindelHttpComponent)
    task = asyncio.create_task(component.run(hub))
    try:
        await until(lambda: component.port is not None)
        yield f"http://127.0.0.1:{component.port}/"
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def test_off_by_default() -> None:
    assert not [
        c for c in optional_components(make_config(1883), make_config(1883).node.state_dir) if c.name == "ispindel_http"
    ]


def test_a_real_post_parses_and_bad_ones_name_the_field() -> None:
    post = parse_post(json.dumps(ISPINDEL).encode())
    assert (post.name, post.gravity, post.temp_units, post.rssi) == ("red", 1.0481, "C", -71)
    for body, field in [
        (b"{", "payload"),
        (b"[]", "payload"),
        (json.dumps({**ISPINDEL, "gravity": "1.048"}).encode(), "gravity"),
        (json.dumps({**ISPINDEL, "gravity": True}).encode(), "gravity"),
        ({k: v for k, v in ISPINDEL.items() if k != "gravity"}, "gravity"),
        (json.dumps({**ISPINDEL, "name": ""}).encode(), "name"),
    ]:
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        with pytest.raises(ValueError, match=field):
            parse_post(raw)


async def test_an_ispindel_post_feeds_the_fermenter_and_bad_posts_do_not() -> None:
    minutes = itertools.count(0.0, 60.0)
    hub = Hub("pi1", monotonic_clock=lambda: next(minutes))
    async with listening(_config(free_port()), hub) as url, aiohttp.ClientSession() as http:
        async with http.post(url, json=ISPINDEL) as r:  # the iSpindel's own path field may be anything
            assert (r.status, await r.json()) == (200, {"ok": True})
        async with http.post(url + "ispindel/anything", json={**ISPINDEL, "gravity": 1.0472}) as r:
            assert r.status == 200
        async with http.post(url, json={**ISPINDEL, "name": "blue"}) as r:
            assert r.status == 404 and (await r.json())["error"].startswith("name: no iSpindel")
        async with http.post(url, json={**ISPINDEL, "gravity": 7.0}) as r:
            assert r.status == 400 and "implausible gravity" in (await r.json())["error"]
        async with http.post(url, data=b"not json") as r:
            assert r.status == 400
        async with http.post(url, data=b"x" * 5000) as r:
            assert r.status == 413  # bounded body: refused before parsing
        async with http.get(url) as r:
            assert r.status == 405
    assert [(g.sg, g.source) for g in hub.gravity("fv1")] == [(1.0481, "hydrometer:red"), (1.0472, "hydrometer:red")]


async def test_tiltbridge_publishes_on_prefix_tilt_color(broker: Broker, recorder: Recorder, start_bridge: Any) -> None:
    # TiltBridge's MQTT target: topic "<prefix>/tilt_<Color>", SG and Temp as strings.
    hydrometers = {"tilt": {"fermenter": "fv2", "kind": "json", "topic": "tiltbridge/tilt_Red", "json_path": "SG"}}
    r = await start_bridge(make_config(broker.port, hydrometers=hydrometers))
    await r.wait_connected()
    payload = {
        "Color": "Red",
        "timeStamp": 1764756000,
        "fermunits": "SG",
        "SG": "1.0500",
        "Temp": "68.0",
        "tempunits": "F",
        "WoB": "3",
    }
    await recorder.client.publish("tiltbridge/tilt_Red", json.dumps(payload))
    await until(lambda: bool(r.hub.gravity("fv2")))
    assert [(g.sg, g.source) for g in r.hub.gravity("fv2")] == [(1.05, "hydrometer:tilt")]


def test_gravitymons_string_chip_id_is_accepted() -> None:
    # GravityMon (an iSpindel firmware) posts the iSpindel format with "ID" as a hex string;
    # brewctl does not use the id, so its type must not cost the reading.
    post = parse_post(json.dumps({**ISPINDEL, "ID": "e422a3"}).encode())
    assert (post.id, post.gravity) == ("e422a3", 1.0481)


async def test_a_port_in_use_is_a_clear_alarm_without_a_traceback(caplog: pytest.LogCaptureFixture) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        [component] = [
            c for c in optional_components(_config(port), _config(port).node.state_dir) if c.name == "ispindel_http"
        ]
        hub = Hub("pi1")

        async def fast_sleep(seconds: float) -> None:
            await asyncio.sleep(seconds / 1000)

        with hub.subscribe_events() as events:
            task = asyncio.create_task(supervise(component, hub, sleep=fast_sleep))
            try:
                raised = await asyncio.wait_for(anext(events), 5)
            finally:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
    assert raised.data["code"] == "component_ispindel_http_failed"
    assert f"ispindel_http: cannot listen on 127.0.0.1:{port}: " in raised.message
    assert "in use" in raised.message
    assert "Traceback" not in caplog.text and f"127.0.0.1:{port}" in caplog.text

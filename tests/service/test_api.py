"""The local API over its Unix socket, through ``ApiClient`` and raw HTTP."""

from __future__ import annotations

import asyncio
import stat
from pathlib import Path

import aiohttp
import pytest

from brewctl.config import Config, Mode
from brewctl.model import Event, NodeStatus, SetBeerSetpoint, SetMode
from brewctl.service import http
from brewctl.service.client import ApiClient, ApiError, ApiUnavailable
from brewctl.service.hub import Hub
from brewctl.service.state import load_state_file

from .conftest import running


async def _post(socket: Path, fid: str, body: bytes) -> tuple[int, dict[str, object]]:
    async with (
        aiohttp.ClientSession(connector=aiohttp.UnixConnector(path=str(socket))) as session,
        session.post(f"http://x/v1/fermenters/{fid}/commands", data=body) as resp,
    ):
        return resp.status, await resp.json()


async def test_status_and_socket_mode(config: Config, tmp_path: Path, short_dir: Path) -> None:
    sock = short_dir / "s"
    async with running(config, tmp_path, sock), ApiClient(sock) as api:
        status = await api.status()
        assert status.node == "testnode" and status.simulated
        assert set(status.fermenters) == {"fv1", "fv2"}
        assert status.fermenters["fv1"].beer_c is not None
        assert stat.S_IMODE(sock.stat().st_mode) == 0o660


@pytest.mark.parametrize(
    ("body", "code", "message"),
    [
        (b'{"kind": "set_beer", "value_c": 99}', 400, "value_c: Input should be less than or equal to 40"),
        (b'{"kind": "set_beer", "value_c": 19, "colour": 3}', 400, "colour: unknown key (check the spelling)"),
        (b'{"kind": "set_beer"}', 400, "value_c: missing"),
        (b'{"kind": "warm_up"}', 400, "kind: unknown kind 'warm_up'; expected one of 'set_mode'"),
        (b'{"kind": "set_mode", "mode": "warm"}', 400, "mode: Input should be"),
        (b"{not json", 400, "body: not valid JSON"),
        (b"", 400, "body: not valid JSON"),
        (b'{"kind": "set_beer", "value_c": true}', 400, "value_c: Input should be a valid number"),
        (b'{"kind": "set_beer", "value_c": "19"}', 400, "value_c: Input should be a valid number"),
        (b'{"kind": "profile_skip", "to_step": 1.5}', 400, "to_step: Input should be a valid integer"),
        (b"[1]", 400, "body: not a JSON object"),
        (b'{"kind": "set_chamber", "value_c": 39}', 400, "value_c: 39 °C is outside"),
        (b'{"kind": "profile_start", "profile": "no-such"}', 400, "profile: no profile named 'no-such'"),
        (b'{"kind": "profile_pause"}', 400, "no profile is running"),
    ],
)
async def test_bad_commands_are_refused_and_change_nothing(
    config: Config, tmp_path: Path, short_dir: Path, body: bytes, code: int, message: str
) -> None:
    sock = short_dir / "s"
    async with running(config, tmp_path, sock) as daemon:
        before = daemon.snapshot()
        status, answer = await _post(sock, "fv1", body)
        assert status == code
        assert answer["ok"] is False and message in str(answer["error"])
        assert daemon.snapshot() == before


async def test_unknown_fermenter_is_404(config: Config, tmp_path: Path, short_dir: Path) -> None:
    async with running(config, tmp_path, short_dir / "s"):
        status, answer = await _post(short_dir / "s", "fv9", b'{"kind": "set_beer", "value_c": 19}')
        assert status == 404 and "no fermenter 'fv9'" in str(answer["error"])


async def test_command_applies_and_repeated_id_is_a_duplicate(config: Config, tmp_path: Path, short_dir: Path) -> None:
    sock = short_dir / "s"
    async with running(config, tmp_path, sock) as daemon, ApiClient(sock) as api:
        first = await api.command("fv1", SetBeerSetpoint(id="abc-1", value_c=20.5))
        assert first.ok and not first.duplicate
        assert first.status is not None and first.status.beer_setpoint_c == 20.5
        await api.command("fv1", SetBeerSetpoint(value_c=17))
        again = await api.command("fv1", SetBeerSetpoint(id="abc-1", value_c=20.5))
        assert again.ok and again.duplicate
        assert daemon.fermenters["fv1"].state.beer_setpoint_c == 17.0  # not applied twice
    saved = load_state_file(tmp_path / "state.json")
    assert saved is not None and "abc-1" in saved.fermenters["fv1"].command_ids


async def test_stream_sends_statuses_and_events(config: Config, tmp_path: Path, short_dir: Path) -> None:
    sock = short_dir / "s"
    async with running(config, tmp_path, sock), ApiClient(sock) as api, ApiClient(sock) as commands:
        got: list[NodeStatus | Event] = []
        first = asyncio.Event()

        async def listen() -> None:
            async for item in api.stream():
                got.append(item)
                first.set()
                if isinstance(item, Event) and item.kind == "mode":
                    return

        listener = asyncio.create_task(listen())
        await asyncio.wait_for(first.wait(), 5)
        assert (await commands.command("fv2", SetMode(mode=Mode.CHAMBER))).ok
        await asyncio.wait_for(listener, 5)
        assert isinstance(got[0], NodeStatus)
        event = got[-1]
        assert isinstance(event, Event)
        assert (event.fermenter, event.data["mode"], event.data["source"]) == ("fv2", "chamber", "api")


async def test_profiles_listing(config: Config, tmp_path: Path, short_dir: Path) -> None:
    (config.node.profiles_dir / "broken.toml").write_text("name = 3\n")
    async with running(config, tmp_path, short_dir / "s"), ApiClient(short_dir / "s") as api:
        rows = await api.profiles()
    assert rows[0]["file"] == "broken.toml" and "error" in rows[0] and rows[0]["source"] == "user"
    assert rows[1] == {"file": "test-ale.toml", "source": "user", "name": "Test ale", "description": "", "steps": 3}
    # Then the built-in library, which `profile start` searches after the user's folder.
    assert {r["file"] for r in rows if r["source"] == "built-in"} >= {"clean-ale.toml", "fast-lager.toml"}


async def test_history_without_recorder_is_503(config: Config, tmp_path: Path, short_dir: Path) -> None:
    async with running(config, tmp_path, short_dir / "s"), ApiClient(short_dir / "s") as api:
        with pytest.raises(ApiError, match="HTTP 503"):
            await api.history("fv1", since_s=0)


class WithRoutes:
    """A component offering the history route."""

    name = "history"

    async def run(self, hub: Hub) -> None:
        await asyncio.Event().wait()

    def api_routes(self) -> list[http.Route]:
        async def history(request: http.Request) -> http.Response:
            return http.json_response({"fermenter": request.match_info["id"], "since_s": request.query["since_s"]})

        return [http.get("/v1/fermenters/{id}/history", history)]


async def test_component_routes_are_served(config: Config, tmp_path: Path, short_dir: Path) -> None:
    async with (
        running(config, tmp_path, short_dir / "s", components=[WithRoutes()]),
        ApiClient(short_dir / "s") as api,
    ):
        assert await api.history("fv1", since_s=5) == {"fermenter": "fv1", "since_s": "5"}


async def test_client_says_when_the_daemon_is_not_running(short_dir: Path) -> None:
    async with ApiClient(short_dir / "nothing.sock") as api:
        with pytest.raises(ApiUnavailable, match="daemon is not running"):
            await api.status()


async def test_second_daemon_on_the_same_socket_is_refused(config: Config, tmp_path: Path, short_dir: Path) -> None:
    from brewctl.errors import ConfigError

    async with running(config, tmp_path / "a", short_dir / "s"):
        with pytest.raises(ConfigError, match="already serving"):
            async with running(config, tmp_path / "b", short_dir / "s"):
                pass


async def test_stream_ends_promptly_when_the_daemon_stops(config: Config, tmp_path: Path, short_dir: Path) -> None:
    sock = short_dir / "s"
    async with ApiClient(sock) as api:
        loop = asyncio.get_running_loop()
        async with running(config, tmp_path, sock):
            stream = api.stream()
            assert isinstance(await anext(stream), NodeStatus)
            stopping = loop.time()
        # The daemon stopped without waiting the server's 1 s shutdown timeout for the stream.
        assert loop.time() - stopping < 0.9
        with pytest.raises(ApiUnavailable, match="closed the stream"):
            while True:
                await asyncio.wait_for(anext(stream), 2)


async def test_socket_is_given_to_the_configured_group(tmp_path: Path, short_dir: Path) -> None:
    import grp
    import os

    from brewctl.config import load_config

    from .conftest import write_config

    others = [g for g in grp.getgrall() if g.gr_gid != os.getgid()]
    if os.geteuid() != 0 or not others:
        pytest.skip("needs root (or another group of ours) to change a file's group")
    group = others[0]
    path = write_config(tmp_path)
    path.write_text(
        path.read_text().replace('name = "testnode"', f'name = "testnode"\nsocket_group = "{group.gr_name}"')
    )
    config = load_config(path)
    async with running(config, tmp_path, short_dir / "s"):
        info = (short_dir / "s").stat()
        assert info.st_gid == group.gr_gid
        assert stat.S_IMODE(info.st_mode) == 0o660


async def test_socket_group_that_is_already_ours_needs_no_chown(
    tmp_path: Path, short_dir: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Under the shipped unit the socket is created in group brewctl already, and the unit's
    SystemCallFilter (~@privileged includes @chown) refuses any chown with EPERM."""
    import errno
    import grp
    import os

    from brewctl.config import load_config

    from .conftest import write_config

    def seccomp_chown(*args: object) -> None:
        raise PermissionError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "chown", seccomp_chown)
    ours = grp.getgrgid(os.getegid()).gr_name
    path = write_config(tmp_path)
    path.write_text(path.read_text().replace('name = "testnode"', f'name = "testnode"\nsocket_group = "{ours}"'))
    async with running(load_config(path), tmp_path, short_dir / "s"):
        assert (short_dir / "s").stat().st_gid == os.getegid()
    assert not [r for r in caplog.records if r.name == "brewctl.service.api" and r.levelname == "WARNING"]


async def test_an_unknown_socket_group_is_named_and_control_goes_on(
    tmp_path: Path, short_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from brewctl.config import load_config

    from .conftest import write_config

    path = write_config(tmp_path)
    path.write_text(
        path.read_text().replace('name = "testnode"', 'name = "testnode"\nsocket_group = "no-such-group-x"')
    )
    async with running(load_config(path), tmp_path, short_dir / "s") as daemon:
        assert daemon.ready.is_set()
    assert "node.socket_group: no group named 'no-such-group-x'" in caplog.text


@pytest.mark.parametrize("kind", ["file", "folder"])
async def test_a_socket_path_that_is_not_a_socket_is_refused_and_kept(
    config: Config, tmp_path: Path, short_dir: Path, kind: str
) -> None:
    """`--socket` pointing at the config file by mistake deleted it; a folder gave a traceback."""
    from brewctl.errors import ConfigError

    target = short_dir / "s"
    if kind == "file":
        target.write_text("[node]\n")
    else:
        target.mkdir()
    with pytest.raises(ConfigError, match="exists and is not a socket"):
        async with running(config, tmp_path / "state", target):
            pass
    assert target.is_file() if kind == "file" else target.is_dir()


async def test_a_stale_socket_from_a_killed_daemon_is_replaced(config: Config, tmp_path: Path, short_dir: Path) -> None:
    import socket as socket_module

    stale = socket_module.socket(socket_module.AF_UNIX, socket_module.SOCK_STREAM)
    stale.bind(str(short_dir / "s"))
    stale.close()  # bound, never listening: what kill -9 leaves behind
    async with running(config, tmp_path / "state", short_dir / "s"), ApiClient(short_dir / "s") as api:
        assert (await api.status()).node == "testnode"


async def test_a_refused_command_is_announced_as_an_event(config: Config, tmp_path: Path, short_dir: Path) -> None:
    sock = short_dir / "s"
    async with running(config, tmp_path, sock) as daemon:
        assert daemon.hub is not None
        with daemon.hub.subscribe_events() as events:
            status, _ = await _post(sock, "fv1", b'{"kind": "profile_pause"}')
            assert status == 400
            event = await asyncio.wait_for(anext(events), 5)
        assert event.kind == "command_refused" and event.fermenter == "fv1"
        assert event.data["command"] == "profile_pause" and event.data["source"] == "api"
        assert "no profile is running" in event.message

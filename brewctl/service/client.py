"""A client of the daemon's local API (used by the CLI and the TUI).

>>> async with ApiClient(Path("/run/brewctl/brewctl.sock")) as api:   # doctest: +SKIP
...     status = await api.status()
...     result = await api.command("fv1", SetBeerSetpoint(value_c=19.5))

Every method raises ``ApiUnavailable`` (a ``TransientError``) with a clear message when the
daemon is not running or the socket cannot be used.

``ApiClient`` speaks HTTP through aiohttp (the TUI's live stream needs it); ``OneShotApiClient``
has its one-shot methods, blocking, over the standard library's ``http.client``, for the CLI
(``brewctl status``, ``set``, ``profile start``): importing aiohttp costs about 0.15 s of CPU
and asyncio another 0.03 s, half of what ``brewctl status`` may take. The models of
``brewctl.model`` are imported when an answer is validated, not with this module:
``OneShotApiClient.status_json`` gives the status as the daemon sent it, without them (pydantic
takes 0.1-0.2 s to build them).
"""

from __future__ import annotations

import http.client
import json
import socket
from collections.abc import AsyncIterator
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from brewctl.errors import TransientError

if TYPE_CHECKING:
    import aiohttp

    from brewctl.model import Command, CommandResult, Event, NodeStatus

__all__ = ["ApiClient", "ApiError", "ApiUnavailable", "OneShotApiClient"]

_BASE = "http://brewctl"


class ApiUnavailable(TransientError):  # noqa: N818 (the name the TUI and CLI code against)
    """The daemon cannot be reached (not running, wrong socket, no permission)."""


class ApiError(TransientError):
    """The daemon answered with an unexpected error."""


class ApiClient:
    """Talks to ``brewctl run`` over its Unix socket. Use as ``async with``."""

    def __init__(self, socket_path: Path | str, *, timeout_s: float = 10.0) -> None:
        self.socket_path = Path(socket_path)
        self._timeout_s = timeout_s
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> ApiClient:
        import aiohttp

        connector = aiohttp.UnixConnector(path=str(self.socket_path))
        self._session = aiohttp.ClientSession(connector=connector)
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _unavailable(self, exc: BaseException) -> ApiUnavailable:
        return _unavailable(self.socket_path, exc)

    async def _request(self, method: str, path: str, **kwargs: Any) -> tuple[int, Any]:
        import aiohttp

        if self._session is None:
            raise RuntimeError("use `async with ApiClient(...)`")
        try:
            async with self._session.request(
                method, _BASE + path, timeout=aiohttp.ClientTimeout(total=self._timeout_s), **kwargs
            ) as resp:
                try:
                    body = await resp.json(content_type=None)
                except json.JSONDecodeError:
                    raise ApiError(f"{method} {path}: HTTP {resp.status}, not JSON") from None
                return resp.status, body
        except aiohttp.ClientConnectionError as exc:
            raise self._unavailable(exc) from None
        except aiohttp.ClientError as exc:
            raise ApiError(f"{method} {path}: {type(exc).__name__}: {exc}") from None
        except TimeoutError:
            raise ApiUnavailable(
                f"{self.socket_path}: the daemon did not answer within {self._timeout_s:g} s"
            ) from None

    async def status(self) -> NodeStatus:
        """The node's current status."""
        return _status(self.socket_path, *await self._request("GET", "/v1/status"))

    async def command(self, fermenter: str, cmd: Command | dict[str, Any]) -> CommandResult:
        """Send a command; the result says whether it was applied (or why not)."""
        path = f"/v1/fermenters/{fermenter}/commands"
        return _command_result(*await self._request("POST", path, json=_command_payload(cmd)))

    async def simulation_probe(self, probe: str, action: str, value_c: float | None = None) -> dict[str, Any]:
        """``unplug``, ``stuck`` (at ``value_c``, or where it reads) or ``plug`` a simulated probe
        (``brewctl sim-fault``); the daemon's answer (``ok``, and ``error`` when refused: not
        simulated, unknown probe).
        """
        body = {"value_c": value_c} if value_c is not None else None
        return _probe_answer(*await self._request("POST", f"/v1/simulation/probes/{probe}/{action}", json=body))

    async def profiles(self, fermenter: str | None = None) -> list[dict[str, Any]]:
        """Profiles in the daemon's library: file, name, description, steps (or error). One library
        serves every fermenter of a daemon: ``fermenter`` changes nothing here."""
        _, body = await self._request("GET", "/v1/profiles")
        return list(body)

    async def history(
        self, fermenter: str, since_s: float, until_s: float | None = None, step_s: float | None = None
    ) -> dict[str, Any]:
        """History rows of a fermenter (served by the history recorder)."""
        return await self._history(f"/v1/fermenters/{fermenter}/history", since_s, until_s, step_s)

    async def chiller_history(
        self, chiller: str, since_s: float, until_s: float | None = None, step_s: float | None = None
    ) -> dict[str, Any]:
        """History rows of a shared chiller: reservoir, valves open and waiting, overloaded."""
        return await self._history(f"/v1/chillers/{chiller}/history", since_s, until_s, step_s)

    async def _history(self, path: str, since_s: float, until_s: float | None, step_s: float | None) -> dict[str, Any]:
        params = {"since_s": str(since_s)}
        if until_s is not None:
            params["until_s"] = str(until_s)
        if step_s is not None:
            params["step_s"] = str(step_s)
        code, body = await self._request("GET", path, params=params)
        if code != 200:
            raise ApiError(f"history: HTTP {code}: {body.get('error', body) if isinstance(body, dict) else body}")
        return dict(body)

    async def events(self, since_s: float, until_s: float | None = None, fermenter: str | None = None) -> list[Event]:
        """Events kept in the history (served by the history recorder), oldest first."""
        params = {"since_s": str(since_s)}
        if until_s is not None:
            params["until_s"] = str(until_s)
        if fermenter is not None:
            params["fermenter"] = fermenter
        code, body = await self._request("GET", "/v1/events", params=params)
        if code != 200 or not isinstance(body, dict):
            raise ApiError(f"events: HTTP {code}: {body.get('error', body) if isinstance(body, dict) else body}")
        from brewctl.model import Event

        return [Event.model_validate(e) for e in body.get("events", [])]

    async def stream(self) -> AsyncIterator[NodeStatus | Event]:
        """Live statuses (one per control cycle, coalesced) and events.

        It never ends by itself: when the daemon stops or the connection is lost it raises
        ``ApiUnavailable`` (open a new client to reconnect).
        """
        import aiohttp

        from brewctl.model import Event, NodeStatus

        if self._session is None:
            raise RuntimeError("use `async with ApiClient(...)`")
        try:
            async with self._session.get(
                _BASE + "/v1/stream", timeout=aiohttp.ClientTimeout(total=None, sock_connect=self._timeout_s)
            ) as resp:
                kind = ""
                data: list[str] = []
                async for raw in resp.content:
                    line = raw.decode().rstrip("\r\n")
                    if line.startswith("event:"):
                        kind = line[6:].strip()
                    elif line.startswith("data:"):
                        data.append(line[5:].strip())
                    elif not line and data:
                        payload = "\n".join(data)
                        if kind == "status":
                            yield NodeStatus.model_validate_json(payload)
                        elif kind == "event":
                            yield Event.model_validate_json(payload)
                        kind, data = "", []
            raise ApiUnavailable(f"{self.socket_path}: the daemon closed the stream (stopping?)")
        except aiohttp.ClientPayloadError:
            raise ApiUnavailable(f"{self.socket_path}: the daemon closed the stream (stopped?)") from None
        except aiohttp.ClientConnectionError as exc:
            raise self._unavailable(exc) from None


class _UnixHTTPConnection(http.client.HTTPConnection):
    """``http.client`` over a Unix socket."""

    def __init__(self, socket_path: Path, timeout_s: float) -> None:
        super().__init__("brewctl", timeout=timeout_s)
        self._socket_path = socket_path

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        try:
            sock.connect(str(self._socket_path))
        except OSError:
            sock.close()
            raise
        self.sock = sock


class OneShotApiClient:
    """The one-shot requests of ``ApiClient`` (no stream), blocking, over ``http.client``.

    For a CLI command that asks once and exits: it needs neither aiohttp nor an event loop.
    Use as ``with OneShotApiClient(path) as api: api.status()``.
    """

    def __init__(self, socket_path: Path | str, *, timeout_s: float = 10.0) -> None:
        self.socket_path = Path(socket_path)
        self._timeout_s = timeout_s

    def __enter__(self) -> OneShotApiClient:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        return None

    def _request(self, method: str, path: str, *, json_body: Any = None) -> tuple[int, Any]:
        body = None if json_body is None else json.dumps(json_body).encode()
        headers = {} if body is None else {"Content-Type": "application/json"}
        conn = _UnixHTTPConnection(self.socket_path, self._timeout_s)
        try:
            conn.request(method, path, body=body, headers=headers)
            resp = conn.getresponse()
            raw = resp.read()
        except TimeoutError:
            raise ApiUnavailable(
                f"{self.socket_path}: the daemon did not answer within {self._timeout_s:g} s"
            ) from None
        except (ConnectionError, FileNotFoundError, PermissionError) as exc:
            raise _unavailable(self.socket_path, exc) from None
        except (OSError, http.client.HTTPException) as exc:
            raise ApiError(f"{method} {path}: {type(exc).__name__}: {exc}") from None
        finally:
            conn.close()
        try:
            return resp.status, json.loads(raw)
        except ValueError:
            raise ApiError(f"{method} {path}: HTTP {resp.status}, not JSON") from None

    def status(self) -> NodeStatus:
        """The node's current status."""
        return _status(self.socket_path, *self._request("GET", "/v1/status"))

    def status_json(self) -> dict[str, Any]:
        """The node's current status as the daemon sent it (a ``NodeStatus`` dumped as JSON), not validated."""
        return _status_json(self.socket_path, *self._request("GET", "/v1/status"))

    def command(self, fermenter: str, cmd: Command | dict[str, Any]) -> CommandResult:
        """Send a command; the result says whether it was applied (or why not)."""
        path = f"/v1/fermenters/{fermenter}/commands"
        return _command_result(*self._request("POST", path, json_body=_command_payload(cmd)))

    def simulation_probe(self, probe: str, action: str, value_c: float | None = None) -> dict[str, Any]:
        """``unplug``, ``stuck`` (at ``value_c``, or where it reads) or ``plug`` a simulated probe
        (``brewctl sim-fault``)."""
        body = {"value_c": value_c} if value_c is not None else None
        return _probe_answer(*self._request("POST", f"/v1/simulation/probes/{probe}/{action}", json_body=body))

    def profiles(self) -> list[dict[str, Any]]:
        """Profiles in the daemon's library: file, name, description, steps (or error)."""
        _, body = self._request("GET", "/v1/profiles")
        return list(body)


# --- what the answers mean (both clients) ------------------------------------------------------


def _unavailable(socket_path: Path, exc: BaseException) -> ApiUnavailable:
    reason = getattr(exc, "os_error", exc)
    if isinstance(reason, PermissionError):
        why = "permission denied (is your user in the socket's group? see node.socket_group)"
    elif isinstance(reason, FileNotFoundError | ConnectionRefusedError) or not socket_path.exists():
        why = "the brewctl daemon is not running (start it with `brewctl run` or `systemctl start brewctl`)"
    else:
        why = str(reason) or type(reason).__name__
    return ApiUnavailable(f"{socket_path}: {why}")


def _status_json(socket_path: Path, code: int, body: Any) -> dict[str, Any]:
    if code == 503:
        raise ApiUnavailable(f"{socket_path}: the daemon is starting (no control step yet)")
    if code != 200 or not isinstance(body, dict):
        raise ApiError(f"status: HTTP {code}: {body.get('error', body) if isinstance(body, dict) else body}")
    return body


def _status(socket_path: Path, code: int, body: Any) -> NodeStatus:
    from brewctl.model import NodeStatus

    return NodeStatus.model_validate(_status_json(socket_path, code, body))


def _command_payload(cmd: Command | dict[str, Any]) -> Any:
    from brewctl.model import COMMAND_ADAPTER

    return COMMAND_ADAPTER.dump_python(cmd, mode="json") if not isinstance(cmd, dict) else cmd


def _command_result(code: int, body: Any) -> CommandResult:
    from brewctl.model import CommandResult

    if isinstance(body, dict) and "ok" in body:
        return CommandResult.model_validate(body)
    raise ApiError(f"command: HTTP {code}: {body}")


def _probe_answer(code: int, body: Any) -> dict[str, Any]:
    if not isinstance(body, dict) or "ok" not in body:
        raise ApiError(f"sim-fault: HTTP {code}: {body}")
    return dict(body)

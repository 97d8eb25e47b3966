"""What the MQTT benchmarks share: a free port, a glycol-rig config and a changing status."""

from __future__ import annotations

import socket

from brewctl.model import FermenterStatus, NodeStatus, OutputStatus


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def bench_config(port: int, fermenters: int, node: str) -> dict[str, object]:
    """A config of ``fermenters`` glycol fermenters talking to the broker on ``port``."""
    probes = {f"p{i}": {"id": f"28-{i:012x}"} for i in range(fermenters)}
    outputs = {f"o{i}": {"kind": "solenoid", "pin": 20 + i} for i in range(fermenters)}
    ferms = {f"fv{i}": {"rig": "glycol", "beer_probe": f"p{i}", "valve": f"o{i}"} for i in range(fermenters)}
    return {
        "node": {"name": node},
        "probes": probes,
        "outputs": outputs,
        "fermenters": ferms,
        "mqtt": {"host": "127.0.0.1", "port": port},
    }


def changing_status(n: int, fermenters: int, node: str) -> NodeStatus:
    """Status number ``n``: every fermenter's temperature and valve differ from status ``n - 1``."""
    fs = {
        f"fv{i}": FermenterStatus(
            id=f"fv{i}",
            mode="beer",
            rig="glycol",
            beer_c=18.0 + (n % 20) * 0.1,
            beer_setpoint_c=18.0,
            outputs=(OutputStatus(role="valve", value=1.0 if n % 2 else 0.0, active=bool(n % 2)),),
            updated_s=float(n),
        )
        for i in range(fermenters)
    }
    return NodeStatus(node=node, version="bench", uptime_s=float(n), fermenters=fs)

"""A simulated daemon in its own process, for faults that need one (signals, descriptors, exit).

``python -m tests.faults.daemon_proc CONFIG STATE_DIR SOCKET [--speed N] [--nofile N] [--fifo PROBE]``

- ``--nofile N`` lowers this process's RLIMIT_NOFILE (the test process keeps its own);
- ``--components`` runs the config's optional components (``optional_components``: the
  history recorder, the iSpindel HTTP listener ...), as ``brewctl run`` does;
- ``--fifo PROBE`` replaces that probe's ``w1_slave`` by a FIFO once the daemon is ready: its
  read blocks in the kernel forever, as on a dead 1-wire bus.

Prints ``READY <pid>`` when the first control step is done, then runs until a signal stops it.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import resource
import sys
from pathlib import Path

os.environ.setdefault("W1THERMSENSOR_NO_KERNEL_MODULE", "1")
os.environ.setdefault("GPIOZERO_PIN_FACTORY", "mock")

from brewctl.cli.components import optional_components
from brewctl.config import load_config
from brewctl.service.clock import ScaledClock
from brewctl.service.daemon import Daemon, DaemonOptions


async def _main(args: argparse.Namespace) -> None:
    config = load_config(args.config)
    daemon = Daemon(
        config,
        DaemonOptions(simulate=True, state_dir=args.state_dir, socket_path=args.socket),
        clock=ScaledClock(args.speed),
        components=optional_components(config, args.state_dir) if args.components else [],
    )
    task = asyncio.create_task(daemon.run())
    await daemon.ready.wait()
    if args.fifo:
        assert daemon.rigs is not None
        daemon.rigs.unplug(args.fifo)
        folder = daemon.rigs.w1_directory / config.probes[args.fifo].id
        folder.mkdir(exist_ok=True)
        os.mkfifo(folder / "w1_slave")
    print(f"READY {os.getpid()}", flush=True)
    await task


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("config", type=Path)
    p.add_argument("state_dir", type=Path)
    p.add_argument("socket", type=Path)
    p.add_argument("--speed", type=float, default=10.0)
    p.add_argument("--nofile", type=int)
    p.add_argument("--fifo")
    p.add_argument("--components", action="store_true")
    args = p.parse_args()
    if args.nofile:
        _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (args.nofile, hard))
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    asyncio.run(_main(args))


if __name__ == "__main__":
    main()

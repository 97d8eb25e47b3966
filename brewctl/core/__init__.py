"""The functional core: pure control logic (no asyncio, no I/O, no wall clock).

``FermenterController`` (control.py) is the entry point; guards.py, probes.py, chamber.py,
and beer.py are its parts, each usable and tested on its own.
"""

from __future__ import annotations

from brewctl.core.control import PROBE_ROLES, ControlResult, FermenterController, Target

__all__ = ["PROBE_ROLES", "ControlResult", "FermenterController", "Target"]

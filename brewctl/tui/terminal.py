"""Is our terminal still there? (A vanished terminal must end the UI, not leave it spinning.)

An SSH disconnect normally sends SIGHUP, which ends the process. But when a terminal goes
away without one (a crashed tmux server, a killed terminal emulator in some set-ups) the UI's
input thread reads end-of-file in a loop and burns a core; on a Raspberry Pi that also slows
the controller. ``poll()`` on a hung-up terminal reports POLLHUP, never on a live one.
"""

from __future__ import annotations

import select

__all__ = ["terminal_gone"]


def terminal_gone(fd: int) -> bool:
    """True if ``fd`` (a terminal when the UI started) has hung up; False while it is live.

    Check ``os.isatty(fd)`` once at start: a hung-up terminal no longer passes it.
    """
    try:
        poller = select.poll()
        poller.register(fd, select.POLLIN)
        events = poller.poll(0)
    except (OSError, ValueError):
        return False
    return any(mask & (select.POLLHUP | select.POLLERR) for _, mask in events)

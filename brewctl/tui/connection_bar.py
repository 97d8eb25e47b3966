"""The top line: which node, and whether the daemon is connected (loudly when it is not)."""

from __future__ import annotations

from textual.widgets import Static

__all__ = ["ConnectionBar"]


class ConnectionBar(Static):
    """``brewery-pi · simulated · live`` or a red ``CONNECTION LOST · retrying in 4s · why`` (wrapped)."""

    DEFAULT_CSS = """
    ConnectionBar {
        dock: top;
        height: 1;
        padding: 0 1;
        background: $primary-darken-2;
        color: $text;
    }
    ConnectionBar.-lost {
        height: auto;
        max-height: 3;
        background: $error;
        color: $text;
        text-style: bold;
    }
    """

    def _say(self, text: str) -> None:
        if text != self.content:
            self.update(text)

    def show_connecting(self, where: str) -> None:
        """Before the first answer."""
        self.remove_class("-lost")
        self._say(f"brewctl · connecting to {where} …")

    def show_live(self, node: str, version: str, simulated: bool) -> None:
        """Connected and streaming."""
        self.remove_class("-lost")
        sim = " · SIMULATED" if simulated else ""
        self._say(f"{node}{sim} · brewctl {version} · live")

    def show_lost(self, reason: str, retry_in_s: float, *, ever_connected: bool = True) -> None:
        """The daemon went away (or was never reached); the app retries on its own."""
        self.add_class("-lost")
        when = f"{retry_in_s:.1f}" if retry_in_s < 10 else f"{retry_in_s:.0f}"
        head = "CONNECTION LOST" if ever_connected else "NO DAEMON (e, r: editors work)"
        # Head and retry first, the reason after: at 80 columns the reason wraps (up to 3 lines).
        self._say(f"{head} · retrying in {when}s · {reason}")

    def show_offline(self) -> None:
        """Editors only: no daemon asked for."""
        self.remove_class("-lost")
        self._say("brewctl · offline editing (no daemon)")

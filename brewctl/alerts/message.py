"""How an alarm notice reads, as JSON (MQTT) and as text (Apprise)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from brewctl.alerts.tracker import Notice

__all__ = ["AlertMessage", "alert_message", "notice_text"]


class AlertMessage(BaseModel):
    """The JSON published on ``<base>/alerts`` for every alarm raised or cleared."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    node: str
    fermenter: str | None
    event: Literal["raised", "cleared"]
    code: str
    severity: Literal["info", "warning", "critical"]
    message: str
    ts_s: float


def alert_message(node: str, notice: Notice, ts_s: float) -> AlertMessage:
    """The MQTT alert document for a notice."""
    a = notice.alarm
    return AlertMessage(
        node=node,
        fermenter=notice.fermenter,
        event=notice.event,
        code=a.code,
        severity=a.severity,
        message=a.message,
        ts_s=ts_s,
    )


def notice_text(node: str, notice: Notice) -> tuple[str, str]:
    """``(title, body)`` for a notification service."""
    where = f"{node}/{notice.fermenter}" if notice.fermenter else node
    a = notice.alarm
    if notice.event == "cleared":
        return f"brewctl {where}: cleared: {a.code}", f"Cleared: {a.message}"
    return f"brewctl {where}: {a.severity}: {a.code}", a.message

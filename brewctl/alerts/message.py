"""How an alarm notice reads, as JSON (MQTT) and as text (Apprise)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from brewctl.alerts.tracker import Notice

__all__ = ["AlertMessage", "alert_message", "notice_body", "notice_text"]


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
        message=notice_body(notice),
        ts_s=ts_s,
    )


def notice_body(notice: Notice) -> str:
    """What a notice says. A clear says so first and quotes the alarm as it last read: its
    numbers are from before the clear ("beer 12.3 °C is 5.7 °C off" is not the news).
    """
    a = notice.alarm
    if notice.event == "cleared":
        return f"Cleared: {a.code} no longer stands (it last read: {a.message})"
    return a.message


def notice_text(node: str, notice: Notice) -> tuple[str, str]:
    """``(title, body)`` for a notification service."""
    where = f"{node}/{notice.fermenter}" if notice.fermenter else node
    a = notice.alarm
    if notice.event == "cleared":
        return f"brewctl {where}: cleared: {a.code}", notice_body(notice)
    return f"brewctl {where}: {a.severity}: {a.code}", notice_body(notice)

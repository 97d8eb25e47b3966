"""Alarm notifications: a pure rate-limiting tracker, MQTT alert documents and Apprise delivery."""

from brewctl.alerts.component import AlertsComponent
from brewctl.alerts.message import AlertMessage, alert_message, notice_text
from brewctl.alerts.tracker import AlertTracker, Notice, standing_alarms

__all__ = [
    "AlertMessage",
    "AlertTracker",
    "AlertsComponent",
    "Notice",
    "alert_message",
    "notice_text",
    "standing_alarms",
]

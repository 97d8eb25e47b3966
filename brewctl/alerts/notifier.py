"""Sending notices to people: Apprise (optional extra ``apprise``), imported lazily."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Sequence
from typing import Any, Protocol

__all__ = ["AppriseNotifier", "Notifier", "make_apprise_notifier"]

log = logging.getLogger(__name__)


class Notifier(Protocol):
    """Anything that can deliver a titled message; returns True when delivered."""

    async def notify(self, title: str, body: str, severity: str) -> bool: ...


class AppriseNotifier:
    """Delivers through every configured Apprise URL (ntfy://, tgram://, mailto://, json://, ...)."""

    def __init__(self, apprise_module: Any, urls: Sequence[str]) -> None:
        self._apprise = apprise_module
        self._ap = apprise_module.Apprise()
        for url in urls:
            if not self._ap.add(url):
                # Apprise refuses URLs it cannot parse; the URL may hold a token, so it is not logged.
                log.error("alerts: apprise cannot use alerts.apprise_urls entry %d (check its scheme)", urls.index(url))

    async def notify(self, title: str, body: str, severity: str) -> bool:
        kinds = {"critical": "FAILURE", "warning": "WARNING", "info": "INFO", "cleared": "SUCCESS"}
        notify_type = getattr(self._apprise.NotifyType, kinds.get(severity, "WARNING"))
        return bool(await self._ap.async_notify(body=body, title=title, notify_type=notify_type))


def make_apprise_notifier(urls: Sequence[str]) -> AppriseNotifier | None:
    """An Apprise notifier, or None (and a clear log line) when apprise is not installed.

    Blocking (imports, plugin loading): call it in a thread.
    """
    with warnings.catch_warnings():
        # Apprise's plugins import the stdlib's deprecated imghdr; that warning is not ours to act on.
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            import apprise  # the optional extra: imported only when configured
        except ImportError:
            log.error(
                "alerts: alerts.apprise_urls is set but apprise is not installed; "
                "install the 'apprise' extra (pip install 'brewctl[alerts]') to get notifications"
            )
            return None
        return AppriseNotifier(apprise, urls)

"""Alarms carry the wall time they were first raised, for as long as they stand."""

from __future__ import annotations

from brewctl.model import Alarm
from brewctl.service.status import stamp_alarms

LOST = Alarm(code="beer_probe_lost", message="beer probe lost")
HOT = Alarm(code="beer_off_target", message="beer 2 °C off")


def test_a_new_alarm_is_stamped_now_and_keeps_its_first_time() -> None:
    first = stamp_alarms((), (LOST,), 1000.0)
    assert [a.since_s for a in first] == [1000.0]
    later = stamp_alarms(first, (LOST, HOT), 1060.0)
    assert [(a.code, a.since_s) for a in later] == [("beer_probe_lost", 1000.0), ("beer_off_target", 1060.0)]


def test_a_cleared_alarm_that_returns_is_stamped_anew() -> None:
    first = stamp_alarms((), (LOST,), 1000.0)
    cleared = stamp_alarms(first, (), 1010.0)
    again = stamp_alarms(cleared, (LOST,), 1020.0)
    assert cleared == () and again[0].since_s == 1020.0


def test_lost_probe_alarms_say_why() -> None:
    from brewctl.service.status import word_alarms

    lost = Alarm(code="chamber_probe_lost", role="chamber")
    other = Alarm(code="all_probes_lost", severity="critical", values={"cause": "every_probe_lost"})
    explained = word_alarms((lost, other), {"chamber": ("crc", None), "beer": ("missing", None)})
    assert [(a.code, a.message) for a in explained] == [
        ("chamber_probe_lost", "chamber probe lost (CRC error)"),
        ("all_probes_lost", "every probe lost: all outputs off"),
    ]
    assert explained[0].values == {"bus_error": "crc"}  # the code, for MQTT and automations
    garbled = word_alarms((lost,), {"chamber": ("unreadable", "ValueError: bad line")})[0]
    assert garbled.message == "chamber probe lost (unreadable: ValueError: bad line)"
    # no reason known (implausible values): the generic cause
    assert word_alarms((lost,), {})[0].message == "chamber probe lost (missing, stale or implausible)"

"""The alert tracker: which alarms are new, cleared or rate-limited (pure)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from brewctl.alerts.message import alert_message, notice_text
from brewctl.alerts.tracker import AlarmKey, AlertTracker, Notice, standing_alarms
from brewctl.model import Alarm, FermenterStatus, NodeStatus

PROBE = Alarm(code="beer_probe_lost", severity="critical", message="FV1 beer probe lost")
OUTBOX = Alarm(code="outbox_full", message="InfluxDB outbox full")


def _events(notices: list[Notice]) -> list[tuple[str, str | None, str]]:
    return [(n.event, n.fermenter, n.alarm.code) for n in notices]


def test_new_alarms_are_raised_once_and_cleared_once() -> None:
    t = AlertTracker(min_interval_s=0)
    assert _events(t.update({("fv1", "beer_probe_lost"): PROBE}, 0)) == [("raised", "fv1", "beer_probe_lost")]
    assert t.update({("fv1", "beer_probe_lost"): PROBE}, 5) == []
    both = {("fv1", "beer_probe_lost"): PROBE, (None, "outbox_full"): OUTBOX}
    assert _events(t.update(both, 6)) == [("raised", None, "outbox_full")]
    assert _events(t.update({}, 7)) == [("cleared", None, "outbox_full"), ("cleared", "fv1", "beer_probe_lost")]
    assert t.update({}, 8) == [] and t.standing == {}


def test_a_flapping_alarm_is_quiet_inside_the_interval_and_announced_after_it() -> None:
    t = AlertTracker(min_interval_s=900)
    key: AlarmKey = ("fv1", "beer_probe_lost")
    assert _events(t.update({key: PROBE}, 0)) == [("raised", "fv1", "beer_probe_lost")]
    assert _events(t.update({}, 10)) == [("cleared", "fv1", "beer_probe_lost")]
    assert t.update({key: PROBE}, 20) == []  # back within 15 min: held back
    assert t.update({}, 30) == []  # ...and its clear too
    assert t.update({key: PROBE}, 40) == []
    assert _events(t.update({key: PROBE}, 900)) == [("raised", "fv1", "beer_probe_lost")]  # still there: told now
    assert _events(t.update({}, 901)) == [("cleared", "fv1", "beer_probe_lost")]


def test_the_latest_message_of_a_standing_alarm_is_kept() -> None:
    t = AlertTracker()
    key: AlarmKey = ("fv1", "beer_off_target")
    t.update({key: Alarm(code="beer_off_target", message="2.1 degC off")}, 0)
    t.update({key: Alarm(code="beer_off_target", message="3.4 degC off")}, 1)
    [cleared] = t.update({}, 2)
    assert cleared.alarm.message == "3.4 degC off"


def test_standing_alarms_of_a_status() -> None:
    status = NodeStatus(
        node="pi1",
        version="0",
        fermenters={
            "fv1": FermenterStatus(id="fv1", mode="beer", alarms=(PROBE,)),
            "fv2": FermenterStatus(id="fv2", mode="off"),
        },
    )
    assert standing_alarms(status, (OUTBOX,)) == {("fv1", "beer_probe_lost"): PROBE, (None, "outbox_full"): OUTBOX}


def test_messages_for_mqtt_and_people() -> None:
    raised = Notice("raised", "fv1", PROBE)
    doc = alert_message("pi1", raised, 1700000000.0)
    assert (doc.node, doc.fermenter, doc.event, doc.code, doc.severity) == (
        "pi1",
        "fv1",
        "raised",
        "beer_probe_lost",
        "critical",
    )
    assert notice_text("pi1", raised) == ("brewctl pi1/fv1: critical: beer_probe_lost", "FV1 beer probe lost")
    assert notice_text("pi1", Notice("cleared", None, OUTBOX)) == (
        "brewctl pi1: cleared: outbox_full",
        "Cleared: outbox_full no longer stands (it last read: InfluxDB outbox full)",
    )


def test_a_lost_probe_that_makes_the_fermenter_safe_is_one_notice() -> None:
    # A beer-probe-only (glycol) fermenter loses its probe: the controller raises both.
    lost = Alarm(code="beer_probe_lost", severity="warning", message="beer probe lost (missing, stale or implausible)")
    safe = Alarm(code="all_probes_lost", severity="critical", message="beer probe lost: all outputs off")
    status = NodeStatus(
        node="pi1", version="0", fermenters={"fv2": FermenterStatus(id="fv2", mode="beer", alarms=(lost, safe))}
    )
    t = AlertTracker(min_interval_s=900)
    assert _events(t.update(standing_alarms(status), 0)) == [("raised", "fv2", "all_probes_lost")]
    # A cascade fermenter that loses only its beer probe keeps control on the chamber: that warning goes out.
    alone = NodeStatus(
        node="pi1", version="0", fermenters={"fv1": FermenterStatus(id="fv1", mode="beer", alarms=(lost,))}
    )
    assert _events(AlertTracker().update(standing_alarms(alone), 0)) == [("raised", "fv1", "beer_probe_lost")]


def test_a_second_lost_probe_does_not_clear_the_first() -> None:
    # Found in the #15 audit: fv1 (beer + chamber) lost its beer probe (warning sent), then its
    # chamber probe: "cleared: beer_probe_lost" went out beside "critical: all_probes_lost",
    # though the beer probe was still lost.
    lost = Alarm(code="beer_probe_lost", message="beer probe lost (not on the bus)")
    chamber = Alarm(code="chamber_probe_lost", message="chamber probe lost (not on the bus)")
    safe = Alarm(code="all_probes_lost", severity="critical", message="every probe lost: all outputs off")

    def status(*alarms: Alarm) -> dict[AlarmKey, Alarm]:
        fermenters = {"fv1": FermenterStatus(id="fv1", mode="beer", alarms=alarms)}
        return standing_alarms(NodeStatus(node="pi1", version="0", fermenters=fermenters))

    t = AlertTracker(min_interval_s=900)
    assert _events(t.update(status(lost), 0)) == [("raised", "fv1", "beer_probe_lost")]
    assert _events(t.update(status(lost, chamber, safe), 5)) == [("raised", "fv1", "all_probes_lost")]
    assert _events(t.update(status(lost), 10)) == [("cleared", "fv1", "all_probes_lost")]  # chamber back
    assert _events(t.update(status(), 15)) == [("cleared", "fv1", "beer_probe_lost")]  # beer back: now


def test_a_clear_does_not_read_like_the_alarm() -> None:
    off = Alarm(code="beer_off_target", message="beer 12.3 °C is 5.7 °C off its setpoint 18.0 °C")
    title, body = notice_text("pi1", Notice("cleared", "fv1", off))
    assert title == "brewctl pi1/fv1: cleared: beer_off_target"
    assert body.startswith("Cleared: beer_off_target no longer stands")
    assert alert_message("pi1", Notice("cleared", "fv1", off), 0.0).message == body


KEYS: list[AlarmKey] = [("fv1", "a"), ("fv1", "b"), (None, "a")]
_steps = st.lists(
    st.tuples(st.floats(min_value=0, max_value=400), st.sets(st.sampled_from(KEYS))),
    max_size=40,
)


@given(steps=_steps, min_interval=st.sampled_from([0.0, 60.0, 900.0]))
def test_tracker_properties(steps: list[tuple[float, set[AlarmKey]]], min_interval: float) -> None:
    t = AlertTracker(min_interval_s=min_interval)
    now = 0.0
    last_event: dict[AlarmKey, str] = {}
    last_raised: dict[AlarmKey, float] = {}
    for dt, standing in steps:
        now += dt
        notices = t.update({k: Alarm(code=k[1], message="m") for k in standing}, now)
        for n in notices:
            key = (n.fermenter, n.alarm.code)
            # raised and cleared alternate, starting with raised
            assert last_event.get(key, "cleared") != n.event
            last_event[key] = n.event
            if n.event == "raised":
                assert key in standing
                assert key not in last_raised or now - last_raised[key] >= min_interval  # rate limit
                last_raised[key] = now
            else:
                assert key not in standing
        # liveness: a standing alarm is announced unless its rate limit still holds it back
        for key in standing:
            assert last_event.get(key) == "raised" or now - last_raised[key] < min_interval
        assert set(t.standing) == standing


PROBE_KEYS: list[AlarmKey] = [("fv1", "beer_probe_lost"), ("fv1", "chamber_probe_lost"), ("fv1", "all_probes_lost")]


@given(
    steps=st.lists(st.tuples(st.floats(min_value=0, max_value=400), st.sets(st.sampled_from(PROBE_KEYS))), max_size=40),
    min_interval=st.sampled_from([0.0, 900.0]),
)
def test_subsumed_alarms_are_never_raised_under_their_cause_nor_cleared_while_standing(
    steps: list[tuple[float, set[AlarmKey]]], min_interval: float
) -> None:
    t = AlertTracker(min_interval_s=min_interval)
    now = 0.0
    last_event: dict[AlarmKey, str] = {}
    for dt, standing in steps:
        now += dt
        for n in t.update({k: Alarm(code=k[1], message="m") for k in standing}, now):
            key = (n.fermenter, n.alarm.code)
            assert last_event.get(key, "cleared") != n.event  # raised and cleared alternate
            last_event[key] = n.event
            if n.event == "raised":
                assert key in standing
                assert key[1] == "all_probes_lost" or ("fv1", "all_probes_lost") not in standing
            else:
                assert key not in standing

"""A shared chiller's line in the InfluxDB line protocol."""

from __future__ import annotations

from brewctl.config import Mode
from brewctl.model import Alarm, ChillerStatus, FermenterStatus, NodeStatus
from brewctl.recorder.lineprotocol import status_lines


def test_a_chiller_is_one_line_at_the_cycles_time() -> None:
    alarm = Alarm(code="chiller_overloaded", severity="critical", message="chiller main: it cannot keep up")
    status = NodeStatus(
        node="pi",
        version="0",
        fermenters={"fv2": FermenterStatus(id="fv2", mode=Mode.BEER, beer_c=12.0, updated_s=1764000000.5)},
        chillers={"main": ChillerStatus(id="main", reservoir_c=-1.8125, open_valves=("fv2",), alarms=(alarm,))},
    )
    lines = [line for line in status_lines(status) if line.startswith("chiller,")]
    assert lines == [
        "chiller,node=pi,chiller=main reservoir_c=-1.8125,setpoint_c=-2.0,open_valves=1i,waiting=0i,overloaded=1i"
        " 1764000000500"
    ]
    assert not [line for line in status_lines(status.model_copy(update={"fermenters": {}})) if "chiller" in line]

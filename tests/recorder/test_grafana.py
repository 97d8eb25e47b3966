"""The shipped Grafana dashboards query what the writer writes."""

from __future__ import annotations

import json
import re
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from brewctl.recorder.lineprotocol import status_lines
from tests.recorder.conftest import VictoriaMetrics
from tests.recorder.statuses import fermenter, node

DASHBOARDS = Path(__file__).resolve().parents[2] / "docs" / "grafana"


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DASHBOARDS / name).read_text())
    return data


def written_fields() -> set[tuple[str, str]]:
    """(measurement, field) pairs of a status with every part present."""
    fs = fermenter("fv1", 1_764_000_000.0, heat=0.5, step=1, sg=1.05)
    pairs = set()
    for line in status_lines(node(0, fs)):
        head, fields, _ = line.split(" ")
        for field in fields.split(","):
            pairs.add((head.split(",")[0], field.split("=")[0]))
    return pairs


def test_flux_dashboard_has_the_fermenter_variable_and_reads_written_fields() -> None:
    dash = load("brewctl-fermenter.json")
    assert "fermenter" in {v["name"] for v in dash["templating"]["list"]}
    written = written_fields()
    measurements = {m for m, _ in written}
    fields = {f for _, f in written}
    for panel in dash["panels"]:
        for target in panel["targets"]:
            flux = target["query"]
            assert 'r.fermenter == "${fermenter}"' in flux
            assert set(re.findall(r'_measurement == "(\w+)"', flux)) <= measurements
            assert set(re.findall(r'_field == "(\w+)"', flux)) <= fields


def _get(vm: VictoriaMetrics, path: str, params: dict[str, str]) -> Any:
    with urllib.request.urlopen(f"{vm.url}{path}?{urllib.parse.urlencode(params)}", timeout=10) as r:
        return json.loads(r.read())


def test_victoriametrics_dashboard_queries_return_data(victoria: VictoriaMetrics) -> None:
    now = time.time()
    lines: list[str] = []
    for k in range(20):  # the last 20 minutes, one status a minute
        t = now - 1200 + 60 * k
        lines += status_lines(node(t, fermenter("fv7", t, heat=0.5, step=1, sg=1.05)), node="grafana")
    req = urllib.request.Request(
        f"{victoria.url}/api/v2/write?bucket=b&org=o&precision=ms", data="\n".join(lines).encode(), method="POST"
    )
    with urllib.request.urlopen(req, timeout=10) as r:
        assert r.status == 204
    victoria.export('{node="grafana"}')  # forces a flush
    dash = load("brewctl-fermenter-victoriametrics.json")
    variables = {v["name"]: v for v in dash["templating"]["list"]}
    assert set(variables) == {"node", "fermenter"}
    found = _get(
        victoria, "/api/v1/label/fermenter/values", {"match[]": 'fermenter_temperature_celsius{node=~"grafana"}'}
    )
    assert found["data"] == ["fv7"]
    for panel in dash["panels"]:
        for target in panel["targets"]:
            expr = target["expr"].replace("$node", "grafana").replace("$fermenter", "fv7")
            expr = expr.replace("$__interval", "5m")
            answer = _get(
                victoria,
                "/api/v1/query_range",
                {"query": expr, "start": str(now - 1200), "end": str(now), "step": "60"},
            )
            assert answer["status"] == "success", expr
            assert answer["data"]["result"], f"{panel['title']}: no data for {expr}"

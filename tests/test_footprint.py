"""The install stays light: what quick commands import, and the optional YAML importer (issue 13).

Speed and memory are measured by hand (bench/footprint.py, bench/daemon_resources.py); these
tests guard the causes: heavy modules imported only where used.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from brewctl.errors import ProfileError

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("pydantic", "aiohttp", "yaml", "asyncio", "textual", "w1thermsensor", "gpiozero", "influxdb_client")


def imported_after(code: str) -> set[str]:
    """The heavy top-level modules a fresh interpreter has loaded after running ``code``."""
    probe = f"{code}\nimport sys\nprint(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT)
    return set(out.stdout.split())


def test_help_loads_no_heavy_module() -> None:
    assert imported_after("from brewctl.cli import build_parser\nbuild_parser().format_help()") == set()


def test_status_loads_no_heavy_module() -> None:
    """Not even pydantic: its models cost more CPU than the rest of ``brewctl status`` (a daemon
    answering is in tests/service/test_cli.py)."""
    code = "from brewctl.cli import main\nassert main(['status', '--socket', '/nonexistent/brewctl.sock']) == 2"
    assert imported_after(code) == set()


@pytest.mark.parametrize("package", ["brewctl.profiles"])
def test_lazy_packages_export_what_they_name(package: str) -> None:
    module = importlib.import_module(package)
    sources: dict[str, str] = module._SOURCES
    assert set(sources) == set(module.__all__)
    for name in module.__all__:
        assert getattr(module, name) is getattr(importlib.import_module(f"{package}.{sources[name]}"), name)
    with pytest.raises(AttributeError):
        module.no_such_name  # noqa: B018


def test_pyyaml_and_the_async_extra_are_not_hard_dependencies() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    deps = " ".join(project["dependencies"]).lower()
    assert "pyyaml" not in deps and "w1thermsensor[" not in deps
    assert project["optional-dependencies"]["yaml"] == ["pyyaml>=6.0"]


def test_without_pyyaml_the_craftbeerpi_import_says_how_to_add_it(monkeypatch: pytest.MonkeyPatch) -> None:
    from brewctl.profiles.interchange import import_file, import_text

    monkeypatch.setitem(sys.modules, "yaml", None)  # as if PyYAML were not installed
    data = ROOT / "tests" / "profiles" / "data" / "craftbeerpi_recipe.yaml"
    with pytest.raises(ProfileError, match=r"needs PyYAML.*pipx inject brewctl pyyaml.*brewctl\[yaml\]"):
        import_file(data, fmt="craftbeerpi")
    with pytest.raises(ProfileError, match=r"cannot tell the format.*if it is a CraftBeerPi file: .*pipx inject"):
        import_file(data)
    # The other formats do not need it.
    result = import_text("date,temperature\n2024-05-01T00:00:00,19\n2024-05-04T00:00:00,19\n", "p.csv")
    assert result.profile.steps


def test_influxdb_client_is_the_influx_extra() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert not any(d.startswith("influxdb-client") for d in project["dependencies"])
    assert project["optional-dependencies"]["influx"] == ["influxdb-client[async]>=1.40,<2"]


async def test_without_influxdb_client_the_writer_fails_with_how_to_add_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The daemon's supervisor shows this message as the writer's alarm; control goes on."""
    import asyncio

    from brewctl.config import InfluxConfig
    from brewctl.errors import ConfigError
    from brewctl.recorder import influx
    from brewctl.service.hub import Hub

    monkeypatch.setattr(influx, "influx_client_installed", lambda: False)
    with pytest.raises(ConfigError, match=r"\[influx\] needs the influxdb-client package.*brewctl\[influx\]"):
        writer = influx.InfluxComponent(tmp_path, InfluxConfig(url="http://127.0.0.1:9"))
        await asyncio.wait_for(writer.run(Hub("n")), 10)


def test_config_check_warns_when_influx_is_configured_but_not_installed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from brewctl.cli import main
    from brewctl.recorder import influx

    config = tmp_path / "config.toml"
    text = (ROOT / "config.example.toml").read_text(encoding="utf-8")
    config.write_text(text + '\n[influx]\nurl = "http://localhost:8428"\n')
    monkeypatch.setattr(influx, "influx_client_installed", lambda: False)
    assert main(["config", "check", "--config", str(config)]) == 0
    assert "warning: [influx] needs the influxdb-client package" in capsys.readouterr().out


_DAEMON_MODULES = """
import os, sys, threading, time
from pathlib import Path
from brewctl.cli import main

config, state, sock = sys.argv[1], sys.argv[2], Path(sys.argv[3])

def listening() -> None:  # the API listens once every component is built: then say what is loaded
    for _ in range(1200):
        if sock.exists():
            break
        time.sleep(0.05)
    print(" ".join(sorted(sys.modules)), flush=True)
    os._exit(0 if sock.exists() else 1)

threading.Thread(target=listening, daemon=True).start()
main(["run", "--simulate", "--config", config, "--state-dir", state, "--socket", str(sock)])
"""


def _bench_config() -> str:
    """The config of bench/daemon_resources.py (4 fermenters, 7 probes), whose memory it measures."""
    import runpy

    return str(runpy.run_path(str(ROOT / "bench" / "daemon_resources.py"))["CONFIG"])


@pytest.mark.parametrize("config", ["example", "bench"])
def test_the_daemon_loads_only_what_its_config_uses(tmp_path: Path, config: str) -> None:
    """A daemon without [mqtt], [influx], [alerts] or the iSpindel receiver loads none of their
    code or libraries, nor the TUI's or the importers', nor aiohttp: its local API is served by
    h11 (its memory is its imports; aiohttp's server and client cost about 15 MB)."""
    import shutil
    import tempfile

    path = ROOT / "config.example.toml"
    if config == "bench":
        path = tmp_path / "bench.toml"
        path.write_text(_bench_config(), encoding="utf-8")
    short = Path(tempfile.mkdtemp(prefix="bc-"))  # a Unix socket path must be short
    try:
        argv = [str(path), str(tmp_path / "state"), str(short / "s")]
        out = subprocess.run([sys.executable, "-c", _DAEMON_MODULES, *argv], capture_output=True, text=True, cwd=ROOT)
    finally:
        shutil.rmtree(short, ignore_errors=True)
    assert out.returncode == 0, out.stderr
    loaded = set(out.stdout.split())
    assert {"brewctl.service.daemon", "h11", "pydantic"} <= loaded  # it did start
    unused = {
        "brewctl.recorder.influx", "influxdb_client", "brewctl.mqtt", "aiomqtt", "paho", "brewctl.alerts", "apprise",
        "brewctl.tui", "textual", "rich", "brewctl.profiles.interchange", "yaml", "jsonschema",
        "aiohttp", "yarl", "multidict", "brewctl.service.client",
    }  # fmt: skip
    assert loaded & unused == set()

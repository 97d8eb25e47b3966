"""The functional core stays pure: no I/O, no asyncio, no wall clock, no imports from the shell."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

CORE = Path(__file__).resolve().parent.parent / "brewctl" / "core"
FORBIDDEN = {
    "asyncio",
    "socket",
    "time",
    "datetime",
    "subprocess",
    "threading",
    "sqlite3",
    "os",
    "aiohttp",
    "aiomqtt",
    "gpiozero",
    "w1thermsensor",
    "influxdb_client",
    "textual",
    "brewctl.service",
    "brewctl.drivers",
    "brewctl.mqtt",
    "brewctl.recorder",
    "brewctl.tui",
    "brewctl.cli",
    "brewctl.sim",
}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def core_files() -> list[Path]:
    return sorted(CORE.rglob("*.py"))


@pytest.mark.parametrize("path", core_files(), ids=lambda p: p.name)
def test_core_module_imports_nothing_impure(path: Path) -> None:
    bad = {name for name in imported_modules(path) if any(name == f or name.startswith(f + ".") for f in FORBIDDEN)}
    assert not bad, f"{path.name} imports {sorted(bad)}: the core must stay pure"


def test_core_exists() -> None:
    assert core_files(), "brewctl/core has no modules"


def test_the_layer_contracts_hold_transitively() -> None:
    """import-linter's contracts in pyproject.toml: core <- profiles/sim/drivers <- service <-
    recorder/mqtt/alerts <- tui/cli/setup, and the shared modules below them all.

    In a subprocess: import-linter configures logging with ``dictConfig``, which would disable
    every logger the other tests' code already created.
    """
    pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
    code = (
        "import sys; from importlinter.cli import lint_imports; "
        f"sys.exit(lint_imports(config_filename={str(pyproject)!r}, no_cache=True, no_logo=True))"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, f"a layer imports one above it:\n{run.stdout}{run.stderr}"

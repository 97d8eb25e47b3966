"""The install footprint: CPU of quick CLI commands and the size of the runtime dependencies.

Targets (issue #13): ``brewctl --help`` and ``brewctl status`` <= 0.3 s of CPU each, the
runtime dependencies <= 70 MB. (Daemon memory: ``bench/daemon_resources.py``.) Run by hand:

    .venv/bin/python bench/footprint.py [--runs 5]
    .venv/bin/python bench/footprint.py --venv DIR

CPU is user + system time of a fresh ``python -m brewctl ...`` process (the median of
``--runs``), from ``resource.getrusage(RUSAGE_CHILDREN)``, run from a temporary folder so that
``PYTHONPATH`` chooses the brewctl tree measured; ``brewctl status`` asks a simulated daemon
started for the purpose, without a config file and with one (as on an installed controller,
where ``/etc/brewctl/config.toml`` gives the socket and the display units). The dependency
size is the sum of the files every installed distribution in brewctl's runtime dependency
closure lists in its RECORD (the hard dependencies with the extras they request, not brewctl's
own extras; pip and setuptools aside), read from the environment this script runs in, so no
download is needed.

``--venv DIR`` measures a venv on disk instead, as ``du`` does: make one with only brewctl in
it (``python3 -m venv DIR && DIR/bin/pip install .``) to see what a user's install weighs.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "config.example.toml"


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


_ASIDE = {"pip", "setuptools"}  # every venv has them; not brewctl's weight


def _disk_bytes(dist: metadata.Distribution) -> int:
    """Bytes on disk of a distribution: its top-level folders and files (compiled .pyc included)."""
    tops: set[Path] = set()
    for f in dist.files or ():
        if f.parts[0] in ("..", "/") or f.parts[0].endswith(".data"):
            continue  # scripts outside site-packages
        tops.add(Path(str(f.locate())).parents[len(f.parts) - 2] if len(f.parts) > 1 else Path(str(f.locate())))
    total = 0
    for top in tops:
        paths = [top] if top.is_file() else [p for p in top.rglob("*") if p.is_file()]
        total += sum(p.stat().st_size for p in paths)
    return total


def dependency_closure() -> dict[str, int]:
    """Installed size in bytes of every distribution brewctl needs at run time (not brewctl itself).

    The roots are ``[project].dependencies`` of this tree's pyproject.toml (not the installed
    metadata, which may be older); their own requirements come from the installed distributions.
    """
    roots = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    sizes: dict[str, int] = {}
    todo: list[tuple[str, frozenset[str]]] = [(r.name, frozenset(r.extras)) for r in map(Requirement, roots)]
    seen: set[tuple[str, frozenset[str]]] = set()
    while todo:
        name, extras = todo.pop()
        if (name, extras) in seen:
            continue
        seen.add((name, extras))
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            print(f"warning: {name} is not installed here", file=sys.stderr)
            continue
        if _norm(name) not in _ASIDE:
            sizes[_norm(name)] = _disk_bytes(dist)
        for text in dist.requires or ():
            req = Requirement(text)
            envs = [{"extra": e} for e in extras] or [{"extra": ""}]
            if req.marker is not None and not any(req.marker.evaluate(env) for env in envs):
                continue
            todo.append((req.name, frozenset(req.extras)))
    return sizes


def venv_kib(site_packages: Path) -> tuple[int, int]:
    """(all, brewctl's dependencies) in KiB on disk (as ``du``) of a venv's site-packages: the
    dependencies are everything but pip, setuptools (and pkg_resources, _distutils_hack) and brewctl."""
    aside = ("pip", "setuptools", "pkg_resources", "_distutils_hack", "distutils-precedence.pth", "brewctl")
    total = deps = 0
    for entry in site_packages.iterdir():
        files = [entry] if entry.is_file() else [entry, *entry.rglob("*")]
        kib = sum(p.lstat().st_blocks for p in files) // 2  # 512-byte blocks
        total += kib
        if not entry.name.split("-")[0].startswith(aside):
            deps += kib
    return total, deps


def cpu_of(args: list[str], runs: int, env: dict[str, str], cwd: Path) -> tuple[float, float]:
    """Median CPU seconds (user + system) and the largest peak RSS in MB of ``python -m brewctl ARGS``."""
    cpu: list[float] = []
    peak = 0.0
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run([sys.executable, "-m", "brewctl", *args], env=env, cwd=cwd, capture_output=True, check=False)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
        peak = max(peak, after.ru_maxrss / 1024)
    return statistics.median(cpu), peak


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per command (the median is shown)")
    parser.add_argument(
        "--venv", type=Path, metavar="DIR",
        help="only measure this venv (one with brewctl and its runtime dependencies, nothing else) on disk",
    )  # fmt: skip
    args = parser.parse_args()
    if args.venv is not None:
        (site,) = args.venv.glob("lib/python3*/site-packages")
        total, deps = venv_kib(site)
        print(f"{args.venv}: site-packages {total / 1024:.1f} MiB, brewctl's dependencies {deps / 1024:.1f} MiB "
              "(target <= 70)")  # fmt: skip
        return 0 if deps / 1024 <= 70 else 1
    env = {**os.environ, "W1THERMSENSOR_NO_KERNEL_MODULE": "1"}
    ok = True
    with tempfile.TemporaryDirectory(prefix="brewctl-footprint-") as tmp:
        sock = Path(tmp) / "api.sock"
        daemon = subprocess.Popen(
            [sys.executable, "-m", "brewctl", "run", "--simulate", "--config", str(CONFIG),
             "--state-dir", str(Path(tmp) / "state"), "--socket", str(sock)],
            env=env, cwd=tmp, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            for _ in range(300):
                if sock.exists():
                    break
                time.sleep(0.1)
            runs = (
                ("brewctl --help", ["--help"]),
                ("brewctl status", ["status", "--socket", str(sock)]),
                ("  with a config", ["status", "--socket", str(sock), "--config", str(CONFIG)]),
            )
            for label, argv in runs:
                cpu, peak = cpu_of(argv, args.runs, env, Path(tmp))
                ok &= cpu <= 0.3
                print(f"{label:<16} CPU {cpu:.2f} s (median of {args.runs}; target <= 0.3 s)")
            print(f"{'':<16} (peak RSS of any run so far: {peak:.0f} MB)")
        finally:
            daemon.send_signal(signal.SIGTERM)
            daemon.wait(15)
    sizes = dependency_closure()
    total = sum(sizes.values()) / 1e6
    ok &= total <= 70
    print(f"runtime dependencies: {total:.1f} MB in {len(sizes)} distributions (target <= 70 MB)")
    for name, size in sorted(sizes.items(), key=lambda kv: -kv[1])[:8]:
        print(f"  {name:<24} {size / 1e6:6.1f} MB")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

# Shared set-up for scripts/demo and scripts/test: source it, don't run it.
# Installs what a fresh Debian / Raspberry Pi OS (bookworm) machine lacks, then a venv in .venv.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# apt_need PACKAGE... : install the Debian packages that are not installed yet.
apt_need() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "==> installing Debian packages: ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
}

# venv_install EXTRAS : create .venv (PEP 668: no bare pip on bookworm) and install brewctl.
venv_install() {
  local extras="$1"
  if ! python3 -c 'import venv, ensurepip' 2>/dev/null; then apt_need python3-venv; fi
  if [ ! -x .venv/bin/python ]; then
    echo "==> creating .venv"
    python3 -m venv .venv
  fi
  local stamp=".venv/.brewctl-installed${extras}"
  if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    echo "==> installing brewctl${extras} into .venv"
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q -e ".${extras}"
    touch "$stamp"
  fi
}

#!/usr/bin/env bash
# Provisions the test runners that test generation runs and npm does not install (vitest, jest and
# mocha are devDependencies): pytest and coverage.py for Debian's python3, and Go. Idempotent: when
# everything is there it does nothing and says nothing, as any user; installing needs root (CI and
# dev containers) and apt-get (Debian, Ubuntu).
#
# Usage: bash scripts/provision-runners.sh
set -euo pipefail

PYTHON=/usr/bin/python3
missing=()
have_py() { [ -x "$PYTHON" ] && "$PYTHON" -c "import $1" >/dev/null 2>&1; }
have_py pytest || missing+=(python3-pytest)
have_py coverage || missing+=(python3-coverage)
command -v go >/dev/null 2>&1 || missing+=(golang-go)

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "[provision-runners] missing: ${missing[*]}; run as root (or: sudo apt-get install -y ${missing[*]})" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "[provision-runners] missing: ${missing[*]}, and there is no apt-get here to install them" >&2
  exit 1
fi
echo "[provision-runners] installing ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"

have_py pytest && have_py coverage || { echo "[provision-runners] $PYTHON still lacks pytest or coverage" >&2; exit 1; }
command -v go >/dev/null 2>&1 || { echo "[provision-runners] go is still not on PATH" >&2; exit 1; }
echo "[provision-runners] $("$PYTHON" -m pytest --version 2>&1 | head -1), coverage $("$PYTHON" -m coverage --version | head -1 | awk '{print $3}' | tr -d ,), $(go version)"

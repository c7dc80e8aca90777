#!/usr/bin/env bash
# Installs what a fresh machine lacks: npm packages (npm install, since npm ci rejects this
# lockfile on other platforms), the real Ignis server helper the integration specs run against (in
# integration/ignis/, a folder of its own: about 50 MB the main install does without) and, when asked
# with --chromium, Debian's Chromium and redis-server for the tests.
set -euo pipefail
cd "$(dirname "$0")/.."

# The test machine's system packages: Chromium for the browser suites, redis-server for the Redis
# engine's tests (each test starts its own on a free port; nothing runs as a service).
if [[ "${1:-}" == "--chromium" ]]; then
  missing=()
  command -v "${CHROME_BIN:-/usr/bin/chromium}" >/dev/null 2>&1 || missing+=(chromium)
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  if (( ${#missing[@]} > 0 )); then
    echo "installing ${missing[*]} with apt-get..."
    sudo_cmd=""
    [[ "$(id -u)" != "0" ]] && sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
fi

# Reinstall only when package.json or the lockfile changed since the last install.
stamp=node_modules/.install-stamp
if [[ ! -f "$stamp" || package.json -nt "$stamp" || package-lock.json -nt "$stamp" ]]; then
  echo "installing npm packages..."
  npm install --no-audit --no-fund --loglevel=error
  touch "$stamp"
fi

# @venizia/ignis-helpers (with @hono/zod-openapi, which it needs at run time) for integration/ignis/server.ts.
ignis=integration/ignis
ignis_stamp=$ignis/node_modules/.install-stamp
if [[ ! -f "$ignis_stamp" || $ignis/package.json -nt "$ignis_stamp" || $ignis/package-lock.json -nt "$ignis_stamp" ]]; then
  echo "installing the Ignis server helper for the integration specs..."
  (cd "$ignis" && npm install --no-audit --no-fund --loglevel=error)
  touch "$ignis_stamp"
fi

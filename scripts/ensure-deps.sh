#!/usr/bin/env bash
# Installs what a fresh machine lacks: npm packages (npm install, since npm ci rejects this
# lockfile on other platforms) and, when asked with --chromium, Debian's Chromium for the tests.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ "${1:-}" == "--chromium" ]] && ! command -v "${CHROME_BIN:-/usr/bin/chromium}" >/dev/null 2>&1; then
  echo "installing Chromium with apt-get..."
  sudo_cmd=""
  [[ "$(id -u)" != "0" ]] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium >/dev/null
fi

# Reinstall only when package.json or the lockfile changed since the last install.
stamp=node_modules/.install-stamp
if [[ ! -f "$stamp" || package.json -nt "$stamp" || package-lock.json -nt "$stamp" ]]; then
  echo "installing npm packages..."
  npm install --no-audit --no-fund --loglevel=error
  touch "$stamp"
fi

#!/usr/bin/env bash
# Builds the demo and serves it from the mock server on one origin: http://127.0.0.1:${PORT:-8080}
# Sign in as admin/admin (or viewer/viewer). Chaos routes are on, so the demo's resilience can be poked.
# --seed writes sample keys and a snapshot on the first start (an empty data file), so pages are not empty.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
npx ng build demo
exec node_modules/.bin/bun mock-server/src/main.ts --port "${PORT:-8080}" --chaos --seed --static dist/demo/browser "$@"

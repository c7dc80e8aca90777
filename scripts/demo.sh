#!/usr/bin/env bash
# Builds the demo and serves it from the mock server on one origin: http://127.0.0.1:${PORT:-8080}
# Sign in as admin/admin (or viewer/viewer). Chaos routes are on, so the demo's resilience can be poked.
# --seed writes sample keys and a snapshot on the first start (an empty data file), so pages are not empty.
#
#   bash scripts/demo.sh               the console on the server's own protocol (WebSocket, seqs, replay)
#   bash scripts/demo.sh --apexstore   the same build against ApexStore 2.2's change stream: the server runs
#                                      with --compat apexstore-2.2, and the console finds that out at start-up
#                                      (its GET /health carries no X-Last-Seq) and reads /events with apexStoreCdc()
# Any other arguments go to the mock server (e.g. --ingest-auth 'X-Webhook-Secret: s3cret' for the gateway).
set -euo pipefail
cd "$(dirname "$0")/.."
args=()
for arg in "$@"; do
  if [ "$arg" = "--apexstore" ]; then args+=(--compat apexstore-2.2); else args+=("$arg"); fi
done
bash scripts/ensure-deps.sh
npx ng build demo
exec node_modules/.bin/bun mock-server/src/main.ts --port "${PORT:-8080}" --chaos --seed --static dist/demo/browser "${args[@]}"

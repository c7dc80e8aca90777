#!/usr/bin/env bash
# `npm run bench`: the whole benchmark suite (see bench/README.md). Arguments pick sections.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh --chromium
exec node_modules/.bin/bun bench/suite.ts "$@"

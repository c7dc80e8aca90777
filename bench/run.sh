#!/usr/bin/env bash
# Runs every benchmark; each prints its own figures and ratios. Nothing here asserts on time.
set -euo pipefail
cd "$(dirname "$0")/.."
for bench in bench/*.bench.ts; do
  node_modules/.bin/bun "$bench"
  echo
done

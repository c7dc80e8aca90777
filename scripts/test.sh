#!/usr/bin/env bash
# Runs every suite on a fresh machine (installing Chromium and npm packages if missing) and ends
# with one line 'N passed, N failed' summing them all. Exit code is non-zero on any failure.
#   suites: import cycles (node --test) · library build (ng-packagr, then the ng add schematic) · package contents (node --test) ·
#   ng add (node --test: the schematic, then ng new -> ng add -> ng build -> Chromium) · library unit + integration specs (Karma: against
#   the mock server, and through integration/harness.cjs against the real Ignis server helper on redis-server and AuroraBot/Fluxora-shaped servers) · demo specs
#   (Karma) · mock server (bun test), on sqlite and again on Redis · protocol conformance with the `ws` client (node --test) ·
#   the benchmark suite with tiny counts (bun bench/suite.ts) · end-to-end (Playwright, system Chromium)
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh --chromium || { echo "0 passed, 1 failed"; exit 1; }

export CHROME_BIN="${CHROME_BIN:-/usr/bin/chromium}"
out=.reports
rm -rf "$out" && mkdir -p "$out"
total_passed=0
total_failed=0
status=0

# record NAME PASSED FAILED EXIT_CODE: a suite that exits non-zero without reporting a failure
# (it crashed, or never ran) still counts as one failure.
record() {
  local name=$1 passed=${2:-0} failed=${3:-0} code=$4
  if [[ "$code" != 0 && "$failed" == 0 ]]; then failed=1; fi
  if [[ "$code" == 0 && "$passed" == 0 && "$failed" == 0 ]]; then failed=1; echo "!! $name ran no test"; fi
  [[ "$failed" != 0 ]] && status=1
  # Show a failing suite's own log tail; the full logs stay in $out.
  if [[ "$failed" != 0 && -n "${5:-}" && -f "${5:-}" ]]; then
    tail -n 40 "$5" | tr '\r' '\n' | sed 's/\x1b\[[0-9;]*[A-Za-z]//g' | grep -v '^$' | tail -n 30 | sed 's/^/   | /'
  fi
  total_passed=$((total_passed + passed))
  total_failed=$((total_failed + failed))
  printf '== %-28s %4s passed / %s failed (exit %s)\n' "$name" "$passed" "$failed" "$code"
}

json_field() { node -e "const s=require('./$1');console.log(s['$2']??0)" 2>/dev/null || echo 0; }

run_karma() {
  local name=$1 project=$2; shift 2
  local summary="$out/karma-$project.json"
  env RT_KARMA_SUMMARY="$summary" "$@" npx ng test "$project" --watch=false > "$out/$project.log" 2>&1
  local code=$?
  record "$name" "$(json_field "$summary" passed)" "$(json_field "$summary" failed)" "$code" "$out/$project.log"
}

# run_node_test NAME FILE LOG: one node --test file, counted from its '# pass' and '# fail' lines.
run_node_test() {
  local name=$1 file=$2 log="$out/$3.log"
  node --test "$file" > "$log" 2>&1
  local code=$?
  record "$name" "$(grep -Eo '^# pass [0-9]+' "$log" | grep -Eo '[0-9]+')" \
    "$(grep -Eo '^# fail [0-9]+' "$log" | grep -Eo '[0-9]+')" "$code" "$log"
}

echo "-- import cycles (node --test: the check itself, then projects/ and mock-server/)"
run_node_test "import cycles (node)" scripts/check-import-cycles.test.mjs import-cycles

echo "-- building the library (ng-packagr, both entry points; then the ng add schematic)"
bash scripts/build-lib.sh > "$out/build-lib.log" 2>&1
code=$?; [[ $code == 0 ]] && record "library build" 1 0 0 || record "library build" 0 1 "$code" "$out/build-lib.log"

echo "-- package contents (node --test: what npm pack of the build ships)"
run_node_test "package contents (node)" scripts/package-contents.test.mjs package-contents

echo "-- ng add (node --test: the schematic, then ng new -> ng add the tarball twice -> ng build -> Chromium)"
run_node_test "ng add (node)" scripts/ng-add.e2e.test.mjs ng-add

echo "-- library specs (Karma, with the mock server, Ignis and plain JSON sockets for integration specs)"
run_karma "library specs (karma)" ngx-realtime

echo "-- demo specs (Karma)"
run_karma "demo specs (karma)" demo RT_MOCK_SERVER=0

echo "-- mock server (bun test)"
node_modules/.bin/bun test > "$out/bun.log" 2>&1
code=$?
record "mock server (bun test)" "$(grep -Eo '^ *[0-9]+ pass' "$out/bun.log" | tail -1 | grep -Eo '[0-9]+')" \
  "$(grep -Eo '^ *[0-9]+ fail' "$out/bun.log" | tail -1 | grep -Eo '[0-9]+')" "$code" "$out/bun.log"

# The same suites again with the Redis engine under every server (a real redis-server each).
echo "-- mock server on Redis (bun test, MOCK_ENGINE=redis)"
MOCK_ENGINE=redis node_modules/.bin/bun test > "$out/bun-redis.log" 2>&1
code=$?
record "mock server on redis (bun)" "$(grep -Eo '^ *[0-9]+ pass' "$out/bun-redis.log" | tail -1 | grep -Eo '[0-9]+')" \
  "$(grep -Eo '^ *[0-9]+ fail' "$out/bun-redis.log" | tail -1 | grep -Eo '[0-9]+')" "$code" "$out/bun-redis.log"

echo "-- protocol conformance (ws client, node --test)"
run_node_test "conformance (node --test)" mock-server/conformance/ws-client-conformance.mjs conformance

echo "-- benchmarks, smoke run (tiny counts: the code runs, the figures mean nothing)"
BENCH_SMOKE=1 node_modules/.bin/bun bench/suite.ts > "$out/bench-smoke.log" 2>&1
code=$?
sections=$(grep -Eo '^[0-9]+ section\(s\)' "$out/bench-smoke.log" | grep -Eo '^[0-9]+' || echo 0)
crashed=$(grep -Eo '[0-9]+ crashed' "$out/bench-smoke.log" | grep -Eo '^[0-9]+' || echo 0)
record "benchmarks (smoke)" "$sections" "$crashed" "$code" "$out/bench-smoke.log"

echo "-- end-to-end (Playwright)"
if npx ng build demo > "$out/build-demo.log" 2>&1; then
  npx playwright test > "$out/e2e.log" 2>&1
  code=$?
  e2e_passed=$(node -e "const s=require('./test-results/e2e.json').stats;console.log(s.expected+s.flaky)" 2>/dev/null || echo 0)
  e2e_failed=$(node -e "const s=require('./test-results/e2e.json').stats;console.log(s.unexpected)" 2>/dev/null || echo 0)
  record "end-to-end (playwright)" "$e2e_passed" "$e2e_failed" "$code" "$out/e2e.log"
else
  record "end-to-end (demo build)" 0 1 1 "$out/build-demo.log"
fi

echo "$total_passed passed, $total_failed failed"
exit $status

#!/usr/bin/env bash
# Builds the whole ngx-realtime package into dist/ngx-realtime: ng-packagr for the library (both
# entry points), then tsc for the `ng add` schematic, which ng-packagr does not compile. Use this,
# not `ng build ngx-realtime` alone, for anything that is packed: without the second step the
# package's "schematics" field points at nothing and `ng add` fails.
#   bash scripts/build-lib.sh [ng build options]
set -euo pipefail
cd "$(dirname "$0")/.."

npx ng build ngx-realtime "$@"

src=projects/ngx-realtime/schematics
out=dist/ngx-realtime/schematics
rm -rf "$out"
node_modules/.bin/tsc -p "$src/tsconfig.json"
# What tsc does not emit: the collection, each schematic's schema, and the package.json that says
# "type": "commonjs" (the package's own says "module", and the CLI require()s the schematic).
(cd "$src" && find . -name '*.json' ! -name 'tsconfig*.json' -exec cp --parents {} "../../../$out/" \;)
# ng-packagr 21.2.x writes a .npmignore that leaves every nested package.json out of the tarball,
# that one too (ng-packagr issue 3343); keep it in.
if [[ -f dist/ngx-realtime/.npmignore ]] && ! grep -qx '!schematics/package.json' dist/ngx-realtime/.npmignore; then
  # (on a line of its own: ng-packagr ends the file without a newline)
  printf '\n!schematics/package.json\n' >> dist/ngx-realtime/.npmignore
fi
echo "schematics built into $out"

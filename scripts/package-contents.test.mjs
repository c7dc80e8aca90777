// What an `npm pack` of the built library ships: the code of both entry points, their types, the
// `ng add` schematic, and the LICENSE, README and CHANGELOG a user reads. ng-packagr reads assets only from inside the
// project, so the package keeps copies of the root LICENSE and CHANGELOG; they must not drift.
//   node --test scripts/package-contents.test.mjs     (after: bash scripts/build-lib.sh)
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const project = join(root, 'projects/ngx-realtime');
const dist = join(root, 'dist/ngx-realtime');
const read = (path) => readFileSync(path, 'utf8');

function requireBuild() {
  assert.ok(existsSync(join(dist, 'package.json')), `no built package in ${dist}: run 'bash scripts/build-lib.sh' first`);
}

test('the package copies of LICENSE and CHANGELOG.md are the root ones', () => {
  for (const file of ['LICENSE', 'CHANGELOG.md']) {
    assert.equal(read(join(project, file)), read(join(root, file)), `projects/ngx-realtime/${file} differs from ${file}: copy the root one over`);
  }
});

test('the changelog has a section for the version in package.json', () => {
  const { version } = JSON.parse(read(join(project, 'package.json')));
  assert.match(read(join(root, 'CHANGELOG.md')), new RegExp(`^## \\[${version.replaceAll('.', '\\.')}\\]`, 'm'));
});

test('npm pack of the built package ships code, types, the ng add schematic, LICENSE, README and CHANGELOG', () => {
  requireBuild();
  const [packed] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: dist, encoding: 'utf8' }));
  const files = packed.files.map((f) => f.path).sort();
  for (const expected of [
    'CHANGELOG.md',
    'LICENSE',
    'README.md',
    'package.json',
    'fesm2022/ngx-realtime.mjs',
    'fesm2022/ngx-realtime-testing.mjs',
    'types/ngx-realtime.d.ts',
    'types/ngx-realtime-testing.d.ts',
    'schematics/collection.json',
    'schematics/ng-add/index.js',
    'schematics/ng-add/schema.json',
    'schematics/package.json',
  ]) {
    assert.ok(files.includes(expected), `the tarball lacks ${expected}; it holds: ${files.join(', ')}`);
  }
  for (const file of ['LICENSE', 'CHANGELOG.md', 'README.md']) {
    assert.equal(read(join(dist, file)), read(join(project, file)), `dist/ngx-realtime/${file} is stale: rebuild the library`);
  }
  const manifest = JSON.parse(read(join(dist, 'package.json')));
  assert.equal(`${packed.name}@${packed.version}`, `ngx-realtime@${JSON.parse(read(join(project, 'package.json'))).version}`);
  assert.equal(manifest.license, 'MIT');
  assert.deepEqual(Object.keys(manifest.exports).sort(), ['.', './package.json', './testing']);
});

// The Angular CLI require()s the schematic: under the package's "type": "module" its CommonJS files
// load only with the nested package.json saying "commonjs", and ng-packagr's .npmignore would leave
// that file out of the tarball (scripts/build-lib.sh keeps it in; the list above checks).
test('the package names its ng add schematic, and the schematic loads as CommonJS', () => {
  requireBuild();
  const manifest = JSON.parse(read(join(dist, 'package.json')));
  assert.equal(manifest.schematics, './schematics/collection.json');
  assert.deepEqual(manifest['ng-add'], { save: 'dependencies' });
  assert.equal(JSON.parse(read(join(dist, 'schematics/package.json'))).type, 'commonjs');
  const { schematics } = JSON.parse(read(join(dist, 'schematics/collection.json')));
  const [factoryFile, exportName] = schematics['ng-add'].factory.split('#');
  const factory = createRequire(join(dist, 'schematics/collection.json'))(factoryFile)[exportName];
  assert.equal(typeof factory, 'function', `${schematics['ng-add'].factory} is not a function`);
});

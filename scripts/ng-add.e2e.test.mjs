// `ng add ngx-realtime`, as an Angular developer meets it.
//   1. The schematic on in-memory workspaces (a second each): where it writes, that a second run
//      changes nothing, what it refuses.
//   2. End to end, in a real app: `ng new` -> `ng add <packed tarball>` (twice: app.config.ts stays as
//      after the first) -> a component that logs in, connect()s and lists onKeyChanges() -> `ng build`
//      -> the built app, served by the mock server on the same origin, shows in Chromium a key that
//      another client writes over HTTP.
//   node --test scripts/ng-add.e2e.test.mjs        (after: bash scripts/build-lib.sh)
//   KEEP_NG_ADD_APP=1 keeps the temporary app and names its folder; each step prints its time.
//
// Dependencies without a download: the app's node_modules is a copy of the workspace's in which every
// file is a hard link (1-2 s, no bytes copied; a plain copy where hard links cannot be made). npm then
// works on a real folder of the app's own: `ng add` runs `npm install <tarball>`, which adds the
// package and removes what the app does not list (it unlinks those links; the workspace's files stay),
// and reaches no registry because everything else the app lists is already there at a matching
// version. npm never rewrites a file in place there: it writes new files and renames folders, and
// the workspace's hidden lockfile (the one file it would rewrite) is not copied. The devDependencies
// `ng new` adds for unit tests and formatting (vitest, jsdom, prettier), which the workspace lacks and
// this test never runs, are taken out of the app's package.json rather than downloaded. Why not a
// symlink to the workspace's node_modules: npm would install into, and prune, the workspace itself.
// Why not the workspace's `ng` for `ng new`: it finds the workspace's angular.json above its own
// install and refuses to create a workspace inside one; the copy's `ng` lives in the temp folder.
import { spawn } from 'node:child_process';
import { existsSync, linkSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist/ngx-realtime');
const collection = join(dist, 'schematics/collection.json');
const require = createRequire(join(root, 'package.json'));
const read = (path) => readFileSync(path, 'utf8');

function requireBuild() {
  assert.ok(existsSync(collection), `no schematics in ${dist}: build the package with 'bash scripts/build-lib.sh' first`);
}

describe('the ng-add schematic on in-memory workspaces', () => {
  const { SchematicTestRunner } = require('@angular-devkit/schematics/testing');

  /** A workspace as `ng new` makes it, with one application (standalone unless told). */
  async function workspace(runner, appOptions = {}) {
    const tree = await runner.runExternalSchematic('@schematics/angular', 'workspace', { name: 'ws', newProjectRoot: 'projects', version: '21.2.24' });
    return runner.runExternalSchematic('@schematics/angular', 'application', { name: 'app', skipTests: true, ...appOptions }, tree);
  }

  /** Every file's text now: a later run changes the tree it is given in place. */
  const snapshot = (tree) => new Map(tree.files.map((file) => [file, tree.readContent(file)]));

  function runnerWithLog() {
    const runner = new SchematicTestRunner('ngx-realtime', collection);
    const log = [];
    runner.logger.subscribe((entry) => log.push(entry.message));
    return { runner, log };
  }

  test('adds provideRealtime with the default URL and its import to app.config.ts, and a second run changes nothing', async () => {
    requireBuild();
    const { runner, log } = runnerWithLog();
    const once = await runner.runSchematic('ng-add', {}, await workspace(runner));
    const config = once.readContent('projects/app/src/app/app.config.ts');
    assert.match(config, /^import \{ provideRealtime \} from 'ngx-realtime';$/m);
    assert.equal(config.match(/provideRealtime\(/g)?.length, 1, config);
    assert.match(config, /provideRealtime\(\{ url: '\/ws\/events' \}\)/);
    assert.match(log.join('\n'), /added provideRealtime\(\{ url: '\/ws\/events' \}\) to projects\/app\/src\/app\/app\.config\.ts/);
    assert.match(log.join('\n'), /realtime\.connect\(/, 'the log shows connect() after login');
    assert.match(log.join('\n'), /withAuth\(/, 'the log shows withAuth()');

    const afterOnce = snapshot(once);
    const twice = await runner.runSchematic('ng-add', { url: '/other' }, once);
    assert.deepEqual(snapshot(twice), afterOnce, 'the second run changed files');
    assert.match(log.join('\n'), /app\.config\.ts already calls provideRealtime\(\); nothing changed/);
  });

  test('writes the URL it is given as a TypeScript string, quotes and all', async () => {
    requireBuild();
    const { runner } = runnerWithLog();
    const tree = await runner.runSchematic('ng-add', { url: "wss://example.com/it's/events" }, await workspace(runner));
    assert.match(tree.readContent('projects/app/src/app/app.config.ts'), /provideRealtime\(\{ url: 'wss:\/\/example\.com\/it\\'s\/events' \}\)/);
  });

  test('an NgModule app gets it in the root module, once', async () => {
    requireBuild();
    const { runner } = runnerWithLog();
    const once = await runner.runSchematic('ng-add', {}, await workspace(runner, { standalone: false }));
    const module = once.files.find((file) => /app[.-]module\.ts$/.test(file));
    assert.ok(module, `no root module in ${once.files.join(', ')}`);
    assert.match(once.readContent(module), /providers: \[[^\]]*provideRealtime\(\{ url: '\/ws\/events' \}\)/);
    const afterOnce = once.readContent(module);
    const twice = await runner.runSchematic('ng-add', {}, once);
    assert.equal(twice.readContent(module), afterOnce);
  });

  test('a provideRealtime call in main.ts counts; one in a comment does not', async () => {
    requireBuild();
    const { runner } = runnerWithLog();
    const inMain = await workspace(runner);
    const main = 'projects/app/src/main.ts';
    inMain.overwrite(main, [
      "import { bootstrapApplication } from '@angular/platform-browser';",
      "import { provideRealtime } from 'ngx-realtime';",
      "import { App } from './app/app';",
      "bootstrapApplication(App, { providers: [provideRealtime({ url: 'https://api.example.com/ws' })] });",
      '',
    ].join('\n'));
    const before = snapshot(inMain);
    const after = await runner.runSchematic('ng-add', {}, inMain);
    assert.deepEqual(snapshot(after), before, 'a file changed');

    const commented = await workspace(runner);
    const config = 'projects/app/src/app/app.config.ts';
    commented.overwrite(config, `// provideRealtime({ url: '/old' }) was here\n${commented.readContent(config)}`);
    const added = await runner.runSchematic('ng-add', {}, commented);
    assert.equal(added.readContent(config).match(/provideRealtime\(\{ url: '\/ws\/events' \}\)/g)?.length, 1, added.readContent(config));
  });

  test('refuses a library project and an unknown one, naming them', async () => {
    requireBuild();
    const { runner } = runnerWithLog();
    const tree = await runner.runExternalSchematic('@schematics/angular', 'library', { name: 'lib' }, await workspace(runner));
    await assert.rejects(runner.runSchematic('ng-add', { project: 'lib' }, tree), /"lib" is a library/);
    await assert.rejects(runner.runSchematic('ng-add', { project: 'nope' }, tree), /no project "nope"/);
  });
});

/**
 * A copy of `from` whose files are hard links (a byte copy across file systems), symlinks kept as
 * symlinks. `skip` names entries of the top folder to leave out.
 */
function linkTree(from, to, skip = new Set()) {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    if (skip.has(entry.name)) continue;
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    if (entry.isSymbolicLink()) symlinkSync(readlinkSync(source), target);
    else if (entry.isDirectory()) linkTree(source, target);
    else {
      try {
        linkSync(source, target);
      } catch (error) {
        if (error.code !== 'EXDEV' && error.code !== 'EPERM') throw error;
        copyFileSync(source, target);
      }
    }
  }
}

/** The commands still running, so that a test that times out can end them with it. */
const running = new Set();

/** Runs a command, in its own process group, to its end; resolves with its output, rejects with the output's tail. */
function run(command, args, options) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    running.add(child);
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const timer = setTimeout(() => killGroup(child), options.timeoutMs ?? 180_000);
    child.once('error', (error) => {
      clearTimeout(timer);
      running.delete(child);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      running.delete(child);
      if (code === 0) resolve(output);
      else reject(new Error(`${[command, ...args].join(' ')} ended with ${code ?? signal}:\n${output.slice(-4000)}`));
    });
  });
}

/** `ng add` runs npm, which runs more: end the whole group, not just the first process. */
function killGroup(child) {
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/**
 * The environment of the app's commands: no analytics prompt, npm from its cache where it can. An
 * outer `npm test` exports the workspace's prefix and package to its children; those would point the
 * app's npm at the workspace, so they go. Registry, proxy and offline settings stay.
 */
function appEnv() {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^npm_(package_|lifecycle_|config_(local_|global_)?prefix$)/i.test(name)),
  );
  return {
    ...env,
    NG_CLI_ANALYTICS: 'false',
    npm_config_prefer_offline: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    npm_config_loglevel: 'error',
  };
}

const APP_COMPONENT = `import { Component, inject, signal } from '@angular/core';
import { WebSocketService } from 'ngx-realtime';

/** Logs in to the server, connects with the token, and lists every key change it hears. */
@Component({
  selector: 'app-root',
  template: \`
    <p id="status">{{ realtime.connectionState().status }}</p>
    <ul id="keys">
      @for (change of changes(); track $index) {
        <li>{{ change.key }}={{ change.value }}</li>
      }
    </ul>
  \`,
})
export class App {
  protected readonly realtime = inject(WebSocketService);
  protected readonly changes = signal<{ key: string; value?: string }[]>([]);

  constructor() {
    this.realtime.onKeyChanges().subscribe((change) => this.changes.update((list) => [...list, change]));
    void this.login();
  }

  private async login(): Promise<void> {
    const response = await fetch('/auth/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'admin' }),
    });
    const { token } = await response.json();
    this.realtime.connect(token);
  }
}
`;

test('end to end: ng new, ng add the tarball twice, a component on onKeyChanges(), ng build, Chromium shows a key another client writes', { timeout: 300_000 }, async (t) => {
  requireBuild();
  const started = Date.now();
  let last = started;
  const timings = [];
  const lap = (step) => {
    const now = Date.now();
    timings.push(`${step} ${((now - last) / 1000).toFixed(1)} s`);
    t.diagnostic(`${step}: ${((now - last) / 1000).toFixed(1)} s`);
    last = now;
  };

  const tmp = mkdtempSync(join(tmpdir(), 'ngx-realtime-ng-add-'));
  const app = join(tmp, 'app');
  const env = appEnv();
  const ng = (cwd, args, timeoutMs) => run(process.execPath, [join(cwd, 'node_modules/@angular/cli/bin/ng.js'), ...args], { cwd, env, timeoutMs });
  let server;
  let browser;
  t.after(async () => {
    for (const child of running) killGroup(child);
    await browser?.close().catch(() => undefined);
    server?.stop();
    if (process.env.KEEP_NG_ADD_APP) t.diagnostic(`kept ${tmp}`);
    else rmSync(tmp, { recursive: true, force: true });
  });

  // node_modules beside the app-to-be, so that `ng new` runs from it; then into the app.
  linkTree(join(root, 'node_modules'), join(tmp, 'node_modules'), new Set(['.package-lock.json', '.install-stamp', '.cache', 'ngx-realtime']));
  lap('node_modules linked');
  await ng(tmp, ['new', 'app', '--skip-git', '--skip-install', '--defaults', '--interactive=false', '--standalone', '--routing=false',
    '--style=css', '--ssr=false', '--ai-config=none', '--package-manager=npm']);
  renameSync(join(tmp, 'node_modules'), join(app, 'node_modules'));
  const manifest = JSON.parse(read(join(app, 'package.json')));
  const dropped = Object.keys(manifest.devDependencies ?? {}).filter((name) => !existsSync(join(app, 'node_modules', name, 'package.json')));
  for (const name of dropped) delete manifest.devDependencies[name];
  writeFileSync(join(app, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  t.diagnostic(`devDependencies not in the workspace, left out: ${dropped.join(', ') || 'none'}`);
  lap('ng new');

  const [packed] = JSON.parse(await run('npm', ['pack', dist, '--pack-destination', tmp, '--json', '--ignore-scripts'], { cwd: tmp, env }));
  const tarball = join(tmp, packed.filename);
  lap('npm pack');

  const config = join(app, 'src/app/app.config.ts');
  const packageJson = join(app, 'package.json');
  const addOutput = await ng(app, ['add', tarball, '--skip-confirmation', '--url=/ws/events']);
  lap('ng add (1st)');
  const afterOnce = read(config);
  assert.match(afterOnce, /^import \{ provideRealtime \} from 'ngx-realtime';$/m, afterOnce);
  assert.equal(afterOnce.match(/provideRealtime\(\{ url: '\/ws\/events' \}\)/g)?.length, 1, afterOnce);
  assert.match(addOutput, /added provideRealtime/, addOutput);
  assert.match(addOutput, /realtime\.connect\(/, 'ng add prints connect() after login');
  assert.match(addOutput, /withAuth\(/, 'ng add prints withAuth()');
  const manifestAfterOnce = read(packageJson);
  const dependency = JSON.parse(manifestAfterOnce).dependencies?.['ngx-realtime'];
  assert.ok(dependency, 'ng add saved ngx-realtime in dependencies');
  assert.ok(existsSync(join(app, 'node_modules/ngx-realtime/schematics/collection.json')), 'the tarball is installed');

  const secondOutput = await ng(app, ['add', tarball, '--skip-confirmation', '--url=/ws/events']);
  lap('ng add (2nd)');
  assert.equal(read(config), afterOnce, `the second ng add changed app.config.ts; its output:\n${secondOutput}`);
  assert.equal(read(packageJson), manifestAfterOnce, 'the second ng add changed package.json');
  assert.match(secondOutput, /already calls provideRealtime\(\); nothing changed/, secondOutput);

  writeFileSync(join(app, 'src/app/app.ts'), APP_COMPONENT);
  rmSync(join(app, 'src/app/app.html'), { force: true });
  await ng(app, ['build', '--progress=false'], 240_000);
  const browserDir = join(app, 'dist/app/browser');
  assert.ok(existsSync(join(browserDir, 'index.html')), `ng build left no ${browserDir}/index.html`);
  lap('ng build');

  const { startMockServerCli } = require('./mock-server/start-cli.cjs');
  server = await startMockServerCli(['--static', browserDir]);
  const { chromium } = require('playwright-core');
  browser = await chromium.launch({ executablePath: process.env.CHROME_BIN || '/usr/bin/chromium', args: require('./chromium-flags.cjs') });
  const page = await browser.newPage();
  const pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => message.type() === 'error' && pageErrors.push(message.text()));
  await page.goto(server.url);
  await page.locator('#status', { hasText: 'connected' }).waitFor({ timeout: 20_000 }).catch((error) => {
    throw new Error(`the app never connected (${error.message}); page errors: ${pageErrors.join(' | ') || 'none'}`);
  });
  lap('served, page connected');

  // Another client: its own login, then a plain HTTP write.
  const login = await fetch(`${server.url}/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: 'admin' }),
  });
  const { token } = await login.json();
  const key = `ng-add-e2e-${Date.now()}`;
  const put = await fetch(`${server.url}/keys/${key}`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify({ value: 'written by another client' }),
  });
  assert.equal(put.status, 200, await put.text());
  await page.locator('#keys li', { hasText: `${key}=written by another client` }).waitFor({ timeout: 15_000 }).catch(async (error) => {
    throw new Error(`the page never showed ${key} (${error.message}); it shows: ${await page.locator('body').innerText()}; page errors: ${pageErrors.join(' | ') || 'none'}`);
  });
  lap('key shown in Chromium');
  t.diagnostic(`total ${((Date.now() - started) / 1000).toFixed(1)} s (${timings.join(', ')})`);
});

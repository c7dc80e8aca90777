import { afterAll, afterEach, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLOSE_CODES } from '../../projects/ngx-realtime/src/lib/protocol/protocol';
import { DEFAULT_DATA_PATH, parseArgs } from '../src/args';
import { BUN, MAIN, killAllCli, spawnCli } from './cli-process';
import { api, login, putKey, startServer, stopAllServers, stopServer, TestClient } from './helpers';

afterEach(stopAllServers);
afterEach(killAllCli);

const tempDir = mkdtempSync(join(tmpdir(), 'mock-server-test-'));
afterAll(() => rmSync(tempDir, { recursive: true, force: true }));

describe('persistence', () => {
  test('a restart on the same file keeps keys, tokens and the sequence', async () => {
    const dataPath = join(tempDir, 'restart', 'db.sqlite');
    const first = await startServer({ dataPath });
    const token = await login(first);
    await putKey(first, token, 'kept', 'yes');
    await putKey(first, token, 'kept2', 'yes');
    await stopServer(first);

    const second = await startServer({ dataPath });
    expect(await api(second, 'GET', '/keys/kept', { token })).toMatchObject({ status: 200, body: { value: 'yes' } });
    const { client, welcome } = await TestClient.authed(second, token, 'lastSeq=1');
    expect(welcome.lastSeq).toBe(2);
    expect(await client.next('key_change')).toMatchObject({ seq: 2, key: 'kept2' });
    expect(await client.next('resumed')).toMatchObject({ fromSeq: 2, toSeq: 2, count: 1 });
    await putKey(second, token, 'after-restart', 'v');
    expect(await client.next('key_change')).toMatchObject({ seq: 3 });
  });

  test('the sequence continues even when retention pruned every old event', async () => {
    const dataPath = join(tempDir, 'pruned.sqlite');
    const first = await startServer({ dataPath, retainEvents: 1 });
    const token = await login(first);
    for (let i = 0; i < 3; i++) await putKey(first, token, `k${i}`, 'v');
    await stopServer(first);
    const second = await startServer({ dataPath, retainEvents: 1 });
    expect(second.context.log.lastSeq).toBe(3);
    expect(second.context.log.oldestSeq()).toBe(3);
    await putKey(second, token, 'next', 'v');
    expect(second.context.log.lastSeq).toBe(4);
  });
});

describe('shutdown', () => {
  test('stop() closes every socket with 1001 and refuses new connections', async () => {
    const server = await startServer();
    const { client } = await TestClient.authed(server, await login(server));
    const pending = TestClient.connect(server);
    await pending.opened;
    await stopServer(server);
    expect(await client.closeCode()).toBe(CLOSE_CODES.goingAway);
    expect(await pending.closeCode()).toBe(CLOSE_CODES.goingAway);
    await expect(fetch(`${server.url}/health`)).rejects.toThrow();
  });

  test('the CLI closes sockets with 1001 and exits 0 on SIGTERM and SIGINT', async () => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const { proc, url } = await spawnCli(['--port', '0', '--data', ':memory:']);
      try {
        const login = await fetch(`${url}/auth/login`, { method: 'POST', body: JSON.stringify({ username: 'admin', password: 'admin' }) });
        const { token } = (await login.json()) as { token: string };
        const client = new TestClient(new WebSocket(`${url.replace('http', 'ws')}/ws/events?token=${token}`));
        await client.next('welcome');
        proc.kill(signal);
        expect(await client.closeCode()).toBe(CLOSE_CODES.goingAway);
        expect(await proc.exited).toBe(0);
      } finally {
        proc.kill('SIGKILL');
      }
    }
  });

  test('the CLI rejects unknown flags with exit code 2', async () => {
    const proc = Bun.spawn([BUN, MAIN, '--bogus'], { stdout: 'pipe', stderr: 'pipe' });
    expect(await proc.exited).toBe(2);
    expect(await new Response(proc.stderr).text()).toContain('unknown flag --bogus');
  });

  test('--help prints every flag and exits 0', async () => {
    const proc = Bun.spawn([BUN, MAIN, '--help'], { stdout: 'pipe', stderr: 'pipe' });
    expect(await proc.exited).toBe(0);
    const text = await new Response(proc.stdout).text();
    const flags = [
      '--port', '--chaos', '--data', '--token-ttl', '--auth-timeout', '--heartbeat-interval', '--heartbeat-timeout', '--retain',
      '--stats-interval', '--rate-limit', '--rate-window', '--max-frame', '--max-batch-bytes', '--compaction-duration',
      '--job-duration', '--precise-time', '--static', '--redis', '--seed',
    ];
    for (const flag of flags) expect(text).toContain(`[${flag}`);
  });
});

describe('CLI flags', () => {
  test('parseArgs maps flags to options, --token-ttl in seconds', () => {
    expect(parseArgs([])).toEqual({ port: 8080, dataPath: DEFAULT_DATA_PATH });
    expect(
      parseArgs([
        '--port', '0', '--chaos', '--data', ':memory:', '--token-ttl', '60', '--auth-timeout', '100',
        '--heartbeat-interval', '200', '--heartbeat-timeout', '300', '--retain', '5', '--stats-interval', '400',
        '--static', 'dist/demo', '--rate-limit', '7', '--rate-window', '500', '--max-frame', '1024',
      ]),
    ).toEqual({
      port: 0, chaos: true, dataPath: ':memory:', tokenTtlMs: 60_000, authTimeoutMs: 100, heartbeatIntervalMs: 200,
      heartbeatTimeoutMs: 300, retainEvents: 5, statsIntervalMs: 400, staticDir: 'dist/demo', rateLimitFrames: 7,
      rateLimitWindowMs: 500, maxFrameBytes: 1024,
    });
    expect(() => parseArgs(['--port'])).toThrow('needs a value');
    expect(() => parseArgs(['--port', 'x'])).toThrow('non-negative integer');
  });

  test('--static serves files with SPA fallback, never shadowing API routes', async () => {
    const dir = join(tempDir, 'static');
    mkdirSync(join(dir, 'assets'), { recursive: true });
    writeFileSync(join(dir, 'index.html'), '<app-root></app-root>');
    writeFileSync(join(dir, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(join(tempDir, 'secret.txt'), 'secret');
    const server = await startServer({ staticDir: dir });
    expect(await api(server, 'GET', '/')).toMatchObject({ status: 200, body: '<app-root></app-root>' });
    expect(await api(server, 'GET', '/assets/app.js')).toMatchObject({ status: 200, body: 'console.log(1)' });
    expect(await api(server, 'GET', '/dashboard/keys')).toMatchObject({ status: 200, body: '<app-root></app-root>' });
    expect(await api(server, 'GET', '/%2e%2e/secret.txt')).toMatchObject({ body: '<app-root></app-root>' });
    expect(await api(server, 'GET', '/keys')).toMatchObject({ status: 401 });
    expect(await api(server, 'GET', '/keystone')).toMatchObject({ status: 200, body: '<app-root></app-root>' });
    expect(await api(server, 'GET', '/health/nope')).toMatchObject({ status: 404, body: { error: 'Not found' } });
    expect(await api(server, 'POST', '/dashboard')).toMatchObject({ status: 404 });
    // A browser reload of /keys or /health (app routes that share a path with the API) gets the app.
    for (const path of ['/keys', '/health']) {
      const page = await fetch(`${server.url}${path}`, { headers: { accept: 'text/html,application/xhtml+xml' } });
      expect(page.status).toBe(200);
      expect(await page.text()).toBe('<app-root></app-root>');
    }
  });
});

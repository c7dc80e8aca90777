import { afterAll, afterEach, describe, expect, test } from 'bun:test';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_DATA_PATH, parseArgs } from '../src/args';
import { startRedis, stopAllRedis } from '../redis-process';
import { killAllCli, spawnCli, startCli } from './cli-process';

afterEach(killAllCli);
afterAll(stopAllRedis);

const tempDir = mkdtempSync(join(tmpdir(), 'mock-server-data-file-'));
afterAll(() => rmSync(tempDir, { recursive: true, force: true }));

/** Stops a CLI the way an operator does, and resolves with its exit code. */
async function terminate(proc: ReturnType<typeof startCli>): Promise<number> {
  proc.kill('SIGTERM');
  return proc.exited;
}

/** What a refused CLI printed on stderr, and its exit code. */
async function refusal(proc: ReturnType<typeof startCli>): Promise<{ code: number; stderr: string }> {
  const [code, stderr] = await Promise.all([proc.exited, new Response(proc.stderr).text()]);
  return { code, stderr };
}

describe('instances started from one folder', () => {
  test('with --redis and no --data the replica is kept in memory; a given --data is kept', () => {
    expect(parseArgs(['--redis', 'redis://127.0.0.1:6379']).dataPath).toBe(':memory:');
    expect(parseArgs(['--redis', 'redis://127.0.0.1:6379', '--data', 'mine.sqlite']).dataPath).toBe('mine.sqlite');
    expect(parseArgs(['--data', 'mine.sqlite', '--redis', 'redis://127.0.0.1:6379']).dataPath).toBe('mine.sqlite');
    expect(parseArgs([]).dataPath).toBe(DEFAULT_DATA_PATH);
  });

  test('two instances on one Redis, started at once from one folder without --data, ten times: all twenty listen', async () => {
    const redis = await startRedis();
    const folder = mkdtempSync(join(tempDir, 'folder-'));
    for (let round = 0; round < 10; round++) {
      const pair = await Promise.all([0, 1].map(() => spawnCli(['--port', '0', '--redis', redis.url], folder)));
      const health = await Promise.all(pair.map(({ url }) => fetch(`${url}/health/liveness`)));
      expect(health.map((res) => res.status)).toEqual([200, 200]);
      expect(await Promise.all(pair.map(({ proc }) => terminate(proc)))).toEqual([0, 0]);
    }
    // Neither kept a file where the other could find it.
    expect(existsSync(join(folder, '.mock-data'))).toBe(false);
  }, 60_000);

  test('a second instance given the first one\'s --data file exits 2 with one line naming the file and the fix; the file is free again once the first stopped', async () => {
    const redis = await startRedis();
    const dataPath = join(tempDir, 'held', 'replica.sqlite');
    const first = await spawnCli(['--port', '0', '--redis', redis.url, '--data', dataPath]);
    const { code, stderr } = await refusal(startCli(['--port', '0', '--redis', redis.url, '--data', dataPath]));
    expect(code).toBe(2);
    expect(stderr.trimEnd().split('\n')).toEqual([
      `mock-server: the data file ${dataPath} is in use by another running instance; with --redis, leave out --data (each instance then keeps its replica in memory) or give each instance a file of its own`,
    ]);
    expect((await fetch(`${first.url}/health/liveness`)).status).toBe(200);
    expect(await terminate(first.proc)).toBe(0);
    const third = await spawnCli(['--port', '0', '--redis', redis.url, '--data', dataPath]);
    expect(await terminate(third.proc)).toBe(0);
  });

  test('without Redis too, a data file another instance holds is refused with exit 2 and the fix, and the holder is undisturbed', async () => {
    const folder = mkdtempSync(join(tempDir, 'sqlite-'));
    const first = await spawnCli(['--port', '0'], folder);
    const login = await fetch(`${first.url}/auth/login`, { method: 'POST', body: JSON.stringify({ username: 'admin', password: 'admin' }) });
    const { token } = (await login.json()) as { token: string };
    const { code, stderr } = await refusal(startCli(['--port', '0'], folder));
    expect(code).toBe(2);
    expect(stderr.trimEnd().split('\n')).toEqual([
      `mock-server: the data file ${DEFAULT_DATA_PATH} is in use by another running instance; give this instance a file of its own (--data PATH, or --data :memory:), or stop the other one`,
    ]);
    const put = await fetch(`${first.url}/keys/still`, { method: 'PUT', headers: { Authorization: `Bearer ${token}` }, body: JSON.stringify({ value: 'writing' }) });
    expect(put.status).toBe(200);
    expect(await terminate(first.proc)).toBe(0);
  });
});

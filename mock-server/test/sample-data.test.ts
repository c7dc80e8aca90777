import { afterAll, afterEach, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from '../src/args';
import { api, login, putKey, startServer, stopAllServers, stopServer, TestClient } from './helpers';

afterEach(stopAllServers);

const tempDir = mkdtempSync(join(tmpdir(), 'mock-server-seed-'));
afterAll(() => rmSync(tempDir, { recursive: true, force: true }));

const SAMPLE_KEYS = 59;

describe('--seed', () => {
  test('an empty store starts with sample keys in default and metrics and one completed snapshot, all as events', async () => {
    const server = await startServer({ seed: true });
    const token = await login(server);
    const all = await api(server, 'GET', '/keys?limit=1000', { token });
    expect(all.body.total).toBe(SAMPLE_KEYS - 6);
    for (const prefix of ['user:', 'order:', 'config:', 'session:']) {
      expect((await api(server, 'GET', `/keys?prefix=${prefix}&limit=0`, { token })).body.total).toBeGreaterThanOrEqual(8);
    }
    expect((await api(server, 'GET', '/keys?cf=metrics', { token })).body.total).toBe(6);
    expect((await api(server, 'GET', '/admin/column-families', { token })).body.columnFamilies).toEqual(['default', 'metrics']);
    expect((await api(server, 'GET', '/stats', { token })).body.total_records).toBe(SAMPLE_KEYS);
    const snapshots = (await api(server, 'GET', '/admin/snapshots', { token })).body.snapshots;
    expect(snapshots).toEqual([{ snapshotId: expect.stringMatching(/^snap-/), createdAt: expect.any(Number), records: SAMPLE_KEYS }]);

    // Every sample write is in the event log: a client resuming from 0 replays them.
    const { client } = await TestClient.authed(server, token, 'lastSeq=0');
    expect(await client.next('resumed')).toMatchObject({ fromSeq: 1, toSeq: SAMPLE_KEYS + 2, count: SAMPLE_KEYS + 2 });
    const replayed = [...(await client.take('key_change', SAMPLE_KEYS)), ...(await client.take('snapshot_event', 2))];
    expect(replayed.filter((e) => e.type === 'key_change' && e.cf === 'metrics')).toHaveLength(6);
    expect(replayed.slice(-2).map((e) => [e.status, e.snapshotId])).toEqual([
      ['started', snapshots[0].snapshotId],
      ['completed', snapshots[0].snapshotId],
    ]);
  });

  test('a restart on the same data writes nothing again; a store that holds any key is not seeded', async () => {
    const dataPath = join(tempDir, 'seeded.sqlite');
    const first = await startServer({ dataPath, seed: true });
    const lastSeq = first.context.log.lastSeq;
    expect(lastSeq).toBe(SAMPLE_KEYS + 2);
    await stopServer(first);
    const second = await startServer({ dataPath, seed: true });
    expect(second.context.log.lastSeq).toBe(lastSeq);
    const token = await login(second);
    expect((await api(second, 'GET', '/admin/snapshots', { token })).body.snapshots).toHaveLength(1);
    expect((await api(second, 'GET', '/stats', { token })).body.total_records).toBe(SAMPLE_KEYS);

    const other = join(tempDir, 'one-key.sqlite');
    const plain = await startServer({ dataPath: other });
    await putKey(plain, await login(plain), 'mine', 'v');
    await stopServer(plain);
    const reseeded = await startServer({ dataPath: other, seed: true });
    expect(reseeded.context.log.lastSeq).toBe(1);
  });

  test('without --seed the store starts empty; the flag sets the option', async () => {
    const server = await startServer();
    expect(server.context.log.lastSeq).toBe(0);
    expect(parseArgs(['--seed'])).toMatchObject({ seed: true });
    expect(parseArgs([]).seed).toBeUndefined();
  });
});

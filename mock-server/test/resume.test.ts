import { afterEach, describe, expect, test } from 'bun:test';
import { api, login, putKey, startServer, stopAllServers, stopServer, TestClient } from './helpers';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

afterEach(stopAllServers);

async function seed(server: Awaited<ReturnType<typeof startServer>>, token: string, count: number): Promise<void> {
  for (let i = 1; i <= count; i++) await putKey(server, token, `k${i}`, String(i));
}

describe('resume and resync', () => {
  test('?lastSeq replays every retained event after it, then resumed', async () => {
    const server = await startServer();
    const token = await login(server);
    await seed(server, token, 5);
    const { client, welcome } = await TestClient.authed(server, token, 'lastSeq=2');
    expect(welcome.lastSeq).toBe(5);
    const replayed = await client.take('key_change', 3);
    expect(replayed.map((e) => e.seq)).toEqual([3, 4, 5]);
    expect(await client.next('resumed')).toEqual({ type: 'resumed', fromSeq: 3, toSeq: 5, count: 3 });
    // welcome comes first, then the replay, then resumed
    expect(client.frames.map((f) => f.type)).toEqual(['welcome', 'key_change', 'key_change', 'key_change', 'resumed']);
  });

  test('a resume frame replays too; nothing missing gives count 0', async () => {
    const server = await startServer();
    const token = await login(server);
    await seed(server, token, 3);
    const { client } = await TestClient.authed(server, token);
    client.send({ type: 'resume', lastSeq: 1 });
    expect((await client.take('key_change', 2)).map((e) => e.seq)).toEqual([2, 3]);
    expect(await client.next('resumed')).toEqual({ type: 'resumed', fromSeq: 2, toSeq: 3, count: 2 });
    client.send({ type: 'resume', lastSeq: 3 });
    expect(await client.next('resumed')).toEqual({ type: 'resumed', fromSeq: 4, toSeq: 3, count: 0 });
  });

  test('the replay applies topics and filter; count is what was sent', async () => {
    const server = await startServer();
    const token = await login(server);
    await putKey(server, token, 'user:1', 'a');
    await putKey(server, token, 'order:1', 'b');
    await api(server, 'POST', '/admin/sync', { token });
    await putKey(server, token, 'user:2', 'c');
    const { client } = await TestClient.authed(server, token, 'lastSeq=0&topics=key_change&keyPrefix=user:');
    const resumed = await client.next('resumed');
    expect(resumed).toEqual({ type: 'resumed', fromSeq: 1, toSeq: 4, count: 2 });
    expect(client.frames.filter((f) => f.seq !== undefined).map((f) => f.key)).toEqual(['user:1', 'user:2']);
  });

  test('resync when lastSeq is older than the retained history', async () => {
    const server = await startServer({ retainEvents: 3 });
    const token = await login(server);
    await seed(server, token, 6); // retained: 4, 5, 6
    const { client } = await TestClient.authed(server, token, 'lastSeq=2');
    expect(await client.next('resync')).toEqual({ type: 'resync', reason: 'history_expired', lastSeq: 6 });
    expect(client.frames.some((f) => f.type === 'key_change' || f.type === 'resumed')).toBe(false);
    // lastSeq 3 is exactly the edge: 4..6 are all still there
    client.send({ type: 'resume', lastSeq: 3 });
    expect((await client.take('key_change', 3)).map((e) => e.seq)).toEqual([4, 5, 6]);
    expect(await client.next('resumed')).toMatchObject({ count: 3 });
    client.send({ type: 'resume', lastSeq: 0 });
    expect(await client.next('resync')).toMatchObject({ lastSeq: 6 });
  });

  test('resync when lastSeq is ahead of the server (the server was reset)', async () => {
    const server = await startServer();
    const token = await login(server);
    await seed(server, token, 2);
    const { client } = await TestClient.authed(server, token, 'lastSeq=99');
    expect(await client.next('resync')).toEqual({ type: 'resync', reason: 'history_expired', lastSeq: 2 });
  });

  test('live events never interleave out of order with a replay', async () => {
    const server = await startServer({ chaos: true });
    const token = await login(server);
    await api(server, 'POST', '/__chaos/burst', { body: { count: 3000 } });
    // Connect with a resume while another burst is being produced.
    const burst = api(server, 'POST', '/__chaos/burst', { body: { count: 5000 } });
    const client = TestClient.connect(server, `token=${token}&lastSeq=0`);
    const done = await burst;
    expect(done.body.lastSeq).toBe(8000);
    await client.next((f) => f.seq === 8000, 10_000);
    const seqs = client.frames.filter((f) => f.seq !== undefined).map((f) => f.seq);
    expect(seqs).toEqual(Array.from({ length: 8000 }, (_, i) => i + 1));
    const resumedAt = client.frames.findIndex((f) => f.type === 'resumed');
    const resumed = client.frames[resumedAt];
    // everything before `resumed` is the replay, everything after is live and continues it
    expect(client.frames.slice(1, resumedAt).length).toBe(resumed.count);
    expect(resumed.toSeq).toBe(resumed.count);
  });
});

describe('epochs', () => {
  test('welcome and poll answers carry the epoch; a resume with another epoch resyncs with epoch_changed', async () => {
    const server = await startServer();
    const token = await login(server);
    await seed(server, token, 3);
    const { welcome } = await TestClient.authed(server, token);
    expect(welcome.epoch).toMatch(/^[0-9a-f]{16}$/);

    const same = await TestClient.authed(server, token, `lastSeq=1&epoch=${welcome.epoch}`);
    expect((await same.client.take('key_change', 2)).map((e) => e.seq)).toEqual([2, 3]);

    // Seq 1 of another history means nothing here, even though this server has a seq 1.
    const other = await TestClient.authed(server, token, 'lastSeq=1&epoch=elsewhere');
    expect(await other.client.next('resync')).toEqual({ type: 'resync', reason: 'epoch_changed', lastSeq: 3 });
    other.client.send({ type: 'resume', lastSeq: 1, epoch: 'elsewhere' });
    expect((await other.client.next('resync')).reason).toBe('epoch_changed');
    other.client.send({ type: 'resume', lastSeq: 1, epoch: 7 });
    expect(await other.client.next('error')).toMatchObject({ code: 'invalid_frame' });

    const poll = await api(server, 'GET', '/events/poll?since=1&epoch=elsewhere', { token });
    expect(poll.body).toMatchObject({ events: [], lastSeq: 3, epoch: welcome.epoch, resync: { reason: 'epoch_changed', lastSeq: 3 } });
    const good = await api(server, 'GET', `/events/poll?since=1&epoch=${welcome.epoch}`, { token });
    expect(good.body.events.map((e: { seq: number }) => e.seq)).toEqual([2, 3]);
    expect((await api(server, 'GET', `/events/poll?since=1&epoch=${'x'.repeat(65)}`, { token })).status).toBe(400);
  });

  test('a restart on the same file keeps the epoch; a new file is a new epoch', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'epoch-'));
    try {
      const dataPath = join(dir, 'db.sqlite');
      const first = await startServer({ dataPath });
      const { welcome: before } = await TestClient.authed(first, await login(first));
      await stopServer(first);
      const again = await startServer({ dataPath });
      expect((await TestClient.authed(again, await login(again))).welcome.epoch).toBe(before.epoch);
      const fresh = await startServer({ dataPath: join(dir, 'other.sqlite') });
      expect((await TestClient.authed(fresh, await login(fresh))).welcome.epoch).not.toBe(before.epoch);
    } finally {
      await stopAllServers();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

import { afterAll, afterEach, describe, expect, test } from 'bun:test';
import { RedisClient } from 'bun';
import { join } from 'node:path';
import { api, login, putKey, startServer, stopAllServers, TestClient } from './helpers';
import { startRedis, stopAllRedis } from '../redis-process';

afterEach(stopAllServers);
afterAll(stopAllRedis);

/** Two mock servers on one real redis-server, as behind a load balancer. */
async function pair() {
  const redis = await startRedis();
  const a = await startServer({ redisUrl: redis.url });
  const b = await startServer({ redisUrl: redis.url });
  return { redis, a, b };
}

describe('several instances on one Redis', () => {
  test('a client on B gets what was written through A and B, in one seq order; a token from A works on B', async () => {
    const { a, b } = await pair();
    const token = await login(a);
    const { client, welcome } = await TestClient.authed(b, token);
    const onA = await TestClient.authed(a, token);
    expect(onA.welcome.epoch).toBe(welcome.epoch);
    for (let i = 0; i < 10; i++) expect((await putKey(i % 2 ? a : b, token, `k${i}`, String(i))).status).toBe(200);
    const seen = await client.take('key_change', 10);
    expect(seen.map((e) => e.key)).toEqual(Array.from({ length: 10 }, (_, i) => `k${i}`));
    expect(seen.map((e) => e.seq)).toEqual(Array.from({ length: 10 }, (_, i) => welcome.lastSeq + i + 1));
    // Reads on either instance reflect the write as soon as it answered.
    const listed = await api(a, 'GET', '/keys', { token });
    expect(listed.body.count).toBe(10);
    expect(listed.headers.get('X-Last-Seq')).toBe(String(welcome.lastSeq + 10));
  });

  test('a client whose instance died resumes on the other with no loss and no duplicate', async () => {
    const { a, b } = await pair();
    const token = await login(a);
    const { client, welcome } = await TestClient.authed(a, token);
    await putKey(a, token, 'before', '1');
    const first = await client.next('key_change');
    await a.stop();
    for (const key of ['x', 'y', 'z']) await putKey(b, token, key, key);
    const resumed = await TestClient.authed(b, token, `lastSeq=${first.seq}&epoch=${welcome.epoch}`);
    const replay = await resumed.client.take('key_change', 3);
    expect(replay.map((e) => e.key)).toEqual(['x', 'y', 'z']);
    expect(await resumed.client.next('resumed')).toMatchObject({ fromSeq: first.seq + 1, count: 3 });
  });

  test('long polling on B sees events written on A; logging out on A closes the socket on B', async () => {
    const { a, b } = await pair();
    const token = await login(a);
    await putKey(a, token, 'polled', 'v');
    const poll = await api(b, 'GET', '/events/poll?since=0', { token });
    expect(poll.body.events.map((e: { key: string }) => e.key)).toEqual(['polled']);
    const { client } = await TestClient.authed(b, token);
    await api(a, 'POST', '/auth/logout', { token });
    expect((await client.closed).code).toBe(4005);
  });

  test('writes while Redis is down are a 503, never a crash; after a restart writes work and clients see a new epoch', async () => {
    const { redis, a } = await pair();
    const token = await login(a);
    const { welcome } = await TestClient.authed(a, token);
    await redis.kill();
    const down = await putKey(a, token, 'lost', 'v');
    expect(down.status).toBe(503);
    expect(down.body.error).toContain('Redis');
    expect((await api(a, 'GET', '/keys', { token })).status).toBe(200); // reads keep working from the replica

    // Redis comes back empty (persistence is off): a new history. Writes work again once the
    // instance has reconnected, open sockets are told to resync, and a resume with the old epoch resyncs.
    await redis.restart();
    const { client } = await TestClient.authed(a, token);
    let status = 0;
    for (let i = 0; i < 100 && status !== 200; i++) {
      status = (await putKey(a, token, 'after', 'v')).status;
      if (status !== 200) await Bun.sleep(50);
    }
    expect(status).toBe(200);
    expect(await client.next('resync')).toEqual({ type: 'resync', reason: 'epoch_changed', lastSeq: 0 });
    const event = await client.next('key_change');
    expect(event).toMatchObject({ key: 'after', seq: 1 });
    const old = await TestClient.authed(a, token, `lastSeq=1&epoch=${welcome.epoch}`);
    expect(old.welcome.epoch).not.toBe(welcome.epoch);
    expect((await old.client.next('resync')).reason).toBe('epoch_changed');
    expect((await api(a, 'GET', '/keys', { token })).body.keys.map((k: { key: string }) => k.key)).toEqual(['after']);
  });
});

describe('a flushed Redis', () => {
  test('is a new history: the next write gets a new epoch, every instance drops its replica, clients resync', async () => {
    const { redis, a, b } = await pair();
    const token = await login(a);
    await putKey(a, token, 'old', '1');
    const onB = await TestClient.authed(b, token);
    const admin = new RedisClient(redis.url);
    await admin.send('FLUSHALL', []);
    admin.close();
    // Tokens went with the flush; the replicas still know this one, as a real cache would until it expires.
    expect((await putKey(a, token, 'new', '2')).status).toBe(200);
    expect(await onB.client.next('resync')).toEqual({ type: 'resync', reason: 'epoch_changed', lastSeq: 0 });
    expect(await onB.client.next('key_change')).toMatchObject({ key: 'new', seq: 1 });
    const keys = (await api(b, 'GET', '/keys', { token })).body.keys.map((k: { key: string }) => k.key);
    expect(keys).toEqual(['new']);
    const again = await TestClient.authed(b, token, `lastSeq=1&epoch=${onB.welcome.epoch}`);
    expect(again.welcome.epoch).not.toBe(onB.welcome.epoch);
    expect((await again.client.next('resync')).reason).toBe('epoch_changed');
  });
});

describe('connection counts', () => {
  test("stats say this instance's sockets and those of every instance", async () => {
    const redis = await startRedis();
    const a = await startServer({ redisUrl: redis.url, statsIntervalMs: 40 });
    const b = await startServer({ redisUrl: redis.url, statsIntervalMs: 40 });
    const token = await login(a);
    await TestClient.authed(a, token);
    await TestClient.authed(b, token);
    await TestClient.authed(b, token);
    let stats: { wsConnections: number; wsConnectionsTotal: number } | null = null;
    for (let i = 0; i < 50 && stats?.wsConnectionsTotal !== 3; i++) {
      await Bun.sleep(20);
      stats = (await api(a, 'GET', '/stats', { token })).body;
    }
    expect(stats).toMatchObject({ wsConnections: 1, wsConnectionsTotal: 3 });
    expect((await api(b, 'GET', '/stats', { token })).body).toMatchObject({ wsConnections: 2 });
  });
});

describe('the emitter', () => {
  const BUN = join(import.meta.dir, '..', '..', 'node_modules', '.bin', 'bun');
  const EMIT = join(import.meta.dir, '..', 'src', 'emit.ts');
  const run = async (...args: string[]) => {
    const child = Bun.spawn([BUN, EMIT, ...args], { stdout: 'pipe', stderr: 'pipe' });
    const [out, err, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
    return { out: out.trim(), err: err.trim(), code };
  };

  test('appends a validated event from another process; every instance delivers it with its seq', async () => {
    const { redis, a, b } = await pair();
    const token = await login(a);
    const onA = await TestClient.authed(a, token);
    const onB = await TestClient.authed(b, token);
    const result = await run('--redis', redis.url, '{"type":"health_change","probe":"readiness","status":"unhealthy","reason":"disk"}');
    expect(result).toMatchObject({ code: 0, out: `seq ${onA.welcome.lastSeq + 1}` });
    for (const { client } of [onA, onB]) {
      expect(await client.next('health_change')).toMatchObject({ seq: onA.welcome.lastSeq + 1, probe: 'readiness', status: 'unhealthy', reason: 'disk' });
    }
    const bad = await run('--redis', redis.url, '{"type":"health_change","probe":"nope"}');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('not a valid event of the protocol');
    expect((await run('--redis', redis.url, '{oops')).code).toBe(2);
    expect((await run('{"type":"sync_event","status":"started","details":{}}')).err).toContain('--redis is required');
    await redis.kill();
    const down = await run('--redis', redis.url, '{"type":"sync_event","status":"started","details":{}}');
    expect(down.code).toBe(1);
    expect(down.err).toContain('did not take the events');
  });
});

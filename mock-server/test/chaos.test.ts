import { afterEach, describe, expect, test } from 'bun:test';
import { api, login, putKey, startServer, stopAllServers, TestClient, until } from './helpers';

afterEach(stopAllServers);

const CHAOS_ROUTES = ['drop', 'stall', 'block-websocket', 'block-sse', 'health', 'burst', 'counters'];

describe('chaos routes', () => {
  test('every chaos route is 404 without chaos', async () => {
    const server = await startServer();
    for (const route of CHAOS_ROUTES) {
      expect(await api(server, 'POST', `/__chaos/${route}`, { body: { ms: 10, enabled: true, count: 1 } })).toMatchObject({
        status: 404,
        body: { error: 'Not found' },
      });
    }
    expect(await api(server, 'GET', '/__chaos/counters')).toMatchObject({ status: 404, body: { error: 'Not found' } });
  });

  test('counters: every request to /ws/events, accepted or refused, and every poll, since start', async () => {
    const server = await startServer({ chaos: true });
    const counters = async () => (await api(server, 'GET', '/__chaos/counters')).body;
    expect(await counters()).toEqual({ upgradeAttempts: 0, polls: 0, sseStreams: 0 });
    const token = await login(server);
    // Accepted; accepted then closed for a bad token; a plain GET that is no upgrade; blocked with 503.
    const { client } = await TestClient.authed(server, token);
    const bad = TestClient.connect(server, 'token=apx_wrong');
    expect(await bad.closeCode()).toBe(4003);
    expect((await api(server, 'GET', '/ws/events')).status).toBe(400);
    await api(server, 'POST', '/__chaos/block-websocket', { body: { enabled: true } });
    expect((await api(server, 'GET', '/ws/events')).status).toBe(503);
    // Polls: answered, refused without a token, refused for a bad one; a CORS preflight is no poll.
    expect((await api(server, 'GET', '/events/poll', { token })).status).toBe(200);
    expect((await api(server, 'GET', '/events/poll')).status).toBe(401);
    expect((await api(server, 'GET', '/events/poll', { token: 'apx_wrong' })).status).toBe(401);
    expect((await fetch(`${server.url}/events/poll`, { method: 'OPTIONS' })).status).toBe(204);
    expect(await counters()).toEqual({ upgradeAttempts: 4, polls: 3, sseStreams: 0 });
    expect((await api(server, 'POST', '/__chaos/counters')).status).toBe(405);
    client.close();
  });

  test('drop cuts every socket with no close frame (1006); the event log is intact for a resume', async () => {
    const server = await startServer({ chaos: true });
    const token = await login(server);
    const { client: a } = await TestClient.authed(server, token);
    const unauthenticated = TestClient.connect(server);
    await unauthenticated.opened;
    await putKey(server, token, 'k', 'v');
    expect(await api(server, 'POST', '/__chaos/drop')).toMatchObject({ status: 200, body: { dropped: 2 } });
    expect(await a.closeCode()).toBe(1006);
    expect(await unauthenticated.closeCode()).toBe(1006);
    const { client: again } = await TestClient.authed(server, token, 'lastSeq=0');
    expect(await again.next('resumed')).toMatchObject({ count: 1 });
  });

  test('stall: no pongs and no events until it ends, then everything arrives in order', async () => {
    const server = await startServer({ chaos: true, heartbeatTimeoutMs: 100, rateLimitFrames: 100 });
    const token = await login(server);
    const { client } = await TestClient.authed(server, token);
    expect(await api(server, 'POST', '/__chaos/stall', { body: { ms: 300 } })).toMatchObject({ status: 200, body: { stalledMs: 300 } });
    const started = Date.now();
    client.send({ type: 'ping', id: 'during' });
    await putKey(server, token, 'during-stall', 'v');
    // a new connection during the stall is served normally
    const { client: fresh } = await TestClient.authed(server, token, 'lastSeq=0');
    expect(await fresh.next('resumed')).toMatchObject({ count: 1 });
    const pong = await client.next('pong', 2000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(pong.id).toBe('during');
    expect(client.frames.map((f) => f.type)).toEqual(['welcome', 'key_change', 'pong']);
    // the stall did not count as heartbeat silence (timeout 100 ms < stall 300 ms)
    expect(client.closeInfo).toBeNull();
    client.send({ type: 'ping', id: 'after' });
    expect(await client.next('pong')).toMatchObject({ id: 'after' });
  });

  test('stall: parked polls are not answered until it ends', async () => {
    const server = await startServer({ chaos: true });
    const token = await login(server);
    const parked = api(server, 'GET', '/events/poll?since=0&wait=5000', { token });
    await until(() => server.context.polls.pending === 1);
    await api(server, 'POST', '/__chaos/stall', { body: { ms: 200 } });
    const started = Date.now();
    await putKey(server, token, 'k', 'v');
    const fresh = api(server, 'GET', '/events/poll?since=0', { token });
    const [a, b] = await Promise.all([parked, fresh]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(a.body.events.map((e: any) => e.seq)).toEqual([1]);
    expect(b.body.events.map((e: any) => e.seq)).toEqual([1]);
  });

  test('stall: a logout during it closes with 4005 when it ends', async () => {
    const server = await startServer({ chaos: true });
    const token = await login(server);
    const { client } = await TestClient.authed(server, token);
    await api(server, 'POST', '/__chaos/stall', { body: { ms: 150 } });
    await api(server, 'POST', '/auth/logout', { token });
    expect(await client.closeCode()).toBe(4005);
  });

  test('block-websocket: upgrades answer 503 until unblocked', async () => {
    const server = await startServer({ chaos: true });
    const token = await login(server);
    expect(await api(server, 'POST', '/__chaos/block-websocket', { body: { enabled: true } })).toMatchObject({ body: { enabled: true } });
    const blocked = await fetch(`${server.wsUrl.replace('ws:', 'http:')}?token=${token}`, {
      headers: { Upgrade: 'websocket', Connection: 'Upgrade', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version': '13' },
    });
    expect(blocked.status).toBe(503);
    const client = TestClient.connect(server, `token=${token}`);
    expect(await client.closeCode()).toBe(1006); // a refused upgrade looks like a cut to browsers
    expect(client.frames).toEqual([]);
    // polling still works while sockets are blocked
    expect((await api(server, 'GET', '/events/poll?since=0', { token })).status).toBe(200);
    await api(server, 'POST', '/__chaos/block-websocket', { body: { enabled: false } });
    await TestClient.authed(server, token);
  });

  test('health: emits health_change and changes /health', async () => {
    const server = await startServer({ chaos: true });
    const { client } = await TestClient.authed(server, await login(server));
    await api(server, 'POST', '/__chaos/health', { body: { probe: 'liveness', status: 'unhealthy' } });
    expect(await client.next('health_change')).toMatchObject({ seq: 1, probe: 'liveness', status: 'unhealthy' });
    expect((await api(server, 'GET', '/health')).body.probes.liveness).toBe('unhealthy');
    await api(server, 'POST', '/__chaos/health', { body: { probe: 'liveness', status: 'healthy' } });
    expect(await client.next('health_change')).toMatchObject({ seq: 2, status: 'healthy' });
    expect((await api(server, 'GET', '/health')).status).toBe(200);
  });

  test('burst: that many key_change events, in order; count is capped', async () => {
    const server = await startServer({ chaos: true, maxBurstCount: 2500 });
    const token = await login(server);
    const { client } = await TestClient.authed(server, token);
    expect(await api(server, 'POST', '/__chaos/burst', { body: { count: 2000 } })).toMatchObject({
      status: 200,
      body: { count: 2000, firstSeq: 1, lastSeq: 2000 },
    });
    await client.next((f) => f.seq === 2000);
    expect(client.frames.filter((f) => f.type === 'key_change').length).toBe(2000);
    expect((await api(server, 'POST', '/__chaos/burst', { body: { count: 10_000 } })).body).toMatchObject({ count: 2500, lastSeq: 4500 });
  });

  test('burst with keys and deletes: puts and deletes at random among <prefix>0..keys-1, the same for the same seed, applied to the keys', async () => {
    const server = await startServer({ chaos: true });
    const token = await login(server);
    await api(server, 'POST', '/__chaos/burst', { body: { count: 50, prefix: 'seeded:' } });
    const listed = async () => (await api(server, 'GET', '/keys?prefix=seeded:&limit=1000', { token })).body.keys.map((k: { key: string }) => k.key).sort();
    expect((await listed()).length).toBe(50);
    const { client } = await TestClient.authed(server, token);
    const shaped = { count: 400, prefix: 'seeded:', keys: 50, deletes: 0.4, seed: 7 };
    const answer = (await api(server, 'POST', '/__chaos/burst', { body: shaped })).body;
    await client.next((f) => f.seq === answer.lastSeq);
    const events = client.frames.filter((f) => f.type === 'key_change');
    expect(events.length).toBe(400);
    expect(events.every((e) => /^seeded:\d+$/.test(e.key) && Number(e.key.slice(7)) < 50)).toBe(true);
    const deletes = events.filter((e) => e.operation === 'delete').length;
    expect(deletes).toBeGreaterThan(120);
    expect(deletes).toBeLessThan(200);
    // What is left is what the events say, key by key.
    const alive = new Map<string, boolean>(Array.from({ length: 50 }, (_, i) => [`seeded:${i}`, true]));
    for (const e of events) alive.set(e.key, e.operation === 'put');
    expect(await listed()).toEqual([...alive].filter(([, on]) => on).map(([key]) => key).sort());
    // The same seed picks the same keys again.
    const again = await startServer({ chaos: true });
    const { client: other } = await TestClient.authed(again, await login(again));
    const replay = (await api(again, 'POST', '/__chaos/burst', { body: shaped })).body;
    await other.next((f) => f.seq === replay.lastSeq);
    expect(other.frames.filter((f) => f.type === 'key_change').map((e) => `${e.operation} ${e.key}`)).toEqual(events.map((e) => `${e.operation} ${e.key}`));
  });

  test('malformed chaos bodies are 400', async () => {
    const server = await startServer({ chaos: true });
    const bad: Array<[string, unknown]> = [
      ['stall', {}],
      ['stall', { ms: -1 }],
      ['stall', { ms: 'long' }],
      ['stall', '{'],
      ['block-websocket', { enabled: 'yes' }],
      ['health', { probe: 'spleen', status: 'healthy' }],
      ['health', { probe: 'liveness', status: 'meh' }],
      ['health', { probe: 'liveness', status: 'healthy', reason: 5 }],
      ['burst', { count: 0 }],
      ['burst', { count: 1.5 }],
      ['burst', []],
      ['burst', { count: 1, keys: 0 }],
      ['burst', { count: 1, keys: 5, deletes: 2 }],
      ['burst', { count: 1, deletes: 0.5 }],
      ['burst', { count: 1, prefix: 7 }],
    ];
    for (const [route, body] of bad) {
      const res = await api(server, 'POST', `/__chaos/${route}`, { body });
      expect({ route, body, status: res.status }).toEqual({ route, body, status: 400 });
    }
    expect(await api(server, 'GET', '/__chaos/drop')).toMatchObject({ status: 405 });
    expect(server.context.log.lastSeq).toBe(0);
  });
});

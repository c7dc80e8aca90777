import { afterEach, describe, expect, test } from 'bun:test';
import { api, login, putKey, startServer, stopAllServers, stopServer, TestClient, until } from './helpers';

afterEach(stopAllServers);

describe('long polling', () => {
  test('returns events after since at once, in seq order, with lastSeq', async () => {
    const server = await startServer();
    const token = await login(server);
    for (let i = 1; i <= 3; i++) await putKey(server, token, `k${i}`, String(i));
    const res = await api(server, 'GET', '/events/poll?since=1&wait=5000', { token });
    expect(res.status).toBe(200);
    expect(res.body.events.map((e: any) => e.seq)).toEqual([2, 3]);
    expect(res.body.lastSeq).toBe(3);
    expect(res.body.resync).toBeUndefined();
  });

  test('parity with the WebSocket: the same events with the same seqs', async () => {
    const server = await startServer({ compactionDurationMs: 20, jobDurationMs: 10 });
    const token = await login(server);
    const { client } = await TestClient.authed(server, token);
    await putKey(server, token, 'a', '1');
    await api(server, 'DELETE', '/keys/a', { token });
    await api(server, 'POST', '/admin/compact', { token });
    await api(server, 'POST', '/admin/snapshots', { token });
    await api(server, 'POST', '/admin/sync', { token });
    await client.next((f) => f.type === 'compaction_status' && f.status === 'completed');
    await client.next((f) => f.type === 'snapshot_event' && f.status === 'completed');
    await client.next((f) => f.type === 'sync_event' && f.status === 'completed');
    const socketEvents = client.frames.filter((f) => f.seq !== undefined);
    const polled = await api(server, 'GET', '/events/poll?since=0', { token });
    expect(polled.body.events).toEqual(socketEvents);
    expect(polled.body.lastSeq).toBe(socketEvents.at(-1).seq);
  });

  test('waits for the first matching event', async () => {
    const server = await startServer();
    const token = await login(server);
    const pending = api(server, 'GET', '/events/poll?since=0&wait=5000', { token });
    await until(() => server.context.polls.pending === 1);
    await putKey(server, token, 'late', 'v');
    const res = await pending;
    expect(res.body).toMatchObject({ events: [{ key: 'late', seq: 1 }], lastSeq: 1 });
  });

  test('a wait that times out answers an empty list with the current lastSeq', async () => {
    const server = await startServer();
    const token = await login(server);
    await putKey(server, token, 'x', '1');
    const started = Date.now();
    const res = await api(server, 'GET', '/events/poll?since=1&wait=120', { token });
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    expect(res.body).toMatchObject({ events: [], lastSeq: 1 });
  });

  test('wait is capped at pollMaxWaitMs', async () => {
    const server = await startServer({ pollMaxWaitMs: 80 });
    const token = await login(server);
    const started = Date.now();
    const res = await api(server, 'GET', '/events/poll?since=0&wait=999999', { token });
    expect(Date.now() - started).toBeLessThan(1500);
    expect(res.body).toMatchObject({ events: [], lastSeq: 0 });
  });

  test('without since, it starts from the current lastSeq (new events only)', async () => {
    const server = await startServer();
    const token = await login(server);
    await putKey(server, token, 'old', '1');
    expect((await api(server, 'GET', '/events/poll', { token })).body).toMatchObject({ events: [], lastSeq: 1 });
  });

  test('filters: non-matching events are skipped and lastSeq still moves past them', async () => {
    const server = await startServer();
    const token = await login(server);
    const pending = api(server, 'GET', '/events/poll?since=0&wait=3000&topics=key_change&keyPrefix=user:', { token });
    await until(() => server.context.polls.pending === 1);
    await putKey(server, token, 'order:1', 'a');
    await api(server, 'POST', '/admin/sync', { token });
    await putKey(server, token, 'user:1', 'b');
    const res = await pending;
    expect(res.body.events.map((e: any) => e.key)).toEqual(['user:1']);
    expect(res.body.lastSeq).toBe(server.context.log.lastSeq);
    await putKey(server, token, 'order:2', 'c');
    const none = await api(server, 'GET', `/events/poll?since=${res.body.lastSeq}&keyPrefix=user:`, { token });
    expect(none.body).toMatchObject({ events: [], lastSeq: server.context.log.lastSeq });
    const cf = await api(server, 'GET', '/events/poll?since=0&cf=nope', { token });
    expect(cf.body.events.filter((e: any) => e.type === 'key_change')).toEqual([]);
  });

  test('at most pollMaxEvents per answer; lastSeq then pages on', async () => {
    const server = await startServer({ chaos: true });
    const token = await login(server);
    await api(server, 'POST', '/__chaos/burst', { body: { count: 1200 } });
    const first = await api(server, 'GET', '/events/poll?since=0', { token });
    expect(first.body.events.length).toBe(500);
    expect(first.body.lastSeq).toBe(500);
    const second = await api(server, 'GET', `/events/poll?since=${first.body.lastSeq}`, { token });
    expect(second.body.events[0].seq).toBe(501);
    const third = await api(server, 'GET', '/events/poll?since=1000', { token });
    expect(third.body.events.length).toBe(200);
    expect(third.body.lastSeq).toBe(1200);
  });

  test('resync when since is older than the retained history or ahead of the server', async () => {
    const server = await startServer({ retainEvents: 2 });
    const token = await login(server);
    for (let i = 1; i <= 4; i++) await putKey(server, token, `k${i}`, 'v');
    const res = await api(server, 'GET', '/events/poll?since=1&wait=1000', { token });
    expect(res.body).toMatchObject({ events: [], lastSeq: 4, resync: { type: 'resync', reason: 'history_expired', lastSeq: 4 } });
    expect((await api(server, 'GET', '/events/poll?since=2', { token })).body.events.map((e: any) => e.seq)).toEqual([3, 4]);
    expect((await api(server, 'GET', '/events/poll?since=50', { token })).body.resync).toMatchObject({ lastSeq: 4 });
  });

  test('auth and input errors', async () => {
    const server = await startServer();
    const token = await login(server, 'viewer');
    expect(await api(server, 'GET', '/events/poll?since=0')).toMatchObject({ status: 401, body: { error: 'Missing authorization header' } });
    expect(await api(server, 'GET', '/events/poll?since=0', { headers: { Authorization: 'Basic abc' } })).toMatchObject({
      status: 401,
      body: { error: 'Invalid authentication token' },
    });
    expect(await api(server, 'GET', '/events/poll?since=0', { token: 'apx_nope' })).toMatchObject({ status: 401 });
    for (const query of ['since=-1', 'since=abc', 'since=1.5', 'wait=-5', 'wait=soon', 'topics=bogus']) {
      const res = await api(server, 'GET', `/events/poll?${query}`, { token });
      expect({ query, status: res.status }).toEqual({ query, status: 400 });
      expect(typeof res.body.error).toBe('string');
    }
    expect((await api(server, 'GET', '/events/poll?since=0', { token })).status).toBe(200);
  });

  test('an expired token is refused with "Token has expired"', async () => {
    let now = 10_000;
    const server = await startServer({ now: () => now, tokenTtlMs: 100 });
    const token = await login(server);
    now += 100;
    expect(await api(server, 'GET', '/events/poll', { token })).toMatchObject({ status: 401, body: { error: 'Token has expired' } });
  });

  test('a poll whose client went away is forgotten', async () => {
    const server = await startServer();
    const token = await login(server);
    const controller = new AbortController();
    const pending = fetch(`${server.url}/events/poll?since=0&wait=20000`, {
      headers: { Authorization: `Bearer ${token}` },
      signal: controller.signal,
    }).catch(() => 'aborted');
    await until(() => server.context.polls.pending === 1);
    controller.abort();
    expect(await pending).toBe('aborted');
    await until(() => server.context.polls.pending === 0);
  });

  test('parked polls are answered when the server stops', async () => {
    const server = await startServer();
    const token = await login(server);
    const pending = api(server, 'GET', '/events/poll?since=0&wait=20000', { token });
    await until(() => server.context.polls.pending === 1);
    const started = Date.now();
    await stopServer(server);
    const res = await pending;
    expect(Date.now() - started).toBeLessThan(2000);
    expect(res).toMatchObject({ status: 200, body: { events: [], lastSeq: 0 } });
  });
});

import { afterEach, describe, expect, test } from 'bun:test';
import { CLOSE_CODES, EVENT_TYPES } from '../../projects/ngx-realtime/src/lib/protocol/protocol';
import { parseServerFrame } from '../../projects/ngx-realtime/src/lib/protocol/frame-validation';
import { api, login, putKey, startServer, stopAllServers, TestClient } from './helpers';

afterEach(stopAllServers);

describe('WebSocket frames', () => {
  test('ping is answered with pong echoing the id', async () => {
    const server = await startServer();
    const { client } = await TestClient.authed(server, await login(server));
    client.send({ type: 'ping', id: 'abc-1' });
    const pong = await client.next('pong');
    expect(pong).toMatchObject({ type: 'pong', id: 'abc-1' });
    expect(parseServerFrame(JSON.stringify(pong)).ok).toBe(true);
  });

  test('an event arrives after a PUT, valid per the shared validator', async () => {
    const server = await startServer();
    const token = await login(server);
    const { client } = await TestClient.authed(server, token);
    await putKey(server, token, 'user:1', 'Ada', 'people');
    const event = await client.next('key_change');
    expect(event).toMatchObject({ type: 'key_change', operation: 'put', key: 'user:1', cf: 'people', value: 'Ada', seq: 1 });
    expect(parseServerFrame(JSON.stringify(event)).ok).toBe(true);
  });

  test('subscribe replaces topics and filter and is confirmed', async () => {
    const server = await startServer();
    const token = await login(server);
    const { client } = await TestClient.authed(server, token);
    client.send({ type: 'subscribe', topics: ['key_change'], filter: { keyPrefix: 'user:', cf: 'default' } });
    expect(await client.next('subscribed')).toEqual({
      type: 'subscribed',
      topics: ['key_change'],
      filter: { keyPrefix: 'user:', cf: 'default' },
    });
    await putKey(server, token, 'order:1', 'x');
    await putKey(server, token, 'user:1', 'x', 'other');
    await api(server, 'POST', '/admin/sync', { token });
    await putKey(server, token, 'user:2', 'y');
    expect(await client.next('key_change')).toMatchObject({ key: 'user:2', seq: 4 });
    expect(client.frames.filter((f) => f.seq !== undefined).map((f) => f.seq)).toEqual([4]);

    client.send({ type: 'subscribe' });
    expect(await client.next('subscribed')).toEqual({ type: 'subscribed', topics: [...EVENT_TYPES], filter: {} });
    await putKey(server, token, 'order:2', 'z');
    expect(await client.next('key_change')).toMatchObject({ key: 'order:2' });
  });

  test('topics and filters in the query', async () => {
    const server = await startServer({ compactionDurationMs: 40 });
    const token = await login(server);
    // Column families exist once they hold a key (only those can be compacted).
    await putKey(server, token, 'x', '1', 'cold');
    await putKey(server, token, 'x', '1', 'hot');
    const { client: keysOnly } = await TestClient.authed(server, token, 'topics=compaction_status&cf=hot');
    const { client: prefixed } = await TestClient.authed(server, token, 'keyPrefix=a');
    await api(server, 'POST', '/admin/compact', { token, body: { cf: 'cold' } });
    await api(server, 'POST', '/admin/compact', { token, body: { cf: 'hot' } });
    await putKey(server, token, 'b', '1');
    await putKey(server, token, 'a', '2');
    const started = await keysOnly.next('compaction_status');
    expect(started).toMatchObject({ cf: 'hot', status: 'started' });
    expect(await prefixed.next('key_change')).toMatchObject({ key: 'a' });
    expect(prefixed.frames.some((f) => f.type === 'key_change' && f.key === 'b')).toBe(false);
    // compaction_status for other cfs still reaches the keyPrefix-only client
    expect(await prefixed.next('compaction_status')).toMatchObject({ cf: 'cold' });
    const completed = await keysOnly.next((f) => f.type === 'compaction_status' && f.status === 'completed');
    expect(completed.cf).toBe('hot');
    expect(keysOnly.frames.every((f) => f.type === 'welcome' || (f.type === 'compaction_status' && f.cf === 'hot'))).toBe(true);
  });

  test('an unknown topic in the query is refused with 400 before the upgrade', async () => {
    const server = await startServer();
    const res = await fetch(`${server.url}/ws/events?topics=nope`);
    expect(res.status).toBe(400);
    expect((await res.json()).error).toContain('topics');
    const badSeq = await fetch(`${server.url}/ws/events?lastSeq=-1`);
    expect(badSeq.status).toBe(400);
    const plain = await fetch(`${server.url}/ws/events`);
    expect(plain.status).toBe(400);
  });

  test('malformed frames get error frames and the socket stays open', async () => {
    const server = await startServer({ rateLimitFrames: 100 });
    const { client } = await TestClient.authed(server, await login(server));
    const cases: Array<[unknown, string]> = [
      ['{not json', 'invalid_json'],
      ['[]', 'invalid_frame'],
      ['42', 'invalid_frame'],
      ['null', 'invalid_frame'],
      [{ kind: 'ping' }, 'invalid_frame'],
      [{ type: 'teleport' }, 'unknown_type'],
      [{ type: 'ping' }, 'invalid_frame'],
      [{ type: 'ping', id: 7 }, 'invalid_frame'],
      [{ type: 'ping', id: 'x'.repeat(129) }, 'invalid_frame'],
      [{ type: 'resume', lastSeq: -1 }, 'invalid_frame'],
      [{ type: 'resume', lastSeq: 1.5 }, 'invalid_frame'],
      [{ type: 'resume', lastSeq: '3' }, 'invalid_frame'],
      [{ type: 'subscribe', topics: ['nope'] }, 'invalid_frame'],
      [{ type: 'subscribe', topics: 'key_change' }, 'invalid_frame'],
      [{ type: 'subscribe', filter: { cf: 1 } }, 'invalid_frame'],
      [{ type: 'subscribe', filter: [] }, 'invalid_frame'],
      [{ type: 'auth', token: '' }, 'invalid_frame'],
    ];
    for (const [frame, code] of cases) {
      client.send(frame);
      const error = await client.next('error');
      expect({ frame, code: error.code }).toEqual({ frame, code });
      expect(typeof error.message).toBe('string');
    }
    client.send({ type: 'ping', id: 'alive' });
    expect(await client.next('pong')).toMatchObject({ id: 'alive' });
    expect(client.closeInfo).toBeNull();
  });

  test('1003 for a binary frame', async () => {
    const server = await startServer();
    const { client } = await TestClient.authed(server, await login(server));
    client.send(new Uint8Array([1, 2, 3]));
    expect(await client.closeCode()).toBe(CLOSE_CODES.unsupportedData);
  });

  test('1009 for a frame over maxFrameBytes; exactly the limit is fine', async () => {
    const server = await startServer();
    const { client } = await TestClient.authed(server, await login(server));
    const atLimit = JSON.stringify({ type: 'ping', id: 'a' });
    client.send(atLimit + ' '.repeat(4096 - atLimit.length));
    expect(await client.next('pong')).toMatchObject({ id: 'a' });
    client.send(JSON.stringify({ type: 'ping', id: 'b' }) + ' '.repeat(4096));
    expect(await client.closeCode()).toBe(CLOSE_CODES.messageTooBig);
  });

  test('1009 also before auth, with a configured limit', async () => {
    const server = await startServer({ maxFrameBytes: 64 });
    const client = TestClient.connect(server);
    await client.opened;
    client.send('x'.repeat(65));
    expect(await client.closeCode()).toBe(CLOSE_CODES.messageTooBig);
  });

  test('1008 for more than rateLimitFrames in the window', async () => {
    const server = await startServer({ rateLimitFrames: 5, rateLimitWindowMs: 10_000 });
    const { client } = await TestClient.authed(server, await login(server));
    for (let i = 0; i < 5; i++) client.send({ type: 'ping', id: String(i) });
    await client.take('pong', 5);
    client.send({ type: 'ping', id: 'one-too-many' });
    expect(await client.closeCode()).toBe(CLOSE_CODES.rateLimited);
    expect(client.frames.some((f) => f.id === 'one-too-many')).toBe(false);
  });

  test('the rate-limit window slides', async () => {
    let now = 5_000_000;
    const server = await startServer({ rateLimitFrames: 3, rateLimitWindowMs: 1000, now: () => now });
    const { client } = await TestClient.authed(server, await login(server));
    for (let i = 0; i < 3; i++) client.send({ type: 'ping', id: `a${i}` });
    await client.take('pong', 3);
    now += 1001;
    for (let i = 0; i < 3; i++) client.send({ type: 'ping', id: `b${i}` });
    await client.take('pong', 3);
    expect(client.closeInfo).toBeNull();
  });

  test('4002 when no client frame arrives for heartbeat.timeoutMs; pings keep it alive', async () => {
    const server = await startServer({ heartbeatTimeoutMs: 150, rateLimitFrames: 100 });
    const token = await login(server);
    const { client: pinging } = await TestClient.authed(server, token);
    const { client: silent } = await TestClient.authed(server, token);
    const interval = setInterval(() => pinging.send({ type: 'ping', id: 'hb' }), 40);
    try {
      expect(await silent.closeCode()).toBe(CLOSE_CODES.heartbeatTimeout);
      await Bun.sleep(200); // longer than the timeout: the pinging client must still be open
      expect(pinging.closeInfo).toBeNull();
    } finally {
      clearInterval(interval);
    }
  });

  test('stats_update is pushed every statsIntervalMs, without seq, filtered by topics', async () => {
    const server = await startServer({ statsIntervalMs: 50 });
    const token = await login(server);
    const { client } = await TestClient.authed(server, token, 'keyPrefix=zzz');
    const { client: keysOnly } = await TestClient.authed(server, token, 'topics=key_change');
    const [first, second] = await client.take('stats_update', 2);
    expect(first.seq).toBeUndefined();
    expect(first.stats.wsConnections).toBe(2);
    expect(second.timestamp).toBeGreaterThanOrEqual(first.timestamp);
    expect(parseServerFrame(JSON.stringify(first)).ok).toBe(true);
    expect(keysOnly.pending('stats_update')).toEqual([]);
  });
});

import { afterAll, afterEach, describe, expect, test } from 'bun:test';
import { HTTP_ERRORS } from '../../projects/ngx-realtime/src/lib/protocol/protocol';
import { parseServerFrame } from '../../projects/ngx-realtime/src/lib/protocol/frame-validation';
import { startRedis, stopAllRedis } from '../redis-process';
import { api, login, putKey, startServer, stopAllServers, stopServer, TestClient, until } from './helpers';
import { refusedStream, SseClient } from './sse-client';

afterEach(stopAllServers);
afterAll(stopAllRedis);

describe('Server-Sent Events: GET /events/stream', () => {
  test('welcome first, exactly as the socket has it, as a data line with no id or event line, with the streaming headers', async () => {
    const server = await startServer({ heartbeatIntervalMs: 1234, heartbeatTimeoutMs: 5678 });
    const token = await login(server);
    await putKey(server, token, 'a', '1');
    const stream = await SseClient.open(server, { token });
    expect(stream.response.status).toBe(200);
    expect(stream.response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(stream.response.headers.get('cache-control')).toBe('no-cache, no-transform');
    expect(stream.response.headers.get('x-accel-buffering')).toBe('no');
    expect(stream.response.headers.get('access-control-allow-origin')).toBe('*');
    const welcome = await stream.next('welcome');
    expect(stream.events[0]).toBe(welcome);
    expect(welcome.id).toBeNull();
    expect(stream.raw.startsWith(`data: ${JSON.stringify(welcome.frame)}\n\n`)).toBe(true);
    expect(parseServerFrame(JSON.stringify(welcome.frame)).ok).toBe(true);
    const { welcome: socketWelcome } = await TestClient.authed(server, token);
    const { connectionId, serverTime, ...fields } = welcome.frame;
    const { connectionId: socketConnectionId, serverTime: _serverTime, ...socketFields } = socketWelcome;
    expect(fields).toEqual(socketFields);
    expect(fields).toMatchObject({ protocol: 1, userId: 'admin', heartbeat: { intervalMs: 1234, timeoutMs: 5678 }, lastSeq: 1 });
    expect(typeof connectionId).toBe('string');
    expect(connectionId).not.toBe(socketConnectionId);
    expect(stream.malformed).toEqual([]);
  });

  test('a live event arrives once, with its seq as the event id; the token may come in ?token= too', async () => {
    const server = await startServer();
    const token = await login(server, 'viewer');
    const admin = await login(server);
    const stream = await SseClient.open(server, { token, inQuery: true });
    const { frame: welcome } = await stream.next('welcome');
    await putKey(server, admin, 'user:1', 'Ada');
    const event = await stream.next('key_change');
    expect(event.frame).toMatchObject({ type: 'key_change', seq: welcome.lastSeq + 1, key: 'user:1', value: 'Ada', operation: 'put' });
    expect(event.id).toBe(String(event.frame.seq));
    expect(stream.raw).toContain(`id: ${event.frame.seq}\ndata: ${JSON.stringify(event.frame)}\n\n`);
    await Bun.sleep(50);
    expect(stream.events.filter((e) => e.frame.type === 'key_change')).toHaveLength(1);
  });

  test('topics and filters narrow a stream as they narrow a socket', async () => {
    const server = await startServer();
    const token = await login(server);
    const stream = await SseClient.open(server, { token, query: 'topics=key_change&keyPrefix=user:' });
    await stream.next('welcome');
    await putKey(server, token, 'order:1', 'x');
    await api(server, 'POST', '/admin/sync', { token });
    await putKey(server, token, 'user:1', 'Ada');
    expect((await stream.next('key_change')).frame.key).toBe('user:1');
    await Bun.sleep(50);
    expect(stream.events.map((e) => e.frame.type)).toEqual(['welcome', 'key_change']);
  });

  test('resume with lastSeq and epoch replays exactly the missed events, with their ids, then resumed, then live events', async () => {
    const server = await startServer();
    const token = await login(server);
    const first = await SseClient.open(server, { token });
    const { frame: welcome } = await first.next('welcome');
    for (const key of ['a', 'b', 'c', 'd']) await putKey(server, token, key, key);
    const seen = await first.next((e) => e.frame.key === 'b');
    first.abort();
    const stream = await SseClient.open(server, { token, query: `lastSeq=${seen.frame.seq}&epoch=${welcome.epoch}` });
    await stream.next('welcome');
    const resumed = await stream.next('resumed');
    expect(resumed.frame).toEqual({ type: 'resumed', fromSeq: seen.frame.seq + 1, toSeq: seen.frame.seq + 2, count: 2 });
    expect(resumed.id).toBeNull();
    await putKey(server, token, 'e', 'e');
    await stream.next((e) => e.frame.key === 'e');
    expect(stream.events.map((e) => [e.frame.type, e.frame.key ?? null, e.id])).toEqual([
      ['welcome', null, null],
      ['key_change', 'c', String(seen.frame.seq + 1)],
      ['key_change', 'd', String(seen.frame.seq + 2)],
      ['resumed', null, null],
      ['key_change', 'e', String(seen.frame.seq + 3)],
    ]);
  });

  test('a lastSeq of another epoch is answered with resync epoch_changed, and nothing is replayed', async () => {
    const server = await startServer();
    const token = await login(server);
    for (const key of ['a', 'b']) await putKey(server, token, key, key);
    const stream = await SseClient.open(server, { token, query: 'lastSeq=0&epoch=another-history' });
    await stream.next('welcome');
    const resync = await stream.next('resync');
    expect(resync.frame).toEqual({ type: 'resync', reason: 'epoch_changed', lastSeq: 2 });
    expect(resync.id).toBeNull();
    await Bun.sleep(50);
    expect(stream.pending('key_change')).toEqual([]);
    expect(stream.pending('resumed')).toEqual([]);
  });

  test('with batch=1 a burst and a replay arrive in batch frames whose id is their last seq; without it, single events', async () => {
    const server = await startServer({ chaos: true });
    const token = await login(server);
    const batched = await SseClient.open(server, { token, query: 'batch=1' });
    const single = await SseClient.open(server, { token });
    await batched.next('welcome');
    await single.next('welcome');
    const burst = (await api(server, 'POST', '/__chaos/burst', { body: { count: 50 } })).body;
    const batch = await batched.next('batch');
    expect(batch.frame.events.map((e: any) => e.seq)).toEqual(Array.from({ length: 50 }, (_, i) => burst.firstSeq + i));
    expect(batch.id).toBe(String(burst.lastSeq));
    expect((await single.next((e) => e.frame.seq === burst.lastSeq)).id).toBe(String(burst.lastSeq));
    expect(single.pending('batch')).toEqual([]);
    const replay = await SseClient.open(server, { token, query: 'batch=1&lastSeq=0' });
    const replayed = await replay.next('batch');
    expect(replayed.frame.events).toHaveLength(50);
    expect(replayed.id).toBe(String(burst.lastSeq));
    expect((await replay.next('resumed')).frame.count).toBe(50);
  });

  test('stats_update is pushed as on the socket, with no id; the stream counts as a connection in /stats', async () => {
    const server = await startServer({ statsIntervalMs: 100 });
    const token = await login(server);
    const stream = await SseClient.open(server, { token });
    await stream.next('welcome');
    const push = await stream.next('stats_update');
    expect(push.id).toBeNull();
    expect(push.frame.stats.wsConnections).toBe(1);
    expect((await api(server, 'GET', '/stats', { token })).body.wsConnections).toBe(1);
    expect((await api(server, 'GET', '/health')).body.wsConnections).toBe(1);
  });

  test('the server pings at the configured interval, with no rttMs, and never closes a stream for client silence', async () => {
    const server = await startServer({ heartbeatIntervalMs: 100, heartbeatTimeoutMs: 150 });
    const token = await login(server);
    const stream = await SseClient.open(server, { token });
    await stream.next('welcome');
    const opened = Date.now();
    const pings = [];
    for (let i = 0; i < 5; i++) pings.push(await stream.next('ping', 1000));
    const elapsed = Date.now() - opened;
    // Five pings at 100 ms take about 500 ms: far fewer (a slower interval) or more (a faster one) fail.
    expect(elapsed).toBeGreaterThanOrEqual(450);
    expect(elapsed).toBeLessThan(900);
    for (const { frame, id } of pings) {
      expect(id).toBeNull();
      expect(frame.rttMs).toBeUndefined();
      expect(parseServerFrame(JSON.stringify(frame)).ok).toBe(true);
    }
    expect(new Set(pings.map((p) => p.frame.id)).size).toBe(5);
    // Well past the heartbeat timeout with the client silent (it cannot talk): still open, still pinged.
    expect(stream.pending('closing')).toEqual([]);
    expect(server.context.hub.size).toBe(1);
  });

  test('refusals before the stream starts are JSON answers: 401 with the HTTP API messages, expired told apart', async () => {
    const server = await startServer({ tokenTtlMs: 150 });
    expect(await refusedStream(server)).toMatchObject({ status: 401, body: { error: HTTP_ERRORS.missingAuth } });
    expect(await refusedStream(server, { token: 'apx_wrong' })).toMatchObject({ status: 401, body: { error: HTTP_ERRORS.invalidToken } });
    expect(await refusedStream(server, { token: 'apx_wrong', inQuery: true })).toMatchObject({ status: 401, body: { error: HTTP_ERRORS.invalidToken } });
    expect(await refusedStream(server, { headers: { Authorization: 'Basic abc' } })).toMatchObject({ status: 401, body: { error: HTTP_ERRORS.invalidToken } });
    const token = await login(server);
    await Bun.sleep(200);
    const expired = await refusedStream(server, { token });
    expect(expired).toMatchObject({ status: 401, body: { error: HTTP_ERRORS.tokenExpired } });
    expect(expired.headers.get('content-type')).toBe('application/json');
    expect(expired.headers.get('access-control-allow-origin')).toBe('*');
    expect(await refusedStream(server, { token, inQuery: true })).toMatchObject({ status: 401, body: { error: HTTP_ERRORS.tokenExpired } });
    expect(server.context.hub.all.size).toBe(0);
  });

  test('403 for a user without Read', async () => {
    const server = await startServer();
    const token = await login(server, 'nobody');
    expect(await refusedStream(server, { token })).toMatchObject({ status: 403, body: { error: HTTP_ERRORS.forbidden } });
    expect(server.context.hub.all.size).toBe(0);
  });

  test('400 for the parameters the socket refuses, 405 for another method, and CORS preflights allow the Authorization header', async () => {
    const server = await startServer();
    const token = await login(server);
    for (const [query, error] of [
      ['lastSeq=-1', 'Query parameter "lastSeq" must be a non-negative integer'],
      ['lastSeq=1.5', 'Query parameter "lastSeq" must be a non-negative integer'],
      ['batch=2', 'Query parameter "batch" must be 0 or 1'],
      ['topics=key_change,nope', 'Query parameter "topics" lists an unknown topic'],
      [`lastSeq=1&epoch=${'e'.repeat(65)}`, 'Query parameter "epoch" must be a string of 1 to 64 characters'],
    ] as const) {
      expect(await refusedStream(server, { token, query })).toMatchObject({ status: 400, body: { error } });
    }
    const post = await fetch(`${server.url}/events/stream`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
    expect(post.status).toBe(405);
    expect(await post.json()).toEqual({ error: 'Method not allowed' });
    const preflight = await fetch(`${server.url}/events/stream`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://elsewhere.test', 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'authorization' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('Authorization');
  });

  test('block-sse answers 503 while it is on, leaves WebSockets and open streams alone, and every request is counted', async () => {
    const server = await startServer({ chaos: true });
    const token = await login(server);
    const open = await SseClient.open(server, { token });
    await open.next('welcome');
    expect(await api(server, 'POST', '/__chaos/block-sse', { body: { enabled: true } })).toMatchObject({ status: 200, body: { enabled: true } });
    expect(await refusedStream(server, { token })).toMatchObject({ status: 503, body: { error: 'Server-Sent Events are blocked' } });
    await TestClient.authed(server, token);
    await putKey(server, token, 'k', 'v');
    await open.next('key_change');
    expect((await api(server, 'POST', '/__chaos/block-sse', { body: { enabled: 'yes' } })).status).toBe(400);
    await api(server, 'POST', '/__chaos/block-sse', { body: { enabled: false } });
    await (await SseClient.open(server, { token })).next('welcome');
    expect(await refusedStream(server, { token: 'apx_wrong' })).toMatchObject({ status: 401 });
    expect((await api(server, 'GET', '/__chaos/counters')).body).toEqual({ upgradeAttempts: 1, polls: 0, sseStreams: 4 });
  });

  test('at the token expiry the server sends closing 4004, then ends the response', async () => {
    const server = await startServer({ tokenTtlMs: 400 });
    const token = await login(server);
    const stream = await SseClient.open(server, { token });
    const { frame: welcome } = await stream.next('welcome');
    const closing = await stream.next('closing', 2000);
    expect(Date.now()).toBeGreaterThanOrEqual(welcome.tokenExpiresAt - 5);
    expect(closing.frame).toEqual({ type: 'closing', code: 4004, reason: 'Token has expired' });
    expect(closing.id).toBeNull();
    expect(parseServerFrame(JSON.stringify(closing.frame)).ok).toBe(true);
    expect(await stream.end()).toBe('end');
    expect(stream.events.at(-1)).toBe(closing);
    expect(server.context.hub.size).toBe(0);
  });

  test('logout of its token sends closing 4005 and ends it; a stream of another token stays', async () => {
    const server = await startServer();
    const token = await login(server);
    const other = await login(server);
    const stream = await SseClient.open(server, { token });
    const kept = await SseClient.open(server, { token: other });
    await stream.next('welcome');
    await kept.next('welcome');
    expect((await api(server, 'POST', '/auth/logout', { token })).status).toBe(200);
    expect((await stream.next('closing')).frame).toEqual({ type: 'closing', code: 4005, reason: 'Session revoked' });
    expect(await stream.end()).toBe('end');
    await putKey(server, other, 'k', 'v');
    await kept.next('key_change');
    expect(server.context.hub.size).toBe(1);
  });

  test('server shutdown sends closing 1001, then ends the response', async () => {
    const server = await startServer();
    const token = await login(server);
    const stream = await SseClient.open(server, { token });
    await stream.next('welcome');
    await stopServer(server);
    expect((await stream.next('closing')).frame).toEqual({ type: 'closing', code: 1001, reason: 'Server shutting down' });
    expect(await stream.end()).toBe('end');
  });

  test('chaos drop cuts a stream with no closing frame: the body errors, and the server forgets it', async () => {
    const server = await startServer({ chaos: true });
    const token = await login(server);
    const stream = await SseClient.open(server, { token });
    await stream.next('welcome');
    await TestClient.authed(server, token);
    expect(await api(server, 'POST', '/__chaos/drop')).toMatchObject({ status: 200, body: { dropped: 2 } });
    expect(await stream.end()).toBe('error');
    expect(stream.events.map((e) => e.frame.type)).not.toContain('closing');
    await until(() => server.context.hub.all.size === 0);
    await putKey(server, token, 'after', 'drop');
  });

  test('a client that goes away (fetch aborted) releases its stream at once: the connection count drops', async () => {
    // No ping is due for a minute, so nothing written to the stream could reveal that it is gone.
    const server = await startServer({ heartbeatIntervalMs: 60_000 });
    const token = await login(server);
    const stream = await SseClient.open(server, { token });
    await stream.next('welcome');
    expect((await api(server, 'GET', '/stats', { token })).body.wsConnections).toBe(1);
    stream.abort();
    await until(() => server.context.hub.all.size === 0);
    expect(server.context.hub.size).toBe(0);
    expect((await api(server, 'GET', '/stats', { token })).body.wsConnections).toBe(0);
    // Events after it left go nowhere and break nothing.
    await putKey(server, token, 'k', 'v');
    expect(server.context.hub.all.size).toBe(0);
  });

  test('a stall holds everything back, pings included; then the held frames arrive in order, and a close decided meanwhile last', async () => {
    const server = await startServer({ chaos: true, heartbeatIntervalMs: 40 });
    const token = await login(server);
    const writer = await login(server);
    const stream = await SseClient.open(server, { token });
    await stream.next('welcome');
    await stream.next('ping');
    await api(server, 'POST', '/__chaos/stall', { body: { ms: 400 } });
    await Bun.sleep(30);
    const before = stream.events.length;
    await putKey(server, writer, 'a', '1');
    await putKey(server, writer, 'b', '2');
    await api(server, 'POST', '/auth/logout', { token });
    await Bun.sleep(250);
    expect(stream.events.length).toBe(before);
    expect(await stream.end()).toBe('end');
    const after = stream.events.slice(before).map((e) => e.frame.key ?? e.frame.type);
    expect(after).toEqual(['a', 'b', 'closing']);
    expect(stream.events.at(-1)!.frame.code).toBe(4005);
  });
});

describe('Server-Sent Events on two instances of one Redis', () => {
  test('a stream on B gets what was written through A, and a logout on A closes it with 4005', async () => {
    const redis = await startRedis();
    const a = await startServer({ redisUrl: redis.url });
    const b = await startServer({ redisUrl: redis.url });
    const token = await login(a);
    const stream = await SseClient.open(b, { token });
    const { frame: welcome } = await stream.next('welcome');
    await putKey(a, token, 'k', 'v');
    const event = await stream.next('key_change');
    expect(event.id).toBe(String(welcome.lastSeq + 1));
    expect((await api(a, 'POST', '/auth/logout', { token })).status).toBe(200);
    expect((await stream.next('closing')).frame.code).toBe(4005);
    expect(await stream.end()).toBe('end');
  });
});

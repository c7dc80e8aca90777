import { afterAll, afterEach, describe, expect, test } from 'bun:test';
import { readCdcFrame } from '../../projects/ngx-realtime/src/lib/protocol/apexstore-cdc-codec';
import type { ProtocolSink } from '../../projects/ngx-realtime/src/lib/protocol/realtime-protocol';
import { parseArgs } from '../src/args';
import { CDC_CONNECTED_TEXT } from '../src/compat/cdc-message';
import { startRedis, stopAllRedis } from '../redis-process';
import { api, login, putKey, startServer, stopAllServers, stopServer, TestClient, until } from './helpers';
import { CdcClient, RawClient } from './cdc-clients';
import { SseClient } from './sse-client';

afterEach(stopAllServers);
afterAll(stopAllRedis);

const COMPAT = { compat: 'apexstore-2.2' } as const;
const hex = (text: string) => Buffer.from(text, 'utf8').toString('hex');
const bytes = (text: string) => `[${[...Buffer.from(text, 'utf8')].join(',')}]`;
const delKey = (server: Parameters<typeof api>[0], token: string, key: string) =>
  api(server, 'DELETE', `/keys/${encodeURIComponent(key)}`, { token });

/** What the SDK's own ApexStore reader makes of a message: the proof the server speaks what the client expects. */
function sdkReads(text: string): { kind: string; value: any } {
  let out: { kind: string; value: any } = { kind: 'nothing', value: null };
  const record = (kind: string) => (value: any) => {
    out = { kind, value };
  };
  const sink = {
    ready: record('ready'),
    event: record('event'),
    gap: record('gap'),
    invalid: (code: string, message: string) => record('invalid')({ code, message }),
  } as unknown as ProtocolSink;
  readCdcFrame(text, sink);
  return out;
}

describe.each(['websocket', 'sse'] as const)('ApexStore 2.2 change stream over %s (--compat apexstore-2.2)', (transport) => {
  test('connected first, exactly as ApexStore writes it; the SDK reads it as ready', async () => {
    const server = await startServer(COMPAT);
    const token = await login(server, 'viewer');
    const client = await CdcClient.open(server, transport, { token });
    const first = await client.next(() => true);
    expect(first.text).toBe('{"type":"connected","message":"CDC event stream connected"}');
    expect(first.text).toBe(CDC_CONNECTED_TEXT);
    expect(sdkReads(first.text).kind).toBe('ready');
  });

  test('the token is read from the bearer header only: ?token=, no token, a bad, expired or Read-less one are refused before the stream', async () => {
    const server = await startServer({ ...COMPAT, tokenTtlMs: 150 });
    const expired = await login(server);
    await Bun.sleep(200);
    const valid = await login(server);
    const nobody = await login(server, 'nobody');
    for (const [headers, query, status, error] of [
      [{}, `token=${valid}`, 401, 'Missing authorization header'],
      [{}, '', 401, 'Missing authorization header'],
      [{ Authorization: 'Bearer apx_wrong' }, '', 401, 'Invalid authentication token'],
      [{ Authorization: `Basic ${valid}` }, '', 401, 'Invalid authentication token'],
      [{ Authorization: `Bearer ${expired}` }, '', 401, 'Token has expired'],
      [{ Authorization: `Bearer ${nobody}` }, '', 403, 'Insufficient permissions'],
    ] as const) {
      const raw = await RawClient.open(server, transport, headers, query);
      // The answer is a plain JSON refusal: no upgrade happened, no stream started.
      expect(raw.status).toBe(status);
      await until(() => raw.bodyText.includes('}'));
      expect(raw.bodyText).toContain(JSON.stringify({ error }));
      expect(raw.head.toLowerCase()).toContain('content-type: application/json');
      raw.close();
    }
    // No first-frame auth either: a socket without the header never opens.
    if (transport === 'websocket') {
      const socket = new WebSocket(server.wsUrl);
      const closed = await new Promise<number>((resolve) => socket.addEventListener('close', (e) => resolve(e.code)));
      expect(closed).toBe(1006);
    }
    const client = await CdcClient.open(server, transport, { token: await login(server) });
    expect((await client.next('connected')).frame.type).toBe('connected');
  });

  test('a put is one message: lowercase hex of the UTF-8 key (multi-byte too), the value as bytes, exact nanoseconds', async () => {
    // 1871/4096 ms is exactly representable: the nanoseconds are 1733550000123456787, which a Number cannot hold.
    const server = await startServer({ ...COMPAT, now: () => 1733550000123 + 1871 / 4096 });
    const token = await login(server);
    const client = await CdcClient.open(server, transport, { token });
    await client.next('connected');
    const key = 'ключ:ü€😀';
    const value = 'wörld ✓ 😀';
    await putKey(server, token, key, value);
    const put = await client.next('put');
    expect(put.text).toBe(
      `{"type":"put","cf":"default","key":"${hex(key)}","value":${bytes(value)},"timestamp":1733550000123456787}`,
    );
    expect(hex(key)).toMatch(/^[0-9a-f]+$/);
    // Imprecise serialisers would have written the rounded double: this text is not that.
    expect(String(1733550000123456787)).not.toBe('1733550000123456787');
    const read = sdkReads(put.text);
    expect(read.kind).toBe('event');
    expect(read.value).toMatchObject({ type: 'key_change', operation: 'put', cf: 'default', key, keyHex: hex(key), keyEncoding: 'utf-8', value, timestamp: 1733550000123 });
  });

  test('a delete has no value; the column family is the event\'s own; whole milliseconds give six zero digits', async () => {
    const server = await startServer({ ...COMPAT, now: () => 1733550000999 });
    const token = await login(server);
    const client = await CdcClient.open(server, transport, { token });
    await client.next('connected');
    await putKey(server, token, 'cpu:node-1', '0.5', 'metrics');
    await api(server, 'DELETE', '/keys/cpu%3Anode-1?cf=metrics', { token });
    expect((await client.next('put')).text).toBe(`{"type":"put","cf":"metrics","key":"${hex('cpu:node-1')}","value":${bytes('0.5')},"timestamp":1733550000999000000}`);
    const deleted = await client.next('delete');
    expect(deleted.text).toBe(`{"type":"delete","cf":"metrics","key":"${hex('cpu:node-1')}","timestamp":1733550000999000000}`);
    expect('value' in deleted.frame).toBe(false);
    expect(sdkReads(deleted.text).value).toMatchObject({ operation: 'delete', key: 'cpu:node-1', timestamp: 1733550000999 });
  });

  test('?prefix= keeps keys starting with it (UTF-8 too); ?type= keeps puts or deletes, in any case; another type filters nothing', async () => {
    const server = await startServer(COMPAT);
    const token = await login(server);
    const prefixed = await CdcClient.open(server, transport, { token, query: `prefix=${encodeURIComponent('ключ:')}` });
    const deletes = await CdcClient.open(server, transport, { token, query: 'type=DELETE' });
    const puts = await CdcClient.open(server, transport, { token, query: 'type=Put&prefix=user:' });
    const unknownType = await CdcClient.open(server, transport, { token, query: 'type=everything' });
    for (const c of [prefixed, deletes, puts, unknownType]) await c.next('connected');
    await putKey(server, token, 'user:1', 'a');
    await putKey(server, token, 'ключ:1', 'b');
    await delKey(server, token, 'user:1');
    await delKey(server, token, 'ключ:1');
    await putKey(server, token, 'last', 'c');
    await unknownType.next((m) => m.frame.key === hex('last'));
    await Bun.sleep(50);
    const seen = (c: CdcClient) => c.messages.all.slice(1).map((m) => `${m.frame.type} ${Buffer.from(m.frame.key, 'hex').toString()}`);
    expect(seen(prefixed)).toEqual(['put ключ:1', 'delete ключ:1']);
    expect(seen(deletes)).toEqual(['delete user:1', 'delete ключ:1']);
    expect(seen(puts)).toEqual(['put user:1']);
    expect(seen(unknownType)).toEqual(['put user:1', 'put ключ:1', 'delete user:1', 'delete ключ:1', 'put last']);
  });

  test('only key changes: no welcome, ping, seq, stats, jobs or health, and lastSeq replays nothing', async () => {
    const server = await startServer({ ...COMPAT, chaos: true, heartbeatIntervalMs: 30, statsIntervalMs: 30, jobDurationMs: 10, compactionDurationMs: 20 });
    const token = await login(server);
    await putKey(server, token, 'before', '1');
    const client = await CdcClient.open(server, transport, { token, query: 'lastSeq=0&batch=1&topics=key_change' });
    await client.next('connected');
    await api(server, 'POST', '/admin/compact', { token });
    await api(server, 'POST', '/admin/sync', { token });
    await api(server, 'POST', '/admin/snapshots', { token });
    await api(server, 'POST', '/__chaos/health', { body: { probe: 'readiness', status: 'unhealthy' } });
    await Bun.sleep(200);
    expect(client.messages.all.map((m) => m.frame.type)).toEqual(['connected']);
    await api(server, 'POST', '/__chaos/burst', { body: { count: 3 } });
    const burst = await client.take('put', 3);
    expect(burst.map((m) => Buffer.from(m.frame.key, 'hex').toString())).toEqual(['burst:0', 'burst:1', 'burst:2']);
    for (const { frame } of client.messages.all) {
      expect(Object.keys(frame).every((field) => ['type', 'message', 'cf', 'key', 'value', 'timestamp'].includes(field))).toBe(true);
    }
    if (transport === 'sse') {
      // The exact wire: data blocks and nothing else (no id:, event:, retry: or comment lines).
      expect(client.raw).toBe(client.messages.all.map((m) => `data: ${m.text}\n\n`).join(''));
      expect(client.response!.headers.get('content-type')).toBe('text/event-stream');
    }
  });

  test('a client that takes nothing (a stall) while 300 changes come gets lag with the 44 it lost, then the newest 256 in order', async () => {
    const server = await startServer({ ...COMPAT, chaos: true });
    const token = await login(server);
    const client = await CdcClient.open(server, transport, { token });
    // Filtered: ApexStore's channel holds every change, so what the filter drops still counts.
    const filtered = await CdcClient.open(server, transport, { token, query: 'prefix=burst:29' });
    await client.next('connected');
    await filtered.next('connected');
    // Long enough that the burst surely lands inside it, even on a loaded machine.
    await api(server, 'POST', '/__chaos/stall', { body: { ms: 600 } });
    const burst = (await api(server, 'POST', '/__chaos/burst', { body: { count: 300 } })).body;
    expect(burst.count).toBe(300);
    await Bun.sleep(100);
    expect(client.messages.all).toHaveLength(1);
    const lag = await client.next('lag', 2000);
    expect(lag.text).toBe('{"type":"lag","skipped":44}');
    expect(sdkReads(lag.text)).toEqual({ kind: 'gap', value: { reason: 'lag', position: null, skipped: 44 } });
    const rest = await client.take('put', 256);
    expect(rest.map((m) => Buffer.from(m.frame.key, 'hex').toString())).toEqual(Array.from({ length: 256 }, (_, i) => `burst:${44 + i}`));
    expect((await filtered.next('lag')).frame.skipped).toBe(44);
    const kept = await filtered.take('put', 10);
    expect(kept.map((m) => Buffer.from(m.frame.key, 'hex').toString())).toEqual(Array.from({ length: 10 }, (_, i) => `burst:${290 + i}`));
    // Then the stream goes on as before, with no further lag.
    await putKey(server, token, 'after', 'x');
    await client.next((m) => m.frame.key === hex('after'));
    expect(client.messages.all.filter((m) => m.frame.type === 'lag')).toHaveLength(1);
  });

  test('a client that stops reading: its buffers fill, then its queue, and it gets lag before the newest changes', async () => {
    const server = await startServer({ ...COMPAT, chaos: true });
    const token = await login(server);
    const raw = await RawClient.open(server, transport, { Authorization: `Bearer ${token}` });
    await until(() => raw.messages().length === 1);
    raw.pause();
    // Large values fill the kernel's buffers and the server's own allowance until changes wait in the queue.
    const big = 'x'.repeat(200_000);
    const waiting = () => server.context.cdc!.waiting();
    let bigPuts = 0;
    while (waiting() === 0) {
      expect(bigPuts).toBeLessThan(200);
      await putKey(server, token, `big:${bigPuts++}`, big);
    }
    await api(server, 'POST', '/__chaos/burst', { body: { count: 300 } });
    expect(waiting()).toBe(256);
    raw.resume();
    const lastKey = `"key":"${hex('burst:299')}"`;
    await until(() => raw.messages().some((m) => m.includes(lastKey)), 10_000);
    const messages = raw.messages();
    const lagAt = messages.findIndex((m) => m.startsWith('{"type":"lag"'));
    expect(lagAt).toBeGreaterThan(0);
    expect(JSON.parse(messages[lagAt]!).skipped).toBeGreaterThanOrEqual(44);
    // After the lag: exactly the 256 changes that waited, the newest last.
    expect(messages.length - lagAt - 1).toBe(256);
    expect(messages.at(-1)).toContain(lastKey);
    raw.close();
  }, 30_000);

  test('the token is checked only at connect: neither its expiry nor its logout ends an open stream', async () => {
    const server = await startServer({ ...COMPAT, tokenTtlMs: 300 });
    const token = await login(server, 'viewer');
    const client = await CdcClient.open(server, transport, { token });
    await client.next('connected');
    await Bun.sleep(400);
    expect((await api(server, 'POST', '/auth/logout', { token })).status).toBe(200);
    const writer = await login(server);
    await putKey(server, writer, 'still', 'open');
    expect((await client.next('put')).frame.key).toBe(hex('still'));
    expect(await Promise.race([client.ended, Bun.sleep(50).then(() => 'open')])).toBe('open');
  });

  test('chaos: drop cuts it, a stream opened again works; block-websocket and block-sse refuse with 503; requests are counted', async () => {
    const server = await startServer({ ...COMPAT, chaos: true });
    const token = await login(server);
    const client = await CdcClient.open(server, transport, { token });
    await client.next('connected');
    expect(await api(server, 'POST', '/__chaos/drop')).toMatchObject({ status: 200, body: { dropped: 1 } });
    expect((await client.end()).how).toBe('error');
    expect(server.context.cdc!.size).toBe(0);
    const again = await CdcClient.open(server, transport, { token });
    await again.next('connected');
    const [route, error] = transport === 'websocket' ? ['block-websocket', 'WebSocket upgrades are blocked'] : ['block-sse', 'Server-Sent Events are blocked'];
    await api(server, 'POST', `/__chaos/${route}`, { body: { enabled: true } });
    const refused = await RawClient.open(server, transport, { Authorization: `Bearer ${token}` });
    expect(refused.status).toBe(503);
    await until(() => refused.bodyText.includes(error));
    refused.close();
    await putKey(server, token, 'k', 'v');
    expect((await again.next('put')).frame.key).toBe(hex('k'));
    const counters = (await api(server, 'GET', '/__chaos/counters')).body;
    expect(transport === 'websocket' ? counters.upgradeAttempts : counters.sseStreams).toBe(3);
  });

  test('a stall holds changes back and then sends them in order; a stream opened during it is served at once', async () => {
    const server = await startServer({ ...COMPAT, chaos: true });
    const token = await login(server);
    const client = await CdcClient.open(server, transport, { token });
    await client.next('connected');
    await api(server, 'POST', '/__chaos/stall', { body: { ms: 300 } });
    await putKey(server, token, 'a', '1');
    const fresh = await CdcClient.open(server, transport, { token });
    await fresh.next('connected');
    await putKey(server, token, 'b', '2');
    expect((await fresh.next('put')).frame.key).toBe(hex('b'));
    expect(client.messages.all).toHaveLength(1);
    const held = await client.take('put', 2, 2000);
    expect(held.map((m) => m.frame.key)).toEqual([hex('a'), hex('b')]);
  });

  test('server shutdown ends it (a socket with 1001, a stream cleanly: ApexStore has no closing message)', async () => {
    const server = await startServer(COMPAT);
    const token = await login(server);
    const client = await CdcClient.open(server, transport, { token });
    await client.next('connected');
    expect((await api(server, 'GET', '/stats', { token })).body.wsConnections).toBe(1);
    await stopServer(server);
    const ended = await client.end();
    expect(ended.how).toBe('end');
    if (transport === 'websocket') expect(ended.code).toBe(1001);
    expect(client.messages.all.map((m) => m.frame.type)).toEqual(['connected']);
  });
});

describe('ApexStore 2.2 compat mode around the stream', () => {
  test('the WebSocket ignores client messages and answers protocol pings; it sends nothing of its own', async () => {
    const server = await startServer({ ...COMPAT, heartbeatIntervalMs: 20 });
    const token = await login(server);
    const client = await CdcClient.open(server, 'websocket', { token });
    await client.next('connected');
    client.send('{"type":"ping","id":"1"}');
    client.send('{"type":"auth","token":"x"}');
    client.send('not json');
    const raw = await RawClient.open(server, 'websocket', { Authorization: `Bearer ${token}` });
    raw.ping('are-you-there');
    await until(() => raw.frames().some((f) => f.opcode === 0xa));
    expect(raw.frames()).toEqual([
      { opcode: 1, text: CDC_CONNECTED_TEXT },
      { opcode: 0xa, text: 'are-you-there' },
    ]);
    await Bun.sleep(150);
    expect(client.messages.all.map((m) => m.frame.type)).toEqual(['connected']);
    expect(raw.frames()).toHaveLength(2);
    raw.close();
  });

  test('no X-Last-Seq on any answer in compat mode (a native server sends it)', async () => {
    for (const compat of [true, false]) {
      const server = await startServer(compat ? COMPAT : {});
      const token = await login(server);
      const answers = [
        await putKey(server, token, 'k', 'v'),
        await api(server, 'GET', '/keys', { token }),
        await api(server, 'GET', '/keys/k', { token }),
        await api(server, 'GET', '/keys/missing', { token }),
        await api(server, 'GET', '/stats', { token }),
        await api(server, 'GET', '/health'),
        await api(server, 'GET', '/admin/column-families', { token }),
        await delKey(server, token, 'k'),
      ];
      for (const answer of answers) expect(answer.headers.get('x-last-seq')).toEqual(compat ? null : expect.stringMatching(/^\d+$/));
    }
  });

  test('/events/stream and /events/poll stay native beside it; /ws/events speaks only ApexStore there', async () => {
    const server = await startServer(COMPAT);
    const token = await login(server);
    const native = await SseClient.open(server, { token });
    expect((await native.next('welcome')).frame.protocol).toBe(1);
    const cdc = await CdcClient.open(server, 'sse', { token });
    await cdc.next('connected');
    await putKey(server, token, 'k', 'v');
    const event = (await native.next('key_change')).frame;
    expect(event).toMatchObject({ seq: 1, key: 'k', value: 'v' });
    expect((await cdc.next('put')).frame.key).toBe(hex('k'));
    expect((await api(server, 'GET', '/events/poll?since=0', { token })).body.events).toEqual([event]);
    // A native client's ?token= is no ApexStore credential: refused before the upgrade.
    const nativeSocket = TestClient.connect(server, `token=${token}`);
    expect(await nativeSocket.closeCode()).toBe(1006);
    expect(nativeSocket.frames).toEqual([]);
    expect((await api(server, 'GET', '/ws/events', { token })).status).toBe(400);
    expect((await api(server, 'GET', '/stats', { token })).body.wsConnections).toBe(2);
  });

  test('without --compat, /events is not found and /ws/events speaks the native protocol', async () => {
    const server = await startServer();
    const token = await login(server);
    expect(await api(server, 'GET', '/events', { token })).toMatchObject({ status: 404, body: { error: 'Not found' } });
    const { welcome } = await TestClient.authed(server, token);
    expect(welcome.type).toBe('welcome');
    expect(server.context.cdc).toBeNull();
  });

  test('--compat takes apexstore-2.2 only; createServer refuses another mode', async () => {
    expect(parseArgs(['--compat', 'apexstore-2.2']).compat).toBe('apexstore-2.2');
    expect(() => parseArgs(['--compat', 'apexstore-2.1'])).toThrow('--compat must be one of apexstore-2.2, got "apexstore-2.1"');
    expect(() => parseArgs(['--compat'])).toThrow('--compat needs a value');
    await expect(startServer({ compat: 'nope' as never })).rejects.toThrow('compat must be one of apexstore-2.2');
  });

  test('with Redis, a stream on one instance gets the changes written through another', async () => {
    const redis = await startRedis();
    const a = await startServer({ ...COMPAT, redisUrl: redis.url });
    const b = await startServer({ ...COMPAT, redisUrl: redis.url });
    const token = await login(a);
    const client = await CdcClient.open(b, 'sse', { token });
    await client.next('connected');
    await putKey(a, token, 'shared', 'yes');
    expect((await client.next('put')).text).toContain(`"key":"${hex('shared')}","value":${bytes('yes')}`);
  });
});

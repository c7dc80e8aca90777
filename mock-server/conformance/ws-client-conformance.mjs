// Conformance: a client that is not ours (the `ws` npm package, plus Node's fetch) checks the
// protocol end to end against the real CLI. Run with `node --test mock-server/conformance/ws-client-conformance.mjs`
// (the name keeps it out of `bun test`, where `ws` would be swapped for Bun's own client).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import WebSocket from 'ws';

const { startMockServerCli } = createRequire(import.meta.url)('../start-cli.cjs');

let server;
let baseUrl;
let wsUrl;

before(async () => {
  const started = await startMockServerCli(['--auth-timeout', '500', '--heartbeat-interval', '200', '--heartbeat-timeout', '2000', '--stats-interval', '60000']);
  server = started.child;
  baseUrl = started.url;
  wsUrl = `${baseUrl.replace('http://', 'ws://')}/ws/events`;
});

after(async () => {
  if (!server || server.exitCode !== null) return;
  const exited = new Promise((resolve) => server.once('exit', resolve));
  server.kill('SIGTERM');
  const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), 3000))]);
  if (code === 'timeout') server.kill('SIGKILL');
});

async function http(method, path, { token, body } = {}) {
  const headers = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  const res = await fetch(baseUrl + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: await res.json(), headers: res.headers };
}

async function login() {
  const res = await http('POST', '/auth/login', { body: { username: 'admin', password: 'admin' } });
  assert.equal(res.status, 200);
  assert.match(res.body.token, /^apx_/);
  return res.body.token;
}

/** Opens a socket and queues its frames; `next(type)` awaits the next frame of a type. */
function open(query) {
  const socket = new WebSocket(`${wsUrl}${query ? `?${query}` : ''}`);
  const queue = [];
  const waiters = [];
  const closed = new Promise((resolve) => socket.on('close', (code) => resolve(code)));
  socket.on('error', () => {});
  socket.on('message', (data, isBinary) => {
    const frame = isBinary ? { type: '<binary>' } : JSON.parse(data.toString());
    const i = waiters.findIndex((w) => w.match(frame));
    if (i >= 0) waiters.splice(i, 1)[0].resolve(frame);
    else queue.push(frame);
  });
  const next = (type, timeoutMs = 3000) => {
    const match = typeof type === 'function' ? type : (f) => f.type === type;
    const i = queue.findIndex(match);
    if (i >= 0) return Promise.resolve(queue.splice(i, 1)[0]);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${type} frame within ${timeoutMs} ms`)), timeoutMs);
      waiters.push({ match, resolve: (f) => { clearTimeout(timer); resolve(f); } });
    });
  };
  const opened = new Promise((resolve) => socket.once('open', resolve));
  const closeCode = (timeoutMs = 3000) =>
    Promise.race([closed, new Promise((_, reject) => setTimeout(() => reject(new Error('not closed')), timeoutMs))]);
  return { socket, next, opened, closeCode, send: (f) => socket.send(typeof f === 'string' ? f : JSON.stringify(f)) };
}

/**
 * Opens `GET /events/stream` with Node's fetch and reads its body as Server-Sent Events (the WHATWG
 * rules: `field: value` lines, a blank line dispatches, `:` starts a comment); `next(type)` awaits
 * the next event whose data is a frame of that type, as `{ id, frame }` (`id` null without an id line).
 */
async function openStream(query, headers = {}) {
  const controller = new AbortController();
  const res = await fetch(`${baseUrl}/events/stream${query ? `?${query}` : ''}`, { headers, signal: controller.signal });
  const queue = [];
  const waiters = [];
  const all = [];
  const dispatch = (event) => {
    all.push(event);
    const i = waiters.findIndex((w) => w.match(event));
    if (i >= 0) waiters.splice(i, 1)[0].resolve(event);
    else queue.push(event);
  };
  const ended = (async () => {
    if (!(res.headers.get('content-type') ?? '').startsWith('text/event-stream')) return 'refused';
    const decoder = new TextDecoder();
    let buffer = '';
    let id = null;
    let data = [];
    try {
      for await (const chunk of res.body) {
        buffer += decoder.decode(chunk, { stream: true });
        let newline;
        while ((newline = buffer.search(/\r\n|\r|\n/)) >= 0) {
          const line = buffer.slice(0, newline);
          buffer = buffer.slice(newline + (buffer.startsWith('\r\n', newline) ? 2 : 1));
          if (line === '') {
            if (data.length > 0) dispatch({ id, frame: JSON.parse(data.join('\n')) });
            id = null;
            data = [];
            continue;
          }
          if (line.startsWith(':')) continue;
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          let value = colon < 0 ? '' : line.slice(colon + 1);
          if (value.startsWith(' ')) value = value.slice(1);
          if (field === 'data') data.push(value);
          else if (field === 'id') id = value;
        }
      }
      return 'end';
    } catch {
      return 'error';
    }
  })();
  const next = (type, timeoutMs = 3000) => {
    const match = typeof type === 'function' ? type : (e) => e.frame.type === type;
    const i = queue.findIndex(match);
    if (i >= 0) return Promise.resolve(queue.splice(i, 1)[0]);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${type} event within ${timeoutMs} ms`)), timeoutMs);
      waiters.push({ match, resolve: (e) => { clearTimeout(timer); resolve(e); } });
    });
  };
  return { res, next, all, ended, close: () => controller.abort() };
}

test('welcome after connecting with the token in the query', async () => {
  const token = await login();
  const client = open(`token=${token}`);
  const welcome = await client.next('welcome');
  assert.equal(welcome.protocol, 1);
  assert.equal(welcome.userId, 'admin');
  assert.equal(typeof welcome.connectionId, 'string');
  assert.equal(typeof welcome.serverTime, 'number');
  assert.deepEqual(welcome.heartbeat, { intervalMs: 200, timeoutMs: 2000 });
  assert.ok(Number.isInteger(welcome.lastSeq));
  assert.ok(welcome.tokenExpiresAt > welcome.serverTime);
  client.socket.close();
});

test('the server pings; a client that answers with pong stays open past the timeout and gets its round trip', async () => {
  const client = open(`token=${await login()}`);
  await client.next('welcome');
  const first = await client.next('ping');
  assert.equal(typeof first.id, 'string');
  assert.equal(typeof first.serverTime, 'number');
  client.send({ type: 'pong', id: first.id });
  const second = await client.next('ping');
  assert.equal(typeof second.rttMs, 'number');
  // Answer every ping for longer than the 2 s heartbeat timeout, sending nothing else.
  const started = Date.now();
  client.send({ type: 'pong', id: second.id });
  while (Date.now() - started < 2500) {
    const ping = await client.next('ping');
    client.send({ type: 'pong', id: ping.id });
  }
  assert.equal(client.socket.readyState, WebSocket.OPEN);
  client.socket.close();
});

test('a client that sends its own pings, and ignores the server pings, still conforms', async () => {
  const client = open(`token=${await login()}`);
  await client.next('welcome');
  const timer = setInterval(() => client.send({ type: 'ping', id: 'own' }), 500);
  try {
    await new Promise((resolve) => setTimeout(resolve, 2500));
    assert.equal(client.socket.readyState, WebSocket.OPEN);
  } finally {
    clearInterval(timer);
  }
  client.socket.close();
});

test('with ?batch=1 a burst arrives in batch frames, every event once in seq order; without it, single frames', async () => {
  const token = await login();
  const batching = open(`token=${token}&batch=1`);
  const single = open(`token=${token}`);
  const { lastSeq } = await batching.next('welcome');
  await single.next('welcome');
  const burst = await http('POST', '/__chaos/burst', { body: { count: 1200 } });
  const collect = async (client) => {
    const seqs = [];
    let batches = 0;
    while (seqs.length < 1200) {
      const frame = await client.next((f) => f.type === 'batch' || f.type === 'key_change');
      if (frame.type === 'batch') {
        batches++;
        seqs.push(...frame.events.map((e) => e.seq));
      } else seqs.push(frame.seq);
    }
    return { seqs, batches };
  };
  const expected = Array.from({ length: 1200 }, (_, i) => lastSeq + 1 + i);
  const batched = await collect(batching);
  const singles = await collect(single);
  assert.equal(burst.body.lastSeq, expected.at(-1));
  assert.deepEqual(batched.seqs, expected);
  assert.ok(batched.batches >= 2 && batched.batches < 100, `batches: ${batched.batches}`);
  assert.deepEqual(singles.seqs, expected);
  assert.equal(singles.batches, 0);
  batching.socket.close();
  single.socket.close();
});

test('auth on an open socket rotates the token: auth_ok, or auth_failed for a bad one', async () => {
  const token = await login();
  const client = open(`token=${token}`);
  const welcome = await client.next('welcome');
  const refreshed = await http('POST', '/auth/refresh', { token });
  client.send({ type: 'auth', token: refreshed.body.token });
  const ok = await client.next('auth_ok');
  assert.equal(ok.tokenExpiresAt, refreshed.body.expiresAt);
  assert.ok(ok.tokenExpiresAt >= welcome.tokenExpiresAt);
  client.send({ type: 'auth', token: 'apx_not-a-real-token' });
  assert.equal((await client.next('error')).code, 'auth_failed');
  client.send({ type: 'ping', id: 'after-rotation' });
  assert.equal((await client.next('pong')).id, 'after-rotation');
  client.socket.close();
});

test('ping is answered with pong', async () => {
  const client = open(`token=${await login()}`);
  await client.next('welcome');
  client.send({ type: 'ping', id: 'conf-1' });
  const pong = await client.next('pong');
  assert.equal(pong.id, 'conf-1');
  assert.equal(typeof pong.serverTime, 'number');
  client.socket.close();
});

test('auth by first frame works, and times out with 4001 without it', async () => {
  const token = await login();
  const client = open('');
  await client.opened;
  client.send({ type: 'auth', token });
  assert.equal((await client.next('welcome')).userId, 'admin');
  client.socket.close();
  const silent = open('');
  assert.equal(await silent.closeCode(), 4001);
});

test('a PUT produces a key_change event with a seq', async () => {
  const token = await login();
  const client = open(`token=${token}`);
  const welcome = await client.next('welcome');
  const put = await http('PUT', '/keys/conformance%3A1', { token, body: { value: 'hello' } });
  assert.equal(put.status, 200);
  const event = await client.next('key_change');
  assert.deepEqual(
    { type: event.type, operation: event.operation, key: event.key, cf: event.cf, value: event.value },
    { type: 'key_change', operation: 'put', key: 'conformance:1', cf: 'default', value: 'hello' },
  );
  assert.equal(event.seq, welcome.lastSeq + 1);
  assert.equal(typeof event.timestamp, 'number');
  client.socket.close();
});

test('stats count the sockets of this instance and of all instances', async () => {
  const token = await login();
  const client = open(`token=${token}`);
  await client.next('welcome');
  const stats = await http('GET', '/stats', { token });
  assert.ok(stats.body.wsConnections >= 1);
  assert.ok(stats.body.wsConnectionsTotal >= stats.body.wsConnections);
  client.socket.close();
});

test('HTTP reads carry X-Last-Seq, the seq of the newest event their answer includes', async () => {
  const token = await login();
  const client = open(`token=${token}`);
  const welcome = await client.next('welcome');
  const before = await http('GET', '/keys?prefix=conformance-seq', { token });
  assert.equal(Number(before.headers.get('x-last-seq')), welcome.lastSeq);
  await http('PUT', '/keys/conformance-seq', { token, body: { value: 'x' } });
  const event = await client.next('key_change');
  for (const path of ['/keys?prefix=conformance-seq', '/keys/conformance-seq', '/stats', '/health', '/admin/snapshots', '/admin/compact']) {
    const read = await http('GET', path, { token });
    assert.equal(Number(read.headers.get('x-last-seq')), event.seq, path);
  }
  client.socket.close();
});

test('a key write answers X-Last-Seq at or after its own event', async () => {
  const token = await login();
  const client = open(`token=${token}`);
  await client.next('welcome');
  const put = await http('PUT', '/keys/conformance-write', { token, body: { value: 'x' } });
  const event = await client.next('key_change');
  assert.equal(Number(put.headers.get('x-last-seq')), event.seq);
  const deleted = await http('DELETE', '/keys/conformance-write', { token });
  assert.equal(Number(deleted.headers.get('x-last-seq')), (await client.next('key_change')).seq);
  client.socket.close();
});

test('GET /keys pages with after, total and next', async () => {
  const token = await login();
  for (const n of [1, 2, 3]) await http('PUT', `/keys/conformance-page%3A${n}`, { token, body: { value: String(n) } });
  const first = await http('GET', '/keys?prefix=conformance-page:&limit=2', { token });
  assert.deepEqual(
    { keys: first.body.keys.map((k) => k.key), count: first.body.count, total: first.body.total, next: first.body.next },
    { keys: ['conformance-page:1', 'conformance-page:2'], count: 2, total: 3, next: 'conformance-page:2' },
  );
  const rest = await http('GET', `/keys?prefix=conformance-page:&limit=2&after=${encodeURIComponent(first.body.next)}`, { token });
  assert.deepEqual({ count: rest.body.count, total: rest.body.total, next: rest.body.next }, { count: 1, total: 3, next: null });
});

test('HTTP refusals a client can act on: body too large, long keys, unknown column family', async () => {
  const token = await login();
  const big = await fetch(`${baseUrl}/keys/conformance-big`, {
    method: 'PUT',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ value: 'x'.repeat(2 * 1024 * 1024) }),
  });
  assert.equal(big.status, 413);
  assert.deepEqual(await big.json(), { error: 'Request body is too large: the limit is 1 MiB (1048576 bytes)', limitBytes: 1048576 });
  const long = await http('PUT', `/keys/${'k'.repeat(1025)}`, { token, body: { value: 'v' } });
  assert.deepEqual({ status: long.status, body: long.body }, { status: 400, body: { error: 'Key must be at most 1024 bytes of UTF-8, got 1025' } });
  const compact = await http('POST', '/admin/compact', { token, body: { cf: 'conformance-nope' } });
  assert.deepEqual({ status: compact.status, body: compact.body }, { status: 404, body: { error: "Column family 'conformance-nope' does not exist" } });
  const families = await http('GET', '/admin/column-families', { token });
  assert.ok(families.body.columnFamilies.includes('default'));
  const sync = await http('GET', '/admin/sync', { token });
  assert.ok('latest' in sync.body);
  assert.ok(Number(sync.headers.get('x-last-seq')) >= 0);
  const counters = await http('GET', '/__chaos/counters');
  assert.ok(counters.body.upgradeAttempts >= 1 && counters.body.polls >= 0);
});

test('welcome names the epoch; a resume from another epoch is answered with resync epoch_changed', async () => {
  const token = await login();
  const first = open(`token=${token}`);
  const welcome = await first.next('welcome');
  assert.equal(typeof welcome.epoch, 'string');
  assert.ok(welcome.epoch.length > 0 && welcome.epoch.length <= 64);
  first.send({ type: 'resume', lastSeq: 0, epoch: 'not-this-history' });
  assert.deepEqual(await first.next('resync'), { type: 'resync', reason: 'epoch_changed', lastSeq: welcome.lastSeq });
  first.send({ type: 'resume', lastSeq: welcome.lastSeq, epoch: welcome.epoch });
  assert.equal((await first.next('resumed')).count, 0);
  first.socket.close();
  const other = open(`token=${token}&lastSeq=0&epoch=not-this-history`);
  await other.next('welcome');
  assert.equal((await other.next('resync')).reason, 'epoch_changed');
  other.socket.close();
  const poll = await http('GET', `/events/poll?since=0&epoch=not-this-history`, { token });
  assert.equal(poll.body.epoch, welcome.epoch);
  assert.equal(poll.body.resync.reason, 'epoch_changed');
});

test('resume with lastSeq replays the missed events, then resumed', async () => {
  const token = await login();
  const first = open(`token=${token}`);
  const { lastSeq } = await first.next('welcome');
  first.socket.close();
  for (const value of ['a', 'b', 'c']) await http('PUT', `/keys/resume-${value}`, { token, body: { value } });
  const client = open(`token=${token}&lastSeq=${lastSeq}`);
  await client.next('welcome');
  const replayed = [];
  for (let i = 0; i < 3; i++) replayed.push(await client.next('key_change'));
  assert.deepEqual(replayed.map((e) => e.seq), [lastSeq + 1, lastSeq + 2, lastSeq + 3]);
  assert.deepEqual(await client.next('resumed'), { type: 'resumed', fromSeq: lastSeq + 1, toSeq: lastSeq + 3, count: 3 });
  client.send({ type: 'resume', lastSeq: lastSeq + 2 });
  assert.equal((await client.next('key_change')).seq, lastSeq + 3);
  assert.equal((await client.next('resumed')).count, 1);
  client.socket.close();
});

test('bad JSON gets an error frame and the socket stays open', async () => {
  const client = open(`token=${await login()}`);
  await client.next('welcome');
  client.send('{this is not json');
  const error = await client.next('error');
  assert.equal(error.code, 'invalid_json');
  client.send({ type: 'warp' });
  assert.equal((await client.next('error')).code, 'unknown_type');
  client.send({ type: 'ping', id: 'still-open' });
  assert.equal((await client.next('pong')).id, 'still-open');
  client.socket.close();
});

test('an invalid token closes with 4003', async () => {
  const client = open('token=apx_not-a-real-token');
  assert.equal(await client.closeCode(), 4003);
});

test('a frame over 4096 bytes closes with 1009', async () => {
  const client = open(`token=${await login()}`);
  await client.next('welcome');
  client.send(JSON.stringify({ type: 'ping', id: 'big' }) + ' '.repeat(5000));
  assert.equal(await client.closeCode(), 1009);
});

test('a binary frame closes with 1003', async () => {
  const client = open(`token=${await login()}`);
  await client.next('welcome');
  client.socket.send(Buffer.from([1, 2, 3]));
  assert.equal(await client.closeCode(), 1003);
});

test('long polling returns the same events with the same seqs as the socket', async () => {
  const token = await login();
  const client = open(`token=${token}`);
  const { lastSeq } = await client.next('welcome');
  await http('PUT', '/keys/parity-1', { token, body: { value: '1' } });
  await http('DELETE', '/keys/parity-1', { token });
  await http('POST', '/__chaos/health', { body: { probe: 'readiness', status: 'healthy' } });
  const fromSocket = [await client.next('key_change'), await client.next('key_change'), await client.next('health_change')];
  const polled = await http('GET', `/events/poll?since=${lastSeq}`, { token });
  assert.equal(polled.status, 200);
  assert.deepEqual(polled.body.events, fromSocket);
  assert.equal(polled.body.lastSeq, fromSocket[2].seq);
  // a parked poll is woken by the next event
  const parked = http('GET', `/events/poll?since=${polled.body.lastSeq}&wait=5000`, { token });
  await http('PUT', '/keys/parity-2', { token, body: { value: '2' } });
  const live = await client.next('key_change');
  assert.deepEqual((await parked).body.events, [live]);
  client.socket.close();
});

test('Server-Sent Events: welcome first, then a written key arrives once, with its seq as the event id', async () => {
  const token = await login();
  const stream = await openStream('', { Authorization: `Bearer ${token}` });
  assert.equal(stream.res.status, 200);
  assert.equal(stream.res.headers.get('content-type'), 'text/event-stream; charset=utf-8');
  const welcome = await stream.next('welcome');
  assert.equal(stream.all[0], welcome);
  assert.equal(welcome.id, null);
  assert.equal(welcome.frame.protocol, 1);
  assert.equal(welcome.frame.userId, 'admin');
  assert.deepEqual(welcome.frame.heartbeat, { intervalMs: 200, timeoutMs: 2000 });
  assert.equal(typeof welcome.frame.epoch, 'string');
  const put = await http('PUT', '/keys/sse-conformance', { token, body: { value: 'once' } });
  assert.equal(put.status, 200);
  const event = await stream.next((e) => e.frame.key === 'sse-conformance');
  assert.equal(event.frame.seq, welcome.frame.lastSeq + 1);
  assert.equal(event.id, String(event.frame.seq));
  // Pings keep arriving; the key does not come again.
  await stream.next('ping');
  await stream.next('ping');
  assert.equal(stream.all.filter((e) => e.frame.key === 'sse-conformance').length, 1);
  stream.close();
});

test('Server-Sent Events: resume with lastSeq and epoch replays the missed events with their ids, then resumed', async () => {
  const token = await login();
  const first = await openStream(`token=${token}`);
  const { frame: welcome } = await first.next('welcome');
  first.close();
  for (const value of ['a', 'b', 'c']) await http('PUT', `/keys/sse-resume-${value}`, { token, body: { value } });
  const stream = await openStream(`token=${token}&lastSeq=${welcome.lastSeq}&epoch=${welcome.epoch}`);
  await stream.next('welcome');
  const replayed = [];
  for (let i = 0; i < 3; i++) replayed.push(await stream.next('key_change'));
  assert.deepEqual(replayed.map((e) => [e.frame.seq, e.id]), [1, 2, 3].map((n) => [welcome.lastSeq + n, String(welcome.lastSeq + n)]));
  assert.deepEqual((await stream.next('resumed')).frame, { type: 'resumed', fromSeq: welcome.lastSeq + 1, toSeq: welcome.lastSeq + 3, count: 3 });
  stream.close();
});

test('Server-Sent Events: a bad or missing token is a 401 with a JSON body, before any stream', async () => {
  const bad = await openStream('', { Authorization: 'Bearer apx_not-a-real-token' });
  assert.equal(bad.res.status, 401);
  assert.deepEqual(await bad.res.json(), { error: 'Invalid authentication token' });
  const missing = await openStream('');
  assert.equal(missing.res.status, 401);
  assert.deepEqual(await missing.res.json(), { error: 'Missing authorization header' });
});

test('Server-Sent Events: logout ends the stream in-band with closing 4005', async () => {
  const token = await login();
  const stream = await openStream('', { Authorization: `Bearer ${token}` });
  await stream.next('welcome');
  assert.equal((await http('POST', '/auth/logout', { token })).status, 200);
  assert.deepEqual((await stream.next('closing')).frame, { type: 'closing', code: 4005, reason: 'Session revoked' });
  assert.equal(await stream.ended, 'end');
});

test('chaos drop cuts the socket without a close frame (1006)', async () => {
  const client = open(`token=${await login()}`);
  await client.next('welcome');
  await http('POST', '/__chaos/drop');
  assert.equal(await client.closeCode(), 1006);
});

test('SIGTERM closes sockets with 1001 and the server exits 0', async () => {
  const client = open(`token=${await login()}`);
  await client.next('welcome');
  const exited = new Promise((resolve) => server.once('exit', (code) => resolve(code)));
  server.kill('SIGTERM');
  assert.equal(await client.closeCode(), 1001);
  assert.equal(await exited, 0);
});

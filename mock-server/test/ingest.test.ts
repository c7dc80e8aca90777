import { afterAll, afterEach, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from '../src/args';
import { parseIngestAuth } from '../src/compat/ingest-auth';
import type { MockServer } from '../src/create-server';
import { startRedis, stopAllRedis } from '../redis-process';
import { api, login, putKey, startServer, stopAllServers, TestClient } from './helpers';
import { CdcClient } from './cdc-clients';
import { killAllCli, spawnCli } from './cli-process';

afterEach(stopAllServers);
afterEach(killAllCli);
afterAll(stopAllRedis);

const tempDir = mkdtempSync(join(tmpdir(), 'mock-server-ingest-'));
afterAll(() => rmSync(tempDir, { recursive: true, force: true }));

const SECRET = 's3cret';
const GATEWAY = { ingestAuth: SECRET } as const;
const AUTH = { Authorization: `Bearer ${SECRET}` };
const hex = (text: string) => Buffer.from(text, 'utf8').toString('hex');
const bytes = (text: string) => [...Buffer.from(text, 'utf8')];

/** ApexStore 2.2's webhook body for a put, as its serde writes it (the nanoseconds as integer digits). */
function putBody(key: string, value: string, ns = '1733550000123456789'): string {
  return `{"type":"put","cf":"default","key":"${hex(key)}","value":[${bytes(value).join(',')}],"timestamp":${ns}}`;
}

function deleteBody(key: string): string {
  return `{"type":"delete","cf":"default","key":"${hex(key)}","timestamp":1733550000123456789}`;
}

/** One webhook POST as ApexStore sends it: JSON, its auth header, the body as given. */
async function post(url: string, body: string, headers: Record<string, string> = AUTH): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(`${url}/ingest/apexstore`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body });
  return { status: res.status, body: await res.json().catch(() => null), headers: res.headers };
}

const ingest = (server: MockServer, body: string, headers?: Record<string, string>) => post(server.url, body, headers);

describe('POST /ingest/apexstore: ApexStore 2.2 webhooks in, native key_change events out', () => {
  test('a put reaches native clients as a key_change with a seq (multi-byte key and value decoded), and the key store mirrors it', async () => {
    const server = await startServer(GATEWAY);
    const token = await login(server, 'viewer');
    const { client } = await TestClient.authed(server, token);
    const key = 'ключ:ü€😀';
    const value = 'wörld ✓ 😀';
    const answer = await ingest(server, putBody(key, value));
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ status: 'ok', operation: 'put', cf: 'default', key });
    const event = await client.next('key_change');
    expect(event).toMatchObject({ type: 'key_change', seq: 1, operation: 'put', key, cf: 'default', value });
    expect(Number(answer.headers.get('x-last-seq'))).toBeGreaterThanOrEqual(event.seq);
    expect((await api(server, 'GET', `/keys/${encodeURIComponent(key)}`, { token })).body).toEqual({ key, value, cf: 'default' });
    // Through the normal write path: a resume replays it like any write.
    const { client: resumed } = await TestClient.authed(server, token, 'lastSeq=0');
    expect(await resumed.next('key_change')).toEqual(event);
  });

  test('a delete becomes a key_change delete and removes the key; a delete of a key the mirror lacks changes nothing and is still 200', async () => {
    const server = await startServer(GATEWAY);
    const token = await login(server);
    await putKey(server, token, 'gone', 'soon');
    const { client } = await TestClient.authed(server, token);
    expect((await ingest(server, deleteBody('gone'))).status).toBe(200);
    const event = await client.next('key_change');
    expect(event).toMatchObject({ seq: 2, operation: 'delete', key: 'gone', cf: 'default' });
    expect('value' in event).toBe(false);
    expect((await api(server, 'GET', '/keys/gone', { token })).status).toBe(404);
    expect(await ingest(server, deleteBody('never-there'))).toMatchObject({ status: 200, body: { status: 'ok', operation: 'delete' } });
    await Bun.sleep(50);
    expect(client.pending('key_change')).toEqual([]);
    expect(server.context.log.lastSeq).toBe(2);
  });

  test('a bad value becomes U+FFFD as ApexStore reads it; the column family of the body is kept', async () => {
    const server = await startServer(GATEWAY);
    const token = await login(server);
    const body = `{"type":"put","cf":"metrics","key":"${hex('cpu')}","value":[104,105,255],"timestamp":1}`;
    expect((await ingest(server, body)).status).toBe(200);
    expect((await api(server, 'GET', '/keys/cpu?cf=metrics', { token })).body).toEqual({ key: 'cpu', value: 'hi\uFFFD', cf: 'metrics' });
  });

  test('every bad field is a 400 that names it, and nothing is written', async () => {
    const server = await startServer(GATEWAY);
    const k = hex('k');
    const cases: Array<[string, string]> = [
      ['not json', 'Request body is not valid JSON'],
      ['[1,2]', 'Request body must be a JSON object'],
      ['', 'Request body must be a JSON object'],
      [`{"cf":"default","key":"${k}","value":[],"timestamp":1}`, '"type" must be "put" or "delete"'],
      [`{"type":"PUT","cf":"default","key":"${k}","value":[],"timestamp":1}`, '"type" must be "put" or "delete"'],
      [`{"type":"merge","cf":"default","key":"${k}","value":[],"timestamp":1}`, '"type" must be "put" or "delete"'],
      [`{"type":"put","key":"${k}","value":[],"timestamp":1}`, '"cf" must be a non-empty string'],
      [`{"type":"put","cf":"","key":"${k}","value":[],"timestamp":1}`, '"cf" must be a non-empty string'],
      [`{"type":"put","cf":7,"key":"${k}","value":[],"timestamp":1}`, '"cf" must be a non-empty string'],
      ['{"type":"put","cf":"default","value":[],"timestamp":1}', '"key" must be a string of lowercase hex'],
      ['{"type":"put","cf":"default","key":[107],"value":[],"timestamp":1}', '"key" must be a string of lowercase hex'],
      ['{"type":"put","cf":"default","key":"6B","value":[],"timestamp":1}', '"key" must be lowercase hex'],
      ['{"type":"put","cf":"default","key":"6b6","value":[],"timestamp":1}', '"key" must be lowercase hex'],
      ['{"type":"put","cf":"default","key":"zz","value":[],"timestamp":1}', '"key" must be lowercase hex'],
      ['{"type":"put","cf":"default","key":"","value":[],"timestamp":1}', '"key" must not be empty'],
      ['{"type":"put","cf":"default","key":"ff00","value":[],"timestamp":1}', '"key" must be the hex of UTF-8 text: native keys are strings'],
      [`{"type":"put","cf":"default","key":"${'61'.repeat(1025)}","value":[],"timestamp":1}`, '"key" must be at most 1024 bytes, got 1025'],
      [`{"type":"put","cf":"default","key":"${k}","timestamp":1}`, '"value" must be an array of bytes (integers 0-255)'],
      [`{"type":"put","cf":"default","key":"${k}","value":"v","timestamp":1}`, '"value" must be an array of bytes (integers 0-255)'],
      [`{"type":"put","cf":"default","key":"${k}","value":[256],"timestamp":1}`, '"value" must be an array of bytes (integers 0-255)'],
      [`{"type":"put","cf":"default","key":"${k}","value":[-1],"timestamp":1}`, '"value" must be an array of bytes (integers 0-255)'],
      [`{"type":"put","cf":"default","key":"${k}","value":[1.5],"timestamp":1}`, '"value" must be an array of bytes (integers 0-255)'],
      [`{"type":"put","cf":"default","key":"${k}","value":["1"],"timestamp":1}`, '"value" must be an array of bytes (integers 0-255)'],
      [`{"type":"delete","cf":"default","key":"${k}","value":[1],"timestamp":1}`, '"value" must be absent on a delete'],
      [`{"type":"put","cf":"default","key":"${k}","value":[]}`, '"timestamp" must be nanoseconds since the epoch (a non-negative integer)'],
      [`{"type":"put","cf":"default","key":"${k}","value":[],"timestamp":-1}`, '"timestamp" must be nanoseconds since the epoch (a non-negative integer)'],
      [`{"type":"put","cf":"default","key":"${k}","value":[],"timestamp":1.5}`, '"timestamp" must be nanoseconds since the epoch (a non-negative integer)'],
      [`{"type":"put","cf":"default","key":"${k}","value":[],"timestamp":"1733550000123456789"}`, '"timestamp" must be nanoseconds since the epoch (a non-negative integer)'],
    ];
    for (const [body, error] of cases) {
      expect({ body, answer: await ingest(server, body) }).toMatchObject({ body, answer: { status: 400, body: { error } } });
    }
    expect(server.context.log.lastSeq).toBe(0);
    // The same body made good is taken: the checks refuse what is wrong, not the shape.
    expect((await ingest(server, `{"type":"put","cf":"default","key":"${k}","value":[],"timestamp":1}`)).status).toBe(200);
  });

  test('the auth header must match: missing or wrong is 401 and writes nothing', async () => {
    const server = await startServer(GATEWAY);
    const body = putBody('k', 'v');
    for (const headers of [{} as Record<string, string>, { Authorization: 'Bearer wrong' }, { Authorization: SECRET }, { Authorization: `Bearer ${SECRET}x` }, { Authorization: 'Bearer s3creT' }]) {
      expect(await ingest(server, body, headers)).toMatchObject({ status: 401, body: { error: 'Missing or wrong "Authorization" header' } });
    }
    expect(server.context.log.lastSeq).toBe(0);
    expect((await ingest(server, body, { Authorization: `Bearer ${SECRET}` })).status).toBe(200);
  });

  test('"Header-Name: value" configures another header; the bearer form then is no credential', async () => {
    const server = await startServer({ ingestAuth: 'X-Webhook-Secret: abc:def' });
    const body = putBody('k', 'v');
    expect((await ingest(server, body, { 'X-Webhook-Secret': 'abc:def' })).status).toBe(200);
    expect((await ingest(server, body, { Authorization: 'Bearer abc:def' })).status).toBe(401);
    expect((await ingest(server, body, { 'X-Webhook-Secret': 'abc' })).body).toEqual({ error: 'Missing or wrong "X-Webhook-Secret" header' });
  });

  test('another content type is 415, another method 405, a body over the limit 413; nothing is written', async () => {
    const server = await startServer(GATEWAY);
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/jsonx']) {
      const res = await fetch(`${server.url}/ingest/apexstore`, { method: 'POST', headers: { ...AUTH, 'Content-Type': type }, body: putBody('k', 'v') });
      expect({ type, status: res.status, body: await res.json() }).toEqual({ type, status: 415, body: { error: 'Content-Type must be application/json' } });
    }
    expect((await ingest(server, putBody('k', 'v'), { ...AUTH, 'Content-Type': 'application/json; charset=utf-8' })).status).toBe(200);
    expect((await fetch(`${server.url}/ingest/apexstore`, { headers: AUTH })).status).toBe(405);
    const huge = putBody('big', 'x'.repeat(400_000));
    expect(huge.length).toBeGreaterThan(1024 * 1024);
    const tooLarge = await ingest(server, huge);
    expect(tooLarge).toMatchObject({ status: 413, body: { limitBytes: 1048576 } });
    expect(server.context.log.lastSeq).toBe(1);
  });

  test('without --ingest-auth the gateway is off: 404 like any unknown path', async () => {
    const server = await startServer();
    expect(await ingest(server, putBody('k', 'v'))).toMatchObject({ status: 404, body: { error: 'Not found' } });
    expect(server.context.log.lastSeq).toBe(0);
  });

  test('with --compat too, an ApexStore change goes in and comes back out of the ApexStore stream as it was', async () => {
    const server = await startServer({ ...GATEWAY, compat: 'apexstore-2.2' });
    const token = await login(server);
    const cdc = await CdcClient.open(server, 'sse', { token });
    await cdc.next('connected');
    expect((await ingest(server, putBody('ключ', 'wörld'))).status).toBe(200);
    const out = (await cdc.next('put')).frame;
    expect(out).toMatchObject({ type: 'put', cf: 'default', key: hex('ключ'), value: bytes('wörld') });
  });

  test('--ingest-auth takes ApexStore\'s auth_header forms; a bad one is a usage error', () => {
    expect(parseIngestAuth('tok')).toEqual({ header: 'Authorization', value: 'Bearer tok' });
    expect(parseIngestAuth('  tok  ')).toEqual({ header: 'Authorization', value: 'Bearer tok' });
    expect(parseIngestAuth('X-Api-Key: k:1')).toEqual({ header: 'X-Api-Key', value: 'k:1' });
    expect(parseIngestAuth('Authorization: Bearer a:b')).toEqual({ header: 'Authorization', value: 'Bearer a:b' });
    expect(parseArgs(['--ingest-auth', 'X-Api-Key: k']).ingestAuth).toBe('X-Api-Key: k');
    expect(() => parseArgs(['--ingest-auth', ''])).toThrow('--ingest-auth needs a token or "Header-Name: value"');
    expect(() => parseArgs(['--ingest-auth', 'Bad Header: v'])).toThrow('"Bad Header" is not a header name');
    expect(() => parseArgs(['--ingest-auth', 'X-Api-Key:'])).toThrow('the header X-Api-Key needs a value');
  });

  test('nothing accepted is lost: after a 200, kill -9 and a restart on the same data, a client resuming from lastSeq gets it', async () => {
    const dataPath = join(tempDir, 'gateway.sqlite');
    // On the Redis engine the log lives in Redis: the restarted gateway must find it there.
    const redis = process.env['MOCK_ENGINE'] === 'redis' ? await startRedis() : null;
    const args = ['--port', '0', '--data', dataPath, '--ingest-auth', SECRET, ...(redis ? ['--redis', redis.url] : [])];
    const first = await spawnCli(args);
    const session = await (await fetch(`${first.url}/auth/login`, { method: 'POST', body: '{"username":"admin","password":"admin"}' })).json();
    const headers = { Authorization: `Bearer ${session.token}` };
    const before = Number((await fetch(`${first.url}/keys`, { headers })).headers.get('x-last-seq'));
    const accepted = await post(first.url, putBody('durable', 'yes'));
    expect(accepted.status).toBe(200);
    first.proc.kill('SIGKILL');
    await first.proc.exited;
    const second = await spawnCli(args);
    const poll = await (await fetch(`${second.url}/events/poll?since=${before}`, { headers })).json();
    expect(poll.events).toEqual([expect.objectContaining({ type: 'key_change', seq: before + 1, operation: 'put', key: 'durable', value: 'yes' })]);
    expect(await (await fetch(`${second.url}/keys/durable`, { headers })).json()).toEqual({ key: 'durable', value: 'yes', cf: 'default' });
  }, 30_000);
});

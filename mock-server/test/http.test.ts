import { afterEach, describe, expect, test } from 'bun:test';
import { CLOSE_CODES } from '../../projects/ngx-realtime/src/lib/protocol/protocol';
import { hashToken } from '../src/domain/auth';
import { api, login, putKey, startServer, stopAllServers, TestClient } from './helpers';

afterEach(stopAllServers);

describe('auth routes', () => {
  test('login returns an apx_ token stored only as its hash', async () => {
    let now = 1_700_000_000_000;
    const server = await startServer({ now: () => now, tokenTtlMs: 60_000 });
    const res = await api(server, 'POST', '/auth/login', { body: { username: 'viewer', password: 'viewer' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ expiresAt: now + 60_000, user: { id: 'viewer', name: 'viewer', permissions: ['Read'] } });
    expect(res.body.token).toMatch(/^apx_[A-Za-z0-9_-]{20,}$/);
    const rows = server.context.store.db.query('SELECT hash FROM tokens').all() as Array<{ hash: string }>;
    expect(rows).toEqual([{ hash: hashToken(res.body.token) }]);
    const admin = await api(server, 'POST', '/auth/login', { body: { username: 'admin', password: 'admin' } });
    expect(admin.body.user.permissions).toEqual(['Read', 'Write', 'Admin']);
  });

  test('login failures', async () => {
    const server = await startServer();
    expect(await api(server, 'POST', '/auth/login', { body: { username: 'admin', password: 'nope' } })).toMatchObject({ status: 401 });
    expect(await api(server, 'POST', '/auth/login', { body: { username: 'admin' } })).toMatchObject({ status: 400 });
    expect(await api(server, 'POST', '/auth/login', { body: { username: 1, password: 'x' } })).toMatchObject({ status: 400 });
    expect(await api(server, 'POST', '/auth/login', { body: '{oops' })).toMatchObject({ status: 400, body: { error: 'Request body is not valid JSON' } });
    expect(await api(server, 'POST', '/auth/login', { body: '[1,2]' })).toMatchObject({ status: 400 });
    expect(await api(server, 'POST', '/auth/login')).toMatchObject({ status: 400 });
    expect(await api(server, 'GET', '/auth/login')).toMatchObject({ status: 405, body: { error: 'Method not allowed' } });
  });

  test('refresh issues a new token; the old one stays valid until it expires', async () => {
    let now = 1_000;
    const server = await startServer({ now: () => now, tokenTtlMs: 1000 });
    const old = await login(server);
    now += 600;
    const res = await api(server, 'POST', '/auth/refresh', { token: old });
    expect(res.status).toBe(200);
    expect(res.body.token).not.toBe(old);
    expect(res.body.expiresAt).toBe(now + 1000);
    expect((await api(server, 'GET', '/keys', { token: old })).status).toBe(200);
    now += 500;
    expect(await api(server, 'GET', '/keys', { token: old })).toMatchObject({ status: 401, body: { error: 'Token has expired' } });
    expect((await api(server, 'GET', '/keys', { token: res.body.token })).status).toBe(200);
    expect(await api(server, 'POST', '/auth/refresh', { token: old })).toMatchObject({ status: 401, body: { error: 'Token has expired' } });
    expect(await api(server, 'POST', '/auth/refresh')).toMatchObject({ status: 401, body: { error: 'Missing authorization header' } });
  });

  test('logout revokes; a second logout or unknown token is 401', async () => {
    const server = await startServer();
    const token = await login(server);
    expect(await api(server, 'POST', '/auth/logout', { token })).toMatchObject({ status: 200 });
    expect(await api(server, 'GET', '/keys', { token })).toMatchObject({ status: 401, body: { error: 'Invalid authentication token' } });
    expect(await api(server, 'POST', '/auth/logout', { token })).toMatchObject({ status: 401 });
    expect(await api(server, 'POST', '/auth/logout')).toMatchObject({ status: 401, body: { error: 'Missing authorization header' } });
  });
});

describe('keys', () => {
  test('PUT, GET, list and DELETE, each write emitting its event', async () => {
    const server = await startServer();
    const token = await login(server);
    const { client } = await TestClient.authed(server, token);
    expect(await putKey(server, token, 'user:1', 'Ada')).toMatchObject({ status: 200, body: { key: 'user:1', value: 'Ada', cf: 'default' } });
    await putKey(server, token, 'user:2', 'Bob');
    await putKey(server, token, 'order:1', 'x');
    await putKey(server, token, 'user:1', 'Other cf', 'archive');
    expect(await api(server, 'GET', '/keys/user%3A1', { token })).toMatchObject({ status: 200, body: { key: 'user:1', value: 'Ada', cf: 'default' } });
    expect(await api(server, 'GET', '/keys/user%3A1?cf=archive', { token })).toMatchObject({ body: { value: 'Other cf' } });
    const list = await api(server, 'GET', '/keys?prefix=user:', { token });
    expect(list.body).toEqual({
      keys: [
        { key: 'user:1', value: 'Ada', cf: 'default' },
        { key: 'user:2', value: 'Bob', cf: 'default' },
      ],
      count: 2,
      total: 2,
      next: null,
    });
    expect((await api(server, 'GET', '/keys?limit=1', { token })).body.count).toBe(1);
    expect((await api(server, 'GET', '/keys?cf=archive', { token })).body.count).toBe(1);
    expect(await api(server, 'DELETE', '/keys/user%3A2', { token })).toMatchObject({ status: 200, body: { key: 'user:2', deleted: true } });
    expect(await api(server, 'GET', '/keys/user%3A2', { token })).toMatchObject({ status: 404, body: { error: 'Key not found' } });
    expect(await api(server, 'DELETE', '/keys/user%3A2', { token })).toMatchObject({ status: 404 });
    const events = await client.take('key_change', 5);
    expect(events.map((e) => [e.seq, e.operation, e.key, e.cf, e.value])).toEqual([
      [1, 'put', 'user:1', 'default', 'Ada'],
      [2, 'put', 'user:2', 'default', 'Bob'],
      [3, 'put', 'order:1', 'default', 'x'],
      [4, 'put', 'user:1', 'archive', 'Other cf'],
      [5, 'delete', 'user:2', 'default', undefined],
    ]);
    expect('value' in events[4]).toBe(false);
    expect(server.context.log.lastSeq).toBe(5); // the 404 delete emitted nothing
  });

  test('prefixes are literal (no LIKE wildcards)', async () => {
    const server = await startServer();
    const token = await login(server);
    await putKey(server, token, 'a%b', '1');
    await putKey(server, token, 'axb', '2');
    expect((await api(server, 'GET', '/keys?prefix=a%25', { token })).body.keys.map((k: any) => k.key)).toEqual(['a%b']);
  });

  test('permissions and malformed input', async () => {
    const server = await startServer();
    const viewer = await login(server, 'viewer');
    const admin = await login(server);
    expect(await putKey(server, viewer, 'k', 'v')).toMatchObject({ status: 403, body: { error: 'Insufficient permissions' } });
    expect(await api(server, 'DELETE', '/keys/k', { token: viewer })).toMatchObject({ status: 403 });
    expect((await api(server, 'GET', '/keys', { token: viewer })).status).toBe(200);
    expect(await api(server, 'GET', '/keys')).toMatchObject({ status: 401, body: { error: 'Missing authorization header' } });
    expect(await api(server, 'PUT', '/keys/k', { token: admin, body: { value: 3 } })).toMatchObject({ status: 400, body: { error: 'Field "value" must be a string' } });
    expect(await api(server, 'PUT', '/keys/k', { token: admin, body: 'not json' })).toMatchObject({ status: 400 });
    expect(await api(server, 'PUT', '/keys/k', { token: admin, body: '"string"' })).toMatchObject({ status: 400 });
    expect(await api(server, 'PUT', '/keys/k', { token: admin })).toMatchObject({ status: 400 });
    expect(await api(server, 'PUT', '/keys/%E0%A4%A', { token: admin, body: { value: 'v' } })).toMatchObject({ status: 400 });
    expect(await api(server, 'GET', '/keys/', { token: admin })).toMatchObject({ status: 400 });
    expect(await api(server, 'GET', '/keys?limit=ten', { token: admin })).toMatchObject({ status: 400 });
    expect(await api(server, 'POST', '/keys/k', { token: admin })).toMatchObject({ status: 405 });
    const huge = await fetch(`${server.url}/keys/big`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${admin}` },
      body: JSON.stringify({ value: 'x'.repeat(2 * 1024 * 1024) }),
    });
    expect(huge.status).toBe(413);
    expect(server.context.log.lastSeq).toBe(0);
  });
});

describe('stats, admin and health', () => {
  test('GET /stats has ApexStore fields plus wsConnections and uptimeMs', async () => {
    let now = 50_000;
    const server = await startServer({ now: () => now });
    const token = await login(server);
    await putKey(server, token, 'a', 'x'.repeat(2048));
    await TestClient.authed(server, token);
    now += 1234;
    const res = await api(server, 'GET', '/stats', { token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ total_records: 1, mem_records: 1, wsConnections: 1, wsConnectionsTotal: 1, uptimeMs: 1234 });
    for (const field of ['sst_files', 'sst_kb', 'mem_kb', 'wal_kb']) expect(typeof res.body[field]).toBe('number');
    expect(res.body.mem_kb).toBe(3);
    expect((await api(server, 'GET', '/stats')).status).toBe(401);
  });

  test('compaction: 202, then started, progress..., completed', async () => {
    const server = await startServer({ compactionDurationMs: 80 });
    const token = await login(server);
    await putKey(server, token, 'a', '1');
    const { client } = await TestClient.authed(server, token, 'topics=compaction_status');
    const res = await api(server, 'POST', '/admin/compact', { token, body: { cf: 'default' } });
    expect(res).toMatchObject({ status: 202, body: { status: 'started', cf: 'default' } });
    const events = await client.take('compaction_status', 5);
    expect(events.map((e) => [e.status, e.details.progress])).toEqual([
      ['started', 0],
      ['progress', 0.25],
      ['progress', 0.5],
      ['progress', 0.75],
      ['completed', 1],
    ]);
    expect(events[4].details).toMatchObject({ filesMerged: 1, bytesRead: 2, bytesWritten: 2 });
    expect((await api(server, 'GET', '/stats', { token })).body).toMatchObject({ mem_records: 0, sst_files: 2 });
    expect((await api(server, 'POST', '/admin/compact', { token })).body.cf).toBe('default');
    expect(await api(server, 'POST', '/admin/compact', { token, body: { cf: 7 } })).toMatchObject({ status: 400 });
    expect(await api(server, 'POST', '/admin/compact', { token, body: '{' })).toMatchObject({ status: 400 });
  });

  test('snapshots and sync emit started then completed; admin only', async () => {
    const server = await startServer({ jobDurationMs: 20 });
    const token = await login(server);
    const viewer = await login(server, 'viewer');
    const { client } = await TestClient.authed(server, token);
    const created = await api(server, 'POST', '/admin/snapshots', { token });
    expect(created).toMatchObject({ status: 202, body: { status: 'started' } });
    const { snapshotId } = created.body;
    expect(await client.next('snapshot_event')).toMatchObject({ status: 'started', snapshotId });
    expect(await client.next('snapshot_event')).toMatchObject({ status: 'completed', snapshotId });
    const list = await api(server, 'GET', '/admin/snapshots', { token });
    expect(list.body.snapshots).toEqual([{ snapshotId, createdAt: expect.any(Number), records: 0 }]);
    expect(await api(server, 'POST', '/admin/sync', { token })).toMatchObject({ status: 202 });
    expect(await client.next('sync_event')).toMatchObject({ status: 'started' });
    expect(await client.next('sync_event')).toMatchObject({ status: 'completed', details: { keysSynced: 0 } });
    for (const [method, path] of [['POST', '/admin/compact'], ['GET', '/admin/snapshots'], ['POST', '/admin/sync']]) {
      expect(await api(server, method!, path!, { token: viewer })).toMatchObject({ status: 403, body: { error: 'Insufficient permissions' } });
    }
  });

  test('health probes in ApexStore shapes, and /health', async () => {
    const server = await startServer({ chaos: true });
    for (const probe of ['liveness', 'readiness', 'startup']) {
      expect(await api(server, 'GET', `/health/${probe}`)).toMatchObject({
        status: 200,
        body: { status: 'ok', service: 'apexstore', endpoint: probe },
      });
    }
    expect(await api(server, 'GET', '/health/check')).toMatchObject({ status: 200, body: { endpoint: 'check', status: 'ok' } });
    expect(await api(server, 'GET', '/health')).toMatchObject({
      status: 200,
      body: { status: 'healthy', probes: { liveness: 'healthy', readiness: 'healthy', startup: 'healthy' }, wsConnections: 0 },
    });
    await api(server, 'POST', '/__chaos/health', { body: { probe: 'readiness', status: 'unhealthy', reason: 'disk full' } });
    expect(await api(server, 'GET', '/health/readiness')).toMatchObject({ status: 503, body: { status: 'error', reason: 'disk full' } });
    expect(await api(server, 'GET', '/health/check')).toMatchObject({ status: 503, body: { details: { readiness: 'unhealthy' } } });
    expect(await api(server, 'GET', '/health')).toMatchObject({ status: 503, body: { status: 'unhealthy' } });
  });
});

describe('HTTP plumbing', () => {
  test('CORS headers everywhere and 204 preflight', async () => {
    const server = await startServer();
    const preflight = await fetch(`${server.url}/keys/a`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://localhost:4200', 'Access-Control-Request-Method': 'PUT' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('Authorization');
    expect(preflight.headers.get('access-control-allow-methods')).toContain('DELETE');
    for (const [method, path] of [['GET', '/health'], ['GET', '/keys'], ['GET', '/nope'], ['POST', '/auth/login']]) {
      const res = await fetch(server.url + path, { method: method!, body: method === 'POST' ? '{' : undefined });
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
    }
  });

  test('unknown routes are 404 JSON', async () => {
    const server = await startServer();
    expect(await api(server, 'GET', '/nope')).toMatchObject({ status: 404, body: { error: 'Not found' } });
    expect(await api(server, 'GET', '/')).toMatchObject({ status: 404, body: { error: 'Not found' } });
    expect(await api(server, 'POST', '/__chaos/drop')).toMatchObject({ status: 404 });
  });

  test('logging out closes only the sockets of that token with 4005', async () => {
    const server = await startServer();
    const token = await login(server);
    const a = await TestClient.authed(server, token);
    const b = await TestClient.authed(server, token);
    await api(server, 'POST', '/auth/logout', { token });
    expect(await a.client.closeCode()).toBe(CLOSE_CODES.sessionRevoked);
    expect(await b.client.closeCode()).toBe(CLOSE_CODES.sessionRevoked);
  });
});

describe('X-Last-Seq on reads', () => {
  test('every read says the newest seq its answer reflects, exposed to cross-origin clients', async () => {
    const server = await startServer({ compactionDurationMs: 40 });
    const token = await login(server);
    const seqOf = async (path: string) => {
      const res = await api(server, 'GET', path, { token });
      expect(res.headers.get('Access-Control-Expose-Headers')).toContain('X-Last-Seq');
      return res.headers.get('X-Last-Seq');
    };
    const reads = ['/keys', '/keys/a', '/stats', '/health', '/admin/snapshots', '/admin/compact'];
    for (const path of reads) expect(await seqOf(path)).toBe('0');
    await putKey(server, token, 'a', '1');
    await putKey(server, token, 'b', '2');
    const list = await api(server, 'GET', '/keys', { token });
    expect(list.headers.get('X-Last-Seq')).toBe('2');
    expect(list.body.count).toBe(2);
    for (const path of reads) expect(await seqOf(path)).toBe('2');
    // A 404 for a key is a read too, and a 503 health answer carries it as well.
    expect(await seqOf('/keys/missing')).toBe('2');
    server.context.domain.setHealth('readiness', 'unhealthy', 'disk');
    await server.context.settled(); // with the Redis engine the event applies once Redis gave it its seq
    const health = await api(server, 'GET', '/health', { token });
    expect(health.status).toBe(503);
    expect(health.headers.get('X-Last-Seq')).toBe('3');
    // A key write carries its own event's seq (write-seq.test.ts); polls do not carry it.
    expect((await putKey(server, token, 'c', '3')).headers.get('X-Last-Seq')).toBe('4');
  });

  test('GET /admin/compact shows the newest compaction status, so a page opened mid-run sees it', async () => {
    const server = await startServer({ compactionDurationMs: 10_000 });
    const token = await login(server);
    expect((await api(server, 'GET', '/admin/compact', { token })).body).toEqual({ latest: null });
    await api(server, 'POST', '/admin/compact', { token, body: { cf: 'default' } });
    const res = await api(server, 'GET', '/admin/compact', { token });
    expect(res.body.latest).toMatchObject({ type: 'compaction_status', status: 'started', cf: 'default', seq: 1 });
    expect(res.headers.get('X-Last-Seq')).toBe('1');
    const viewer = await login(server, 'viewer');
    expect((await api(server, 'GET', '/admin/compact', { token: viewer })).body.latest.status).toBe('started');
    expect((await api(server, 'POST', '/admin/compact', { token: viewer })).status).toBe(403);
  });
});

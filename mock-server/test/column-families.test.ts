import { afterEach, describe, expect, test } from 'bun:test';
import { api, login, putKey, startServer, stopAllServers, TestClient } from './helpers';

afterEach(stopAllServers);

describe('column families', () => {
  test('GET /admin/column-families lists default and every cf holding a key, sorted; any reader may ask', async () => {
    const server = await startServer();
    const admin = await login(server);
    const viewer = await login(server, 'viewer');
    const empty = await api(server, 'GET', '/admin/column-families', { token: viewer });
    expect(empty).toMatchObject({ status: 200, body: { columnFamilies: ['default'] } });
    expect(empty.headers.get('X-Last-Seq')).toBe('0');
    await putKey(server, admin, 'cpu', '0.5', 'metrics');
    await putKey(server, admin, 'old', 'x', 'archive');
    await putKey(server, admin, 'zed', 'x', 'zeta');
    const listed = await api(server, 'GET', '/admin/column-families', { token: viewer });
    expect(listed.body).toEqual({ columnFamilies: ['archive', 'default', 'metrics', 'zeta'] });
    expect(listed.headers.get('X-Last-Seq')).toBe('3');
    // A cf exists while it holds a key.
    await api(server, 'DELETE', '/keys/zed?cf=zeta', { token: admin });
    expect((await api(server, 'GET', '/admin/column-families', { token: viewer })).body.columnFamilies).toEqual(['archive', 'default', 'metrics']);
    expect((await api(server, 'GET', '/admin/column-families')).status).toBe(401);
    expect((await api(server, 'POST', '/admin/column-families', { token: admin })).status).toBe(405);
  });

  test('compacting a column family that does not exist is a 404 naming it, with no event', async () => {
    const server = await startServer({ compactionDurationMs: 20 });
    const token = await login(server);
    const { client } = await TestClient.authed(server, token, 'topics=compaction_status');
    const refused = await api(server, 'POST', '/admin/compact', { token, body: { cf: 'nope' } });
    expect(refused).toMatchObject({ status: 404, body: { error: "Column family 'nope' does not exist" } });
    expect(server.context.log.lastSeq).toBe(0);
    expect((await api(server, 'GET', '/admin/compact', { token })).body).toEqual({ latest: null });

    // default always exists; another cf once it holds a key.
    expect((await api(server, 'POST', '/admin/compact', { token })).status).toBe(202);
    expect(await client.next((e) => e.status === 'completed')).toMatchObject({ cf: 'default' });
    await putKey(server, token, 'cpu', '0.5', 'metrics');
    expect(await api(server, 'POST', '/admin/compact', { token, body: { cf: 'metrics' } })).toMatchObject({
      status: 202,
      body: { status: 'started', cf: 'metrics' },
    });
    expect(await client.next((e) => e.status === 'completed')).toMatchObject({ cf: 'metrics' });
    // The 404 emitted nothing: every compaction event came from the two that ran.
    expect(client.frames.filter((f) => f.type === 'compaction_status').every((f) => f.cf !== 'nope')).toBe(true);
  });
});

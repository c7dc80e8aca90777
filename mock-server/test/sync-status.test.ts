import { afterEach, describe, expect, test } from 'bun:test';
import { api, login, putKey, startServer, stopAllServers, TestClient } from './helpers';

afterEach(stopAllServers);

describe('GET /admin/sync', () => {
  test('shows the newest sync_event with X-Last-Seq, to any reader; starting one stays admin-only', async () => {
    const server = await startServer({ jobDurationMs: 30 });
    const admin = await login(server);
    const viewer = await login(server, 'viewer');
    const never = await api(server, 'GET', '/admin/sync', { token: viewer });
    expect(never).toMatchObject({ status: 200, body: { latest: null } });
    expect(never.headers.get('X-Last-Seq')).toBe('0');

    await putKey(server, admin, 'a', '1');
    const { client } = await TestClient.authed(server, admin, 'topics=sync_event');
    expect(await api(server, 'POST', '/admin/sync', { token: viewer })).toMatchObject({ status: 403 });
    expect(await api(server, 'POST', '/admin/sync', { token: admin })).toMatchObject({ status: 202 });
    const started = await api(server, 'GET', '/admin/sync', { token: viewer });
    expect(started.body.latest).toMatchObject({ type: 'sync_event', status: 'started', seq: 2 });
    expect(started.headers.get('X-Last-Seq')).toBe('2');

    const completed = await client.take('sync_event', 2).then((events) => events[1]);
    const after = await api(server, 'GET', '/admin/sync', { token: viewer });
    expect(after.body).toEqual({ latest: completed });
    expect(after.body.latest).toMatchObject({ status: 'completed', details: { keysSynced: 1 } });
    expect(after.headers.get('X-Last-Seq')).toBe(String(completed.seq));
    expect((await api(server, 'GET', '/admin/sync')).status).toBe(401);
  });
});

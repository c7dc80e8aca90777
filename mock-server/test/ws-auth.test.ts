import { afterEach, describe, expect, test } from 'bun:test';
import { CLOSE_CODES } from '../../projects/ngx-realtime/src/lib/protocol/protocol';
import { parseServerFrame } from '../../projects/ngx-realtime/src/lib/protocol/frame-validation';
import { api, login, putKey, startServer, stopAllServers, TestClient } from './helpers';

afterEach(stopAllServers);

describe('WebSocket authentication', () => {
  test('token in the query: welcome with every field', async () => {
    const server = await startServer({ heartbeatIntervalMs: 1234, heartbeatTimeoutMs: 5678 });
    const token = await login(server);
    await putKey(server, token, 'a', '1');
    const before = Date.now();
    const { welcome } = await TestClient.authed(server, token);
    expect(parseServerFrame(JSON.stringify(welcome)).ok).toBe(true);
    expect(welcome).toMatchObject({
      type: 'welcome',
      protocol: 1,
      userId: 'admin',
      heartbeat: { intervalMs: 1234, timeoutMs: 5678 },
      lastSeq: 1,
    });
    const session = (await api(server, 'POST', '/auth/refresh', { token })).body;
    expect(welcome.tokenExpiresAt).toBeGreaterThan(Date.now());
    expect(welcome.tokenExpiresAt).toBeLessThanOrEqual(session.expiresAt);
    expect(typeof welcome.connectionId).toBe('string');
    expect(welcome.serverTime).toBeGreaterThanOrEqual(before - 1000);
  });

  test('connection ids are unique per connection', async () => {
    const server = await startServer();
    const token = await login(server);
    const a = await TestClient.authed(server, token);
    const b = await TestClient.authed(server, token);
    expect(a.welcome.connectionId).not.toBe(b.welcome.connectionId);
  });

  test('Authorization: Bearer header', async () => {
    const server = await startServer();
    const token = await login(server, 'viewer');
    const client = TestClient.connect(server, '', { Authorization: `Bearer ${token}` });
    expect((await client.next('welcome')).userId).toBe('viewer');
  });

  test('first-frame auth, with frames before it answered not_authenticated', async () => {
    const server = await startServer();
    const token = await login(server);
    const client = TestClient.connect(server);
    await client.opened;
    client.send({ type: 'ping', id: 'early' });
    expect(await client.next('error')).toMatchObject({ code: 'not_authenticated' });
    client.send({ type: 'auth', token });
    expect((await client.next('welcome')).userId).toBe('admin');
    client.send({ type: 'auth', token });
    expect(await client.next('auth_ok')).toMatchObject({ type: 'auth_ok' });
    client.send({ type: 'ping', id: 'late' });
    expect(await client.next('pong')).toMatchObject({ id: 'late' });
  });

  test('4001 when no auth frame arrives in time', async () => {
    const server = await startServer({ authTimeoutMs: 80 });
    const client = TestClient.connect(server);
    expect(await client.closeCode()).toBe(CLOSE_CODES.authTimeout);
    expect(client.frames).toEqual([]);
  });

  test('4003 for an unknown token in the query, the header or the auth frame', async () => {
    const server = await startServer();
    expect(await TestClient.connect(server, 'token=apx_nope').closeCode()).toBe(CLOSE_CODES.invalidToken);
    expect(await TestClient.connect(server, 'token=').closeCode()).toBe(CLOSE_CODES.invalidToken);
    expect(await TestClient.connect(server, '', { Authorization: 'Bearer garbage' }).closeCode()).toBe(CLOSE_CODES.invalidToken);
    const client = TestClient.connect(server);
    await client.opened;
    client.send({ type: 'auth', token: 'apx_wrong' });
    expect(await client.closeCode()).toBe(CLOSE_CODES.invalidToken);
    expect(client.frames.some((f) => f.type === 'welcome')).toBe(false);
  });

  test('4004 for a token already expired at connect', async () => {
    let now = 1_000_000;
    const server = await startServer({ now: () => now, tokenTtlMs: 1000 });
    const token = await login(server);
    now += 1000;
    expect(await TestClient.connect(server, `token=${token}`).closeCode()).toBe(CLOSE_CODES.tokenExpired);
    const viaFrame = TestClient.connect(server);
    await viaFrame.opened;
    viaFrame.send({ type: 'auth', token });
    expect(await viaFrame.closeCode()).toBe(CLOSE_CODES.tokenExpired);
  });

  test('4004 the moment the token expires mid-session', async () => {
    const server = await startServer({ tokenTtlMs: 250 });
    const token = await login(server);
    const started = Date.now();
    const { client } = await TestClient.authed(server, token);
    expect(await client.closeCode()).toBe(CLOSE_CODES.tokenExpired);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(150);
    expect(elapsed).toBeLessThan(1500);
  });

  test('4005 on logout for that token only; polls with it get 401', async () => {
    const server = await startServer();
    const token = await login(server);
    const other = await login(server);
    const { client } = await TestClient.authed(server, token);
    const { client: bystander } = await TestClient.authed(server, other);
    expect((await api(server, 'POST', '/auth/logout', { token })).status).toBe(200);
    expect(await client.closeCode()).toBe(CLOSE_CODES.sessionRevoked);
    bystander.send({ type: 'ping', id: 'still-here' });
    expect(await bystander.next('pong')).toMatchObject({ id: 'still-here' });
    const poll = await api(server, 'GET', '/events/poll?since=0', { token });
    expect(poll).toMatchObject({ status: 401, body: { error: 'Invalid authentication token' } });
    expect(await TestClient.connect(server, `token=${token}`).closeCode()).toBe(CLOSE_CODES.invalidToken);
  });
});

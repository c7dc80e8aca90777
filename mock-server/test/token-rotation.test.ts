import { afterEach, describe, expect, test } from 'bun:test';
import { CLOSE_CODES } from '../../projects/ngx-realtime/src/lib/protocol/protocol';
import { parseServerFrame } from '../../projects/ngx-realtime/src/lib/protocol/frame-validation';
import { api, login, startServer, stopAllServers, TestClient } from './helpers';

afterEach(stopAllServers);

const refresh = async (server: Parameters<typeof api>[0], token: string) =>
  (await api(server, 'POST', '/auth/refresh', { token })).body as { token: string; expiresAt: number };

describe('token rotation on an open socket', () => {
  test('auth with a fresh token of the same user answers auth_ok and moves the expiry', async () => {
    // Wide margins between the two expiries, so a loaded machine cannot blur them.
    const server = await startServer({ tokenTtlMs: 1000 });
    const first = await login(server);
    const { client, welcome } = await TestClient.authed(server, first);
    await Bun.sleep(400);
    const next = await refresh(server, first);
    client.send({ type: 'auth', token: next.token });
    const ok = await client.next('auth_ok');
    expect(parseServerFrame(JSON.stringify(ok)).ok).toBe(true);
    expect(ok.tokenExpiresAt).toBe(next.expiresAt);
    expect(ok.tokenExpiresAt).toBeGreaterThan(welcome.tokenExpiresAt);
    // Past the first token's expiry the socket is still open; it closes at the new token's.
    await Bun.sleep(welcome.tokenExpiresAt - Date.now() + 60);
    expect(client.closeInfo).toBeNull();
    expect(await client.closeCode(2000)).toBe(CLOSE_CODES.tokenExpired);
    expect(Date.now()).toBeGreaterThanOrEqual(next.expiresAt - 20);
  });

  test('a rejected token gets auth_failed and the connection keeps its old expiry', async () => {
    const server = await startServer({ tokenTtlMs: 300 });
    const token = await login(server);
    const viewer = await login(server, 'viewer');
    const { client, welcome } = await TestClient.authed(server, token);
    client.send({ type: 'auth', token: 'apx_unknown' });
    expect(await client.next('error')).toMatchObject({ code: 'auth_failed' });
    client.send({ type: 'auth', token: viewer });
    const otherUser = await client.next('error');
    expect(otherUser).toMatchObject({ code: 'auth_failed' });
    expect(otherUser.message).toContain('another user');
    expect(client.closeInfo).toBeNull();
    expect(await client.closeCode(1000)).toBe(CLOSE_CODES.tokenExpired);
    expect(Date.now()).toBeGreaterThanOrEqual(welcome.tokenExpiresAt - 20);
  });

  test('an expired token is refused without closing the socket', async () => {
    let now = 2_000_000;
    const server = await startServer({ tokenTtlMs: 10_000, now: () => now });
    const old = await login(server);
    now += 6_000;
    const fresh = await login(server);
    now += 5_000; // `old` expired, `fresh` has 1 s left
    const { client } = await TestClient.authed(server, fresh);
    client.send({ type: 'auth', token: old });
    const error = await client.next('error');
    expect(error).toMatchObject({ code: 'auth_failed' });
    expect(error.message).toContain('Token has expired');
    client.send({ type: 'ping', id: 'alive' });
    expect(await client.next('pong')).toMatchObject({ id: 'alive' });
  });

  test('after rotation the socket belongs to the new token: logging out the old one leaves it open', async () => {
    const server = await startServer();
    const first = await login(server);
    const { client } = await TestClient.authed(server, first);
    const next = await refresh(server, first);
    client.send({ type: 'auth', token: next.token });
    await client.next('auth_ok');
    expect((await api(server, 'POST', '/auth/logout', { token: first })).status).toBe(200);
    client.send({ type: 'ping', id: 'still' });
    expect(await client.next('pong')).toMatchObject({ id: 'still' });
    expect((await api(server, 'POST', '/auth/logout', { token: next.token })).status).toBe(200);
    expect(await client.closeCode()).toBe(CLOSE_CODES.sessionRevoked);
  });

  test('poll answers carry the token expiry and the server time', async () => {
    const server = await startServer();
    const token = await login(server);
    const session = await refresh(server, token);
    const poll = await api(server, 'GET', '/events/poll?since=0', { token: session.token });
    expect(poll.status).toBe(200);
    expect(poll.body.tokenExpiresAt).toBe(session.expiresAt);
    expect(Math.abs(poll.body.serverTime - Date.now())).toBeLessThan(1000);
  });
});

describe('the server drives the heartbeat', () => {
  test('pings every heartbeat.intervalMs after welcome; the next ping reports the round trip', async () => {
    const server = await startServer({ heartbeatIntervalMs: 60 });
    const { client, welcome } = await TestClient.authed(server, await login(server));
    const first = await client.next('ping', 1000);
    expect(parseServerFrame(JSON.stringify(first)).ok).toBe(true);
    expect(first.rttMs).toBeUndefined();
    expect(first.serverTime - welcome.serverTime).toBeGreaterThanOrEqual(50);
    client.send({ type: 'pong', id: first.id });
    const second = await client.next('ping', 1000);
    expect(second.id).not.toBe(first.id);
    expect(typeof second.rttMs).toBe('number');
    expect(second.rttMs).toBeGreaterThanOrEqual(0);
    expect(second.rttMs).toBeLessThan(1000);
  });

  test('a client that only answers pings stays open; one that does not is closed with 4002', async () => {
    const server = await startServer({ heartbeatIntervalMs: 50, heartbeatTimeoutMs: 300 });
    const token = await login(server);
    const { client: answering } = await TestClient.authed(server, token);
    const { client: silent } = await TestClient.authed(server, token);
    answering.socket.addEventListener('message', (e) => {
      const frame = JSON.parse(String(e.data));
      if (frame.type === 'ping') answering.send({ type: 'pong', id: frame.id });
    });
    expect(await silent.closeCode()).toBe(CLOSE_CODES.heartbeatTimeout);
    await Bun.sleep(400);
    expect(answering.closeInfo).toBeNull();
  });

  test('pongs to the server’s pings never count for the rate limit; other pongs do', async () => {
    const server = await startServer({ heartbeatIntervalMs: 10, rateLimitFrames: 3, rateLimitWindowMs: 10_000 });
    const token = await login(server);
    const { client } = await TestClient.authed(server, token);
    let answered = 0;
    client.socket.addEventListener('message', (e) => {
      const frame = JSON.parse(String(e.data));
      if (frame.type !== 'ping') return;
      answered++;
      client.send({ type: 'pong', id: frame.id });
    });
    await Bun.sleep(250);
    expect(answered).toBeGreaterThan(5);
    expect(client.closeInfo).toBeNull();
    for (let i = 0; i < 4; i++) client.send({ type: 'pong', id: `made-up-${i}` });
    expect(await client.closeCode()).toBe(CLOSE_CODES.rateLimited);
  });

  test('no pings before authentication, and none after close', async () => {
    const server = await startServer({ heartbeatIntervalMs: 20, authTimeoutMs: 500 });
    const client = TestClient.connect(server);
    await client.opened;
    await Bun.sleep(100);
    expect(client.frames).toEqual([]);
    client.send({ type: 'auth', token: await login(server) });
    await client.next('welcome');
    await client.next('ping');
    client.close();
    await client.closed;
    await Bun.sleep(60);
    expect(server.context.hub.all.size).toBe(0);
  });
});

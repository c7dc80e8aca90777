import { afterEach, describe, expect, test } from 'bun:test';
import net from 'node:net';
import { MAX_KEY_BYTES } from '../../projects/ngx-realtime/src/lib/protocol/protocol';
import { api, login, putKey, startServer, stopAllServers } from './helpers';

afterEach(stopAllServers);

/**
 * One request exactly as written, path and all: fetch() resolves "." and ".." segments before
 * sending, so only a raw socket shows what the server does with them.
 */
function rawPut(port: number, path: string, token: string): Promise<{ status: number; body: any }> {
  const body = JSON.stringify({ value: 'v' });
  const request = `PUT ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`;
  return new Promise((resolve, reject) => {
    let answer = '';
    const socket = net.connect(port, '127.0.0.1', () => socket.write(request));
    socket.on('data', (data) => (answer += data));
    socket.on('error', reject);
    socket.on('close', () => {
      const [head, text] = answer.split('\r\n\r\n');
      resolve({ status: Number(head!.split(' ')[1]), body: JSON.parse(text!) });
    });
  });
}

const EMPTY = 'Key must not be empty (URLs resolve "." and ".." path segments, so the keys "." and ".." cannot be sent)';

describe('key names a URL path cannot carry', () => {
  test('"." arrives as the empty key: a 400 naming the rule; ".." arrives as another path; nothing is written', async () => {
    const server = await startServer();
    const token = await login(server);
    for (const path of ['/keys/.', '/keys/%2E', '/keys/%2e', '/keys/', '/keys/a/..']) {
      expect(await rawPut(server.port, path, token)).toEqual({ status: 400, body: { error: EMPTY } });
    }
    // The server is handed "/" for these: no key route at all.
    for (const path of ['/keys/..', '/keys/%2E%2E', '/keys/.%2e']) {
      expect(await rawPut(server.port, path, token)).toEqual({ status: 404, body: { error: 'Not found' } });
    }
    // A client that sends them anyway (fetch resolves the path the same way) sees the same answers.
    expect(await putKey(server, token, '.', 'v')).toMatchObject({ status: 400, body: { error: EMPTY } });
    expect(await putKey(server, token, '..', 'v')).toMatchObject({ status: 404 });
    expect(server.context.log.lastSeq).toBe(0);
    expect((await api(server, 'GET', '/keys', { token })).body.total).toBe(0);
  });

  test('dots that are not a whole segment, and encoded slashes, are ordinary keys', async () => {
    const server = await startServer();
    const token = await login(server);
    const keys = ['...', '.hidden', 'a.', '..a', 'a/../b', '../x', './', '%2E'];
    for (const key of keys) expect((await putKey(server, token, key, key)).status).toBe(200);
    for (const key of keys) {
      expect((await api(server, 'GET', `/keys/${encodeURIComponent(key)}`, { token })).body).toEqual({ key, value: key, cf: 'default' });
    }
  });

  test(`keys up to ${MAX_KEY_BYTES} bytes of UTF-8 are taken; longer ones are a 400 on every key route`, async () => {
    const server = await startServer();
    const token = await login(server);
    expect(MAX_KEY_BYTES).toBe(1024);
    const longest = 'é'.repeat(512); // 2 bytes each: 1024 bytes, 512 characters
    expect((await putKey(server, token, longest, 'v')).status).toBe(200);
    expect((await api(server, 'GET', `/keys/${encodeURIComponent(longest)}`, { token })).body.key).toBe(longest);
    const tooLong = `${longest}a`;
    const error = { error: 'Key must be at most 1024 bytes of UTF-8, got 1025' };
    expect(await putKey(server, token, tooLong, 'v')).toMatchObject({ status: 400, body: error });
    for (const method of ['GET', 'DELETE']) {
      expect(await api(server, method, `/keys/${encodeURIComponent(tooLong)}`, { token })).toMatchObject({ status: 400, body: error });
    }
    expect(server.context.log.lastSeq).toBe(1);
  });
});

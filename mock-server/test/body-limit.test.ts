import { afterEach, describe, expect, test } from 'bun:test';
import net from 'node:net';
import { MAX_REQUEST_BODY_BYTES } from '../../projects/ngx-realtime/src/lib/protocol/protocol';
import { api, login, startServer, stopAllServers } from './helpers';

afterEach(stopAllServers);

const TOO_LARGE = {
  error: 'Request body is too large: the limit is 1 MiB (1048576 bytes)',
  limitBytes: 1048576,
};

/** A PUT body of exactly `bytes` bytes: `{"value":"xxx..."}`. */
const putBody = (bytes: number) => `{"value":"${'x'.repeat(bytes - '{"value":""}'.length)}"}`;

/** A chunked request body (no Content-Length): `{"value":"xxx..."}` sent in `chunks` pieces of 64 KiB, then `"}`. */
function chunked(chunks: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      sent++;
      if (sent === 1) controller.enqueue(new TextEncoder().encode('{"value":"'));
      if (sent <= chunks) return controller.enqueue(new TextEncoder().encode('x'.repeat(65_536)));
      controller.enqueue(new TextEncoder().encode('"}'));
      controller.close();
    },
  });
}

/** Sends raw bytes on a socket and resolves with what the server answers before closing. */
function rawRequest(port: number, text: string): Promise<string> {
  return new Promise((resolve) => {
    let answer = '';
    const socket = net.connect(port, '127.0.0.1', () => socket.write(text));
    socket.on('data', (data) => {
      answer += data;
      if (answer.includes('\r\n\r\n') && answer.endsWith('}')) socket.destroy();
    });
    socket.on('close', () => resolve(answer));
    socket.on('error', () => resolve(answer));
  });
}

describe('request body limit', () => {
  test('exactly the limit is accepted whole; one byte more is a JSON 413 naming the limit, with no event', async () => {
    const server = await startServer();
    const token = await login(server);
    expect(MAX_REQUEST_BODY_BYTES).toBe(1048576);
    const atLimit = await api(server, 'PUT', '/keys/big', { token, body: putBody(MAX_REQUEST_BODY_BYTES) });
    expect(atLimit.status).toBe(200);
    expect((await api(server, 'GET', '/keys/big', { token })).body.value.length).toBe(MAX_REQUEST_BODY_BYTES - 12);
    const seq = server.context.log.lastSeq;

    const over = await api(server, 'PUT', '/keys/big2', { token, body: putBody(MAX_REQUEST_BODY_BYTES + 1) });
    expect(over.status).toBe(413);
    expect(over.headers.get('content-type')).toContain('application/json');
    expect(over.headers.get('access-control-allow-origin')).toBe('*');
    expect(over.body).toEqual(TOO_LARGE);
    const huge = await api(server, 'PUT', '/keys/big2', { token, body: putBody(2 * 1024 * 1024) });
    expect(huge).toMatchObject({ status: 413, body: TOO_LARGE });
    expect(server.context.log.lastSeq).toBe(seq);
    expect((await api(server, 'GET', '/keys/big2', { token })).status).toBe(404);
  });

  test('every route that takes a body answers the same 413', async () => {
    const server = await startServer({ chaos: true });
    const big = putBody(2 * 1024 * 1024);
    expect(await api(server, 'POST', '/auth/login', { body: big })).toMatchObject({ status: 413, body: TOO_LARGE });
    expect(await api(server, 'POST', '/__chaos/stall', { body: big })).toMatchObject({ status: 413, body: TOO_LARGE });
  });

  test('a chunked body is read up to the limit: under it is accepted, past it is a 413', async () => {
    const server = await startServer();
    const token = await login(server);
    const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
    const send = (chunks: number) =>
      fetch(`${server.url}/keys/streamed`, { method: 'PUT', headers, body: chunked(chunks), duplex: 'half' } as RequestInit);
    // 10 chunks of 64 KiB: under the limit, read whole.
    expect((await send(10)).status).toBe(200);
    expect((await api(server, 'GET', '/keys/streamed', { token })).body.value.length).toBe(10 * 65_536);
    // 40 chunks = 2.5 MiB: refused once the server has read past 1 MiB; the old value stays.
    const over = await send(40);
    expect(over.status).toBe(413);
    expect(await over.json()).toEqual(TOO_LARGE);
    expect((await api(server, 'GET', '/keys/streamed', { token })).body.value.length).toBe(10 * 65_536);
  });

  test('a declared size far over the limit is refused before reading, and the server keeps serving', async () => {
    const server = await startServer();
    const answer = await rawRequest(
      server.port,
      'PUT /keys/x HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10000000000\r\n\r\n{"value":',
    );
    expect(answer).toStartWith('HTTP/1.1 413');
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toEqual(TOO_LARGE);
    expect((await api(server, 'GET', '/health')).status).toBe(200);
  });
});

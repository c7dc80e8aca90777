import { fromBase64 } from './ignis-encryption';
import { ignisProtocol } from './ignis-protocol';
import type { ConnectContext, ConnectRequest } from './realtime-protocol';
import { IgnisServerCrypto, RECORDED, publicKeyOf, recordingSink, until } from './ignis-test-server.spec';

const context = (token = 't1'): ConnectContext => ({
  url: 'wss://api.example.com/ws',
  transport: 'websocket',
  token,
  position: null,
  batching: true,
  authMode: 'query',
  params: {},
});

async function firstFrames(request: ConnectRequest): Promise<readonly string[]> {
  return (await request.firstFrames) ?? [];
}

describe('ignisProtocol()', () => {
  describe('without encryption', () => {
    it('authenticates in a first frame with the data credentials(token) makes, {token} by default', async () => {
      const plain = ignisProtocol().connect(context('t1'));
      expect(plain.url).toBe('wss://api.example.com/ws');
      expect(plain.firstFrames).toEqual(['{"event":"authenticate","data":{"token":"t1"}}']);
      expect(plain.state).toBeUndefined();
      const custom = ignisProtocol({ credentials: (token) => ({ jwt: token, device: 'web' }) }).connect(context('t2'));
      expect(custom.firstFrames).toEqual(['{"event":"authenticate","data":{"jwt":"t2","device":"web"}}']);
      const later = ignisProtocol({ credentials: async (token) => ({ token: `signed:${token}` }) }).connect(context('t3'));
      expect(Array.isArray(later.firstFrames)).toBeFalse();
      expect(await firstFrames(later)).toEqual(['{"event":"authenticate","data":{"token":"signed:t3"}}']);
    });

    it('is ready on connected, which it also delivers (client id and user), and delivers app frames as {type, data}', () => {
      const protocol = ignisProtocol();
      const { sink, calls } = recordingSink();
      protocol.read(RECORDED.connected, sink);
      protocol.read(RECORDED.orderUpdated, sink);
      protocol.read('{"event":"ping.sent"}', sink);
      expect(calls).toEqual([
        ['ready', { position: null, detail: JSON.parse(RECORDED.connected).data }],
        ['volatile', { type: 'connected', data: { id: '47ee1ec4-2d92-4ed7-b72e-569bf44880c0', userId: 'user-1', time: '2026-12-07T07:00:12.838Z' } }],
        ['event', { type: 'order.updated', data: { id: 1 } }],
        ['event', { type: 'ping.sent', data: undefined }],
      ] as never);
    });

    it('reports error frames on errors$ (server_error) and never delivers them', () => {
      const { sink, calls } = recordingSink();
      ignisProtocol().read(RECORDED.authFailed, sink);
      ignisProtocol().read(RECORDED.notAuthenticated, sink);
      ignisProtocol().read('{"event":"error"}', sink);
      expect(calls).toEqual([
        ['error', 'server_error', 'Authentication failed', { message: 'Authentication failed' }],
        ['error', 'server_error', 'Not authenticated', { message: 'Not authenticated' }],
        ['error', 'server_error', 'the server reported an error', undefined],
      ]);
    });

    it('reports malformed frames as invalid and delivers none of them', () => {
      const { sink, calls } = recordingSink();
      const protocol = ignisProtocol();
      const bad: unknown[] = [
        'not json',
        '[1,2]',
        '"text"',
        'null',
        '{"data":{"id":1}}',
        '{"event":""}',
        '{"event":5,"data":{}}',
        new ArrayBuffer(4),
        '{"event":"connected","data":{"userId":"u"}}',
        '{"event":"connected","data":{"id":"c","userId":7}}',
        '{"event":"encrypted","data":{"iv":"AAAAAAAAAAAAAAAA","ct":"AAAA"}}',
      ];
      for (const frame of bad) protocol.read(frame, sink);
      expect(calls.map((c) => c[0])).toEqual(bad.map(() => 'invalid'));
      expect(calls.map((c) => c[1])).toEqual(bad.map(() => 'invalid_frame'));
      expect(calls.at(-1)![2]).toContain('{encryption: true}');
    });

    it('joins and leaves rooms, and sends the client heartbeat, in its own frames', () => {
      const protocol = ignisProtocol();
      expect(protocol.capabilities).toEqual({
        replay: false,
        serverHeartbeat: false,
        rotation: false,
        batching: false,
        rooms: true,
        transports: ['websocket'],
        clientHeartbeat: { intervalMs: 20_000 },
      });
      const membership = protocol.rooms!.membership();
      expect(membership.sync(['orders', 'user:7'])).toEqual(['{"event":"join","data":{"rooms":["orders","user:7"]}}']);
      expect(membership.sync(['user:7'])).toEqual(['{"event":"leave","data":{"rooms":["orders"]}}']);
      expect(protocol.heartbeatFrame!()).toBe('{"event":"heartbeat"}');
      expect(ignisProtocol({ heartbeatIntervalMs: 5_000 }).capabilities.clientHeartbeat).toEqual({ intervalMs: 5_000 });
      expect(protocol.rotate('t')).toBeNull();
      expect(protocol.ping('p')).toBeNull();
    });

    it('maps its close codes: 4003 ends unauthorized, 4001/4002/1001 reconnect, 4004 ends (protocol)', () => {
      const protocol = ignisProtocol();
      const codes = [4003, 4001, 4002, 1001, 4004, 1006, 1009];
      expect(codes.map((code) => protocol.closeReason!(code))).toEqual([
        'unauthorized',
        'protocol',
        'heartbeat_timeout',
        'server_shutdown',
        'protocol',
        'network',
        'protocol',
      ]);
      expect(codes.filter((code) => protocol.closeIsFinal!(code))).toEqual([4004]);
    });

    it('throws ngx-realtime: errors for options it cannot use', () => {
      expect(() => ignisProtocol({ heartbeatIntervalMs: 0 })).toThrowError(/^ngx-realtime: ignisProtocol\(\{heartbeatIntervalMs\}\) must be a positive number/);
      expect(() => ignisProtocol({ encryption: 'yes' as never })).toThrowError(/^ngx-realtime: ignisProtocol\(\{encryption\}\) must be true or false/);
      expect(() => ignisProtocol({ credentials: { token: 't' } as never })).toThrowError(/^ngx-realtime: ignisProtocol\(\{credentials\}\) must be a function/);
      expect(() => ignisProtocol({ hkdfInfo: '' })).toThrowError(/^ngx-realtime: ignisProtocol\(\{hkdfInfo\}\)/);
      expect(() => ignisProtocol(null as never)).toThrowError(/^ngx-realtime: ignisProtocol\(\) takes an options object/);
    });
  });

  describe('with encryption', () => {
    /** Connects, plays the server's handshake, and reads its connected frame. */
    async function handshake(options: Parameters<typeof ignisProtocol>[0] = {}) {
      const protocol = ignisProtocol({ encryption: true, ...options });
      const request = protocol.connect(context('t1'));
      const [authenticate] = await firstFrames(request);
      const server = await IgnisServerCrypto.handshake(publicKeyOf(authenticate!));
      const { sink, calls } = recordingSink();
      const read = (data: unknown) => protocol.read(data, sink, request.state);
      return { protocol, request, authenticate: authenticate!, server, sink, calls, read };
    }

    it('sends a fresh P-256 public key (raw 65 bytes, base64) beside the app data in authenticate', async () => {
      const protocol = ignisProtocol({ encryption: true, credentials: (token) => ({ jwt: token }) });
      const a = protocol.connect(context('t1'));
      const b = protocol.connect(context('t1'));
      expect(a.state).toBeDefined();
      expect(a.state).not.toBe(b.state);
      const [frameA] = await firstFrames(a);
      const [frameB] = await firstFrames(b);
      const data = JSON.parse(frameA!).data as { jwt: string; publicKey: string };
      expect(JSON.parse(frameA!).event).toBe('authenticate');
      expect(data.jwt).toBe('t1');
      const raw = fromBase64(data.publicKey, 'publicKey');
      expect(raw.length).toBe(65);
      expect(raw[0]).toBe(0x04); // an uncompressed point
      expect(publicKeyOf(frameB!)).not.toBe(data.publicKey); // one key pair per connection
    });

    it('derives the key from connected, is ready once it has it, and delivers decrypted events in order', async () => {
      const { server, calls, read } = await handshake();
      read(server.connected('client-9'));
      read(await server.seal('order.updated', { orderId: 'o1' }));
      read(await server.seal('order.updated', { orderId: 'o2' }));
      read(await server.seal('order.shipped', { orderId: 'o1', carrier: 'dhl' }));
      await until('three events', () => calls.filter((c) => c[0] === 'event').length === 3);
      expect(calls.map((c) => c[0])).toEqual(['ready', 'volatile', 'event', 'event', 'event']);
      expect(calls[1]![1]).toEqual({ type: 'connected', data: { id: 'client-9', userId: 'user-1', time: '2026-12-07T07:00:12.836Z' } } as never);
      expect(calls.slice(2).map((c) => c[1])).toEqual([
        { type: 'order.updated', data: { orderId: 'o1' } },
        { type: 'order.updated', data: { orderId: 'o2' } },
        { type: 'order.shipped', data: { orderId: 'o1', carrier: 'dhl' } },
      ] as never);
    });

    it('keeps arrival order when an earlier frame takes longer to decrypt', async () => {
      const { server, calls, read } = await handshake();
      read(server.connected());
      const slow = await server.seal('n', { i: 1 });
      const fast = [await server.seal('n', { i: 2 }), await server.seal('n', { i: 3 })];
      await until('ready', () => calls.some((c) => c[0] === 'ready'));
      const real = crypto.subtle.decrypt.bind(crypto.subtle);
      let first = true;
      spyOn(crypto.subtle, 'decrypt').and.callFake((...args: Parameters<SubtleCrypto['decrypt']>) => {
        const result = real(...args);
        if (!first) return result;
        first = false;
        return new Promise((resolve) => setTimeout(() => resolve(result), 60));
      });
      read(slow);
      for (const frame of fast) read(frame);
      await until('three events', () => calls.filter((c) => c[0] === 'event').length === 3);
      expect(calls.filter((c) => c[0] === 'event').map((c) => (c[1] as unknown as { data: { i: number } }).data.i)).toEqual([1, 2, 3]);
    });

    it('reports a frame that fails to decrypt on errors$ and never delivers it; the next ones still arrive', async () => {
      const { server, calls, read } = await handshake();
      read(server.connected());
      read(await server.seal('n', { i: 1 }));
      read(await server.sealTampered('n', { i: 2 }));
      read('{"event":"encrypted","data":{"iv":"short","ct":"AAAA"}}');
      read('{"event":"encrypted","data":{"ct":"AAAA"}}');
      read(await server.seal('n', { i: 3 }));
      await until('the last event', () => calls.filter((c) => c[0] === 'event').length === 2);
      expect(calls.slice(2).map((c) => [c[0], c[1]])).toEqual([
        ['event', { type: 'n', data: { i: 1 } }],
        ['invalid', 'decrypt_failed'],
        ['invalid', 'decrypt_failed'],
        ['invalid', 'decrypt_failed'],
        ['event', { type: 'n', data: { i: 3 } }],
      ] as never);
      expect(calls[3]![2]).toContain('failed to decrypt');
    });

    it('drops app events that arrive unencrypted, and still reports error frames', async () => {
      const { server, calls, read } = await handshake();
      read(server.connected());
      read(RECORDED.orderUpdated);
      read(RECORDED.notAuthenticated);
      read(await server.seal('error', { message: 'Already authenticated' }));
      await until('three reports', () => calls.length === 5);
      expect(calls.slice(2).map((c) => [c[0], c[1], c[2]])).toEqual([
        ['invalid', 'unencrypted_frame', '"order.updated" arrived unencrypted on an encrypted connection: dropped'],
        ['error', 'server_error', 'Not authenticated'],
        ['error', 'server_error', 'Already authenticated'],
      ]);
    });

    it("says what to fix and stops when the server encrypts connected (the documented example's bug)", async () => {
      const { server, calls, read } = await handshake();
      read(await server.seal('connected', { id: 'c', serverPublicKey: server.serverPublicKey, salt: server.salt }));
      await until('the report', () => calls.length === 2);
      expect(calls[0]![0]).toBe('error');
      expect(calls[0]![1]).toBe('encryption_failed');
      expect(calls[0]![2]).toContain("return null from the outboundTransformer when event === 'connected'");
      expect(calls[1]).toEqual(['closing', 4004, 'Encryption handshake failed']);
    });

    it('never falls back to plain text: connected without keys, or with keys that do not work, stops', async () => {
      const plain = await handshake();
      plain.read(RECORDED.connected);
      await until('the report', () => plain.calls.length === 2);
      expect(plain.calls.map((c) => [c[0], c[1]])).toEqual([
        ['error', 'encryption_failed'],
        ['closing', 4004],
      ] as never);
      expect(plain.calls[0]![2]).toContain('no serverPublicKey and salt');

      const broken = await handshake();
      broken.read(JSON.stringify({ event: 'connected', data: { id: 'c', serverPublicKey: 'AAAA', salt: broken.server.salt } }));
      await until('the report', () => broken.calls.length === 2);
      expect(broken.calls.map((c) => [c[0], c[1]])).toEqual([
        ['error', 'encryption_failed'],
        ['closing', 4004],
      ] as never);
    });

    it('reads with the hkdfInfo the server uses', async () => {
      const protocol = ignisProtocol({ encryption: true, hkdfInfo: 'my-app-v2' });
      const request = protocol.connect(context());
      const [authenticate] = await firstFrames(request);
      const server = await IgnisServerCrypto.handshake(publicKeyOf(authenticate!), 'my-app-v2');
      const { sink, calls } = recordingSink();
      protocol.read(server.connected(), sink, request.state);
      protocol.read(await server.seal('n', 1), sink, request.state);
      await until('the event', () => calls.some((c) => c[0] === 'event'));
      expect(calls.at(-1)).toEqual(['event', { type: 'n', data: 1 }] as never);
    });

    it('refuses credentials that are not an object (the public key goes into them), and a read without its state', async () => {
      const protocol = ignisProtocol({ encryption: true, credentials: (token) => token as never });
      await expectAsync(firstFrames(protocol.connect(context()))).toBeRejectedWithError(/^ngx-realtime: ignisProtocol\(\{encryption: true\}\) adds its public key/);
      expect(() => protocol.read(RECORDED.connected, recordingSink().sink)).toThrowError(/^ngx-realtime: ignisProtocol\(\{encryption: true\}\)\.read\(\) needs the state/);
    });
  });
});

import { resolveSseUrl } from '../config/realtime-config';
import { apexStoreCdc } from './apexstore-cdc';
import type { ApexStoreKeyChange } from './apexstore-cdc-codec';
import type { ConnectContext, ProtocolSink, RealtimeProtocol } from './realtime-protocol';

/*
 * ApexStore 2.2's change stream, read from frames as its server writes them (serde_json of
 * `CdcEvent`: `key` as lowercase hex, `value` as an array of bytes, `timestamp` in nanoseconds).
 */

type Call = [name: string, ...args: unknown[]];

function recorder(): { sink: ProtocolSink; calls: Call[] } {
  const calls: Call[] = [];
  const record =
    (name: string) =>
    (...args: unknown[]) =>
      calls.push([name, ...args]);
  const sink: ProtocolSink = {
    ready: record('ready'),
    event: record('event'),
    events: record('events'),
    volatile: record('volatile'),
    heartbeat: record('heartbeat'),
    pong: record('pong'),
    gap: record('gap'),
    advance: record('advance'),
    tokenAccepted: record('tokenAccepted'),
    tokenRefused: record('tokenRefused'),
    closing: record('closing'),
    error: record('error'),
    invalid: record('invalid'),
  };
  return { sink, calls };
}

/** What one frame made the protocol call. */
function read(data: unknown, protocol: RealtimeProtocol = apexStoreCdc()): Call[] {
  const { sink, calls } = recorder();
  protocol.read(data, sink);
  return calls;
}

/** The one event a frame delivered (fails the spec otherwise). */
function eventOf(data: string): ApexStoreKeyChange {
  const calls = read(data);
  expect(calls.map((c) => c[0])).toEqual(['event']);
  return calls[0]![1] as ApexStoreKeyChange;
}

const hex = (text: string) => Array.from(new TextEncoder().encode(text), (b) => b.toString(16).padStart(2, '0')).join('');
const bytes = (text: string) => JSON.stringify(Array.from(new TextEncoder().encode(text)));
const putFrame = (keyHex: string, value: string, timestamp = '1733550000123456789') =>
  `{"type":"put","cf":"default","key":"${keyHex}","value":${value},"timestamp":${timestamp}}`;

function context(overrides: Partial<ConnectContext> = {}): ConnectContext {
  return {
    url: 'https://store.example.com/events',
    transport: 'sse',
    token: 'tok',
    position: null,
    batching: true,
    authMode: 'query',
    params: {},
    ...overrides,
  };
}

describe('apexStoreCdc()', () => {
  describe('reading frames', () => {
    it('reads "connected" as ready without a position, keeping the message as detail', () => {
      const calls = read('{"type":"connected","message":"CDC event stream connected"}');
      expect(calls).toEqual([['ready', { position: null, detail: { type: 'connected', message: 'CDC event stream connected' } }]]);
    });

    it('reads a put into a key_change like the native one, without seq, the key decoded from hex', () => {
      const event = eventOf('{"type":"put","cf":"default","key":"68656c6c6f","value":[119,111,114,108,100],"timestamp":1733550000123456789}');
      expect(event).toEqual({
        type: 'key_change',
        operation: 'put',
        cf: 'default',
        key: 'hello',
        keyHex: '68656c6c6f',
        keyEncoding: 'utf-8',
        value: 'world',
        timestamp: 1733550000123,
      });
      expect('seq' in event).toBeFalse();
    });

    it('decodes multi-byte UTF-8 keys and values', () => {
      const cafe = eventOf(putFrame('636166c3a9', '[226,130,172]'));
      expect([cafe.key, cafe.value, cafe.keyEncoding]).toEqual(['caf\u00e9', '\u20ac', 'utf-8']);
      const nihon = eventOf(putFrame('e697a5e69cac', '[230,151,165,230,156,172]'));
      expect([nihon.key, nihon.keyHex, nihon.value]).toEqual(['\u65e5\u672c', 'e697a5e69cac', '\u65e5\u672c']);
      const emoji = eventOf(putFrame(hex('user:\u{1f600}'), bytes('\u{1f600} ok')));
      expect([emoji.key, emoji.value]).toEqual(['user:\u{1f600}', '\u{1f600} ok']);
    });

    it('keeps a leading byte order mark: it is part of the key and of the value', () => {
      const event = eventOf(putFrame('efbbbf61', '[239,187,191,98]'));
      expect(event.key).toBe('\ufeffa');
      expect(event.value).toBe('\ufeffb');
    });

    it('gives a key that is not valid UTF-8 as its hex, and says so', () => {
      for (const keyHex of ['757365723aff', 'c328', 'ed9fbf' + 'eda080', 'f0']) {
        const event = eventOf(putFrame(keyHex, '[49]'));
        expect(event).withContext(keyHex).toEqual(jasmine.objectContaining({ key: keyHex, keyHex, keyEncoding: 'hex', value: '1' }));
      }
    });

    it('decodes values leniently, as GET /keys/{key} does: bad bytes become U+FFFD; an empty value is ""', () => {
      expect(eventOf(putFrame('6b', '[104,255,105]')).value).toBe('h\ufffdi');
      expect(eventOf(putFrame('6b', '[]')).value).toBe('');
    });

    it('gives the timestamp in exact milliseconds, from nanoseconds above 2^53', () => {
      expect(eventOf(putFrame('6b', '[]', '1733550000123456789')).timestamp).toBe(1733550000123);
      // JSON.parse rounds this up to ...124000000 ns; the frame's digits still say ...123 ms.
      expect(eventOf(putFrame('6b', '[]', '1733550000123999999')).timestamp).toBe(1733550000123);
      expect(eventOf(putFrame('6b', '[]', '1733550000000000000')).timestamp).toBe(1733550000000);
      expect(eventOf(putFrame('6b', '[]', '42000000000')).timestamp).toBe(42_000);
      // Written by hand with a space: the digits are not found where expected, division still gives the millisecond.
      const spaced = '{"type":"put","cf":"default","key":"6b","value":[],"timestamp": 1733550000123456789}';
      expect(eventOf(spaced).timestamp).toBe(1733550000123);
    });

    it('reads a delete without a value', () => {
      const event = eventOf('{"type":"delete","cf":"default","key":"757365723a31","timestamp":1733550000999000001}');
      expect(event).toEqual({
        type: 'key_change',
        operation: 'delete',
        cf: 'default',
        key: 'user:1',
        keyHex: '757365723a31',
        keyEncoding: 'utf-8',
        timestamp: 1733550000999,
      });
      expect('value' in event).toBeFalse();
    });

    it('reads lag as a gap of the skipped changes', () => {
      expect(read('{"type":"lag","skipped":300}')).toEqual([['gap', { reason: 'lag', position: null, skipped: 300 }]]);
    });

    it('reports every malformed frame with invalid() and delivers nothing', () => {
      const ts = '"timestamp":1733550000123456789';
      const cases: [raw: unknown, code: string][] = [
        ['not json', 'invalid_json'],
        ['{"type":"put"', 'invalid_json'],
        ['null', 'invalid_frame'],
        ['[1,2]', 'invalid_frame'],
        ['"put"', 'invalid_frame'],
        ['{"cf":"default"}', 'invalid_frame'],
        ['{"type":7}', 'invalid_frame'],
        ['{"type":"snapshot"}', 'unknown_type'],
        ['{"type":"key_change","operation":"put","key":"a","cf":"default","value":"1","seq":1,"timestamp":1}', 'unknown_type'],
        [new TextEncoder().encode('{"type":"connected"}'), 'invalid_frame'],
        [`{"type":"put","cf":"default","key":"abc","value":[],${ts}}`, 'invalid_frame'], // odd length
        [`{"type":"put","cf":"default","key":"zz","value":[],${ts}}`, 'invalid_frame'],
        [`{"type":"put","cf":"default","key":"6G","value":[],${ts}}`, 'invalid_frame'],
        [`{"type":"put","cf":"default","key":"4A","value":[],${ts}}`, 'invalid_frame'], // hex::encode writes lowercase
        [`{"type":"put","cf":"default","key":"6b 6b","value":[],${ts}}`, 'invalid_frame'],
        [`{"type":"put","cf":"default","key":107,"value":[],${ts}}`, 'invalid_frame'],
        [`{"type":"put","cf":"default","value":[],${ts}}`, 'invalid_frame'],
        [`{"type":"put","key":"6b","value":[],${ts}}`, 'invalid_frame'],
        [`{"type":"put","cf":null,"key":"6b","value":[],${ts}}`, 'invalid_frame'],
        [`{"type":"put","cf":"default","key":"6b",${ts}}`, 'invalid_frame'], // a put needs its value
        [`{"type":"put","cf":"default","key":"6b","value":"world",${ts}}`, 'invalid_frame'],
        [`{"type":"put","cf":"default","key":"6b","value":"d29ybGQ=",${ts}}`, 'invalid_frame'],
        [`{"type":"put","cf":"default","key":"6b","value":[256],${ts}}`, 'invalid_frame'],
        [`{"type":"put","cf":"default","key":"6b","value":[-1],${ts}}`, 'invalid_frame'],
        [`{"type":"put","cf":"default","key":"6b","value":[1.5],${ts}}`, 'invalid_frame'],
        [`{"type":"put","cf":"default","key":"6b","value":["1"],${ts}}`, 'invalid_frame'],
        [`{"type":"put","cf":"default","key":"6b","value":[null],${ts}}`, 'invalid_frame'],
        [`{"type":"put","cf":"default","key":"6b","value":{"0":1},${ts}}`, 'invalid_frame'],
        ['{"type":"put","cf":"default","key":"6b","value":[]}', 'invalid_frame'],
        ['{"type":"put","cf":"default","key":"6b","value":[],"timestamp":"1733550000123456789"}', 'invalid_frame'],
        ['{"type":"put","cf":"default","key":"6b","value":[],"timestamp":-1}', 'invalid_frame'],
        ['{"type":"put","cf":"default","key":"6b","value":[],"timestamp":1.5}', 'invalid_frame'],
        [`{"type":"delete","cf":"default","key":"6b","value":[1],${ts}}`, 'invalid_frame'],
        [`{"type":"delete","cf":"default","key":"6",${ts}}`, 'invalid_frame'],
        ['{"type":"lag"}', 'invalid_frame'],
        ['{"type":"lag","skipped":-1}', 'invalid_frame'],
        ['{"type":"lag","skipped":"3"}', 'invalid_frame'],
        ['{"type":"lag","skipped":2.5}', 'invalid_frame'],
      ];
      for (const [raw, code] of cases) {
        const calls = read(raw);
        expect(calls.length).withContext(String(raw)).toBe(1);
        expect(calls[0]![0]).withContext(String(raw)).toBe('invalid');
        expect(calls[0]![1]).withContext(String(raw)).toBe(code);
        expect(typeof calls[0]![2]).withContext(String(raw)).toBe('string');
        expect(calls[0]![3]).withContext(String(raw)).toBe(raw);
      }
    });
  });

  describe('connecting', () => {
    it('reads /events on the origin of the configured url, with the token in a header and never in the URL', () => {
      const protocol = apexStoreCdc();
      const sseUrl = resolveSseUrl(null, 'wss://store.example.com/ws/events', 'https://app.example.com/', protocol.paths!.sse!);
      expect(sseUrl).toBe('https://store.example.com/events');
      const request = protocol.connect(context({ url: sseUrl }));
      expect(request).toEqual({ url: 'https://store.example.com/events', headers: { Authorization: 'Bearer tok' } });
    });

    it('sends the key prefix as ?prefix= and the operation option as ?type=; no other filter, no position, no batch', () => {
      spyOn(console, 'warn'); // about cf: the next spec
      const params = { keyPrefix: 'user:caf\u00e9/', cf: 'default', topics: 'key_change' };
      const url = new URL(apexStoreCdc({ operation: 'put' }).connect(context({ params, position: { seq: 3, epoch: 'e' } })).url);
      expect(url.origin + url.pathname).toBe('https://store.example.com/events');
      const names: string[] = [];
      url.searchParams.forEach((_, name) => names.push(name));
      expect(names.sort()).toEqual(['prefix', 'type']);
      expect(url.searchParams.get('prefix')).toBe('user:caf\u00e9/');
      expect(url.searchParams.get('type')).toBe('put');
      expect(new URL(apexStoreCdc({ operation: 'delete' }).connect(context()).url).search).toBe('?type=delete');
      expect(apexStoreCdc().connect(context()).url).toBe('https://store.example.com/events');
    });

    it('warns once in dev mode that a cf filter is not applied by the server', () => {
      const warn = spyOn(console, 'warn');
      const protocol = apexStoreCdc();
      protocol.connect(context());
      expect(warn).not.toHaveBeenCalled();
      protocol.connect(context({ params: { cf: 'logs' } }));
      protocol.connect(context({ params: { cf: 'logs' } }));
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.calls.first().args[0])).toMatch(/^ngx-realtime: .*onKeyChanges\(\{cf\}\)/);
    });

    it('opens the WebSocket only when asked and auth is off: no token in the URL, no header, no first frame', () => {
      const protocol = apexStoreCdc({ transport: 'websocket', auth: false });
      expect(protocol.capabilities.transports).toEqual(['websocket', 'sse']);
      const request = protocol.connect(context({ url: 'wss://store.example.com/ws/events', transport: 'websocket', params: { keyPrefix: 'a' } }));
      expect(request).toEqual({ url: 'wss://store.example.com/ws/events?prefix=a' });
      // Its fallback, the stream, still sends whatever token the app gave: a server without auth lets any bearer through.
      expect(protocol.connect(context()).headers).toEqual({ Authorization: 'Bearer tok' });
    });

    it('refuses, in dev mode and at the call, a WebSocket that could not carry the token', () => {
      expect(() => apexStoreCdc({ transport: 'websocket' })).toThrowError(/^ngx-realtime: apexStoreCdc\(\{transport: 'websocket'\}\) cannot send a token/);
      expect(() => apexStoreCdc({ transport: 'websocket', auth: true })).toThrowError(/auth: false/);
      expect(() => apexStoreCdc({ transport: 'websocket', auth: false })).not.toThrow();
      expect(() => apexStoreCdc({ auth: false })).not.toThrow();
      expect(() => apexStoreCdc({ transport: 'ws' as 'websocket' })).toThrowError(/^ngx-realtime: apexStoreCdc\(\{transport\}\)/);
      expect(() => apexStoreCdc({ operation: 'PUT' as 'put' })).toThrowError(/^ngx-realtime: apexStoreCdc\(\{operation\}\)/);
    });
  });

  describe('what it tells the SDK', () => {
    it('has honest capabilities: Server-Sent Events only by default, no replay, heartbeat, rotation, batching or rooms', () => {
      const protocol = apexStoreCdc();
      expect(protocol.name).toBe('apexstore-cdc');
      expect(protocol.capabilities).toEqual({ replay: false, serverHeartbeat: false, rotation: false, batching: false, rooms: false, transports: ['sse'] });
      expect(protocol.paths).toEqual({ sse: '/events' });
      expect(protocol.rotate('fresh')).toBeNull();
      expect(protocol.ping('latency')).toBeNull();
    });

    it('treats every 401 as an expired token (refreshed once), and nothing else', () => {
      const protocol = apexStoreCdc();
      expect(protocol.tokenExpired!(401, 'Invalid authentication token')).toBeTrue();
      expect(protocol.tokenExpired!(401, null)).toBeTrue();
      expect(protocol.tokenExpired!(403, 'Insufficient permissions')).toBeFalse();
      expect(protocol.closeReason).toBeUndefined();
    });

    it('lets follower tabs check relayed events: what it delivers passes, anything else does not', () => {
      const protocol = apexStoreCdc();
      const put = eventOf(putFrame('636166c3a9', '[49]'));
      const del = eventOf('{"type":"delete","cf":"default","key":"ff","timestamp":1}');
      // Relayed events crossed a structured clone.
      for (const event of [put, del]) expect(protocol.checkEvent!(structuredClone(event))).withContext(event.operation).toBeTrue();
      const bad: unknown[] = [
        null,
        'key_change',
        { ...put, type: 'put' },
        { ...put, seq: 1 },
        { ...put, operation: 'upsert' },
        { ...put, value: undefined },
        { ...put, value: [49] },
        { ...del, value: '1' },
        { ...put, cf: undefined },
        { ...put, key: 7 },
        { ...put, keyHex: 'ABC' },
        { ...put, keyEncoding: 'latin1' },
        { ...del, key: 'something else' },
        { ...put, timestamp: '1' },
        { ...put, timestamp: NaN },
        { type: 'key_change', operation: 'put', key: 'a', cf: 'default', value: '1', seq: 1, timestamp: 1 },
      ];
      for (const value of bad) expect(protocol.checkEvent!(value)).withContext(JSON.stringify(value) ?? String(value)).toBeFalse();
    });
  });
});

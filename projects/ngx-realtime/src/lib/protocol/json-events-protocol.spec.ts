import { jsonEventsProtocol } from './json-events-protocol';
import type { ConnectContext } from './realtime-protocol';
import { recordingSink } from './ignis-test-server.spec';

const context = (token: string | null = 't1'): ConnectContext => ({
  url: 'wss://api.example.com/ws?region=eu',
  transport: 'websocket',
  token,
  position: null,
  batching: true,
  authMode: 'query',
  params: {},
});

/** Frames shaped like those of AuroraBot's dashboard socket (`{type, data}`). */
const AURORA = {
  heartbeat: '{"type":"HEARTBEAT","data":{"uptime":5021,"timestamp":1767788741000}}',
  stats: '{"type":"STATS_UPDATE","data":{"guilds":12,"users":3409,"avgLatencyMs":41}}',
  event: '{"type":"NEW_EVENT","data":{"kind":"daily","userId":"184","amount":100}}',
};

/** Frames shaped like those of Fluxora's stream channel (`{event, streamId, payload, timestamp}`). */
const FLUXORA = {
  created: '{"event":"stream.created","streamId":"s-1","payload":{"rate":"10"},"timestamp":"2026-03-30T11:56:00.000Z"}',
  cancelled: '{"event":"stream.cancelled","streamId":"s-1","payload":{},"timestamp":"2026-03-30T11:57:00.000Z","type":"internal"}',
};

describe('jsonEventsProtocol()', () => {
  it('delivers {type, data} frames as they came (AuroraBot)', () => {
    const { sink, calls } = recordingSink();
    const protocol = jsonEventsProtocol();
    for (const frame of Object.values(AURORA)) protocol.read(frame, sink);
    expect(calls).toEqual(Object.values(AURORA).map((frame) => ['event', JSON.parse(frame)]));
  });

  it('names events by the field the app chose, with type set to that name (Fluxora)', () => {
    const { sink, calls } = recordingSink();
    const protocol = jsonEventsProtocol({ typeField: 'event' });
    protocol.read(FLUXORA.created, sink);
    protocol.read(FLUXORA.cancelled, sink);
    expect(calls).toEqual([
      ['event', { type: 'stream.created', event: 'stream.created', streamId: 's-1', payload: { rate: '10' }, timestamp: '2026-03-30T11:56:00.000Z' }],
      // a frame's own `type` gives way to the name
      ['event', { type: 'stream.cancelled', event: 'stream.cancelled', streamId: 's-1', payload: {}, timestamp: '2026-03-30T11:57:00.000Z' }],
    ] as never);
  });

  it('reports malformed frames as invalid and delivers none of them', () => {
    const { sink, calls } = recordingSink();
    const protocol = jsonEventsProtocol({ typeField: 'event' });
    const bad: unknown[] = ['not json', '[{"event":"a"}]', '42', 'null', '{"type":"STATS_UPDATE"}', '{"event":""}', '{"event":{"name":"a"}}', new Blob(['{}'])];
    for (const frame of bad) protocol.read(frame, sink);
    expect(calls.map((c) => [c[0], c[1]])).toEqual(bad.map(() => ['invalid', 'invalid_frame']) as never);
    expect(calls[4]![2]).toBe('the frame has no "event" naming its event');
  });

  it('is ready as soon as the socket is open: these servers say nothing first', () => {
    const { sink, calls } = recordingSink();
    jsonEventsProtocol().opened!(sink);
    expect(calls).toEqual([['ready', { position: null }]]);
  });

  it('sends the token in the query, or in a first frame, or not at all', async () => {
    expect(jsonEventsProtocol().connect(context())).toEqual({ url: 'wss://api.example.com/ws?region=eu' });
    expect(jsonEventsProtocol({ tokenQuery: 'access_token' }).connect(context('a b'))).toEqual({ url: 'wss://api.example.com/ws?region=eu&access_token=a+b' });
    expect(jsonEventsProtocol({ authFrame: (token) => ({ type: 'auth', token }) }).connect(context('t9')).firstFrames).toEqual(['{"type":"auth","token":"t9"}']);
    expect(jsonEventsProtocol({ authFrame: (token) => `AUTH ${token}` }).connect(context('t9')).firstFrames).toEqual(['AUTH t9']);
    const later = jsonEventsProtocol({ authFrame: async (token) => ({ token }) }).connect(context('t9'));
    expect(await later.firstFrames).toEqual(['{"token":"t9"}']);
    expect(jsonEventsProtocol({ tokenQuery: 'token' }).connect(context(null))).toEqual({ url: 'wss://api.example.com/ws?region=eu' });
  });

  it('has a client heartbeat only when asked, with the frame given', () => {
    expect(jsonEventsProtocol().capabilities.clientHeartbeat).toBeUndefined();
    expect(jsonEventsProtocol().heartbeatFrame).toBeUndefined();
    const protocol = jsonEventsProtocol({ heartbeat: { frame: { type: 'ping' }, intervalMs: 20_000 } });
    expect(protocol.capabilities.clientHeartbeat).toEqual({ intervalMs: 20_000 });
    expect(protocol.heartbeatFrame!()).toBe('{"type":"ping"}');
    expect(jsonEventsProtocol({ heartbeat: { frame: 'ping', intervalMs: 1 } }).heartbeatFrame!()).toBe('ping');
    expect(protocol.capabilities.replay).toBeFalse();
    expect(protocol.capabilities.rooms).toBeFalse();
  });

  it('ends the session only on the close codes the app lists', () => {
    const fluxora = jsonEventsProtocol({ typeField: 'event', finalCloseCodes: [1008, 1009] });
    expect([1006, 1008, 1009, 1001, 4001].map((code) => fluxora.closeIsFinal!(code))).toEqual([false, true, true, false, false]);
    expect(jsonEventsProtocol().closeIsFinal!(1009)).toBeFalse();
    expect(jsonEventsProtocol().closeReason).toBeUndefined(); // the usual meanings: 1008 rate_limited, 1009 protocol...
  });

  it('throws ngx-realtime: errors for options it cannot use', () => {
    expect(() => jsonEventsProtocol({ typeField: '' })).toThrowError(/^ngx-realtime: jsonEventsProtocol\(\{typeField\}\)/);
    expect(() => jsonEventsProtocol({ tokenQuery: 'token', authFrame: (t) => t })).toThrowError(/^ngx-realtime: jsonEventsProtocol\(\) takes tokenQuery or authFrame, not both/);
    expect(() => jsonEventsProtocol({ heartbeat: { frame: 'ping', intervalMs: 0 } })).toThrowError(/^ngx-realtime: jsonEventsProtocol\(\{heartbeat\}\) needs a frame and a positive intervalMs/);
    expect(() => jsonEventsProtocol({ finalCloseCodes: ['1008' as never] })).toThrowError(/^ngx-realtime: jsonEventsProtocol\(\{finalCloseCodes\}\)/);
    expect(() => jsonEventsProtocol({ authFrame: 'token' as never })).toThrowError(/^ngx-realtime: jsonEventsProtocol\(\{authFrame\}\)/);
  });
});

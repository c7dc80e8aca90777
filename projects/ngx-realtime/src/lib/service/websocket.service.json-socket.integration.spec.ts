/**
 * jsonEventsProtocol() in a real browser against servers built from what AuroraBot and Fluxora
 * publish about their sockets (integration/json-socket/): a Bun server pushing `{type, data}` frames
 * (heartbeat and stats on a schedule, events as they happen), and a `ws` server pushing
 * `{event, streamId, payload, timestamp}` that closes 1008 on flooding and 1009 on oversized client
 * frames. integration/harness.cjs runs them.
 */
import { provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRealtime, withHeartbeat, withProtocol, withReconnect } from '../config/provide-realtime';
import type { RealtimeFeature } from '../config/realtime-feature';
import { RANDOM_SOURCE } from '../platform/clock';
import { jsonEventsProtocol, type JsonEvent, type JsonEventsOptions } from '../protocol/json-events-protocol';
import type { RealtimeEvent } from '../protocol/realtime-protocol';
import type { ConnectionState } from '../stream/connection-state';
import type { RealtimeResync } from '../stream/realtime-resync';
import { callServer, countingBackend, killServer, pause, startServer, unique } from './integration-harness.spec';
import { waitFor } from './integration-test-bed.spec';
import { WebSocketService } from './websocket.service';

type NewEvent = JsonEvent<'NEW_EVENT', { data: { id: string } }>;
type StreamEvent = JsonEvent<'stream.created', { event: 'stream.created'; streamId: string; payload: { n: number }; timestamp: string }>;

function client(url: string, options: JsonEventsOptions, ...features: RealtimeFeature[]) {
  const sockets: string[] = [];
  TestBed.configureTestingModule({
    providers: [
      provideZonelessChangeDetection(),
      provideRealtime({ url }, withProtocol(jsonEventsProtocol(options)), withReconnect({ initialDelayMs: 100, maxDelayMs: 400 }), ...features),
      countingBackend(sockets),
      { provide: RANDOM_SOURCE, useValue: () => 1 },
    ],
  });
  const service = TestBed.inject(WebSocketService);
  const events: RealtimeEvent[] = [];
  const resyncs: RealtimeResync[] = [];
  const states: ConnectionState[] = [];
  service.events$.subscribe((e) => events.push(e));
  service.resync$.subscribe((r) => resyncs.push(r));
  service.connectionState$.subscribe((s) => states.push(s));
  return { service, events, resyncs, states, sockets };
}

const connected = (service: WebSocketService) => () => service.connectionState().status === 'connected';

describe('WebSocketService with jsonEventsProtocol() against plain JSON sockets (integration)', () => {
  afterEach(() => TestBed.resetTestingModule());

  describe("shaped like AuroraBot's dashboard socket ({type, data})", () => {
    it('delivers pushed and scheduled frames, and after the server is killed and restarted reconnects and resyncs', async () => {
      const name = unique('aurora');
      const url = await startServer('aurora', name, { heartbeatMs: 200, statsMs: 300 });
      // It pushes at least every 200 ms: a socket silent for 1.5 s is dead.
      const { service, events, resyncs } = client(url, {}, withHeartbeat({ timeoutMs: 1500 }));
      const news: string[] = [];
      service.on<NewEvent>('NEW_EVENT').subscribe((e) => news.push(e.data.id));
      service.connect('unused');
      await waitFor('connected', connected(service));
      await waitFor('a heartbeat and stats', () => events.some((e) => e.type === 'HEARTBEAT') && events.some((e) => e.type === 'STATS_UPDATE'));
      await callServer(name, '/event', { data: { id: 'daily-1' } });
      await waitFor('the event', () => news.includes('daily-1'));

      await killServer(name);
      await waitFor('the loss to be noticed', () => service.connectionState().status === 'reconnecting');
      await pause(500);
      await startServer('aurora', name, { heartbeatMs: 200, statsMs: 300 });
      await waitFor('connected again', connected(service), 10_000);
      await callServer(name, '/event', { data: { id: 'daily-2' } });
      await waitFor('the next event', () => news.includes('daily-2'));
      expect(resyncs.map((r) => r.reason)).toEqual(['reconnected']);
      service.disconnect();
    }, 30_000);
  });

  describe("shaped like Fluxora's stream channel ({event, streamId, payload, timestamp})", () => {
    let url: string;
    beforeAll(async () => {
      url = await startServer('fluxora', 'fluxora');
    }, 30_000);

    const broadcast = (n: number, name = 'fluxora') => callServer(name, '/broadcast', { event: 'stream.created', streamId: `s-${n}`, payload: { n } });

    it('delivers events named by their event field, and reconnects and resyncs after the server is killed and restarted', async () => {
      const name = unique('fluxora');
      const own = await startServer('fluxora', name);
      const { service, resyncs } = client(own, { typeField: 'event', finalCloseCodes: [1008, 1009] });
      const streams: string[] = [];
      service.on<StreamEvent>('stream.created').subscribe((e) => streams.push(`${e.streamId}:${e.payload.n}:${e.event}`));
      service.connect('unused');
      await waitFor('connected', connected(service));
      await broadcast(1, name);
      await waitFor('s-1', () => streams.length === 1);
      expect(streams).toEqual(['s-1:1:stream.created']);
      await killServer(name);
      await waitFor('the loss to be noticed', () => service.connectionState().status === 'reconnecting');
      await startServer('fluxora', name);
      await waitFor('connected again', connected(service), 10_000);
      await broadcast(2, name);
      await waitFor('s-2', () => streams.length === 2);
      expect(resyncs.map((r) => r.reason)).toEqual(['reconnected']);
      service.disconnect();
    }, 30_000);

    it('ends at once on 1009 when the app calls it final: its oversized first frame would be refused again', async () => {
      const { service, sockets } = client(url, { typeField: 'event', authFrame: (token) => ({ type: 'auth', token }), finalCloseCodes: [1009] });
      service.connect('x'.repeat(5000)); // over the server's 4 KiB
      await waitFor('disconnected', () => service.connectionState().status === 'disconnected');
      expect(service.connectionState()).toEqual(jasmine.objectContaining({ reason: 'protocol', lastCloseCode: 1009 }));
      await pause(600);
      expect(sockets.length).toBe(1);
    }, 20_000);

    it('ends on 1008 (rate_limited) when the app calls it final', async () => {
      // A heartbeat every 50 ms is more than the server's 10 messages in 10 s.
      const { service, sockets, states } = client(url, { typeField: 'event', heartbeat: { frame: { type: 'ping' }, intervalMs: 50 }, finalCloseCodes: [1008, 1009] });
      service.connect('unused');
      await waitFor('disconnected', () => service.connectionState().status === 'disconnected', 5000).catch((error: Error) => {
        throw new Error(`${error.message}; states: ${JSON.stringify(states)}; sockets: ${sockets.length}`);
      });
      expect(service.connectionState()).toEqual(jasmine.objectContaining({ reason: 'rate_limited', lastCloseCode: 1008 }));
      await pause(600);
      expect(sockets.length).toBe(1);
    }, 20_000);

    it('retries after 1008 when the app does not call it final', async () => {
      const { service, states, sockets } = client(url, { typeField: 'event', heartbeat: { frame: { type: 'ping' }, intervalMs: 50 } });
      service.connect('unused');
      await waitFor('1008', () => states.some((s) => s.lastCloseCode === 1008), 5000);
      expect(states.find((s) => s.lastCloseCode === 1008)).toEqual(jasmine.objectContaining({ status: 'reconnecting', reason: 'rate_limited' }));
      await waitFor('another socket', () => sockets.length >= 2);
      service.disconnect();
    }, 20_000);
  });
});

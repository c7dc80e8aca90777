import { Injectable, inject } from '@angular/core';
import {
  PROTOCOL_DEFAULTS,
  RealtimeBackend,
  RealtimeClock,
  RealtimePollError,
  type ClientFrame,
  type PollRequest,
  type PollResponse,
  type RealtimeSocket,
  type ResyncFrame,
  type SequencedEvent,
  type ServerEvent,
  type ServerFrame,
  type SocketListener,
  type RealtimeStream,
  type StreamListener,
  type StreamRequest,
  type WelcomeFrame,
} from 'ngx-realtime';
import { Observable, type Subscriber } from 'rxjs';
import { FakeServerLink, type FakeLinkState } from './fake-server-link';
import type { TestEvent, TestFrame } from './test-frames';
import { TestStream } from './test-stream';

export type { TestEvent, TestFrame } from './test-frames';

const SEQUENCED_TYPES: readonly string[] = ['key_change', 'compaction_status', 'health_change', 'sync_event', 'snapshot_event'];

/**
 * Lifecycle of a {@link TestConnection}.
 *
 * @example
 * ```ts
 * expect(controller.expectConnection().state).toBe('connecting');
 * ```
 */
export type TestConnectionState = FakeLinkState;

/**
 * One WebSocket the SDK opened against the fake backend; the spec plays the server.
 *
 * @example
 * ```ts
 * const connection = controller.expectConnection();
 * expect(connection.params.get('token')).toBe('t1');
 * connection.open({ lastSeq: 10 });
 * connection.emit({ type: 'key_change', operation: 'delete', key: 'a', cf: 'default' });
 * connection.close(4003);
 * ```
 */
export class TestConnection extends FakeServerLink {
  /** Frames the SDK sent, parsed. */
  readonly sent: ClientFrame[] = [];
  /** Raw text the SDK sent (including anything that failed to parse). */
  readonly sentRaw: string[] = [];
  private clientClose: { code: number | undefined; reason: string | undefined } | null = null;
  private pingCounter = 0;

  /** @internal */
  constructor(
    /** The URL the SDK opened, query included. */
    readonly url: string,
    private readonly listener: SocketListener,
    private readonly backend: FakeRealtimeBackend,
  ) {
    super(backend, 'connection');
  }

  /** How the SDK closed the socket, or `null` if it did not. */
  get closedByClient(): { code: number | undefined; reason: string | undefined } | null {
    return this.clientClose;
  }

  /** Sends raw data as is (invalid JSON, unknown types, binary...). */
  emitRaw(data: unknown): void {
    this.assertState('open', 'emitRaw()');
    this.listener.message(data);
  }

  /**
   * The server's heartbeat: sends `ping` (with `rttMs` when given) and returns whether the SDK
   * answered it with a `pong` at once, as it must.
   */
  ping(rttMs?: number): boolean {
    const id = `server-ping-${++this.pingCounter}`;
    const frame: ServerFrame = { type: 'ping', id, serverTime: this.server.clock.now() };
    if (rttMs !== undefined) frame.rttMs = rttMs;
    this.emit(frame);
    return this.sent.some((f) => f.type === 'pong' && f.id === id);
  }

  /** Tokens the SDK sent in `auth` frames on this socket, oldest first. */
  get authTokens(): string[] {
    return this.sent.filter((f): f is Extract<ClientFrame, { type: 'auth' }> => f.type === 'auth').map((f) => f.token);
  }

  /** Accepts the newest `auth` frame: `auth_ok` with the new expiry (default: one hour from now). */
  authOk(tokenExpiresAt = this.server.clock.now() + FakeRealtimeBackend.DEFAULT_TOKEN_TTL_MS): void {
    if (this.authTokens.length === 0) throw new Error('ngx-realtime/testing: authOk() found no auth frame to answer.');
    this.emit({ type: 'auth_ok', tokenExpiresAt, serverTime: this.server.clock.now() });
  }

  /** Refuses the newest `auth` frame, as a server does for a bad token; the socket stays open. */
  authFailed(message = 'Invalid authentication token'): void {
    this.emit({ type: 'error', code: 'auth_failed', message });
  }

  /** Answers a `ping` the SDK sent (the newest unless `id` is given). */
  pong(id?: string): void {
    const pings = this.sent.filter((f): f is Extract<ClientFrame, { type: 'ping' }> => f.type === 'ping');
    const ping = id ?? pings.at(-1)?.id;
    if (ping === undefined) throw new Error('ngx-realtime/testing: pong() found no ping to answer. Tick the clock past the heartbeat interval first.');
    this.emit({ type: 'pong', id: ping, serverTime: this.server.clock.now() });
  }

  /** The server closes the socket with `code`. */
  close(code: number, reason = ''): void {
    if (this.status === 'closed') throw new Error(`ngx-realtime/testing: close(${code}) on a connection that is already closed (${this.url}).`);
    this.status = 'closed';
    this.listener.close({ code, reason });
  }

  /** The network cuts the socket: close 1006, no close frame. */
  drop(): void {
    this.close(1006);
  }

  /** The server refuses the upgrade (e.g. a proxy answering 503). */
  refuse(): void {
    this.assertState('connecting', 'refuse()');
    this.status = 'closed';
    this.listener.close({ code: 1006, reason: '', upgradeRefused: true });
  }

  /** @internal the SDK's side of the socket */
  asSocket(): RealtimeSocket {
    return {
      send: (text: string) => {
        if (this.status !== 'open') return;
        this.sentRaw.push(text);
        try {
          this.sent.push(JSON.parse(text) as ClientFrame);
        } catch {
          // Kept in sentRaw; a spec can assert on it.
        }
      },
      close: (code?: number, reason?: string) => {
        if (this.status === 'closed') return;
        this.status = 'closed';
        this.clientClose = { code, reason };
      },
    };
  }

  /** @internal Completes the upgrade. */
  protected accepted(): void {
    this.listener.open();
  }

  /** @internal One frame as one WebSocket message. */
  protected send(json: string): void {
    this.listener.message(json);
  }

  /** @internal */
  protected connectionId(): string {
    return `test-connection-${this.backend.connections.indexOf(this) + 1}`;
  }
}

/**
 * One long-poll request the SDK made against the fake backend; the spec answers it.
 *
 * @example
 * ```ts
 * const poll = controller.expectPoll();
 * expect(poll.since).toBe(10);
 * poll.respond({ events: [{ type: 'key_change', operation: 'put', key: 'a', cf: 'default', value: '1' }] });
 * ```
 */
export class TestPoll {
  private settled = false;
  private aborted = false;

  /** @internal */
  constructor(
    readonly request: PollRequest,
    private readonly subscriber: Subscriber<PollResponse>,
    private readonly server: FakeRealtimeBackend,
  ) {}

  get url(): string {
    return this.request.url;
  }
  get token(): string {
    return this.request.token;
  }
  get since(): number | null {
    return this.request.since;
  }
  /** The epoch the SDK sent with `since` (`null` when it sent none). */
  get epoch(): string | null {
    return this.request.epoch ?? null;
  }
  get waitMs(): number {
    return this.request.waitMs;
  }
  /** Whether the SDK aborted the request (e.g. when switching back to the WebSocket). */
  get cancelled(): boolean {
    return this.aborted;
  }
  /** Whether the spec answered it. */
  get answered(): boolean {
    return this.settled;
  }

  /** Answers 200; events get seq/timestamp when missing, `lastSeq` defaults to the newest seq. */
  respond(body: { events?: TestEvent[]; lastSeq?: number; resync?: ResyncFrame; tokenExpiresAt?: number; epoch?: string } = {}): void {
    this.settle();
    const events = (body.events ?? []).map((e) => this.server.complete(e)).filter((e): e is SequencedEvent => 'seq' in e);
    const lastSeq = body.lastSeq ?? Math.max(this.server.lastSeq, events.at(-1)?.seq ?? 0, this.since ?? 0);
    const now = this.server.clock.now();
    const response: PollResponse = {
      events,
      lastSeq,
      tokenExpiresAt: body.tokenExpiresAt ?? now + FakeRealtimeBackend.DEFAULT_TOKEN_TTL_MS,
      serverTime: now,
    };
    if (body.resync) response.resync = body.resync;
    if (body.epoch) response.epoch = body.epoch;
    this.subscriber.next(response);
    this.subscriber.complete();
  }

  /** Answers with an HTTP error, e.g. `fail(401, 'Token has expired')`. */
  fail(status: number, error: string | null = null): void {
    this.settle();
    this.subscriber.error(new RealtimePollError(status, error));
  }

  /** The request fails without an answer. */
  networkError(): void {
    this.fail(0);
  }

  /** @internal */
  markCancelled(): void {
    if (!this.settled) this.aborted = true;
  }

  private settle(): void {
    if (this.settled) throw new Error(`ngx-realtime/testing: this poll (${this.url}, since=${this.since}) was already answered.`);
    if (this.aborted) throw new Error(`ngx-realtime/testing: the SDK cancelled this poll (${this.url}, since=${this.since}); it cannot be answered.`);
    this.settled = true;
  }
}

/**
 * The fake transport under `provideRealtimeTesting()`: records every socket and poll the SDK opens
 * and plays a server with its own sequence. Use it through {@link RealtimeTestingController}.
 *
 * @example
 * ```ts
 * const backend = TestBed.inject(FakeRealtimeBackend);
 * expect(backend.openSockets).toBe(0);
 * ```
 */
@Injectable()
export class FakeRealtimeBackend extends RealtimeBackend {
  /** Life of the fake server's tokens when a spec does not say (`welcome.tokenExpiresAt`, poll answers). */
  static readonly DEFAULT_TOKEN_TTL_MS = 3_600_000;
  /** @internal */
  readonly clock = inject(RealtimeClock);
  /** Every socket opened, oldest first. */
  readonly connections: TestConnection[] = [];
  /** Every poll made, oldest first. */
  readonly polls: TestPoll[] = [];
  /** Every Server-Sent Events stream opened, oldest first. */
  readonly streams: TestStream[] = [];
  /** Newest seq of the fake server's sequence. */
  lastSeq = 0;

  /** Sockets neither side has closed: after `disconnect()` this must be 0. */
  get openSockets(): number {
    return this.connections.filter((c) => c.state !== 'closed').length;
  }

  /** Polls neither answered nor cancelled. */
  get pendingPolls(): number {
    return this.polls.filter((p) => !p.answered && !p.cancelled).length;
  }

  openWebSocket(url: string, listener: SocketListener): RealtimeSocket {
    const connection = new TestConnection(url, listener, this);
    this.connections.push(connection);
    return connection.asSocket();
  }

  poll(request: PollRequest): Observable<PollResponse> {
    return new Observable<PollResponse>((subscriber) => {
      const poll = new TestPoll(request, subscriber, this);
      this.polls.push(poll);
      return () => poll.markCancelled();
    });
  }

  /** Streams neither side has ended: after `disconnect()` this must be 0. */
  get openStreams(): number {
    return this.streams.filter((s) => s.state !== 'closed').length;
  }

  openStream(request: StreamRequest, listener: StreamListener): RealtimeStream {
    const stream = new TestStream(request, listener, this);
    this.streams.push(stream);
    return stream.asStream();
  }

  /** @internal the `welcome` a connection or stream opens with, the fake sequence moved up to its `lastSeq` */
  welcome(connectionId: string, overrides: Partial<WelcomeFrame>): WelcomeFrame {
    const frame: WelcomeFrame = {
      type: 'welcome',
      protocol: 1,
      connectionId,
      userId: 'test-user',
      serverTime: this.clock.now(),
      heartbeat: { intervalMs: PROTOCOL_DEFAULTS.heartbeatIntervalMs, timeoutMs: PROTOCOL_DEFAULTS.heartbeatTimeoutMs },
      lastSeq: this.lastSeq,
      tokenExpiresAt: this.clock.now() + FakeRealtimeBackend.DEFAULT_TOKEN_TTL_MS,
      ...overrides,
    };
    this.lastSeq = Math.max(this.lastSeq, frame.lastSeq);
    return frame;
  }

  /** @internal fills in seq/timestamp and advances the fake sequence */
  complete(frame: TestFrame): ServerFrame {
    if (SEQUENCED_TYPES.includes(frame.type)) {
      const event = frame as TestEvent & { seq?: number; timestamp?: number };
      const seq = event.seq ?? this.lastSeq + 1;
      this.lastSeq = Math.max(this.lastSeq, seq);
      return { ...event, seq, timestamp: event.timestamp ?? this.clock.now() } as ServerFrame;
    }
    if (frame.type === 'stats_update') {
      return { ...frame, timestamp: frame.timestamp ?? this.clock.now() } as ServerFrame;
    }
    return frame as ServerFrame;
  }
}

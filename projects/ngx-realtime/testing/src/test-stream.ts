import type { RealtimeClock, RealtimeStream, SequencedEvent, ServerFrame, StreamListener, StreamRequest, WelcomeFrame } from 'ngx-realtime';
import type { TestEvent, TestFrame } from './test-frames';

/**
 * What a {@link TestStream} needs of the fake server behind it.
 *
 * @example
 * ```ts
 * new TestStream(request, listener, TestBed.inject(FakeRealtimeBackend));
 * ```
 */
export interface FakeStreamServer {
  readonly clock: RealtimeClock;
  readonly streams: readonly TestStream[];
  welcome(connectionId: string, overrides: Partial<WelcomeFrame>): WelcomeFrame;
  complete(frame: TestFrame): ServerFrame;
}

/**
 * A Server-Sent Events stream the SDK opened, as a spec drives it: answer it (or refuse it with an
 * HTTP status), then send frames as `data:` events through the SDK's real SSE parser, split into
 * whatever chunks the spec likes.
 *
 * @example
 * ```ts
 * const stream = controller.expectStream();
 * expect(stream.headers['Authorization']).toBe('Bearer t1');
 * stream.open();
 * stream.emit({ type: 'key_change', operation: 'put', key: 'a', cf: 'default', value: '1' });
 * stream.end(); // the server ended it: the SDK reconnects
 * ```
 */
export class TestStream {
  private status: 'connecting' | 'open' | 'closed' = 'connecting';
  private clientClosed = false;
  private welcomed = false;
  private pingCounter = 0;

  constructor(
    readonly request: StreamRequest,
    private readonly listener: StreamListener,
    private readonly server: FakeStreamServer,
  ) {}

  get url(): string {
    return this.request.url;
  }

  get params(): URLSearchParams {
    return new URL(this.request.url).searchParams;
  }

  get headers(): Readonly<Record<string, string>> {
    return this.request.headers;
  }

  get state(): 'connecting' | 'open' | 'closed' {
    return this.status;
  }

  get welcomeSent(): boolean {
    return this.welcomed;
  }

  /** The SDK aborted the stream. */
  get closedByClient(): boolean {
    return this.clientClosed;
  }

  /** Answers 200 with `text/event-stream`, sending nothing yet. */
  accept(): this {
    this.assertState('connecting', 'accept()');
    this.status = 'open';
    this.listener.open();
    return this;
  }

  /** Answers and sends `welcome` (the fake server's position unless overridden). */
  open(welcome: Partial<WelcomeFrame> = {}): this {
    if (this.status === 'connecting') this.accept();
    this.assertState('open', 'open()');
    const frame = this.server.welcome(`test-stream-${this.server.streams.indexOf(this) + 1}`, welcome);
    this.welcomed = true;
    this.emitRaw(sseEvent(JSON.stringify(frame)));
    return this;
  }

  /** Sends one frame as an SSE event (`id:` with its seq), seq and timestamp filled in like sockets'. */
  emit(frame: TestFrame): ServerFrame {
    this.assertState('open', 'emit()');
    const complete = this.server.complete(frame);
    const seq = (complete as { seq?: number }).seq;
    this.emitRaw(sseEvent(JSON.stringify(complete), seq));
    return complete;
  }

  emitBatch(events: TestEvent[]): SequencedEvent[] {
    this.assertState('open', 'emitBatch()');
    const complete = events.map((e) => this.server.complete(e) as SequencedEvent);
    this.emitRaw(sseEvent(JSON.stringify({ type: 'batch', events: complete }), complete.at(-1)?.seq));
    return complete;
  }

  /** The server's heartbeat as an event. */
  ping(): void {
    this.emit({ type: 'ping', id: `stream-ping-${++this.pingCounter}`, serverTime: this.server.clock.now() });
  }

  /** Raw body text or bytes, exactly as given (split events across calls to test chunking). */
  emitRaw(chunk: string | Uint8Array): void {
    this.assertState('open', 'emitRaw()');
    this.listener.chunk(chunk);
  }

  /** The server ends the stream in-band with a close code (`closing` frame), then the body ends. */
  closing(code: number, reason = ''): void {
    this.emit({ type: 'closing', code, reason } as unknown as TestFrame);
    if (this.status === 'open') this.end();
  }

  /** The body ends (server restart, proxy timeout, network cut). */
  end(): void {
    if (this.status === 'closed') throw new Error(`ngx-realtime/testing: end() on a stream that is already closed (${this.url}).`);
    this.status = 'closed';
    this.listener.close({ status: null });
  }

  /** Answers with an HTTP error instead of a stream, e.g. `refuse(401, 'Token has expired')` or `refuse(404)`. */
  refuse(status: number, error: string | null = null): void {
    this.assertState('connecting', 'refuse()');
    this.status = 'closed';
    this.listener.close({ status, error });
  }

  /** @internal */
  asStream(): RealtimeStream {
    return {
      close: () => {
        if (this.status === 'closed') return;
        this.status = 'closed';
        this.clientClosed = true;
      },
    };
  }

  private assertState(expected: 'connecting' | 'open', call: string): void {
    if (this.status !== expected) {
      throw new Error(`ngx-realtime/testing: ${call} needs a stream that is ${expected}, but ${this.url} is ${this.status}.`);
    }
  }
}

function sseEvent(data: string, id?: number): string {
  return `${id === undefined ? '' : `id: ${id}\n`}data: ${data}\n\n`;
}

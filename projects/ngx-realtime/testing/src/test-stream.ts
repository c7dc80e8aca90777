import type { RealtimeStream, StreamListener, StreamRequest } from 'ngx-realtime';
import { FakeServerLink, type FakeServer } from './fake-server-link';
import type { TestFrame } from './test-frames';

/**
 * What a {@link TestStream} needs of the fake server behind it.
 *
 * @example
 * ```ts
 * new TestStream(request, listener, TestBed.inject(FakeRealtimeBackend));
 * ```
 */
export interface FakeStreamServer extends FakeServer {
  readonly streams: readonly TestStream[];
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
export class TestStream extends FakeServerLink {
  private clientClosed = false;
  private pingCounter = 0;

  /** @internal */
  constructor(
    readonly request: StreamRequest,
    private readonly listener: StreamListener,
    private readonly streams: FakeStreamServer,
  ) {
    super(streams, 'stream');
  }

  /** The URL the SDK opened, query included. */
  get url(): string {
    return this.request.url;
  }

  /** The request's headers (the token travels in `Authorization`). */
  get headers(): Readonly<Record<string, string>> {
    return this.request.headers;
  }

  /** The SDK aborted the stream. */
  get closedByClient(): boolean {
    return this.clientClosed;
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

  /** @internal Answers 200 with `text/event-stream`. */
  protected accepted(): void {
    this.listener.open();
  }

  /** @internal One frame as an SSE event, `id:` its newest seq. */
  protected send(json: string, seq?: number): void {
    this.emitRaw(sseEvent(json, seq));
  }

  /** @internal */
  protected connectionId(): string {
    return `test-stream-${this.streams.streams.indexOf(this) + 1}`;
  }
}

function sseEvent(data: string, id?: number): string {
  return `${id === undefined ? '' : `id: ${id}\n`}data: ${data}\n\n`;
}

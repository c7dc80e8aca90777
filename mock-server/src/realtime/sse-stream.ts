import type { ClosingFrame } from '../../../projects/ngx-realtime/src/lib/protocol/protocol';
import { newConnectionState, type ConnectionState } from './connection-state';

/*
 * A client too slow for this much queued text is cut and resumes, rather than the server buffering
 * without end: the same bound as a WebSocket's backpressure limit. Chunks are strings, measured in
 * UTF-16 units, which is close enough to bytes for a guard.
 */
const BACKPRESSURE_LIMIT = 64 * 1024 * 1024;

/**
 * One server frame as a Server-Sent Event: `data: <frame JSON>`, after an `id: <seq>` line when the
 * frame is sequenced (a batch names its last seq). No `event:` line: the frame's `type` says it.
 *
 * @example
 * ```ts
 * sseEvent('{"type":"key_change","seq":7,...}', 7); // 'id: 7\ndata: {"type":"key_change","seq":7,...}\n\n'
 * ```
 */
export function sseEvent(text: string, seq?: number): string {
  const id = seq === undefined ? '' : `id: ${seq}\n`;
  // JSON.stringify never writes a raw line break, but a line break inside one `data:` line would
  // end the field: one `data:` line per line keeps any text whole (the reader joins them with \n).
  if (!text.includes('\n') && !text.includes('\r')) return `${id}data: ${text}\n\n`;
  return `${id}${text.split(/\r\n|\r|\n/).map((line) => `data: ${line}\n`).join('')}\n`;
}

/**
 * One `GET /events/stream` response: a realtime connection whose frames are written as Server-Sent
 * Events into the response body. It is one-way, so a server-decided end is a `closing` frame before
 * the body ends; a cut (chaos drop, a client too slow) errors the body, which the client sees as a
 * reset connection. `onGone` runs once, however it ends (the client going away included).
 *
 * @example
 * ```ts
 * const stream = new SseStream({ topics: null, filter: {}, batch: false }, (s) => hub.remove(s));
 * return new Response(stream.body, { headers: { 'Content-Type': SSE_CONTENT_TYPE } });
 * ```
 */
export class SseStream {
  readonly data: ConnectionState;
  /** The response body; Bun reads it as the client does. */
  readonly body: ReadableStream<string>;
  private controller!: ReadableStreamDefaultController<string>;

  constructor(
    init: Parameters<typeof newConnectionState>[0],
    private readonly onGone: (stream: SseStream) => void,
  ) {
    this.data = newConnectionState(init);
    this.body = new ReadableStream<string>(
      {
        start: (controller) => {
          this.controller = controller;
        },
        // The client went away (fetch aborted, connection closed).
        cancel: () => this.gone(),
      },
      { highWaterMark: 0, size: (chunk) => chunk?.length ?? 0 },
    );
  }

  /** Writes text as it is (already in SSE form); a stream too far behind is cut. */
  write(chunk: string): void {
    if (this.data.closed) return;
    try {
      this.controller.enqueue(chunk);
    } catch {
      // The body was already closed under us (the client left in this same turn).
      this.gone();
      return;
    }
    if ((this.controller.desiredSize ?? 0) < -BACKPRESSURE_LIMIT) this.terminate();
  }

  /** A server-decided end: the `closing` frame with the code a socket would get, then the end of the body. */
  end(code: number, reason: string): void {
    if (this.data.closed) return;
    const frame: ClosingFrame = { type: 'closing', code, reason };
    this.write(sseEvent(JSON.stringify(frame)));
    if (this.data.closed) return;
    this.gone();
    try {
      this.controller.close();
    } catch {
      // Already closed by the client going away: the end it asked for has happened.
    }
  }

  /** A cut with no `closing` frame: the body errors, so the client sees the connection reset. */
  terminate(): void {
    if (this.data.closed) return;
    this.gone();
    try {
      // error() with no reason: Bun resets the connection without logging anything.
      this.controller.error();
    } catch {
      // Already closed by the client going away: nothing left to cut.
    }
  }

  /** Marks the stream closed and tells its owner, once. */
  private gone(): void {
    if (this.data.closed) return;
    this.data.closed = true;
    this.onGone(this);
  }
}

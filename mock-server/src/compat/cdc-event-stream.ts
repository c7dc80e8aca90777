import type { CdcConnection } from './cdc-hub';
import type { CdcFilter } from './cdc-filter';
import { CDC_CONNECTED_TEXT } from './cdc-message';
import { CDC_IN_FLIGHT_BYTES, CdcSubscriber } from './cdc-subscriber';

/**
 * One message as ApexStore 2.2 frames it on `GET /events`: a `data:` line and a blank line. Nothing
 * else ever goes on the stream (no `id:`, `event:`, `retry:` or comment lines).
 *
 * @example
 * ```ts
 * cdcSseBlock('{"type":"lag","skipped":3}'); // 'data: {"type":"lag","skipped":3}\n\n'
 * ```
 */
export function cdcSseBlock(text: string): string {
  return `data: ${text}\n\n`;
}

/**
 * One `GET /events` response of `--compat apexstore-2.2`: ApexStore's change stream as Server-Sent
 * Events. `connected` first, then the key changes the client's filter passes. The response body's
 * own queue is what the client has not read: while it holds more than {@link CDC_IN_FLIGHT_BYTES},
 * changes wait in the subscriber (and are dropped past its capacity); Bun pulls again when the
 * client reads, which sends what waited. `onGone` runs once, however it ends.
 *
 * @example
 * ```ts
 * const stream = new CdcEventStream(filter, (gone) => hub.remove(gone));
 * hub.add(stream);
 * return new Response(stream.body, { headers: { 'Content-Type': 'text/event-stream' } });
 * ```
 */
export class CdcEventStream implements CdcConnection {
  readonly subscriber: CdcSubscriber;
  /** The response body; Bun reads it as the client takes data. */
  readonly body: ReadableStream<string>;
  private controller!: ReadableStreamDefaultController<string>;
  private done = false;

  constructor(
    filter: CdcFilter,
    private readonly onGone: (stream: CdcEventStream) => void,
  ) {
    this.subscriber = new CdcSubscriber(filter, {
      ready: () => !this.done && (this.controller.desiredSize ?? 0) > 0,
      write: (text) => this.write(cdcSseBlock(text)),
    });
    this.body = new ReadableStream<string>(
      {
        start: (controller) => {
          this.controller = controller;
          controller.enqueue(cdcSseBlock(CDC_CONNECTED_TEXT));
        },
        // Bun pulls when the client has read what was queued: what waited can go now.
        pull: () => this.subscriber.flush(),
        // The client went away (fetch aborted, connection closed).
        cancel: () => {
          this.gone();
        },
      },
      { highWaterMark: CDC_IN_FLIGHT_BYTES, size: (chunk) => chunk?.length ?? 0 },
    );
  }

  /** Chaos drop: the body errors, so the client sees the connection reset. */
  terminate(): void {
    if (this.gone()) return;
    try {
      // error() with no reason: Bun resets the connection without logging anything.
      this.controller.error();
    } catch {
      // Already closed by the client going away.
    }
  }

  /** Shutdown: the body ends cleanly (ApexStore has no closing message). */
  end(): void {
    if (this.gone()) return;
    try {
      this.controller.close();
    } catch {
      // Already closed by the client going away.
    }
  }

  private write(chunk: string): void {
    if (this.done) return;
    try {
      this.controller.enqueue(chunk);
    } catch {
      // The body was closed under us (the client left in this same turn).
      this.gone();
    }
  }

  /** Marks the stream ended and tells its owner, once; true when it had already ended. */
  private gone(): boolean {
    if (this.done) return true;
    this.done = true;
    this.onGone(this);
    return false;
  }
}

import { cdcLagText } from './cdc-message';
import { matchesCdcFilter, type CdcFilter } from './cdc-filter';

/**
 * How many changes ApexStore 2.2 holds for a client that has not taken them yet: the capacity of
 * its tokio broadcast channel (`EVENT_CHANNEL_CAPACITY`). One more, and the oldest is lost for it.
 *
 * @example
 * ```ts
 * const skipped = burstCount - CDC_CHANNEL_CAPACITY; // what a stalled client is told it lost
 * ```
 */
export const CDC_CHANNEL_CAPACITY = 256;

/**
 * How much a client's transport may hold unsent before the client counts as not taking data: a
 * stand-in for the buffers between ApexStore's per-client task and the wire (the WebSocket session,
 * the HTTP writer). The kernel's socket buffers come on top, as they do for ApexStore.
 *
 * @example
 * ```ts
 * const outlet = { ready: () => ws.getBufferedAmount() < CDC_IN_FLIGHT_BYTES, write: (text: string) => ws.send(text) };
 * ```
 */
export const CDC_IN_FLIGHT_BYTES = 64 * 1024;

/**
 * One key change on its way to ApexStore change-stream clients: what filters look at, and the
 * message text (made once for every client).
 *
 * @example
 * ```ts
 * const change: CdcChange = { operation: 'put', key: 'user:1', text: cdcChangeText(event) };
 * ```
 */
export interface CdcChange {
  readonly operation: 'put' | 'delete';
  readonly key: string;
  readonly text: string;
}

/**
 * Where a subscriber's messages go: a socket or a streaming response.
 *
 * @example
 * ```ts
 * const outlet: CdcOutlet = { ready: () => ws.getBufferedAmount() < 65536, write: (text) => ws.send(text) };
 * ```
 */
export interface CdcOutlet {
  /** Whether the client is taking data now (what its transport has queued is under its allowance). */
  ready(): boolean;
  write(text: string): void;
}

/**
 * One client's place in ApexStore 2.2's change stream, modelled on its broadcast channel: every key
 * change enters the client's queue, filtered or not (ApexStore filters only when its per-client task
 * takes a change out of the channel), and leaves it only as fast as the client takes data. More than
 * {@link CDC_CHANNEL_CAPACITY} changes waiting and the oldest are dropped; the next thing the client
 * then gets is `{"type":"lag","skipped":N}`, followed by the changes still queued, oldest first.
 *
 * "Takes data" is the outlet's `ready()`: a socket whose send buffer is under its allowance, a
 * response whose stream queue is. A chaos stall holds the queue (a stalled link takes nothing).
 *
 * @example
 * ```ts
 * const subscriber = new CdcSubscriber(filter, outlet);
 * subscriber.offer(change); // written at once, or queued while the client is not taking data
 * subscriber.flush();       // when the transport drained
 * ```
 */
export class CdcSubscriber {
  private queue: CdcChange[] = [];
  private skipped = 0;
  private held = false;
  private closed = false;

  constructor(
    private readonly filter: CdcFilter,
    private readonly outlet: CdcOutlet,
  ) {}

  /** Changes waiting for the client (for tests and stats). */
  get waiting(): number {
    return this.queue.length;
  }

  /** A new change: queued, the oldest dropped when the queue is over capacity, then as much sent as the client takes. */
  offer(change: CdcChange): void {
    if (this.closed) return;
    this.queue.push(change);
    if (this.queue.length > CDC_CHANNEL_CAPACITY) {
      this.queue.shift();
      this.skipped++;
    }
    this.flush();
  }

  /** Sends what the client takes now: first the lag it has to hear about, then the queued changes that pass its filter. */
  flush(): void {
    while (!this.closed && !this.held && (this.skipped > 0 || this.queue.length > 0) && this.outlet.ready()) {
      if (this.skipped > 0) {
        const skipped = this.skipped;
        this.skipped = 0;
        this.outlet.write(cdcLagText(skipped));
        continue;
      }
      const change = this.queue.shift()!;
      if (matchesCdcFilter(change, this.filter)) this.outlet.write(change.text);
    }
  }

  /** A chaos stall: nothing leaves the queue until {@link release}. */
  hold(): void {
    this.held = true;
  }

  release(): void {
    this.held = false;
    this.flush();
  }

  /** The client is gone: nothing more is queued or sent. */
  close(): void {
    this.closed = true;
    this.queue = [];
  }
}

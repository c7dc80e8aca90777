import type { SequencedEvent } from '../../../projects/ngx-realtime/src/lib/protocol/protocol';
import { cdcChangeText } from './cdc-message';
import type { CdcChange, CdcSubscriber } from './cdc-subscriber';

/**
 * One open ApexStore change-stream client, whichever transport carries it.
 *
 * @example
 * ```ts
 * const conn: CdcConnection = { subscriber, terminate: () => ws.terminate(), end: () => ws.close(1001, 'Server shutting down') };
 * ```
 */
export interface CdcConnection {
  readonly subscriber: CdcSubscriber;
  /** Cuts it with no close handshake (chaos drop). */
  terminate(): void;
  /** Ends it as a server shutting down does. */
  end(): void;
}

/**
 * Every open ApexStore 2.2 change-stream client (`--compat apexstore-2.2`), and the fan-out of key
 * changes to them. It hears the same logged events as the native hub, in seq order, and passes on
 * only `key_change` ones: ApexStore's stream carries nothing else.
 *
 * @example
 * ```ts
 * const cdc = new CdcHub();
 * cdc.add(conn);
 * cdc.deliver(events); // each key change becomes one message text, offered to every client
 * ```
 */
export class CdcHub {
  private readonly connections = new Set<CdcConnection>();

  /** Open change-stream clients. */
  get size(): number {
    return this.connections.size;
  }

  /** Changes waiting in every client's queue, not yet taken (tests watch a slow client's queue fill). */
  waiting(): number {
    let total = 0;
    for (const conn of this.connections) total += conn.subscriber.waiting;
    return total;
  }

  add(conn: CdcConnection): void {
    this.connections.add(conn);
  }

  remove(conn: CdcConnection): void {
    this.connections.delete(conn);
    conn.subscriber.close();
  }

  /** Freshly logged events, in seq order: each key change goes to every client's queue. */
  deliver(events: readonly SequencedEvent[]): void {
    if (this.connections.size === 0) return;
    for (const event of events) {
      if (event.type !== 'key_change') continue;
      const change: CdcChange = { operation: event.operation, key: event.key, text: cdcChangeText(event) };
      for (const conn of this.connections) conn.subscriber.offer(change);
    }
  }

  /** A chaos stall: the clients open now take nothing until {@link release}. */
  hold(): void {
    for (const conn of this.connections) conn.subscriber.hold();
  }

  release(): void {
    for (const conn of [...this.connections]) conn.subscriber.release();
  }

  /** Chaos drop: cuts every client; returns how many there were. */
  terminateAll(): number {
    const all = [...this.connections];
    for (const conn of all) {
      this.remove(conn);
      conn.terminate();
    }
    return all.length;
  }

  /** Shutdown: ends every client. */
  closeAll(): void {
    for (const conn of [...this.connections]) {
      this.remove(conn);
      conn.end();
    }
  }
}

import type { RealtimeProtocol } from '../protocol/realtime-protocol';
import type { Transport } from '../transport/transport';

/**
 * The rooms joined on one connection, kept in line with the rooms wanted. Servers forget rooms
 * when a connection ends and never acknowledge a join, so what counts is what was sent on this
 * connection: all of it again on every new one, and only the difference while it lasts.
 *
 * @example
 * ```ts
 * membership.connected(transport); // joins every wanted room
 * membership.sync(transport);      // after join()/leave(): sends only what changed
 * ```
 */
export class RoomMembership {
  #sent = new Set<string>();

  constructor(
    private readonly protocol: RealtimeProtocol,
    private readonly wanted: () => readonly string[],
  ) {}

  /** A new connection is ready: it is in no room yet. */
  connected(transport: Transport): void {
    this.#sent = new Set();
    this.sync(transport);
  }

  /** Sends the joins and leaves that bring `transport` to the wanted rooms. */
  sync(transport: Transport | null): void {
    const { join, leave } = this.protocol;
    if (!transport?.reachedReady || !transport.canSend || !join || !leave) return;
    const wanted = new Set(this.wanted());
    const added = [...wanted].filter((room) => !this.#sent.has(room));
    const removed = [...this.#sent].filter((room) => !wanted.has(room));
    if (added.length > 0) transport.send(join.call(this.protocol, added));
    if (removed.length > 0) transport.send(leave.call(this.protocol, removed));
    this.#sent = wanted;
  }
}

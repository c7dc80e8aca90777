import { signal, type Signal } from '@angular/core';
import type { RealtimeProtocol } from '../protocol/realtime-protocol';

/**
 * The rooms a tab asked to be in, checked against what its protocol can do.
 *
 * @example
 * ```ts
 * const rooms = new WantedRooms(ignisProtocol({ authenticate }));
 * rooms.change('join', ['orders']);
 * rooms.list(); // ['orders']
 * ```
 */
export class WantedRooms {
  readonly #rooms = signal<readonly string[]>([]);
  readonly list: Signal<readonly string[]> = this.#rooms.asReadonly();

  constructor(private readonly protocol: RealtimeProtocol) {}

  /** Adds or removes rooms; throws an `ngx-realtime:` error on a protocol without rooms. */
  change(call: 'join' | 'leave', rooms: readonly string[]): void {
    const protocol = this.protocol;
    if (!protocol.capabilities.rooms || !protocol.join || !protocol.leave) {
      // The messages are for development builds; production builds keep a short code.
      throw new Error(
        (typeof ngDevMode === 'undefined' || !!ngDevMode)
          ? `ngx-realtime: ${call}() needs a protocol with rooms, and the ${protocol.name} protocol has none. ` +
              'Use withProtocol() with one that has rooms (ignisProtocol()), or filter events with on(type, filter).'
          : 'ngx-realtime: RT03',
      );
    }
    if (rooms.some((room) => typeof room !== 'string' || room.length === 0)) {
      // The messages are for development builds; production builds keep a short code.
      throw new Error(
        (typeof ngDevMode === 'undefined' || !!ngDevMode) ? `ngx-realtime: ${call}() takes non-empty room names, got ${JSON.stringify(rooms)}.` : 'ngx-realtime: RT04',
      );
    }
    const wanted = this.#rooms();
    this.#rooms.set(call === 'join' ? [...new Set([...wanted, ...rooms])] : wanted.filter((room) => !rooms.includes(room)));
  }
}

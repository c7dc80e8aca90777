/**
 * How a protocol writes the frames that join and leave rooms.
 *
 * @example
 * ```ts
 * const frames: RoomFrames = {
 *   join: (rooms) => JSON.stringify({ event: 'join', data: { rooms } }),
 *   leave: (rooms) => JSON.stringify({ event: 'leave', data: { rooms } }),
 * };
 * ```
 */
export interface RoomFrames {
  join(rooms: readonly string[]): string;
  leave(rooms: readonly string[]): string;
}

/**
 * What one connection was sent of the rooms: servers forget rooms when a connection ends and never
 * acknowledge a join, so what counts is what was sent on this connection, all of it again on every
 * new one and only the difference while it lasts.
 *
 * @example
 * ```ts
 * const membership = protocol.rooms!.membership(); // a new connection is in no room
 * for (const frame of membership.sync(['orders'])) socket.send(frame);
 * ```
 */
export interface RoomMembership {
  /** The frames that bring the connection from the rooms sent on it to `wanted`; from then on those count as sent. */
  sync(wanted: readonly string[]): string[];
}

/**
 * The rooms of a protocol that has them (`RealtimeProtocol.rooms`, made by {@link protocolRooms}):
 * the set of rooms an app asks for and the joins and leaves that keep a connection in it. It comes
 * with the protocol, so an app whose protocol has no rooms bundles none of it.
 *
 * @example
 * ```ts
 * const wanted = protocol.rooms!.change([], 'join', ['orders', 'user:7']); // ['orders', 'user:7']
 * protocol.rooms!.membership().sync(wanted); // ['{"event":"join","data":{"rooms":["orders","user:7"]}}']
 * ```
 */
export interface ProtocolRooms {
  /**
   * The rooms wanted after `join()` or `leave()` of `rooms`.
   *
   * @throws Error (`ngx-realtime: …`) for a room name that is not a non-empty string.
   */
  change(wanted: readonly string[], call: 'join' | 'leave', rooms: readonly string[]): readonly string[];
  /** The bookkeeping of a new connection, which is in no room yet. */
  membership(): RoomMembership;
}

/**
 * Gives a protocol rooms (`RealtimeProtocol.rooms`, with `capabilities.rooms: true`) from the frames
 * that join and leave them. `WebSocketService.join()`/`leave()` then keep the set, and every
 * connection is sent all of it when it gets ready and each change while it lasts.
 *
 * @example
 * ```ts
 * const myProtocol: RealtimeProtocol = {
 *   ...base,
 *   capabilities: { ...base.capabilities, rooms: true },
 *   rooms: protocolRooms({
 *     join: (rooms) => JSON.stringify({ type: 'join', rooms }),
 *     leave: (rooms) => JSON.stringify({ type: 'leave', rooms }),
 *   }),
 * };
 * ```
 */
export function protocolRooms(frames: RoomFrames): ProtocolRooms {
  return {
    change(wanted, call, rooms) {
      if (rooms.some((room) => typeof room !== 'string' || room.length === 0)) {
        // The messages are for development builds; production builds keep a short code.
        throw new Error(
          (typeof ngDevMode === 'undefined' || !!ngDevMode) ? `ngx-realtime: ${call}() takes non-empty room names, got ${JSON.stringify(rooms)}.` : 'ngx-realtime: RT04',
        );
      }
      return call === 'join' ? [...new Set([...wanted, ...rooms])] : wanted.filter((room) => !rooms.includes(room));
    },
    membership() {
      let sent = new Set<string>();
      return {
        sync(wanted) {
          const next = new Set(wanted);
          const added = [...next].filter((room) => !sent.has(room));
          const removed = [...sent].filter((room) => !next.has(room));
          sent = next;
          const out: string[] = [];
          if (added.length > 0) out.push(frames.join(added));
          if (removed.length > 0) out.push(frames.leave(removed));
          return out;
        },
      };
    },
  };
}

import type { SequencedEvent, ServerEvent, ServerFrame } from 'ngx-realtime';

type Sequenced = SequencedEvent['type'];

/**
 * An event to emit from a test: `seq` and `timestamp` may be left out, the fake server fills them in
 * (next seq of its own sequence, the fake clock's time).
 *
 * @example
 * ```ts
 * controller.emit({ type: 'key_change', operation: 'put', key: 'a', cf: 'default', value: '1' });
 * ```
 */
export type TestEvent = ServerEvent extends infer E
  ? E extends { type: Sequenced }
    ? Omit<E, 'seq' | 'timestamp'> & { seq?: number; timestamp?: number }
    : E extends { type: 'stats_update' }
      ? Omit<E, 'timestamp'> & { timestamp?: number }
      : never
  : never;

/**
 * A frame to emit from a test: an event (seq optional) or any control frame.
 *
 * @example
 * ```ts
 * connection.emit({ type: 'resync', reason: 'history_expired', lastSeq: 900 });
 * ```
 */
export type TestFrame = TestEvent | Exclude<ServerFrame, ServerEvent>;

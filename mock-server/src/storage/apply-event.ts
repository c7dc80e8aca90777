import type { SequencedEvent } from '../../../projects/ngx-realtime/src/lib/protocol/protocol';
import type { Store } from './store';

/**
 * Applies what an event says to the store: a key written or deleted, a snapshot completed. Every
 * engine writes the store only this way, so an instance fed from Redis and one on its own sqlite
 * hold the same state for the same events.
 *
 * @example
 * ```ts
 * applyEventToStore(store, { type: 'key_change', seq: 1, timestamp: 0, operation: 'put', key: 'a', cf: 'default', value: '1' });
 * ```
 */
export function applyEventToStore(store: Store, event: SequencedEvent): void {
  if (event.type === 'key_change') {
    if (event.operation === 'put') store.putKey(event.cf, event.key, event.value ?? '');
    else store.deleteKey(event.cf, event.key);
  } else if (event.type === 'snapshot_event' && event.status === 'completed') {
    const records = typeof event.details['records'] === 'number' ? event.details['records'] : 0;
    store.insertSnapshot({ snapshotId: event.snapshotId, createdAt: event.timestamp, records });
  }
}

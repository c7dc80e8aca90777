import type { CompactionEvent, HealthEvent, KeyChangeEvent, SnapshotEvent, StatsUpdateEvent, SyncEvent } from './protocol';

/**
 * Event names and their shapes, for typed `on(name)` streams without casts. It holds the native
 * protocol's events; an app declares its own server's events once by augmenting it, and every
 * `on('name')` and `liveResource` over it is typed from then on.
 *
 * @example
 * ```ts
 * declare module 'ngx-realtime' {
 *   interface RealtimeEventMap {
 *     order_shipped: { type: 'order_shipped'; orderId: string; carrier: string };
 *   }
 * }
 * realtime.on('order_shipped').subscribe((e) => track(e.orderId)); // e is typed
 * ```
 */
export interface RealtimeEventMap {
  key_change: KeyChangeEvent;
  compaction_status: CompactionEvent;
  health_change: HealthEvent;
  sync_event: SyncEvent;
  snapshot_event: SnapshotEvent;
  stats_update: StatsUpdateEvent;
}

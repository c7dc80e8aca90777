import { signal } from '@angular/core';
import type { KeyChangeEvent, KeyValueBody } from 'ngx-realtime';
import type { RemoteChange } from './key-row';

/**
 * What other clients did to the rows of the shown page since it was searched: a badge per key, and
 * the rows they deleted, kept struck through until the next search. This tab's own writes clear a
 * key's badge instead of setting one.
 *
 * It is written once per event, a burst's thousands included, so it updates its maps in place
 * (reading them through signals that always notify) instead of copying them per event.
 *
 * @example
 * ```ts
 * const changes = new RemoteChanges();
 * changes.record(event, listedRow, false); // 'changed' (or 'added', 'deleted'); null for own writes
 * changes.badges().get(event.key);         // 'changed'
 * changes.clear();                         // a new search
 * ```
 */
export class RemoteChanges {
  readonly #badges = signal<ReadonlyMap<string, RemoteChange>>(new Map(), { equal: () => false });
  readonly #tombstones = signal<ReadonlyMap<string, KeyValueBody>>(new Map(), { equal: () => false });
  /**
   * Each key's row after the last event recorded for it (null: deleted). The list applies a batch
   * of events once the batch is in, after they were recorded here one by one: what an event found
   * is read here first, so a key added and changed in one batch is "changed" the second time.
   */
  #latest = new Map<string, KeyValueBody | null>();
  /** Key -> what another client did to it. */
  readonly badges = this.#badges.asReadonly();
  /** Rows another client deleted, as they were listed. */
  readonly tombstones = this.#tombstones.asReadonly();

  /**
   * Records an event for a key of the page (`listed`: its row in the list as shown, when the list
   * has it). Returns the badge another client's write gave the key, to announce; null for own writes
   * and for deletes of rows this page never listed.
   */
  record(event: KeyChangeEvent, listed: KeyValueBody | undefined, own: boolean): RemoteChange | null {
    const latest = this.#latest;
    const before = latest.has(event.key) ? (latest.get(event.key) ?? undefined) : listed;
    latest.set(event.key, event.operation === 'delete' ? null : { key: event.key, value: event.value ?? '', cf: event.cf });
    if (!own && event.operation === 'delete' && !before) return null;
    const tombstones = this.#tombstones() as Map<string, KeyValueBody>;
    const badges = this.#badges() as Map<string, RemoteChange>;
    tombstones.delete(event.key);
    let badge: RemoteChange | null = null;
    if (own) badges.delete(event.key);
    else if (event.operation === 'delete') {
      tombstones.set(event.key, before!);
      badge = 'deleted';
    } else badge = before ? 'changed' : 'added';
    if (badge) badges.set(event.key, badge);
    this.#tombstones.set(tombstones);
    this.#badges.set(badges);
    return badge;
  }

  clear(): void {
    this.#latest = new Map();
    this.#badges.set(new Map());
    this.#tombstones.set(new Map());
  }
}

import { signal } from '@angular/core';
import type { KeyChangeEvent, KeyValueBody } from 'ngx-realtime';
import type { RemoteChange } from './key-row';

/**
 * What other clients did to the rows of the shown page since it was searched: a badge per key, and
 * the rows they deleted, kept struck through until the next search. This tab's own writes clear a
 * key's badge instead of setting one.
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
  readonly #badges = signal<ReadonlyMap<string, RemoteChange>>(new Map());
  readonly #tombstones = signal<ReadonlyMap<string, KeyValueBody>>(new Map());
  /** Key -> what another client did to it. */
  readonly badges = this.#badges.asReadonly();
  /** Rows another client deleted, as they were listed. */
  readonly tombstones = this.#tombstones.asReadonly();

  /**
   * Records an event for a key of the page (`listed`: its row, when the page lists it). Returns the
   * badge another client's write gave the key, to announce; null for own writes and for deletes of
   * rows this page never listed.
   */
  record(event: KeyChangeEvent, listed: KeyValueBody | undefined, own: boolean): RemoteChange | null {
    if (!own && event.operation === 'delete' && !listed) return null;
    const tombstones = new Map(this.#tombstones());
    tombstones.delete(event.key);
    const badges = new Map(this.#badges());
    let badge: RemoteChange | null = null;
    if (own) badges.delete(event.key);
    else if (event.operation === 'delete') {
      tombstones.set(event.key, listed!);
      badge = 'deleted';
    } else badge = listed ? 'changed' : 'added';
    if (badge) badges.set(event.key, badge);
    this.#tombstones.set(tombstones);
    this.#badges.set(badges);
    return badge;
  }

  clear(): void {
    this.#badges.set(new Map());
    this.#tombstones.set(new Map());
  }
}

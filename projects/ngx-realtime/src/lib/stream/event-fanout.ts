import { Observable, type Subscriber } from 'rxjs';
import { EVENT_TYPES, type EventType, type ServerEvent } from '../protocol/protocol';
import type { RealtimeEvent } from '../protocol/realtime-protocol';

interface Entry {
  readonly subscriber: Subscriber<RealtimeEvent>;
  readonly accept: ((event: RealtimeEvent) => boolean) | null;
}

/**
 * Hands each event to its subscribers with as little work as the guarantees allow: subscribers
 * are kept per event type, so a `key_change` never runs a `health_change` subscriber's filter, and
 * a filtered subscriber's predicate runs in place of an operator chain. Lists are copied on
 * change, so a subscriber that unsubscribes (or subscribes) during delivery is safe.
 *
 * @example
 * ```ts
 * const fanout = new EventFanout();
 * fanout.listen('key_change').subscribe(render);
 * fanout.emit(event);
 * ```
 */
export class EventFanout {
  private all: readonly Entry[] = [];
  private readonly byType: Record<EventType, readonly Entry[]> = Object.fromEntries(
    EVENT_TYPES.map((type) => [type, []]),
  ) as unknown as Record<EventType, readonly Entry[]>;
  /** Lists of types other than the native protocol's, made when first subscribed to. */
  readonly #other = new Map<string, readonly Entry[]>();
  #completed = false;

  /** Events of one type (every event for `null`), optionally only those `accept` lets through. */
  listen<T extends RealtimeEvent = ServerEvent>(type: string | null, accept: ((event: T) => boolean) | null = null): Observable<T> {
    return new Observable<T>((subscriber) => {
      if (this.#completed) {
        subscriber.complete();
        return undefined;
      }
      const entry: Entry = { subscriber: subscriber as Subscriber<RealtimeEvent>, accept: accept as Entry['accept'] };
      this.#update(type, (list) => [...list, entry]);
      return () => this.#update(type, (list) => list.filter((e) => e !== entry));
    });
  }

  /** Delivers one validated, sequenced event to every matching subscriber, in subscription order. */
  emit(event: RealtimeEvent): void {
    if (this.all.length !== 0) deliver(this.all, event);
    const typed = this.listOf(event.type);
    if (typed.length !== 0) deliver(typed, event);
  }

  /** Completes every subscriber; later subscribers complete at once. */
  complete(): void {
    this.#completed = true;
    const everyone = [...this.all, ...EVENT_TYPES.flatMap((type) => this.byType[type]), ...[...this.#other.values()].flat()];
    this.all = [];
    for (const type of EVENT_TYPES) this.byType[type] = [];
    this.#other.clear();
    for (const entry of everyone) entry.subscriber.complete();
  }

  /**
   * The list of one type. A switch rather than a keyed lookup: a type freshly parsed from JSON is
   * a new string each time, and comparing it costs less than hashing it.
   */
  private listOf(type: string): readonly Entry[] {
    const lists = this.byType;
    switch (type) {
      case 'key_change':
        return lists.key_change;
      case 'compaction_status':
        return lists.compaction_status;
      case 'health_change':
        return lists.health_change;
      case 'sync_event':
        return lists.sync_event;
      case 'snapshot_event':
        return lists.snapshot_event;
      case 'stats_update':
        return lists.stats_update;
      default:
        return this.#other.size === 0 ? NONE : (this.#other.get(type) ?? NONE);
    }
  }

  #update(type: string | null, change: (list: readonly Entry[]) => readonly Entry[]): void {
    if (type === null) this.all = change(this.all);
    else if ((EVENT_TYPES as readonly string[]).includes(type)) this.byType[type as EventType] = change(this.byType[type as EventType]);
    else this.#other.set(type, change(this.#other.get(type) ?? NONE));
  }
}

const NONE: readonly Entry[] = Object.freeze([]);

function deliver(list: readonly Entry[], event: RealtimeEvent): void {
  for (let i = 0; i < list.length; i++) {
    const entry = list[i]!;
    if (entry.accept === null || entry.accept(event)) entry.subscriber.next(event);
  }
}

import { DestroyRef, Injectable, inject, signal } from '@angular/core';
import { WebSocketService, type ApexStoreKeyChange, type SequencedEvent } from 'ngx-realtime';
import { AuthService } from './auth-service';

const KEEP = 100;

/**
 * An event as the log keeps it: a durable event of the native protocol (with its seq), or a key
 * change from ApexStore 2.2's change stream, which numbers nothing.
 *
 * @example
 * ```ts
 * const label = (e: LoggedEvent) => (e.seq === undefined ? '–' : `#${e.seq}`);
 * ```
 */
export type LoggedEvent = SequencedEvent | ApexStoreKeyChange;

/**
 * The recent durable events of this session, newest first, kept while the user moves between
 * pages. It deliberately does no de-duplication of its own: what it shows is what the SDK
 * delivered, so a duplicate after a reconnect is visible (and caught by the end-to-end tests).
 */
@Injectable({ providedIn: 'root' })
export class EventLog {
  private readonly list = signal<readonly LoggedEvent[]>([]);

  /** Newest first, at most 100. */
  readonly events = this.list.asReadonly();

  constructor() {
    const sub = inject(WebSocketService).events$.subscribe((event) => {
      if (event.type === 'stats_update') return;
      this.list.update((list) => [event as LoggedEvent, ...list].slice(0, KEEP));
    });
    // A new user must not see the previous user's events.
    const authSub = inject(AuthService).token$.subscribe((token) => {
      if (token === null) this.list.set([]);
    });
    inject(DestroyRef).onDestroy(() => {
      sub.unsubscribe();
      authSub.unsubscribe();
    });
  }
}

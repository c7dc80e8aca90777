import { DestroyRef, Injectable, inject, signal } from '@angular/core';
import { WebSocketService, type SequencedEvent } from 'ngx-realtime';
import { AuthService } from './auth-service';

const KEEP = 100;

/**
 * The recent durable events of this session, newest first, kept while the user moves between
 * pages. It deliberately does no de-duplication of its own: what it shows is what the SDK
 * delivered, so a duplicate after a reconnect is visible (and caught by the end-to-end tests).
 */
@Injectable({ providedIn: 'root' })
export class EventLog {
  private readonly list = signal<readonly SequencedEvent[]>([]);

  /** Newest first, at most 100. */
  readonly events = this.list.asReadonly();

  constructor() {
    const sub = inject(WebSocketService).events$.subscribe((event) => {
      if (event.type === 'stats_update') return;
      this.list.update((list) => [event, ...list].slice(0, KEEP));
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

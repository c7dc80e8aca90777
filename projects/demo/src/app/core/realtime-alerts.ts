import { DestroyRef, Injectable, effect, inject } from '@angular/core';
import { WebSocketService } from 'ngx-realtime';
import { AuthService } from './auth-service';
import { Notifier } from './notifier';

/**
 * Tells the user about realtime trouble they can act on: protocol errors become toasts, and a
 * stream the server rejected for auth ends the session (a token the stream refuses will be
 * refused by REST too, so staying "signed in" would only show errors).
 */
@Injectable({ providedIn: 'root' })
export class RealtimeAlerts {
  private readonly ws = inject(WebSocketService);
  private readonly auth = inject(AuthService);
  private readonly notifier = inject(Notifier);

  constructor() {
    const sub = this.ws.errors$.subscribe((error) => {
      // A failed long poll is retried by the SDK and already shows on the status pill.
      if (QUIET_ERRORS.has(error.code)) return;
      this.notifier.notify(`Realtime error: ${error.message} (${error.code})`, 'error');
    });
    inject(DestroyRef).onDestroy(() => sub.unsubscribe());

    effect(() => {
      const { status, reason } = this.ws.connectionState();
      if (status !== 'disconnected' || !this.auth.isLoggedIn()) return;
      const message = ENDED_BY[reason ?? ''];
      if (!message) return;
      this.auth.expire(message); // SessionRedirect shows the login page, with the way back
    });
  }
}

/** Error codes that are not worth interrupting the user for. */
const QUIET_ERRORS = new Set(['poll_failed']);

/** Stream stops that mean the session itself is gone, with what to tell the user. */
const ENDED_BY: Record<string, string> = {
  unauthorized: 'The server rejected your session. Please sign in again.',
  session_revoked: 'You were signed out (the session was ended elsewhere).',
};

import { DestroyRef, Injectable, effect, inject } from '@angular/core';
import { Router } from '@angular/router';
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
  private readonly router = inject(Router);
  private readonly notifier = inject(Notifier);

  constructor() {
    const sub = this.ws.errors$.subscribe((error) => {
      this.notifier.notify(`Realtime error: ${describe(error)}`, 'error');
    });
    inject(DestroyRef).onDestroy(() => sub.unsubscribe());

    effect(() => {
      const { status, reason } = this.ws.connectionState();
      if (status !== 'disconnected' || !this.auth.isLoggedIn()) return;
      const message = ENDED_BY[reason ?? ''];
      if (!message) return;
      this.auth.expire(message);
      void this.router.navigate(['/login']);
    });
  }
}

/** Stream stops that mean the session itself is gone, with what to tell the user. */
const ENDED_BY: Record<string, string> = {
  unauthorized: 'The server rejected your session. Please sign in again.',
  session_revoked: 'You were signed out (the session was ended elsewhere).',
};

function describe(error: unknown): string {
  if (error && typeof error === 'object') {
    const { code, message } = error as { code?: unknown; message?: unknown };
    if (typeof message === 'string') return typeof code === 'string' ? `${message} (${code})` : message;
  }
  return String(error);
}

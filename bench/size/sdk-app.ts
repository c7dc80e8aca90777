/**
 * The app whose bundle measures ngx-realtime: the providers it bootstraps with (an endpoint and a
 * token source) and a component-side subscription to key changes, nothing more.
 *
 * @example
 * bootstrapApplication(App, { providers: realtimeProviders });
 */
import { inject } from '@angular/core';
import { BehaviorSubject, type Subscription } from 'rxjs';
import { WebSocketService, provideRealtime, withAuth } from 'ngx-realtime';

/** Where the app's auth code pushes its token. */
export const token$ = new BehaviorSubject<string | null>(null);

/** What the app bootstraps with: the endpoint, and tokens from `token$`. */
export const realtimeProviders = [provideRealtime({ url: '/ws/events' }, withAuth(token$))];

/**
 * Called in an injection context, as a component's field initialiser would.
 *
 * @example
 * private readonly sub = watchUsers((key) => this.refresh(key));
 */
export function watchUsers(onChange: (key: string) => void): Subscription {
  return inject(WebSocketService)
    .onKeyChanges({ keyPrefix: 'user:' })
    .subscribe((event) => onChange(event.key));
}

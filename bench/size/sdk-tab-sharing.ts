/**
 * The minimal app (`sdk-app.ts`) with `withTabSharing()`: what sharing one connection between tabs
 * adds to it.
 *
 * @example
 * bootstrapApplication(App, { providers: realtimeProviders });
 */
import { BehaviorSubject } from 'rxjs';
import { provideRealtime, withAuth, withTabSharing } from 'ngx-realtime';

export { watchUsers } from './sdk-app';

/** Where the app's auth code pushes its token. */
export const token$ = new BehaviorSubject<string | null>(null);

/** The minimal app's providers, and tabs share one connection. */
export const realtimeProviders = [provideRealtime({ url: '/ws/events' }, withAuth(token$), withTabSharing())];

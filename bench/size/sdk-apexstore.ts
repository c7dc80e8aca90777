/**
 * The minimal app (`sdk-app.ts`) speaking ApexStore's change stream (`withProtocol(apexStoreCdc())`)
 * instead of the native protocol: what another protocol adds. Its default transport is a
 * Server-Sent Events stream, so this app loads the transports chunk at its first connection.
 *
 * @example
 * bootstrapApplication(App, { providers: realtimeProviders });
 */
import { BehaviorSubject } from 'rxjs';
import { apexStoreCdc, provideRealtime, withAuth, withProtocol } from 'ngx-realtime';

export { watchUsers } from './sdk-app';

/** Where the app's auth code pushes its token. */
export const token$ = new BehaviorSubject<string | null>(null);

/** The minimal app's providers, on ApexStore's change stream. */
export const realtimeProviders = [provideRealtime({ url: 'https://store.example.com' }, withAuth(token$), withProtocol(apexStoreCdc()))];

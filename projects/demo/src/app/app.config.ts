import { provideHttpClient, withFetch, withInterceptors } from '@angular/common/http';
import { ApplicationConfig, inject, provideBrowserGlobalErrorListeners, provideZonelessChangeDetection, type EnvironmentProviders } from '@angular/core';
import { TitleStrategy, provideRouter, withComponentInputBinding } from '@angular/router';
import {
  apexStoreCdc,
  provideRealtime,
  withAuth,
  withPollingFallback,
  withProtocol,
  withReconnect,
  withTabSharing,
  type RealtimeFeature,
} from 'ngx-realtime';
import { map } from 'rxjs';
import { routes } from './app.routes';
import { AppTitleStrategy } from './core/app-title-strategy';
import { AuthService } from './core/auth-service';
import { authInterceptor } from './core/auth-interceptor';
import { HTTP_REFRESH_MS } from './core/http-refresh';
import { readTuning, type RealtimeTuning } from './core/realtime-tuning';
import { STREAM_MODE, type StreamMode } from './core/stream-mode';

/**
 * The console's providers: zoneless, fetch-based HTTP with auth, lazy routes, the realtime SDK on
 * the change stream the server speaks (`detectStreamMode()` in `main.ts` asks it).
 *
 * @example
 * ```ts
 * bootstrapApplication(App, appConfig('apexstore-2.2'));
 * ```
 */
export function appConfig(mode: StreamMode): ApplicationConfig {
  const tuning = readTuning(location.search, sessionStorage);
  return {
    providers: [
      provideBrowserGlobalErrorListeners(),
      provideZonelessChangeDetection(),
      provideHttpClient(withFetch(), withInterceptors([authInterceptor])),
      provideRouter(routes, withComponentInputBinding()),
      { provide: TitleStrategy, useClass: AppTitleStrategy },
      { provide: STREAM_MODE, useValue: mode },
      { provide: HTTP_REFRESH_MS, useValue: tuning.httpRefreshMs },
      realtime(mode, tuning),
    ],
  };
}

function realtime(mode: StreamMode, tuning: RealtimeTuning): EnvironmentProviders {
  const shared: RealtimeFeature[] = [
    withReconnect({ initialDelayMs: tuning.reconnectInitialMs, maxDelayMs: tuning.reconnectMaxMs }),
    // Login connects, logout (null) disconnects, and each refreshed token is handed to the open
    // socket. Should the app's own refresh fall behind (a background tab), the SDK asks for one.
    withAuth(() => inject(AuthService).token$, {
      refresh: () => inject(AuthService).refresh().pipe(map((session) => session.token)),
    }),
    // Consoles are opened in many tabs: one connection serves them all.
    withTabSharing(),
  ];
  if (mode === 'apexstore-2.2') {
    // ApexStore's own stream: GET /events on this origin, the token in the Authorization header.
    // It runs on Server-Sent Events only, so there is no polling fallback to tune.
    return provideRealtime({ url: '/ws/events' }, withProtocol(apexStoreCdc()), ...shared);
  }
  return provideRealtime(
    { url: '/ws/events', pollUrl: '/events/poll' },
    ...shared,
    withPollingFallback({
      afterFailedAttempts: tuning.fallbackAfter,
      probeIntervalMs: tuning.probeIntervalMs,
      waitMs: tuning.pollWaitMs,
    }),
  );
}

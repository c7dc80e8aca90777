import { provideHttpClient, withFetch, withInterceptors } from '@angular/common/http';
import { ApplicationConfig, inject, provideBrowserGlobalErrorListeners, provideZonelessChangeDetection } from '@angular/core';
import { provideRouter, withComponentInputBinding } from '@angular/router';
import { provideRealtime, withAuth, withHeartbeat, withPollingFallback, withReconnect } from 'ngx-realtime';
import { defer } from 'rxjs';
import { routes } from './app.routes';
import { AuthService } from './core/auth-service';
import { authInterceptor } from './core/auth-interceptor';
import { readTuning } from './core/realtime-tuning';

const tuning = readTuning(location.search, sessionStorage);

/** The console's providers: zoneless, fetch-based HTTP with auth, lazy routes, the realtime SDK. */
export const appConfig: ApplicationConfig = {
  providers: [
    provideBrowserGlobalErrorListeners(),
    provideZonelessChangeDetection(),
    provideHttpClient(withFetch(), withInterceptors([authInterceptor])),
    provideRouter(routes, withComponentInputBinding()),
    provideRealtime(
      { url: '/ws/events', pollUrl: '/events/poll' },
      withReconnect({ initialDelayMs: tuning.reconnectInitialMs, maxDelayMs: tuning.reconnectMaxMs }),
      withHeartbeat({}),
      withPollingFallback({
        afterFailedAttempts: tuning.fallbackAfter,
        probeIntervalMs: tuning.probeIntervalMs,
        waitMs: tuning.pollWaitMs,
      }),
      // The config is built before any injector exists; the SDK subscribes from its constructor,
      // inside the injection context, which is when this defer resolves the app's AuthService.
      withAuth(defer(() => inject(AuthService).token$)),
    ),
  ],
};

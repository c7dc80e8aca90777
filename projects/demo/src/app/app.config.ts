import { provideHttpClient, withFetch, withInterceptors } from '@angular/common/http';
import { ApplicationConfig, inject, provideBrowserGlobalErrorListeners, provideZonelessChangeDetection } from '@angular/core';
import { TitleStrategy, provideRouter, withComponentInputBinding } from '@angular/router';
import { provideRealtime, withAuth, withPollingFallback, withReconnect, withTabSharing } from 'ngx-realtime';
import { map } from 'rxjs';
import { routes } from './app.routes';
import { AppTitleStrategy } from './core/app-title-strategy';
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
    { provide: TitleStrategy, useClass: AppTitleStrategy },
    provideRealtime(
      { url: '/ws/events', pollUrl: '/events/poll' },
      withReconnect({ initialDelayMs: tuning.reconnectInitialMs, maxDelayMs: tuning.reconnectMaxMs }),
      withPollingFallback({
        afterFailedAttempts: tuning.fallbackAfter,
        probeIntervalMs: tuning.probeIntervalMs,
        waitMs: tuning.pollWaitMs,
      }),
      // Login connects, logout (null) disconnects, and each refreshed token is handed to the open
      // socket. Should the app's own refresh fall behind (a background tab), the SDK asks for one.
      withAuth(() => inject(AuthService).token$, {
        refresh: () => inject(AuthService).refresh().pipe(map((session) => session.token)),
      }),
      // Consoles are opened in many tabs: one connection serves them all.
      withTabSharing(),
    ),
  ],
};

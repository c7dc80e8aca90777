import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { RouterOutlet } from '@angular/router';
import { EventLog } from './core/event-log';
import { LiveMetrics } from './core/live-metrics';
import { RealtimeAlerts } from './core/realtime-alerts';
import { SessionRedirect } from './core/session-redirect';
import { AppHeader } from './shell/app-header';
import { HealthBanner } from './shell/health-banner';
import { StreamModeBanner } from './shell/stream-mode-banner';
import { ToastStack } from './shell/toast-stack';

/** Root: header, the stream-mode and health banners, the routed page, toasts. */
@Component({
  selector: 'app-root',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterOutlet, AppHeader, StreamModeBanner, HealthBanner, ToastStack],
  template: `
    <app-header />
    <app-stream-mode-banner />
    <app-health-banner />
    <main><router-outlet /></main>
    <app-toast-stack />
  `,
})
export class App {
  constructor() {
    // These must run from the start, not when a page first asks for them: the log and the
    // metrics would miss events, the alerts and the redirect a rejected session.
    inject(EventLog);
    inject(LiveMetrics);
    inject(RealtimeAlerts);
    inject(SessionRedirect);
  }
}

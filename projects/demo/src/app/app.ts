import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { RouterOutlet } from '@angular/router';
import { EventLog } from './core/event-log';
import { RealtimeAlerts } from './core/realtime-alerts';
import { AppHeader } from './shell/app-header';
import { ToastStack } from './shell/toast-stack';

/** Root: header, the routed page, toasts. */
@Component({
  selector: 'app-root',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterOutlet, AppHeader, ToastStack],
  template: `
    <app-header />
    <main><router-outlet /></main>
    <app-toast-stack />
  `,
})
export class App {
  constructor() {
    // Both must run from the start, not when a page first asks for them: the log would miss
    // events, the alerts would miss a rejected session.
    inject(EventLog);
    inject(RealtimeAlerts);
  }
}

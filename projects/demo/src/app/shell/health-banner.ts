import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { RouterLink } from '@angular/router';
import { HealthWatch } from '../core/health-watch';

/**
 * A strip under the header while any server probe is unhealthy, on every page: which probe, why
 * (when the server said), since when, and a link to Health. It goes away by itself once the probe
 * recovers. `role="alert"` so a screen reader announces it when it appears.
 *
 * @example
 * ```html
 * <app-header /><app-health-banner /><main>…</main>
 * ```
 */
@Component({
  selector: 'app-health-banner',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [DatePipe, RouterLink],
  template: `
    @if (health.failing().length > 0) {
      <div class="banner" role="alert" data-testid="health-banner">
        <span class="icon" aria-hidden="true">!</span>
        <ul>
          @for (failure of health.failing(); track failure.probe) {
            <li data-testid="health-banner-probe" [attr.data-probe]="failure.probe">
              <strong>The {{ failure.probe }} probe is unhealthy</strong>{{ failure.reason ? ': ' + failure.reason : '' }}
              @if (failure.since) { <span class="since">since {{ failure.since | date: 'mediumTime' }}</span> }
            </li>
          }
        </ul>
        <a routerLink="/health" data-testid="health-banner-link">Details</a>
      </div>
    }
  `,
  styles: `
    .banner { display: flex; align-items: center; gap: .8rem; padding: .55rem 1.5rem; background: #fde8e8; color: #8c1d1d;
      border-bottom: 1px solid #f1b7b2; }
    .icon { flex: none; display: grid; place-items: center; width: 1.3rem; height: 1.3rem; border-radius: 50%;
      background: #d33; color: #fff; font-weight: 700; font-size: .8rem; }
    ul { list-style: none; margin: 0; padding: 0; flex: 1; min-width: 0; overflow-wrap: anywhere; }
    .since { opacity: .75; margin-left: .4rem; font-size: .85rem; white-space: nowrap; }
    a { color: inherit; font-weight: 600; white-space: nowrap; }
    @media (max-width: 600px) { .banner { padding: .55rem 1rem; } }
  `,
})
export class HealthBanner {
  protected readonly health = inject(HealthWatch);
}

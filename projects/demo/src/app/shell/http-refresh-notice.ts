import { ChangeDetectionStrategy, Component, DestroyRef, computed, inject, input, signal, type OnInit } from '@angular/core';
import { RealtimeClock, type TimerHandle } from 'ngx-realtime';
import type { HttpRefresh } from '../core/http-refresh';

/**
 * Says plainly, on a page whose events ApexStore 2.2's change stream never sends, that the page is
 * refreshed over HTTP instead, how often, how long ago the data came in (ticking every second, so a
 * stuck refresh shows), and offers a Refresh button. Shows nothing when the stream carries the
 * page's events (`refresher.active` false).
 *
 * @example
 * ```html
 * <app-http-refresh-notice [refresher]="refresher" missing="Compaction events" />
 * ```
 */
@Component({
  selector: 'app-http-refresh-notice',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (refresher().active) {
      <p class="notice warning refresh" data-testid="http-refresh-notice">
        <span>
          {{ missing() }} do not come on ApexStore 2.2's change stream, which carries key changes only:
          this is refreshed over HTTP every {{ everySeconds() }} s.
        </span>
        <span class="ago" data-testid="http-refreshed-ago">{{ agoText() }}</span>
        <button type="button" class="secondary" (click)="refresher().refresh()" data-testid="http-refresh">Refresh</button>
      </p>
    }
  `,
  styles: `
    .refresh { display: flex; flex-wrap: wrap; align-items: center; gap: .4rem .8rem; }
    .refresh span:first-child { flex: 1 1 18rem; }
    .ago { white-space: nowrap; font-variant-numeric: tabular-nums; }
    button { padding: .25rem .7rem; }
  `,
})
export class HttpRefreshNotice implements OnInit {
  /** The page's refresher (`refreshOverHttp()`). */
  readonly refresher = input.required<HttpRefresh>();
  /** What the stream does not carry, as the start of a sentence: "Compaction events", "Stats pushes". */
  readonly missing = input.required<string>();

  private readonly clock = inject(RealtimeClock);
  private readonly now = signal(this.clock.now());
  private timer: TimerHandle | null = null;

  protected readonly everySeconds = computed(() => Math.round(this.refresher().everyMs / 1000));
  protected readonly agoText = computed(() => {
    const at = this.refresher().refreshedAt();
    if (at === null) return 'Loading…';
    const seconds = Math.max(0, Math.floor((this.now() - at) / 1000));
    return `Refreshed ${seconds} s ago`;
  });

  constructor() {
    inject(DestroyRef).onDestroy(() => {
      if (this.timer !== null) this.clock.clearTimeout(this.timer);
    });
  }

  ngOnInit(): void {
    // "N s ago" must move while nothing else on the page does; with live events there is no notice.
    if (!this.refresher().active) return;
    const tick = () => {
      this.timer = this.clock.setTimeout(() => {
        this.now.set(this.clock.now());
        tick();
      }, 1_000);
    };
    tick();
  }
}

import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, DestroyRef, effect, inject, signal } from '@angular/core';
import { WebSocketService, type RealtimeResync } from 'ngx-realtime';
import { AuthService } from '../core/auth-service';
import { STREAM_MODE } from '../core/stream-mode';

/** The newest resync, as the banner tells it. */
interface SeenResync {
  reason: RealtimeResync['reason'];
  skipped: number | null;
  at: number;
}

/**
 * A strip under the header, on every page, while the console reads ApexStore 2.2's change stream:
 * what that stream gives (key changes only, nothing numbered or replayed), which pages stay live
 * and which refresh over HTTP, and the newest time the lists had to reload because changes were
 * missed (a reconnect, or `lag`: the server skipped changes for this slow client). Nothing with the
 * native protocol.
 *
 * @example
 * ```html
 * <app-header /><app-stream-mode-banner /><app-health-banner />
 * ```
 */
@Component({
  selector: 'app-stream-mode-banner',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [DatePipe],
  template: `
    @if (cdc && auth.isLoggedIn()) {
      <div class="banner" data-testid="stream-mode" data-mode="apexstore-2.2">
        <strong>ApexStore 2.2 change stream: key changes only, no replay.</strong>
        <span class="muted-text">Keys and the dashboard stay live; compaction, health, sync, snapshots and the stats refresh over HTTP.</span>
        @if (lastResync(); as resync) {
          <span class="resync" data-testid="stream-resync" [attr.data-reason]="resync.reason" [attr.data-skipped]="resync.skipped">
            {{ resync.at | date: 'mediumTime' }}: lists reloaded, {{ describe(resync) }}.
          </span>
        }
      </div>
    }
  `,
  styles: `
    .banner { display: flex; flex-wrap: wrap; align-items: baseline; gap: .2rem .8rem; padding: .45rem 1.5rem; background: #e8efff;
      color: #1f3a7a; border-bottom: 1px solid #c9d8fb; font-size: .9rem; }
    .muted-text { opacity: .85; }
    .resync { flex-basis: 100%; font-variant-numeric: tabular-nums; }
    @media (max-width: 600px) { .banner { padding: .45rem 1rem; } }
  `,
})
export class StreamModeBanner {
  protected readonly cdc = inject(STREAM_MODE) === 'apexstore-2.2';
  protected readonly auth = inject(AuthService);
  private readonly seen = signal<SeenResync | null>(null);
  protected readonly lastResync = this.seen.asReadonly();

  constructor() {
    if (!this.cdc) return;
    const sub = inject(WebSocketService).resync$.subscribe((resync) =>
      this.seen.set({ reason: resync.reason, skipped: resync.skipped ?? null, at: Date.now() }),
    );
    inject(DestroyRef).onDestroy(() => sub.unsubscribe());
    // The next user starts with a clean slate.
    effect(() => {
      if (!this.auth.isLoggedIn()) this.seen.set(null);
    });
  }

  protected describe(resync: SeenResync): string {
    if (resync.reason === 'lag') {
      const count = resync.skipped === null ? 'some changes' : `${resync.skipped} change${resync.skipped === 1 ? '' : 's'}`;
      return `the server skipped ${count} for this client (lag)`;
    }
    if (resync.reason === 'reconnected') return 'the stream reconnected and changes made meanwhile are not replayed';
    return `the stream missed changes (${resync.reason})`;
  }
}

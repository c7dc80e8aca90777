import { DatePipe, DecimalPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { liveResource, liveSnapshot } from 'ngx-realtime';
import { map } from 'rxjs';
import { ApexApi } from '../../core/apex-api';
import { AuthService } from '../../core/auth-service';
import { errorMessage } from '../../core/error-message';
import { refreshOverHttp } from '../../core/http-refresh';
import { hasPermission } from '../../core/session';
import { HttpRefreshNotice } from '../../shell/http-refresh-notice';
import { addSyncEvent, type SyncRun } from './sync-runs';

const STATUS_TEXT: Record<SyncRun['status'], string> = { started: 'Syncing…', completed: 'Completed', conflict: 'Conflict' };

/**
 * Replication sync: start one (Admin), watch it live, and the runs seen. The runs are a
 * `liveResource` over `GET /admin/sync` (the newest sync event, so a sync started elsewhere or
 * before the page opened shows) and `sync_event`s, applied exactly once. On ApexStore 2.2's change
 * stream (no sync events) the newest run is refreshed over HTTP instead, every second while it runs.
 *
 * @example
 * ```ts
 * { path: 'sync', title: 'Sync', loadComponent: () => import('./pages/sync/sync-page').then((m) => m.SyncPage) }
 * ```
 */
@Component({
  selector: 'app-sync-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [DatePipe, DecimalPipe, HttpRefreshNotice],
  template: `
    <h1>Sync</h1>
    <app-http-refresh-notice [refresher]="refresher" missing="Sync events" />
    <section class="card status" data-testid="sync-status" [attr.data-status]="latest()?.status ?? 'idle'">
      <div class="head">
        <span class="dot" aria-hidden="true"></span>
        <div class="text">
          <strong data-testid="sync-status-text">{{ latest() ? statusText[latest()!.status] : 'No sync yet' }}</strong>
          @if (latest(); as run) {
            <span class="muted">
              @if (run.finishedAt) { {{ run.finishedAt | date: 'mediumTime' }} } @else if (run.startedAt) { since {{ run.startedAt | date: 'mediumTime' }} }
              @if (keysSynced(run) !== null) { · {{ keysSynced(run) | number }} keys synced }
            </span>
          }
        </div>
        <button type="button" class="start" (click)="start()" [disabled]="!isAdmin() || running() || requesting()" data-testid="sync-start">
          {{ running() ? 'Syncing…' : requesting() ? 'Requesting…' : 'Start sync' }}
        </button>
      </div>
      @if (running()) { <div class="progress" aria-hidden="true"><div class="sweep"></div></div> }
      @if (!isAdmin()) { <p class="muted hint">Starting a sync needs the Admin permission; you can watch runs.</p> }
    </section>
    @if (error() ?? loadError(); as message) {
      <p class="notice error" data-testid="sync-error">{{ message }}</p>
    }

    <h2>Runs</h2>
    <div class="table-scroll">
      <table class="table">
        <thead><tr><th>Result</th><th>Started</th><th>Finished</th><th>Took</th><th>Details</th></tr></thead>
        <tbody>
          @for (run of runs(); track run.seqs[0]) {
            <tr data-testid="sync-run" [attr.data-status]="run.status">
              <td><span class="result" [class]="'result result-' + run.status">{{ run.status }}</span></td>
              <td class="nowrap" data-testid="sync-run-started">{{ run.startedAt ? (run.startedAt | date: 'mediumTime') : '–' }}</td>
              <td class="nowrap">{{ run.finishedAt ? (run.finishedAt | date: 'mediumTime') : '…' }}</td>
              <td class="nowrap" data-testid="sync-run-took">{{ took(run) }}</td>
              <td class="muted">{{ detailsText(run) }}</td>
            </tr>
          } @empty {
            <tr><td colspan="5" class="muted" data-testid="sync-empty">No sync runs seen yet.</td></tr>
          }
        </tbody>
      </table>
    </div>
  `,
  styles: `
    .head { display: flex; align-items: center; gap: .8rem; flex-wrap: wrap; }
    .text { display: flex; flex-direction: column; gap: .15rem; flex: 1; min-width: 10rem; }
    .text strong { font-size: 1.15rem; }
    .dot { width: .8rem; height: .8rem; border-radius: 50%; background: #9aa3b2; flex: none; }
    [data-status='started'] .dot { background: #2f6fed; animation: pulse 1s infinite; }
    [data-status='completed'] .dot { background: #23a55a; }
    [data-status='conflict'] .dot { background: #d33; }
    .progress { margin-top: .8rem; height: .35rem; background: #eef0f3; border-radius: 999px; overflow: hidden; }
    .sweep { width: 30%; height: 100%; background: #2f6fed; border-radius: 999px; animation: sweep 1.1s ease-in-out infinite; }
    .hint { margin: .6rem 0 0; font-size: .85rem; }
    .nowrap { white-space: nowrap; }
    .result { white-space: nowrap; font-size: .8rem; padding: .1rem .5rem; border-radius: 999px; background: #eef0f3; }
    .result-started { background: #e8efff; color: #1f4fb8; }
    .result-completed { background: #e3f6ea; color: #1d6b3a; }
    .result-conflict { background: #fde8e8; color: #8c1d1d; }
    @keyframes pulse { 50% { opacity: .35; } }
    @keyframes sweep { from { transform: translateX(-100%); } to { transform: translateX(340%); } }
    @media (prefers-reduced-motion: reduce) { .sweep, [data-status='started'] .dot { animation: none; } }
  `,
})
export class SyncPage {
  private readonly api = inject(ApexApi);
  private readonly auth = inject(AuthService);

  protected readonly statusText = STATUS_TEXT;
  /** Where sync events never come, the newest run is fetched again (every second while it runs). */
  protected readonly refresher = refreshOverHttp(() => this.seen, { busy: () => this.running() });
  private readonly seen = liveResource({
    load: () =>
      this.api.latestSync().pipe(this.refresher.stamp(), map(({ value, seq }) => liveSnapshot<readonly SyncRun[]>(value ? addSyncEvent([], value) : [], seq))),
    events: (rt) => rt.onSyncEvents(),
    reduce: addSyncEvent,
    defaultValue: [],
  });
  /** Newest first. */
  protected readonly runs = computed(() => (this.seen.hasValue() ? this.seen.value() : []));
  protected readonly latest = computed<SyncRun | null>(() => this.runs()[0] ?? null);
  protected readonly running = computed(() => this.latest()?.status === 'started');
  protected readonly isAdmin = computed(() => hasPermission(this.auth.user(), 'Admin'));
  protected readonly requesting = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly loadError = computed(() => {
    const failed = this.seen.error();
    return failed ? errorMessage(failed) : null;
  });

  protected start(): void {
    this.requesting.set(true);
    this.error.set(null);
    this.api.startSync().subscribe({
      next: () => {
        this.requesting.set(false);
        // Without sync events, the run is only known by asking.
        if (this.refresher.active) this.refresher.refresh();
      },
      error: (err: unknown) => {
        this.requesting.set(false);
        this.error.set(errorMessage(err));
      },
    });
  }

  protected keysSynced(run: SyncRun): number | null {
    const value = run.details['keysSynced'];
    return typeof value === 'number' ? value : null;
  }

  protected took(run: SyncRun): string {
    if (run.startedAt === null || run.finishedAt === null) return '–';
    const ms = run.finishedAt - run.startedAt;
    return ms < 1_000 ? `${ms} ms` : `${(ms / 1_000).toFixed(1)} s`;
  }

  protected detailsText(run: SyncRun): string {
    return Object.entries(run.details)
      .map(([key, value]) => `${key}: ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`)
      .join(', ');
  }
}

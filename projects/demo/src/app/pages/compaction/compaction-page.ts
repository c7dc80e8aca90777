import { DatePipe, DecimalPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, DestroyRef, computed, inject, signal } from '@angular/core';
import { rxResource, takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { FormsModule } from '@angular/forms';
import { WebSocketService, liveResource, type CompactionEvent } from 'ngx-realtime';
import { ApexApi } from '../../core/apex-api';
import { AuthService } from '../../core/auth-service';
import { errorMessage } from '../../core/error-message';
import { refreshOverHttp } from '../../core/http-refresh';
import { hasPermission } from '../../core/session';
import { HttpRefreshNotice } from '../../shell/http-refresh-notice';

/**
 * Starts a compaction of a column family (suggested from `GET /admin/column-families`; one that
 * does not exist gets the server's 404 message and nothing starts) and follows it live. The progress bar is a `liveResource` over
 * `GET /admin/compact` and `compaction_status` events, so it also shows a compaction someone else
 * started, even before this page opened. On ApexStore 2.2's change stream (no compaction events)
 * the status is refreshed over HTTP instead, every second while one runs.
 */
@Component({
  selector: 'app-compaction-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [FormsModule, DatePipe, DecimalPipe, HttpRefreshNotice],
  template: `
    <h1>Compaction</h1>
    <app-http-refresh-notice [refresher]="refresher" missing="Compaction events" />
    <form class="card controls" (ngSubmit)="start()">
      <label>Column family
        <input name="cf" list="column-families" autocomplete="off" [(ngModel)]="cf" data-testid="compaction-cf" />
      </label>
      <!-- Suggestions, not a closed list: a family created a moment ago can still be typed, and one
           that does not exist gets the server's answer. -->
      <datalist id="column-families">
        @for (name of columnFamilies(); track name) { <option [value]="name"></option> }
      </datalist>
      <button type="submit" [disabled]="!canStart() || running()" data-testid="compaction-start">
        {{ running() ? 'Compacting…' : 'Start compaction' }}
      </button>
      @if (!isAdmin()) { <span class="muted">Needs the Admin permission.</span> }
      @if (columnFamilies().length > 0) {
        <p class="muted known" data-testid="compaction-cfs">Column families: {{ columnFamilies().join(', ') }}</p>
      }
    </form>
    @if (error() ?? loadError(); as message) {
      <p class="notice error" data-testid="compaction-error">{{ message }}</p>
    }

    <section class="card">
      <div class="row between">
        <strong data-testid="compaction-status">{{ statusText() }}</strong>
        <span data-testid="compaction-percent">{{ percent() }}%</span>
      </div>
      <div class="progress" role="progressbar" aria-label="Compaction progress" aria-valuemin="0" aria-valuemax="100"
           [attr.aria-valuenow]="percent()" data-testid="compaction-progress" [attr.data-status]="latest()?.status ?? 'idle'">
        <div class="bar" [class.failed]="latest()?.status === 'failed'" [style.width.%]="percent()"></div>
      </div>
      @if (latest()?.details; as d) {
        <p class="muted details">
          @if (d.filesMerged != null) { {{ d.filesMerged }} files merged · }
          @if (d.bytesRead != null) { {{ d.bytesRead | number }} B read · }
          @if (d.bytesWritten != null) { {{ d.bytesWritten | number }} B written }
          @if (d.error) { <span class="error-text">{{ d.error }}</span> }
        </p>
      }
    </section>

    <h2>History</h2>
    <div class="table-scroll">
    <table class="table">
      <tbody>
        @for (event of history(); track event.seq) {
          <tr data-testid="compaction-event" [attr.data-status]="event.status">
            <td class="muted">{{ event.timestamp | date: 'mediumTime' }}</td>
            <td>{{ event.cf }}</td>
            <td>{{ event.status }}</td>
            <td>{{ event.details.progress != null ? (event.details.progress * 100 | number: '1.0-0') + '%' : '' }}</td>
          </tr>
        } @empty {
          <tr><td class="muted" data-testid="compaction-history-empty">
            @if (refresher.active) { No history: it is made of compaction events, which this stream does not send. }
            @else { No compaction since this page was opened. }
          </td></tr>
        }
      </tbody>
    </table>
    </div>
  `,
  styles: `
    .row { display: flex; gap: .8rem; }
    .between { justify-content: space-between; align-items: center; margin-bottom: .5rem; }
    .known { flex-basis: 100%; margin: 0; font-size: .85rem; }
    .progress { height: 1rem; background: #eef0f3; border-radius: 999px; overflow: hidden; }
    .bar { height: 100%; background: #2f6fed; transition: width .25s ease-out; }
    .bar.failed { background: #d33; }
    .details { margin: .6rem 0 0; }
    .error-text { color: #8c1d1d; }
  `,
})
export class CompactionPage {
  private readonly api = inject(ApexApi);
  private readonly ws = inject(WebSocketService);
  private readonly auth = inject(AuthService);

  protected readonly cf = signal('default');
  private readonly families = rxResource({ stream: () => this.api.columnFamilies() });
  /** Existing column families, offered as suggestions (none while loading or if the server cannot list them). */
  protected readonly columnFamilies = computed(() => (this.families.hasValue() ? this.families.value() : []));
  protected readonly error = signal<string | null>(null);
  protected readonly history = signal<readonly CompactionEvent[]>([]);
  /** Where compaction events never come, the status is fetched again (often while one runs). */
  protected readonly refresher = refreshOverHttp(() => this.current, { busy: () => this.running() });
  /** The newest compaction, also one that started before this page opened. */
  private readonly current = liveResource({
    load: () => this.api.latestCompaction().pipe(this.refresher.stamp()),
    events: (rt) => rt.onCompactionEvents(),
    reduce: (_: CompactionEvent | null, event: CompactionEvent) => event,
  });
  protected readonly latest = computed<CompactionEvent | null>(() => (this.current.hasValue() ? (this.current.value() ?? null) : null));
  protected readonly loadError = computed(() => {
    const failed = this.current.error();
    return failed ? errorMessage(failed) : null;
  });
  protected readonly isAdmin = computed(() => hasPermission(this.auth.user(), 'Admin'));
  protected readonly canStart = computed(() => this.isAdmin() && this.cf().trim() !== '');
  protected readonly running = computed(() => {
    const status = this.latest()?.status;
    return status === 'started' || status === 'progress';
  });
  protected readonly percent = computed(() => {
    const event = this.latest();
    if (!event || event.status === 'started') return 0;
    if (event.status === 'completed') return 100;
    return Math.round((event.details.progress ?? 0) * 100);
  });
  protected readonly statusText = computed(() => {
    const event = this.latest();
    if (!event) return 'Idle';
    const label = { started: 'Started', progress: 'Compacting', completed: 'Completed', failed: 'Failed' }[event.status];
    return `${label} · ${event.cf}`;
  });

  constructor() {
    this.ws
      .onCompactionEvents()
      .pipe(takeUntilDestroyed(inject(DestroyRef)))
      .subscribe((event) => this.history.update((list) => [event, ...list].slice(0, 50)));
  }

  protected start(): void {
    this.error.set(null);
    this.api.compact(this.cf().trim()).subscribe({
      // A family that appeared since the page loaded is now in the list too; without compaction
      // events, the status is only known by asking.
      next: () => {
        this.families.reload();
        if (this.refresher.active) this.refresher.refresh();
      },
      error: (err: unknown) => this.error.set(errorMessage(err)),
    });
  }
}

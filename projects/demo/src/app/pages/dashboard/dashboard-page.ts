import { DatePipe, DecimalPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, DestroyRef, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { WebSocketService, type StatsBody } from 'ngx-realtime';
import { EMPTY, catchError, debounceTime, merge, startWith, switchMap } from 'rxjs';
import { ApexApi } from '../../core/apex-api';
import { describeEvent } from '../../core/describe-event';
import { errorMessage } from '../../core/error-message';
import { EventLog } from '../../core/event-log';

/** Stat cards, in display order. */
const CARDS: { field: keyof StatsBody; label: string; unit?: string }[] = [
  { field: 'total_records', label: 'Records' },
  { field: 'mem_records', label: 'In memtable' },
  { field: 'mem_kb', label: 'Memtable', unit: 'KB' },
  { field: 'sst_files', label: 'SST files' },
  { field: 'sst_kb', label: 'SST size', unit: 'KB' },
  { field: 'wal_kb', label: 'WAL', unit: 'KB' },
  { field: 'wsConnections', label: 'Live clients' },
];

/**
 * Live overview: the server's stats (pushed by `stats_update`, and refetched right after key writes
 * so record counts move with the data) and the feed of recent events.
 */
@Component({
  selector: 'app-dashboard-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [DatePipe, DecimalPipe],
  template: `
    <h1>Dashboard</h1>
    @if (error(); as message) {
      <p class="notice error" data-testid="stats-error">{{ message }}</p>
    }
    <section class="cards" data-testid="stats">
      @for (card of cards; track card.field) {
        <div class="card stat">
          <span class="label">{{ card.label }}</span>
          <span class="value" [attr.data-testid]="'stat-' + card.field">
            @if (stats(); as s) { {{ s[card.field] | number }} } @else { – }
          </span>
          @if (card.unit) { <span class="unit">{{ card.unit }}</span> }
        </div>
      }
    </section>
    <p class="muted" data-testid="stats-updated">
      @if (updatedAt(); as at) { Updated {{ at | date: 'mediumTime' }} ({{ source() }}) } @else { Loading stats… }
    </p>

    <h2>Recent events</h2>
    @if (log.events().length === 0) {
      <p class="muted" data-testid="events-empty">No events yet. Write a key or start a compaction.</p>
    }
    <table class="table" data-testid="events-feed">
      <tbody>
        @for (event of log.events(); track $index) {
          <tr data-testid="event-row" [attr.data-seq]="event.seq" [attr.data-type]="event.type"
              [attr.data-key]="event.type === 'key_change' ? event.key : null">
            <td class="seq">#{{ event.seq }}</td>
            <td class="time">{{ event.timestamp | date: 'mediumTime' }}</td>
            <td><span class="tag" [class]="'tag tag-' + event.type">{{ event.type }}</span></td>
            <td>{{ describe(event) }}</td>
          </tr>
        }
      </tbody>
    </table>
  `,
  styles: `
    .cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(9.5rem, 1fr)); gap: .8rem; }
    .stat { display: flex; flex-direction: column; gap: .2rem; }
    .label { font-size: .8rem; color: #667085; text-transform: uppercase; letter-spacing: .04em; }
    .value { font-size: 1.6rem; font-weight: 600; font-variant-numeric: tabular-nums; }
    .unit { font-size: .8rem; color: #667085; }
    .seq, .time { color: #667085; font-variant-numeric: tabular-nums; white-space: nowrap; width: 1%; }
  `,
})
export class DashboardPage {
  private readonly api = inject(ApexApi);
  private readonly ws = inject(WebSocketService);
  protected readonly log = inject(EventLog);
  protected readonly cards = CARDS;
  protected readonly describe = describeEvent;

  protected readonly stats = signal<StatsBody | null>(null);
  protected readonly updatedAt = signal<number | null>(null);
  protected readonly source = signal<'live' | 'fetched'>('fetched');
  protected readonly error = signal<string | null>(null);

  constructor() {
    const destroyRef = inject(DestroyRef);
    this.ws
      .onStats()
      .pipe(takeUntilDestroyed(destroyRef))
      .subscribe((event) => this.show(event.stats, 'live'));

    // Writes change the counts long before the next periodic push: refetch, but once per burst.
    merge(this.ws.onKeyChanges().pipe(debounceTime(250)), this.ws.resync$)
      .pipe(
        startWith(null),
        switchMap(() =>
          this.api.stats().pipe(
            catchError((err: unknown) => {
              this.error.set(errorMessage(err));
              return EMPTY;
            }),
          ),
        ),
        takeUntilDestroyed(destroyRef),
      )
      .subscribe((stats) => this.show(stats, 'fetched'));
  }

  private show(stats: StatsBody, source: 'live' | 'fetched'): void {
    this.stats.set(stats);
    this.source.set(source);
    this.updatedAt.set(Date.now());
    this.error.set(null);
  }
}

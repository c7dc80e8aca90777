import { DatePipe, DecimalPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, DestroyRef, computed, effect, inject, untracked } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { WebSocketService, liveResource, snapshotFromResponse, type StatsBody, type StatsUpdateEvent } from 'ngx-realtime';
import { debounceTime, map } from 'rxjs';
import { ApexApi } from '../../core/apex-api';
import { describeEvent } from '../../core/describe-event';
import { errorMessage } from '../../core/error-message';
import { EventLog } from '../../core/event-log';
import { refreshOverHttp } from '../../core/http-refresh';
import { LiveMetrics } from '../../core/live-metrics';
import { HttpRefreshNotice } from '../../shell/http-refresh-notice';
import { LineChart } from './line-chart';

/** The stats shown, when they arrived and from where. */
interface ShownStats {
  stats: StatsBody;
  at: number;
  source: 'live' | 'fetched';
}

/** Stat cards, in display order. */
const CARDS: { field: keyof StatsBody; label: string; unit?: string }[] = [
  { field: 'total_records', label: 'Records' },
  { field: 'mem_records', label: 'In memtable' },
  { field: 'mem_kb', label: 'Memtable', unit: 'KB' },
  { field: 'sst_files', label: 'SST files' },
  { field: 'sst_kb', label: 'SST size', unit: 'KB' },
  { field: 'wal_kb', label: 'WAL', unit: 'KB' },
  { field: 'wsConnections', label: 'Live clients' },
  { field: 'wsConnectionsTotal', label: 'Clients, all instances' },
];

/** Stats charted beside the events per second. */
const CHARTED: { field: 'total_records' | 'mem_kb' | 'wsConnections'; label: string; unit: string; color: string }[] = [
  { field: 'total_records', label: 'Records', unit: '', color: '#7a3fd1' },
  { field: 'mem_kb', label: 'Memtable', unit: 'KB', color: '#c2410c' },
  { field: 'wsConnections', label: 'Live clients', unit: '', color: '#1d8a4a' },
];

/**
 * Live overview: the server's stats (a `liveResource` over `GET /stats` kept current by
 * `stats_update` pushes, reloaded right after key writes so record counts move with the data),
 * charts of the last minutes (events per second and a few stats, sampled by `LiveMetrics`), and
 * the feed of recent events. On ApexStore 2.2's change stream the feed, the events per second and
 * the reload after writes stay live (they are key changes); the stats push does not exist there,
 * so the stats are also refreshed over HTTP on a timer, and the feed's events have no seq.
 */
@Component({
  selector: 'app-dashboard-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [DatePipe, DecimalPipe, LineChart, HttpRefreshNotice],
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
    <app-http-refresh-notice [refresher]="refresher" missing="Stats pushes" />

    <h2>Last minutes</h2>
    <section class="charts" data-testid="charts">
      <div class="card chart wide" data-testid="chart-events">
        <app-line-chart label="Events per second" unit="/s" [values]="perSecond()" color="#2f6fed" />
      </div>
      @for (chart of statCharts(); track chart.field) {
        <div class="card chart" [attr.data-testid]="'chart-' + chart.field">
          <app-line-chart [label]="chart.label" [unit]="chart.unit" [values]="chart.values" [color]="chart.color" />
        </div>
      }
    </section>

    <h2>Recent events</h2>
    @if (log.events().length === 0) {
      <p class="muted" data-testid="events-empty">No events yet. Write a key or start a compaction.</p>
    }
    <div class="table-scroll">
    <table class="table" data-testid="events-feed">
      <tbody>
        @for (event of log.events(); track $index) {
          <tr data-testid="event-row" [attr.data-seq]="event.seq ?? null" [attr.data-type]="event.type"
              [attr.data-key]="event.type === 'key_change' ? event.key : null">
            <!-- ApexStore 2.2 numbers nothing: its key changes come without a seq. -->
            <td class="seq" [attr.title]="event.seq === undefined ? 'not numbered by the server' : null">{{ event.seq === undefined ? '–' : '#' + event.seq }}</td>
            <td class="time">{{ event.timestamp | date: 'mediumTime' }}</td>
            <td><span class="tag" [class]="'tag tag-' + event.type">{{ event.type }}</span></td>
            <td>{{ describe(event) }}</td>
          </tr>
        }
      </tbody>
    </table>
    </div>
  `,
  styles: `
    .cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(7.5rem, 1fr)); gap: .8rem; }
    .stat { display: flex; flex-direction: column; gap: .2rem; }
    .label { font-size: .8rem; color: #667085; text-transform: uppercase; letter-spacing: .04em; }
    .value { font-size: 1.6rem; font-weight: 600; font-variant-numeric: tabular-nums; }
    .unit { font-size: .8rem; color: #667085; }
    /* Events per second leads, twice as wide; the three stats follow. Two columns on a tablet, one on a phone. */
    .charts { display: grid; grid-template-columns: 2fr 1fr 1fr 1fr; gap: .8rem; }
    .charts .card { margin: 0; min-width: 0; }
    @media (max-width: 1000px) { .charts { grid-template-columns: 1fr 1fr; } .charts .wide { grid-column: span 2; } }
    @media (max-width: 560px) { .charts { grid-template-columns: 1fr; } .charts .wide { grid-column: auto; } }
    /* On a phone the event itself matters more than its clock time. */
    @media (max-width: 600px) { .time { display: none; } }
    .seq, .time { color: #667085; font-variant-numeric: tabular-nums; white-space: nowrap; width: 1%; }
  `,
})
export class DashboardPage {
  private readonly api = inject(ApexApi);
  private readonly ws = inject(WebSocketService);
  protected readonly log = inject(EventLog);
  protected readonly cards = CARDS;
  protected readonly describe = describeEvent;
  private readonly metrics = inject(LiveMetrics);

  protected readonly perSecond = computed(() => this.metrics.samples().map((s) => s.events));
  protected readonly statCharts = computed(() => {
    const samples = this.metrics.samples();
    return CHARTED.map((chart) => ({
      ...chart,
      values: samples.map((s) => (s.stats ? (chart.field === 'wsConnections' ? (s.stats.wsConnectionsTotal ?? s.stats.wsConnections) : s.stats[chart.field]) : null)),
    }));
  });

  /** Where no stats are pushed, they are fetched again on a timer (and after writes, as always). */
  protected readonly refresher = refreshOverHttp(() => this.shown);
  private readonly shown = liveResource({
    load: () =>
      this.api.stats().pipe(this.refresher.stamp(), map((response) => snapshotFromResponse(response, (stats): ShownStats => ({ stats, at: Date.now(), source: 'fetched' })))),
    events: (rt) => rt.onStats(),
    reduce: (_: ShownStats, event: StatsUpdateEvent): ShownStats => ({ stats: event.stats, at: Date.now(), source: 'live' }),
  });

  protected readonly stats = computed(() => (this.shown.hasValue() ? this.shown.value().stats : null));
  protected readonly updatedAt = computed(() => (this.shown.hasValue() ? this.shown.value().at : null));
  protected readonly source = computed(() => (this.shown.hasValue() ? this.shown.value().source : 'fetched'));
  protected readonly error = computed(() => {
    const failed = this.shown.error();
    return failed ? errorMessage(failed) : null;
  });

  constructor() {
    // Fetched stats are news for the charts too: they need not wait for the next push.
    effect(() => {
      const stats = this.stats();
      if (stats) untracked(() => this.metrics.noteStats(stats));
    });
    // Writes change the counts long before the next periodic push: reload, but once per burst.
    this.ws
      .onKeyChanges()
      .pipe(debounceTime(250), takeUntilDestroyed(inject(DestroyRef)))
      .subscribe(() => this.shown.reload());
  }
}

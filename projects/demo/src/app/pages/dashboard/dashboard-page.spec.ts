import type { HttpTestingController } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { WebSocketService, type StatsBody } from 'ngx-realtime';
import type { RealtimeTestingController } from 'ngx-realtime/testing';
import { CDC_CONNECTED, cdcPut, configurePageTest } from '../../../testing/configure-page-test';
import { EventLog } from '../../core/event-log';
import { LiveMetrics } from '../../core/live-metrics';
import { DashboardPage } from './dashboard-page';

const STATS: StatsBody = { sst_files: 2, sst_kb: 10, mem_records: 3, mem_kb: 1, wal_kb: 4, total_records: 40, wsConnections: 1, uptimeMs: 1000 };

describe('DashboardPage', () => {
  let fixture: ComponentFixture<DashboardPage>;
  let http: HttpTestingController;
  let controller: RealtimeTestingController;
  let realtime: WebSocketService;

  beforeEach(() => {
    const session = { token: 't', expiresAt: Date.now() + 3_600_000, user: { id: 'u1', name: 'Ada', permissions: ['Read'] } };
    sessionStorage.setItem('apex.session', JSON.stringify(session));
    ({ http, controller, realtime } = configurePageTest());
    TestBed.inject(EventLog); // the app creates both at start-up, before any page
    TestBed.inject(LiveMetrics);
    fixture = TestBed.createComponent(DashboardPage);
    realtime.connect('t');
    controller.connection.open();
    TestBed.tick(); // the stats resource loads once its effects run
    http.expectOne('/stats').flush(STATS);
  });

  afterEach(() => {
    realtime.disconnect();
    // A key_change triggers a debounced stats refetch; on a slow machine it may already be out.
    for (const req of http.match('/stats')) req.flush(STATS);
    http.verify();
    controller.verify();
    sessionStorage.removeItem('apex.session');
  });

  async function text(testId: string): Promise<string> {
    await fixture.whenStable();
    return (fixture.nativeElement as HTMLElement).querySelector(`[data-testid="${testId}"]`)!.textContent!.trim();
  }

  it('shows fetched stats, then the live push', async () => {
    expect(await text('stat-total_records')).toBe('40');
    expect(await text('stats-updated')).toContain('(fetched)');

    controller.emit({ type: 'stats_update', timestamp: Date.now(), stats: { ...STATS, total_records: 1234 } });
    expect(await text('stat-total_records')).toBe('1,234');
    expect(await text('stats-updated')).toContain('(live)');
  });

  it('lists durable events newest first, and not the stats pushes', async () => {
    controller.emit({ type: 'key_change', operation: 'put', key: 'a', cf: 'default', value: '1', seq: 7 });
    controller.emit({ type: 'stats_update', timestamp: Date.now(), stats: STATS });
    controller.emit({ type: 'health_change', probe: 'readiness', status: 'unhealthy', seq: 8 });
    await fixture.whenStable();
    const rows = Array.from((fixture.nativeElement as HTMLElement).querySelectorAll('[data-testid="event-row"]'));
    expect(rows.map((r) => r.getAttribute('data-seq'))).toEqual(['8', '7']);
    expect(rows[0].textContent).toContain('readiness is unhealthy');
    expect(rows[1].getAttribute('data-key')).toBe('a');
  });
});

describe('DashboardPage charts', () => {
  let fixture: ComponentFixture<DashboardPage>;
  let http: HttpTestingController;
  let controller: RealtimeTestingController;
  let realtime: WebSocketService;

  beforeEach(() => {
    const session = { token: 't', expiresAt: Date.now() + 3_600_000, user: { id: 'u1', name: 'Ada', permissions: ['Read'] } };
    sessionStorage.setItem('apex.session', JSON.stringify(session));
    ({ http, controller, realtime } = configurePageTest());
    TestBed.inject(LiveMetrics);
    fixture = TestBed.createComponent(DashboardPage);
    realtime.connect('t');
    controller.connection.open();
    TestBed.tick();
    http.expectOne('/stats').flush(STATS);
  });

  afterEach(() => {
    realtime.disconnect();
    for (const req of http.match('/stats')) req.flush(STATS);
    http.verify();
    controller.verify();
    sessionStorage.removeItem('apex.session');
  });

  /** The chart's figure: its spoken summary, the current value and the line's path. */
  async function chart(testId: string): Promise<{ summary: string; now: string; line: string; points: string }> {
    await fixture.whenStable();
    const el = (fixture.nativeElement as HTMLElement).querySelector(`[data-testid="${testId}"]`)!;
    const svg = el.querySelector('svg')!;
    return {
      summary: svg.getAttribute('aria-label')!,
      now: el.querySelector('[data-testid="chart-now"]')!.textContent!.replace(/\s+/g, ' ').trim(),
      line: el.querySelector('[data-testid="chart-line"]')!.getAttribute('d') ?? '',
      points: svg.getAttribute('data-points')!,
    };
  }

  const put = (key: string) => controller.emit({ type: 'key_change', operation: 'put', key, cf: 'default', value: 'v' });

  it('charts events per second, second by second, with a spoken summary', async () => {
    expect((await chart('chart-events')).summary).toBe('Events per second: no data yet');
    put('a');
    put('b');
    put('c');
    controller.tick(1_000);
    const first = await chart('chart-events');
    expect(first.now).toBe('3/s');
    put('d');
    controller.tick(1_000);
    const second = await chart('chart-events');
    expect(second.now).toBe('1/s');
    expect(second.points).toBe('2');
    expect(second.line).not.toBe(first.line); // the line moved
    expect(second.summary).toBe('Events per second over the last 60 s: now 1 /s, peak 3 /s, average 2 /s');
  });

  it('charts the pushed stats: records, memtable and live clients', async () => {
    controller.emit({ type: 'stats_update', timestamp: Date.now(), stats: { ...STATS, total_records: 60, mem_kb: 12, wsConnections: 2 } });
    controller.tick(1_000);
    controller.emit({ type: 'stats_update', timestamp: Date.now(), stats: { ...STATS, total_records: 75, mem_kb: 14, wsConnections: 3 } });
    controller.tick(1_000);
    expect((await chart('chart-total_records')).now).toBe('75');
    expect((await chart('chart-mem_kb')).now).toBe('14KB');
    expect((await chart('chart-wsConnections')).now).toBe('3');
    expect((await chart('chart-total_records')).line).toMatch(/^M[\d.]+,[\d.]+L[\d.]+,[\d.]+$/);
  });
});

describe('DashboardPage on ApexStore 2.2', () => {
  let fixture: ComponentFixture<DashboardPage>;
  let http: HttpTestingController;
  let controller: RealtimeTestingController;
  let realtime: WebSocketService;
  let stream: ReturnType<RealtimeTestingController['expectStream']>;

  beforeEach(async () => {
    const session = { token: 't', expiresAt: Date.now() + 3_600_000, user: { id: 'u1', name: 'Ada', permissions: ['Read'] } };
    sessionStorage.setItem('apex.session', JSON.stringify(session));
    ({ http, controller, realtime } = configurePageTest('apexstore-2.2'));
    TestBed.inject(EventLog);
    TestBed.inject(LiveMetrics);
    fixture = TestBed.createComponent(DashboardPage);
    realtime.connect('t');
    stream = controller.expectStream();
    stream.accept().emitRaw(CDC_CONNECTED);
    TestBed.tick();
    http.expectOne('/stats').flush(STATS);
    await fixture.whenStable();
  });

  afterEach(() => {
    realtime.disconnect();
    for (const req of http.match('/stats')) req.flush(STATS);
    http.verify();
    controller.verify();
    sessionStorage.removeItem('apex.session');
  });

  const el = () => fixture.nativeElement as HTMLElement;

  it('lists the key changes of the change stream as they come, without a seq (ApexStore numbers nothing)', async () => {
    stream.emitRaw(cdcPut('user:1', 'Ada'));
    stream.emitRaw(cdcPut('user:2', 'Grace'));
    await fixture.whenStable();
    const rows = Array.from(el().querySelectorAll('[data-testid="event-row"]'));
    expect(rows.map((r) => r.getAttribute('data-key'))).toEqual(['user:2', 'user:1']);
    expect(rows.map((r) => r.getAttribute('data-seq'))).toEqual([null, null]);
    expect(rows[0].querySelector('.seq')!.textContent!.trim()).toBe('–');
    expect(rows[0].textContent).toContain('put user:2');
  });

  it('says the stats are not pushed, and fetches them again every 10 s', async () => {
    expect(el().querySelector('[data-testid="http-refresh-notice"]')!.textContent).toContain('Stats pushes do not come on ApexStore 2.2');
    controller.tick(10_000);
    TestBed.tick();
    http.expectOne('/stats').flush({ ...STATS, total_records: 77 });
    await fixture.whenStable();
    expect(el().querySelector('[data-testid="stat-total_records"]')!.textContent!.trim()).toBe('77');
    expect(el().querySelector('[data-testid="http-refreshed-ago"]')!.textContent!.trim()).toBe('Refreshed 0 s ago');
  });
});

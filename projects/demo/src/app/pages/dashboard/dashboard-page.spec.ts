import type { HttpTestingController } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { WebSocketService, type StatsBody } from 'ngx-realtime';
import type { RealtimeTestingController } from 'ngx-realtime/testing';
import { configurePageTest } from '../../../testing/configure-page-test';
import { EventLog } from '../../core/event-log';
import { DashboardPage } from './dashboard-page';

const STATS: StatsBody = { sst_files: 2, sst_kb: 10, mem_records: 3, mem_kb: 1, wal_kb: 4, total_records: 40, wsConnections: 1, uptimeMs: 1000 };

describe('DashboardPage', () => {
  let fixture: ComponentFixture<DashboardPage>;
  let http: HttpTestingController;
  let controller: RealtimeTestingController;
  let realtime: WebSocketService;

  beforeEach(() => {
    ({ http, controller, realtime } = configurePageTest());
    TestBed.inject(EventLog); // the app creates it at start-up, before any page
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

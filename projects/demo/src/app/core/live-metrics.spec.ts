import type { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import type { StatsBody, WebSocketService } from 'ngx-realtime';
import type { RealtimeTestingController } from 'ngx-realtime/testing';
import { configurePageTest } from '../../testing/configure-page-test';
import { AuthService } from './auth-service';
import { LiveMetrics } from './live-metrics';

const STATS: StatsBody = { sst_files: 1, sst_kb: 2, mem_records: 3, mem_kb: 4, wal_kb: 5, total_records: 60, wsConnections: 1, uptimeMs: 1 };

describe('LiveMetrics', () => {
  let http: HttpTestingController;
  let controller: RealtimeTestingController;
  let realtime: WebSocketService;
  let metrics: LiveMetrics;

  beforeEach(() => {
    const session = { token: 'apx_test', expiresAt: Date.now() + 3_600_000, user: { id: 'u1', name: 'Ada', permissions: ['Admin'] } };
    sessionStorage.setItem('apex.session', JSON.stringify(session));
    ({ http, controller, realtime } = configurePageTest());
    metrics = TestBed.inject(LiveMetrics);
    realtime.connect('apx_test');
    controller.connection.open();
  });

  afterEach(() => {
    realtime.disconnect();
    http.match(() => true).forEach((req) => req.flush({}));
    controller.verify();
    sessionStorage.removeItem('apex.session');
  });

  const put = (key: string) => controller.emit({ type: 'key_change', operation: 'put', key, cf: 'default', value: 'v' });

  it('counts the events of each second, not the stats pushes, and keeps the latest stats', () => {
    put('a');
    put('b');
    controller.emit({ type: 'stats_update', timestamp: Date.now(), stats: STATS });
    controller.tick(1_000);
    put('c');
    controller.tick(1_000);
    controller.tick(1_000);

    expect(metrics.samples().map((s) => s.events)).toEqual([2, 1, 0]);
    expect(metrics.samples().map((s) => s.stats?.total_records)).toEqual([60, 60, 60]);
  });

  it('takes fetched stats as the newest until a push brings newer', () => {
    metrics.noteStats({ ...STATS, total_records: 61 });
    controller.tick(1_000);
    controller.emit({ type: 'stats_update', timestamp: Date.now(), stats: { ...STATS, total_records: 62 } });
    controller.tick(1_000);
    expect(metrics.samples().map((s) => s.stats?.total_records)).toEqual([61, 62]);
  });

  it('keeps five minutes at most', () => {
    for (let i = 0; i < 310; i++) controller.tick(1_000);
    expect(metrics.samples().length).toBe(300);
  });

  it('forgets the history and stops sampling on sign-out', () => {
    put('a');
    controller.tick(1_000);
    TestBed.inject(AuthService).logout();
    controller.tick(5_000);
    expect(metrics.samples()).toEqual([]);
  });
});

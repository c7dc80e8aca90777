import type { HttpTestingController } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import type { HealthBody, WebSocketService } from 'ngx-realtime';
import type { RealtimeTestingController } from 'ngx-realtime/testing';
import { CDC_CONNECTED, configurePageTest, endPageTest } from '../../../testing/configure-page-test';
import { HealthPage } from './health-page';

const HEALTHY: HealthBody = { status: 'healthy', probes: { liveness: 'healthy', readiness: 'healthy', startup: 'healthy' }, wsConnections: 1 };

describe('HealthPage on ApexStore 2.2 (no health events)', () => {
  let fixture: ComponentFixture<HealthPage>;
  let http: HttpTestingController;
  let controller: RealtimeTestingController;
  let realtime: WebSocketService;

  beforeEach(async () => {
    const session = { token: 'apx_test', expiresAt: Date.now() + 3_600_000, user: { id: 'u1', name: 'Ada', permissions: ['Read'] } };
    sessionStorage.setItem('apex.session', JSON.stringify(session));
    ({ http, controller, realtime } = configurePageTest('apexstore-2.2'));
    fixture = TestBed.createComponent(HealthPage);
    realtime.connect('apx_test');
    controller.expectStream().accept().emitRaw(CDC_CONNECTED);
    TestBed.tick();
    http.expectOne('/health').flush(HEALTHY);
    await fixture.whenStable();
  });

  afterEach(() => endPageTest({ http, controller, realtime }));

  const text = (testId: string) =>
    (fixture.nativeElement as HTMLElement).querySelector(`[data-testid="${testId}"]`)?.textContent?.replace(/\s+/g, ' ').trim() ?? null;

  it('says health events do not come, and shows a probe that went bad at the next refresh, or at once with Refresh', async () => {
    expect(text('http-refresh-notice')).toContain('Health events do not come on ApexStore 2.2');
    expect(text('health-overall')).toBe('Overall: healthy');

    controller.tick(10_000);
    TestBed.tick();
    http.expectOne('/health').flush({ ...HEALTHY, status: 'unhealthy', probes: { ...HEALTHY.probes, startup: 'unhealthy' } }, { status: 503, statusText: 'Service Unavailable' });
    await fixture.whenStable();
    expect(text('probe-startup-status')).toBe('unhealthy');
    expect(text('health-overall')).toBe('Overall: unhealthy');

    (fixture.nativeElement as HTMLElement).querySelector<HTMLButtonElement>('[data-testid="http-refresh"]')!.click();
    TestBed.tick();
    http.expectOne('/health').flush(HEALTHY);
    await fixture.whenStable();
    expect(text('health-overall')).toBe('Overall: healthy');
  });
});

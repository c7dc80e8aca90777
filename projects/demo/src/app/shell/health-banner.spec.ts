import type { HttpTestingController } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import type { HealthBody, WebSocketService } from 'ngx-realtime';
import type { RealtimeTestingController } from 'ngx-realtime/testing';
import { CDC_CONNECTED, configurePageTest } from '../../testing/configure-page-test';
import type { StreamMode } from '../core/stream-mode';
import { AuthService } from '../core/auth-service';
import { HealthBanner } from './health-banner';

const ALL_HEALTHY: HealthBody = { status: 'healthy', probes: { liveness: 'healthy', readiness: 'healthy', startup: 'healthy' }, wsConnections: 1 };

describe('HealthBanner', () => {
  let fixture: ComponentFixture<HealthBanner>;
  let http: HttpTestingController;
  let controller: RealtimeTestingController;
  let realtime: WebSocketService;

  function setUp(signedIn = true, mode: StreamMode = 'native'): void {
    if (signedIn) {
      const session = { token: 'apx_test', expiresAt: Date.now() + 3_600_000, user: { id: 'u1', name: 'Ada', permissions: ['Read'] } };
      sessionStorage.setItem('apex.session', JSON.stringify(session));
    }
    TestBed.configureTestingModule({ providers: [provideRouter([])] });
    ({ http, controller, realtime } = configurePageTest(mode));
    fixture = TestBed.createComponent(HealthBanner);
    realtime.connect('apx_test');
    if (mode === 'native') controller.connection.open();
    else controller.expectStream().accept().emitRaw(CDC_CONNECTED);
  }

  afterEach(() => {
    realtime.disconnect();
    http.match(() => true).forEach((req) => req.flush({}));
    http.verify();
    controller.verify();
    sessionStorage.removeItem('apex.session');
  });

  /** The banner's lines, or null when there is no banner. */
  async function banner(): Promise<string[] | null> {
    await fixture.whenStable();
    const el = (fixture.nativeElement as HTMLElement).querySelector('[data-testid="health-banner"]');
    if (!el) return null;
    return Array.from(el.querySelectorAll('[data-testid="health-banner-probe"]')).map((li) => li.textContent!.replace(/\s+/g, ' ').trim());
  }

  function answerHealth(body: HealthBody): void {
    TestBed.tick();
    const req = http.expectOne('/health');
    if (body.status === 'healthy') req.flush(body);
    else req.flush(body, { status: 503, statusText: 'Service Unavailable' });
  }

  it('appears when a probe turns unhealthy, names it and the reason, and goes once it recovers', async () => {
    setUp();
    answerHealth(ALL_HEALTHY);
    expect(await banner()).toBeNull();

    controller.emit({ type: 'health_change', probe: 'readiness', status: 'unhealthy', reason: 'disk full', timestamp: Date.UTC(2026, 0, 1, 9, 30) });
    const lines = await banner();
    expect(lines?.length).toBe(1);
    expect(lines![0]).toContain('The readiness probe is unhealthy: disk full');
    expect((fixture.nativeElement as HTMLElement).querySelector('[data-testid="health-banner"]')!.getAttribute('role')).toBe('alert');

    controller.emit({ type: 'health_change', probe: 'readiness', status: 'healthy' });
    expect(await banner()).toBeNull();
  });

  it('shows a probe that was already failing when the session started (the server answers 503)', async () => {
    setUp();
    answerHealth({ status: 'unhealthy', probes: { liveness: 'healthy', readiness: 'healthy', startup: 'unhealthy' }, wsConnections: 1 });
    expect(await banner()).toEqual(['The startup probe is unhealthy']);
  });

  it('lists each failing probe once, in a fixed order', async () => {
    setUp();
    answerHealth(ALL_HEALTHY);
    controller.emit({ type: 'health_change', probe: 'startup', status: 'unhealthy' });
    controller.emit({ type: 'health_change', probe: 'liveness', status: 'unhealthy', reason: 'a' });
    controller.emit({ type: 'health_change', probe: 'liveness', status: 'unhealthy', reason: 'b' });
    const lines = (await banner())!;
    expect(lines.map((l) => l.split(' probe')[0])).toEqual(['The liveness', 'The startup']);
    expect(lines[0]).toContain(': b');
  });

  it('on ApexStore 2.2 (no health events) a probe going bad shows after the next refresh over HTTP, and goes the same way', async () => {
    setUp(true, 'apexstore-2.2');
    answerHealth(ALL_HEALTHY);
    expect(await banner()).toBeNull();
    controller.tick(10_000);
    answerHealth({ status: 'unhealthy', probes: { liveness: 'healthy', readiness: 'unhealthy', startup: 'healthy' }, wsConnections: 1 });
    expect(await banner()).toEqual(['The readiness probe is unhealthy']);
    controller.tick(10_000);
    answerHealth(ALL_HEALTHY);
    expect(await banner()).toBeNull();
  });

  it('asks nothing and shows nothing while signed out', async () => {
    setUp(false);
    TestBed.tick();
    http.expectNone('/health');
    expect(await banner()).toBeNull();
  });

  it('goes away when the user signs out', async () => {
    setUp();
    answerHealth(ALL_HEALTHY);
    controller.emit({ type: 'health_change', probe: 'readiness', status: 'unhealthy' });
    expect(await banner()).not.toBeNull();
    TestBed.inject(AuthService).logout();
    expect(await banner()).toBeNull();
  });
});

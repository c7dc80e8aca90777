import type { HttpTestingController } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import type { LoginResponse, WebSocketService } from 'ngx-realtime';
import type { RealtimeTestingController } from 'ngx-realtime/testing';
import { CDC_CONNECTED, configurePageTest, endPageTest } from '../../../testing/configure-page-test';
import type { StreamMode } from '../../core/stream-mode';
import { SyncPage } from './sync-page';

describe('SyncPage', () => {
  let fixture: ComponentFixture<SyncPage>;
  let http: HttpTestingController;
  let controller: RealtimeTestingController;
  let realtime: WebSocketService;

  function setUp(permissions: LoginResponse['user']['permissions'] = ['Admin'], mode: StreamMode = 'native'): void {
    const session = { token: 'apx_test', expiresAt: Date.now() + 3_600_000, user: { id: 'u1', name: 'Ada', permissions } };
    sessionStorage.setItem('apex.session', JSON.stringify(session));
    ({ http, controller, realtime } = configurePageTest(mode));
    fixture = TestBed.createComponent(SyncPage);
    realtime.connect('apx_test');
    if (mode === 'native') controller.connection.open({ lastSeq: 10 });
    else controller.expectStream().accept().emitRaw(CDC_CONNECTED);
    TestBed.tick();
  }

  afterEach(() => endPageTest({ http, controller, realtime }));

  async function render(): Promise<HTMLElement> {
    await fixture.whenStable();
    return fixture.nativeElement as HTMLElement;
  }

  const text = (el: HTMLElement, testId: string) => el.querySelector(`[data-testid="${testId}"]`)?.textContent?.replace(/\s+/g, ' ').trim() ?? null;
  const runs = (el: HTMLElement) => Array.from(el.querySelectorAll('[data-testid="sync-run"]')).map((r) => r.getAttribute('data-status'));
  const answerLatest = (latest: unknown, lastSeq = 10) =>
    http.expectOne((r) => r.method === 'GET' && r.url === '/admin/sync').flush({ latest }, { headers: { 'X-Last-Seq': String(lastSeq) } });

  it('shows the newest sync the server knows of, from before the page opened', async () => {
    setUp();
    answerLatest({ type: 'sync_event', status: 'completed', details: { keysSynced: 60 }, seq: 7, timestamp: Date.UTC(2026, 0, 1) });
    const el = await render();
    expect(text(el, 'sync-status-text')).toBe('Completed');
    expect(text(el, 'sync-status')).toContain('60 keys synced');
    expect(runs(el)).toEqual(['completed']);
  });

  it('starts a sync and watches it live to the end, once', async () => {
    setUp();
    answerLatest(null);
    let el = await render();
    expect(text(el, 'sync-status-text')).toBe('No sync yet');
    expect(text(el, 'sync-empty')).toBe('No sync runs seen yet.');

    el.querySelector<HTMLButtonElement>('[data-testid="sync-start"]')!.click();
    http.expectOne((r) => r.method === 'POST' && r.url === '/admin/sync').flush({ status: 'started' }, { status: 202, statusText: 'Accepted' });
    controller.emit({ type: 'sync_event', status: 'started', details: {}, seq: 11 });
    el = await render();
    expect(text(el, 'sync-status-text')).toBe('Syncing…');
    expect(el.querySelector<HTMLButtonElement>('[data-testid="sync-start"]')!.disabled).toBeTrue();

    controller.emit({ type: 'sync_event', status: 'completed', details: { keysSynced: 61 }, seq: 12 });
    el = await render();
    expect(text(el, 'sync-status-text')).toBe('Completed');
    expect(runs(el)).toEqual(['completed']);
    expect(el.querySelector<HTMLButtonElement>('[data-testid="sync-start"]')!.disabled).toBeFalse();
  });

  it('lets a viewer watch but not start, and shows why', async () => {
    setUp(['Read']);
    answerLatest(null);
    const el = await render();
    expect(el.querySelector<HTMLButtonElement>('[data-testid="sync-start"]')!.disabled).toBeTrue();
    expect(el.textContent).toContain('needs the Admin permission');
  });

  it('on ApexStore 2.2 (no sync events) says so, asks at once after a start and every second until the run ends', async () => {
    setUp(['Admin'], 'apexstore-2.2');
    answerLatest(null);
    let el = await render();
    expect(text(el, 'http-refresh-notice')).toContain('Sync events do not come on ApexStore 2.2');

    el.querySelector<HTMLButtonElement>('[data-testid="sync-start"]')!.click();
    http.expectOne((r) => r.method === 'POST' && r.url === '/admin/sync').flush({ status: 'started' }, { status: 202, statusText: 'Accepted' });
    TestBed.tick();
    answerLatest({ type: 'sync_event', status: 'started', details: {}, seq: 11, timestamp: Date.UTC(2026, 0, 1, 9) });
    el = await render();
    expect(text(el, 'sync-status-text')).toBe('Syncing…');

    controller.tick(1_000);
    TestBed.tick();
    answerLatest({ type: 'sync_event', status: 'completed', details: { keysSynced: 61 }, seq: 12, timestamp: Date.UTC(2026, 0, 1, 9, 0, 2) });
    el = await render();
    expect(text(el, 'sync-status-text')).toBe('Completed');
    expect(text(el, 'sync-status')).toContain('61 keys synced');
    controller.tick(1_000);
    TestBed.tick();
    http.expectNone('/admin/sync');
  });

  it('shows why a start was refused', async () => {
    setUp();
    answerLatest(null);
    const el = await render();
    el.querySelector<HTMLButtonElement>('[data-testid="sync-start"]')!.click();
    http.expectOne((r) => r.method === 'POST').flush({ error: 'Insufficient permissions' }, { status: 403, statusText: 'Forbidden' });
    expect(text(await render(), 'sync-error')).toBe('Insufficient permissions');
  });
});

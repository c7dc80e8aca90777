import type { HttpTestingController, TestRequest } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import type { WebSocketService } from 'ngx-realtime';
import type { RealtimeTestingController } from 'ngx-realtime/testing';
import { CDC_CONNECTED, configurePageTest, endPageTest } from '../../../testing/configure-page-test';
import { CompactionPage } from './compaction-page';

describe('CompactionPage', () => {
  let fixture: ComponentFixture<CompactionPage>;
  let http: HttpTestingController;
  let controller: RealtimeTestingController;
  let realtime: WebSocketService;

  beforeEach(() => {
    const session = { token: 'apx_test', expiresAt: Date.now() + 3_600_000, user: { id: 'u1', name: 'Ada', permissions: ['Admin'] } };
    sessionStorage.setItem('apex.session', JSON.stringify(session));
    ({ http, controller, realtime } = configurePageTest());
    fixture = TestBed.createComponent(CompactionPage);
    realtime.connect('apx_test');
    controller.connection.open();
    TestBed.tick();
    http.expectOne('/admin/column-families').flush({ columnFamilies: ['default', 'metrics'] });
    http.expectOne((r) => r.method === 'GET' && r.url === '/admin/compact').flush({ latest: null });
  });

  afterEach(() => endPageTest({ http, controller, realtime }));

  async function render(): Promise<HTMLElement> {
    await fixture.whenStable();
    return fixture.nativeElement as HTMLElement;
  }

  function text(el: HTMLElement, testId: string): string | null {
    return el.querySelector(`[data-testid="${testId}"]`)?.textContent?.replace(/\s+/g, ' ').trim() ?? null;
  }

  async function startWith(cf: string): Promise<void> {
    const el = await render();
    const input = el.querySelector<HTMLInputElement>('[data-testid="compaction-cf"]')!;
    input.value = cf;
    input.dispatchEvent(new Event('input'));
    await render();
    el.querySelector<HTMLButtonElement>('[data-testid="compaction-start"]')!.click();
  }

  it('offers the column families the server has', async () => {
    const el = await render();
    const options = Array.from(el.querySelectorAll('datalist#column-families option')).map((o) => o.getAttribute('value'));
    expect(options).toEqual(['default', 'metrics']);
    expect(el.querySelector('[data-testid="compaction-cf"]')!.getAttribute('list')).toBe('column-families');
    expect(text(el, 'compaction-cfs')).toBe('Column families: default, metrics');
  });

  it('shows the server’s refusal of a column family that does not exist, and nothing runs', async () => {
    await startWith('nope');
    const post = http.expectOne((r) => r.method === 'POST' && r.url === '/admin/compact');
    expect(post.request.body).toEqual({ cf: 'nope' });
    post.flush({ error: "Column family 'nope' does not exist" }, { status: 404, statusText: 'Not Found' });

    const el = await render();
    expect(text(el, 'compaction-error')).toBe("Column family 'nope' does not exist");
    expect(text(el, 'compaction-status')).toBe('Idle');
    expect(el.querySelector('[data-testid="compaction-progress"]')!.getAttribute('data-status')).toBe('idle');
    expect(el.querySelector<HTMLButtonElement>('[data-testid="compaction-start"]')!.textContent!.trim()).toBe('Start compaction');
  });

  it('starts a compaction of a known family and follows it', async () => {
    await startWith('metrics');
    http.expectOne((r) => r.method === 'POST' && r.url === '/admin/compact').flush({ status: 'started', cf: 'metrics' }, { status: 202, statusText: 'Accepted' });
    TestBed.tick();
    http.expectOne('/admin/column-families').flush({ columnFamilies: ['default', 'metrics'] });
    controller.emit({ type: 'compaction_status', cf: 'metrics', status: 'progress', details: { progress: 0.5 } });
    const el = await render();
    expect(text(el, 'compaction-status')).toBe('Compacting · metrics');
    expect(text(el, 'compaction-error')).toBeNull();
  });
});

describe('CompactionPage on ApexStore 2.2 (no compaction events)', () => {
  let fixture: ComponentFixture<CompactionPage>;
  let http: HttpTestingController;
  let controller: RealtimeTestingController;
  let realtime: WebSocketService;
  const status = (state: string, progress?: number) => ({
    latest: { type: 'compaction_status', cf: 'default', status: state, details: progress === undefined ? {} : { progress }, seq: 9, timestamp: Date.UTC(2026, 0, 1) },
  });

  beforeEach(async () => {
    const session = { token: 'apx_test', expiresAt: Date.now() + 3_600_000, user: { id: 'u1', name: 'Ada', permissions: ['Admin'] } };
    sessionStorage.setItem('apex.session', JSON.stringify(session));
    ({ http, controller, realtime } = configurePageTest('apexstore-2.2'));
    fixture = TestBed.createComponent(CompactionPage);
    realtime.connect('apx_test');
    controller.expectStream().accept().emitRaw(CDC_CONNECTED);
    TestBed.tick();
    http.expectOne('/admin/column-families').flush({ columnFamilies: ['default'] });
    http.expectOne((r) => r.method === 'GET' && r.url === '/admin/compact').flush({ latest: null });
    await fixture.whenStable();
  });

  afterEach(() => endPageTest({ http, controller, realtime }));

  async function render(): Promise<HTMLElement> {
    await fixture.whenStable();
    return fixture.nativeElement as HTMLElement;
  }

  const text = (el: HTMLElement, testId: string) => el.querySelector(`[data-testid="${testId}"]`)?.textContent?.replace(/\s+/g, ' ').trim() ?? null;

  /** Lets the timers run; the status requests they made. (Not whenStable: a request in flight keeps the app unstable.) */
  function afterMs(ms: number): TestRequest[] {
    controller.tick(ms);
    TestBed.tick();
    return http.match((r) => r.method === 'GET' && r.url === '/admin/compact');
  }

  it('says that compaction events do not come, and that there is no history without them', async () => {
    const el = await render();
    expect(text(el, 'http-refresh-notice')).toContain('Compaction events do not come on ApexStore 2.2');
    expect(text(el, 'compaction-history-empty')).toBe('No history: it is made of compaction events, which this stream does not send.');
    expect(text(el, 'compaction-status')).toBe('Idle');
  });

  it('asks for the status every 10 s while idle, at once after starting one, then every second until it ends', async () => {
    expect(afterMs(9_000).length).toBe(0);
    const idle = afterMs(1_000);
    expect(idle.length).toBe(1);
    idle[0]!.flush({ latest: null });

    (await render()).querySelector<HTMLButtonElement>('[data-testid="compaction-start"]')!.click();
    http.expectOne((r) => r.method === 'POST' && r.url === '/admin/compact').flush({ status: 'started', cf: 'default' }, { status: 202, statusText: 'Accepted' });
    TestBed.tick();
    http.expectOne('/admin/column-families').flush({ columnFamilies: ['default'] });
    http.expectOne((r) => r.method === 'GET' && r.url === '/admin/compact').flush(status('progress', 0.5));
    let el = await render();
    expect(text(el, 'compaction-status')).toBe('Compacting · default');
    expect(text(el, 'compaction-percent')).toBe('50%');

    const running = afterMs(1_000);
    expect(running.length).toBe(1);
    running[0]!.flush(status('completed'));
    el = await render();
    expect(text(el, 'compaction-status')).toBe('Completed · default');
    expect(text(el, 'compaction-percent')).toBe('100%');
    expect(afterMs(1_000).length).toBe(0);
  });
});

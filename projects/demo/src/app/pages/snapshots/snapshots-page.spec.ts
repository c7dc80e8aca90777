import type { HttpTestingController } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import type { LoginResponse, SnapshotInfo, WebSocketService } from 'ngx-realtime';
import type { RealtimeTestingController } from 'ngx-realtime/testing';
import { CDC_CONNECTED, configurePageTest, endPageTest } from '../../../testing/configure-page-test';
import type { StreamMode } from '../../core/stream-mode';
import { SnapshotsPage } from './snapshots-page';

const STORED: SnapshotInfo[] = [{ snapshotId: 'snap-1', createdAt: Date.UTC(2026, 0, 1), records: 60 }];

describe('SnapshotsPage', () => {
  let fixture: ComponentFixture<SnapshotsPage>;
  let http: HttpTestingController;
  let controller: RealtimeTestingController;
  let realtime: WebSocketService;

  function setUp(permissions: LoginResponse['user']['permissions'], mode: StreamMode = 'native'): void {
    const session = { token: 'apx_test', expiresAt: Date.now() + 3_600_000, user: { id: 'u1', name: 'Ada', permissions } };
    sessionStorage.setItem('apex.session', JSON.stringify(session));
    ({ http, controller, realtime } = configurePageTest(mode));
    fixture = TestBed.createComponent(SnapshotsPage);
    realtime.connect('apx_test');
    if (mode === 'native') controller.connection.open();
    else controller.expectStream().accept().emitRaw(CDC_CONNECTED);
    TestBed.tick();
  }

  afterEach(() => endPageTest({ http, controller, realtime }));

  async function render(): Promise<HTMLElement> {
    await fixture.whenStable();
    return fixture.nativeElement as HTMLElement;
  }

  const has = (el: HTMLElement, testId: string) => el.querySelector(`[data-testid="${testId}"]`) !== null;

  it('shows a viewer only the refusal: no list, no "No snapshots yet", and asks the server nothing', async () => {
    setUp(['Read']);
    http.expectNone('/admin/snapshots');
    const el = await render();
    expect(el.querySelector('[data-testid="snapshots-refused"]')!.textContent).toContain('Admin permission');
    expect(has(el, 'snapshots-empty')).toBeFalse();
    expect(has(el, 'snapshot-row')).toBeFalse();
    expect(has(el, 'snapshot-create')).toBeFalse();
    expect(el.querySelector('table')).toBeNull();
  });

  it('shows an admin the list, and a completed snapshot joins it', async () => {
    setUp(['Admin']);
    http.expectOne('/admin/snapshots').flush({ snapshots: STORED });
    controller.emit({ type: 'snapshot_event', status: 'completed', snapshotId: 'snap-2', details: { records: 61 } });
    const el = await render();
    const ids = Array.from(el.querySelectorAll('[data-testid="snapshot-row"]')).map((r) => r.getAttribute('data-id'));
    expect(ids.sort()).toEqual(['snap-1', 'snap-2']);
    expect(has(el, 'snapshots-refused')).toBeFalse();
  });

  it('says "No snapshots yet" only once the server answered with none', async () => {
    setUp(['Admin']);
    fixture.detectChanges(); // not whenStable: the pending request keeps the page loading
    expect(has(fixture.nativeElement as HTMLElement, 'snapshots-empty')).toBeFalse();
    expect(has(fixture.nativeElement as HTMLElement, 'snapshots-loading')).toBeTrue();
    http.expectOne('/admin/snapshots').flush({ snapshots: [] });
    expect(has(await render(), 'snapshots-empty')).toBeTrue();
  });

  it('on ApexStore 2.2 (no snapshot events) says so, and a new snapshot shows from the list asked for at once', async () => {
    setUp(['Admin'], 'apexstore-2.2');
    http.expectOne('/admin/snapshots').flush({ snapshots: STORED });
    let el = await render();
    expect(el.querySelector('[data-testid="http-refresh-notice"]')!.textContent).toContain('Snapshot events do not come on ApexStore 2.2');

    el.querySelector<HTMLButtonElement>('[data-testid="snapshot-create"]')!.click();
    http.expectOne((r) => r.method === 'POST' && r.url === '/admin/snapshots').flush({ status: 'started', snapshotId: 'snap-2' }, { status: 202, statusText: 'Accepted' });
    TestBed.tick();
    http.expectOne('/admin/snapshots').flush({ snapshots: [...STORED, { snapshotId: 'snap-2', createdAt: Date.UTC(2026, 0, 2), records: 61 }] });
    el = await render();
    const ids = Array.from(el.querySelectorAll('[data-testid="snapshot-row"]')).map((r) => r.getAttribute('data-id'));
    expect(ids).toEqual(['snap-2', 'snap-1']);

    controller.tick(10_000);
    TestBed.tick();
    http.expectOne('/admin/snapshots').flush({ snapshots: STORED });
    el = await render();
    expect(Array.from(el.querySelectorAll('[data-testid="snapshot-row"]')).map((r) => r.getAttribute('data-id'))).toEqual(['snap-1']);
  });

  it('when the server refuses after all (403), shows only the refusal', async () => {
    setUp(['Admin']);
    http.expectOne('/admin/snapshots').flush({ error: 'Insufficient permissions' }, { status: 403, statusText: 'Forbidden' });
    const el = await render();
    expect(has(el, 'snapshots-refused')).toBeTrue();
    expect(has(el, 'snapshots-empty')).toBeFalse();
    expect(has(el, 'snapshots-error')).toBeFalse();
  });

  it('on another failure shows the error, never an empty list', async () => {
    setUp(['Admin']);
    http.expectOne('/admin/snapshots').flush({ error: 'Boom' }, { status: 500, statusText: 'Server Error' });
    const el = await render();
    expect(el.querySelector('[data-testid="snapshots-error"]')!.textContent!.trim()).toBe('Boom');
    expect(has(el, 'snapshots-empty')).toBeFalse();
  });
});

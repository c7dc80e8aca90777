import type { HttpTestingController } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { WebSocketService, type KeyListBody, type LoginResponse } from 'ngx-realtime';
import type { RealtimeTestingController } from 'ngx-realtime/testing';
import { configurePageTest } from '../../../testing/configure-page-test';
import { Notifier } from '../../core/notifier';
import { KeysPage } from './keys-page';

function session(permissions: LoginResponse['user']['permissions']): LoginResponse {
  return { token: 'apx_test', expiresAt: Date.now() + 3_600_000, user: { id: 'u1', name: 'Test', permissions } };
}

describe('KeysPage', () => {
  let fixture: ComponentFixture<KeysPage>;
  let http: HttpTestingController;
  let controller: RealtimeTestingController;
  let realtime: WebSocketService;

  function setUp(permissions: LoginResponse['user']['permissions'] = ['Admin']): void {
    // AuthService restores the session from sessionStorage, as after a page reload.
    sessionStorage.setItem('apex.session', JSON.stringify(session(permissions)));
    ({ http, controller, realtime } = configurePageTest());
    fixture = TestBed.createComponent(KeysPage);
    realtime.connect('apx_test');
    controller.connection.open();
  }

  /** Answers the list request, which the page's live resource sends once its effects have run. */
  function flushList(body: KeyListBody): void {
    TestBed.tick();
    http.expectOne((req) => req.method === 'GET' && req.url === '/keys').flush(body);
  }

  async function render(): Promise<HTMLElement> {
    await fixture.whenStable();
    return fixture.nativeElement as HTMLElement;
  }

  function row(el: HTMLElement, key: string) {
    const tr = el.querySelector<HTMLElement>(`[data-testid="key-row"][data-key="${key}"]`);
    return {
      exists: tr !== null,
      value: tr?.querySelector('[data-testid="key-value"]')?.textContent?.trim(),
      badge: tr?.querySelector('[data-testid="key-badge"]')?.textContent?.trim() ?? null,
      deleted: tr?.classList.contains('deleted') ?? false,
    };
  }

  const toasts = () => TestBed.inject(Notifier).toasts().map((t) => t.text);

  afterEach(() => {
    realtime.disconnect();
    http.verify();
    controller.verify();
    sessionStorage.removeItem('apex.session');
  });

  it('lists keys from REST', async () => {
    setUp();
    flushList({ keys: [{ key: 'user:2', value: 'b', cf: 'default' }, { key: 'user:1', value: 'a', cf: 'default' }], count: 2 });
    const el = await render();
    const keys = Array.from(el.querySelectorAll('[data-testid="key-row"]')).map((r) => r.getAttribute('data-key'));
    expect(keys).toEqual(['user:1', 'user:2']);
    expect(el.querySelector('[data-testid="keys-count"]')!.textContent!.trim()).toBe('2 keys');
  });

  it("applies another client's write to a shown key, badges it and says so", async () => {
    setUp();
    flushList({ keys: [{ key: 'user:1', value: 'old', cf: 'default' }], count: 1 });
    await render(); // badges describe what changed after the list was shown
    controller.emit({ type: 'key_change', operation: 'put', key: 'user:1', cf: 'default', value: 'new' });

    const el = await render();
    expect(row(el, 'user:1')).toEqual({ exists: true, value: 'new', badge: 'changed by another client', deleted: false });
    expect(toasts()).toEqual(['user:1 was changed by another client']);
  });

  it('adds new keys and strikes through deleted ones as they happen', async () => {
    setUp();
    flushList({ keys: [{ key: 'user:1', value: 'a', cf: 'default' }], count: 1 });
    await render();
    controller.emit({ type: 'key_change', operation: 'put', key: 'user:9', cf: 'default', value: 'z' });
    controller.emit({ type: 'key_change', operation: 'delete', key: 'user:1', cf: 'default' });

    const el = await render();
    expect(row(el, 'user:9')).toEqual({ exists: true, value: 'z', badge: 'added by another client', deleted: false });
    expect(row(el, 'user:1').deleted).toBeTrue();
    expect(row(el, 'user:1').badge).toBe('deleted by another client');
  });

  it('ignores keys outside the searched prefix', async () => {
    setUp();
    flushList({ keys: [], count: 0 });
    const el = await render();
    const input = el.querySelector<HTMLInputElement>('[data-testid="keys-prefix"]')!;
    input.value = 'user:';
    input.dispatchEvent(new Event('input'));
    el.querySelector<HTMLButtonElement>('[data-testid="keys-refresh"]')!.click();
    TestBed.tick();
    const req = http.expectOne((r) => r.url === '/keys');
    expect(req.request.params.get('prefix')).toBe('user:');
    req.flush({ keys: [], count: 0 });

    controller.emit({ type: 'key_change', operation: 'put', key: 'order:1', cf: 'default', value: 'x' });
    expect(row(await render(), 'order:1').exists).toBeFalse();
    expect(toasts()).toEqual([]);
  });

  it('writes a key through the form and applies its own echo without a notification', async () => {
    setUp();
    flushList({ keys: [], count: 0 });
    let el = await render();
    for (const [id, value] of [['put-key', 'mine'], ['put-value', 'v1']]) {
      const input = el.querySelector<HTMLInputElement>(`[data-testid="${id}"]`)!;
      input.value = value;
      input.dispatchEvent(new Event('input'));
    }
    el = await render();
    el.querySelector<HTMLButtonElement>('[data-testid="put-submit"]')!.click();

    const put = http.expectOne((r) => r.method === 'PUT' && r.url === '/keys/mine');
    expect(put.request.body).toEqual({ value: 'v1' });
    // The event may overtake the HTTP answer: it must still be recognised as this tab's own.
    controller.emit({ type: 'key_change', operation: 'put', key: 'mine', cf: 'default', value: 'v1' });
    put.flush({ key: 'mine', value: 'v1', cf: 'default' });

    el = await render();
    expect(row(el, 'mine')).toEqual({ exists: true, value: 'v1', badge: null, deleted: false });
    expect(toasts()).toEqual([]);
  });

  it('refetches the list when the SDK asks for a resync', async () => {
    setUp();
    flushList({ keys: [{ key: 'a', value: '1', cf: 'default' }], count: 1 });
    await render();
    controller.emit({ type: 'resync', reason: 'history_expired', lastSeq: 500 });
    flushList({ keys: [{ key: 'b', value: '2', cf: 'default' }], count: 1 });
    const el = await render();
    expect(row(el, 'a').exists).toBeFalse();
    expect(row(el, 'b').value).toBe('2');
  });

  it('offers no write controls to a read-only user', async () => {
    setUp(['Read']);
    flushList({ keys: [{ key: 'a', value: '1', cf: 'default' }], count: 1 });
    const el = await render();
    expect(el.querySelector('[data-testid="put-form"]')).toBeNull();
    expect(el.querySelector('[data-testid="key-delete"]')).toBeNull();
    expect(el.querySelector('[data-testid="read-only"]')).not.toBeNull();
  });
});

import type { HttpTestingController } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { WebSocketService, type KeyListBody, type KeyValueBody, type LoginResponse } from 'ngx-realtime';
import type { RealtimeTestingController } from 'ngx-realtime/testing';
import { configurePageTest, endPageTest } from '../../../testing/configure-page-test';
import { Notifier } from '../../core/notifier';
import { KeysPage } from './keys-page';

function session(permissions: LoginResponse['user']['permissions']): LoginResponse {
  return { token: 'apx_test', expiresAt: Date.now() + 3_600_000, user: { id: 'u1', name: 'Test', permissions } };
}

const kv = (key: string, value = `v-${key}`): KeyValueBody => ({ key, value, cf: 'default' });

/** A `GET /keys` answer; without `next` and `total` it is the whole list. */
function listBody(keys: KeyValueBody[], page: { total?: number; next?: string | null } = {}): KeyListBody {
  return { keys, count: keys.length, total: page.total ?? keys.length, next: page.next ?? null };
}

/** `user:000` … as the server sorts them. */
const userKeys = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => kv(`user:${String(from + i).padStart(3, '0')}`));

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
  function flushList(body: KeyListBody, seq?: number) {
    TestBed.tick();
    const req = http.expectOne((r) => r.method === 'GET' && r.url === '/keys');
    req.flush(body, seq === undefined ? {} : { headers: { 'X-Last-Seq': String(seq) } });
    return req.request;
  }

  async function render(): Promise<HTMLElement> {
    await fixture.whenStable();
    return fixture.nativeElement as HTMLElement;
  }

  const q = <T extends Element = HTMLElement>(el: ParentNode, testId: string) => el.querySelector<T & Element>(`[data-testid="${testId}"]`);
  const text = (el: ParentNode, testId: string) => q(el, testId)?.textContent?.trim() ?? null;

  function rowEl(el: HTMLElement, key: string): HTMLElement | null {
    return Array.from(el.querySelectorAll<HTMLElement>('[data-testid="key-row"]')).find((r) => r.getAttribute('data-key') === key) ?? null;
  }

  function row(el: HTMLElement, key: string) {
    const tr = rowEl(el, key);
    return {
      exists: tr !== null,
      value: tr ? text(tr, 'key-value') : undefined,
      badge: tr ? text(tr, 'key-badge') : null,
      deleted: tr?.classList.contains('deleted') ?? false,
    };
  }

  const shownKeys = (el: HTMLElement) => Array.from(el.querySelectorAll('[data-testid="key-row"]')).map((r) => r.getAttribute('data-key'));

  function type(el: ParentNode, testId: string, value: string): void {
    const input = q<HTMLInputElement | HTMLTextAreaElement>(el, testId)!;
    input.value = value;
    input.dispatchEvent(new Event('input'));
  }

  async function putThroughForm(key: string, value: string): Promise<HTMLElement> {
    let el = await render();
    type(el, 'put-key', key);
    type(el, 'put-value', value);
    el = await render();
    q<HTMLButtonElement>(el, 'put-submit')!.click();
    return render();
  }

  /** Clicks and renders; when the click loads a page, use {@link press} and flush first (rendering waits for the load). */
  async function click(el: ParentNode, testId: string): Promise<HTMLElement> {
    press(el, testId);
    return render();
  }

  function press(el: ParentNode, testId: string): void {
    q<HTMLButtonElement>(el, testId)!.click();
  }

  const toasts = () => TestBed.inject(Notifier).toasts().map((t) => t.text);

  afterEach(() => endPageTest({ http, controller, realtime }));

  it('lists keys from REST', async () => {
    setUp();
    flushList(listBody([kv('user:2', 'b'), kv('user:1', 'a')]));
    const el = await render();
    expect(shownKeys(el)).toEqual(['user:1', 'user:2']);
    expect(text(el, 'keys-count')).toBe('2 keys');
    expect(q(el, 'keys-range')).toBeNull(); // one page: no pager
  });

  it("applies another client's write to a shown key, badges it and says so", async () => {
    setUp();
    flushList(listBody([kv('user:1', 'old')]));
    await render(); // badges describe what changed after the list was shown
    controller.emit({ type: 'key_change', operation: 'put', key: 'user:1', cf: 'default', value: 'new' });

    const el = await render();
    expect(row(el, 'user:1')).toEqual({ exists: true, value: 'new', badge: 'changed by another client', deleted: false });
    expect(toasts()).toEqual(['user:1 was changed by another client']);
  });

  it('adds new keys and strikes through deleted ones as they happen', async () => {
    setUp();
    flushList(listBody([kv('user:1', 'a')]));
    await render();
    controller.emit({ type: 'key_change', operation: 'put', key: 'user:9', cf: 'default', value: 'z' });
    controller.emit({ type: 'key_change', operation: 'delete', key: 'user:1', cf: 'default' });

    const el = await render();
    expect(row(el, 'user:9')).toEqual({ exists: true, value: 'z', badge: 'added by another client', deleted: false });
    expect(row(el, 'user:1').deleted).toBeTrue();
    expect(row(el, 'user:1').badge).toBe('deleted by another client');
    expect(text(el, 'keys-count')).toBe('1 key');
  });

  it('ignores keys outside the searched prefix and other column families', async () => {
    setUp();
    flushList(listBody([]));
    const el = await render();
    type(el, 'keys-prefix', 'user:');
    q<HTMLButtonElement>(el, 'keys-refresh')!.click();
    expect(flushList(listBody([])).params.get('prefix')).toBe('user:');

    controller.emit({ type: 'key_change', operation: 'put', key: 'order:1', cf: 'default', value: 'x' });
    controller.emit({ type: 'key_change', operation: 'put', key: 'user:1', cf: 'metrics', value: 'x' });
    const after = await render();
    expect(shownKeys(after)).toEqual([]);
    expect(toasts()).toEqual([]);
  });

  describe('paging', () => {
    it('shows one page with "1–100 of 267" and walks Next and Previous with the cursor', async () => {
      setUp();
      const first = flushList(listBody(userKeys(0, 100), { total: 267, next: 'user:099' }));
      expect(first.params.get('limit')).toBe('100');
      expect(first.params.has('after')).toBeFalse();
      let el = await render();
      expect(text(el, 'keys-range')).toBe('1–100 of 267');
      expect(q<HTMLButtonElement>(el, 'keys-previous')!.disabled).toBeTrue();

      press(el, 'keys-next');
      expect(flushList(listBody(userKeys(100, 200), { total: 267, next: 'user:199' })).params.get('after')).toBe('user:099');
      el = await render();
      expect(text(el, 'keys-range')).toBe('101–200 of 267');
      expect(shownKeys(el)[0]).toBe('user:100');

      press(el, 'keys-next');
      expect(flushList(listBody(userKeys(200, 267), { total: 267, next: null })).params.get('after')).toBe('user:199');
      el = await render();
      expect(text(el, 'keys-range')).toBe('201–267 of 267');
      expect(q<HTMLButtonElement>(el, 'keys-next')!.disabled).toBeTrue();

      press(el, 'keys-previous');
      expect(flushList(listBody(userKeys(100, 200), { total: 267, next: 'user:199' })).params.get('after')).toBe('user:099');
      expect(text(await render(), 'keys-range')).toBe('101–200 of 267');
    });

    it('applies writes inside the page exactly and only hints at writes to later pages', async () => {
      setUp();
      flushList(listBody(userKeys(0, 100), { total: 267, next: 'user:099' }), 10);
      await render();
      controller.emit({ type: 'key_change', operation: 'put', key: 'user:050x', cf: 'default', value: 'new', seq: 11 });
      controller.emit({ type: 'key_change', operation: 'delete', key: 'user:007', cf: 'default', seq: 12 });
      let el = await render();
      expect(row(el, 'user:050x').badge).toBe('added by another client');
      expect(text(el, 'keys-range')).toBe('1–100 of 267'); // one added, one deleted
      expect(q(el, 'keys-elsewhere')).toBeNull();

      controller.emit({ type: 'key_change', operation: 'put', key: 'user:150', cf: 'default', value: 'later', seq: 13 });
      el = await render();
      expect(row(el, 'user:150').exists).toBeFalse();
      expect(text(el, 'keys-elsewhere')).toContain('Keys on other pages changed');
      expect(text(el, 'keys-range')).toBe('1–100 of 267');
      expect(toasts()).toEqual(['user:050x was added by another client', 'user:007 was deleted by another client']);
    });

    it('on the last page takes every later key, since no page follows', async () => {
      setUp();
      flushList(listBody(userKeys(0, 3)));
      await render();
      controller.emit({ type: 'key_change', operation: 'put', key: 'zzz', cf: 'default', value: 'end' });
      const el = await render();
      expect(shownKeys(el)).toEqual(['user:000', 'user:001', 'user:002', 'zzz']);
      expect(text(el, 'keys-count')).toBe('4 keys');
    });

    it('lists another page size from the first page', async () => {
      setUp();
      flushList(listBody(userKeys(0, 100), { total: 267, next: 'user:099' }));
      const el = await render();
      const select = q<HTMLSelectElement>(el, 'keys-page-size')!;
      select.value = select.options[3]!.value; // 1000
      select.dispatchEvent(new Event('change'));
      const req = flushList(listBody(userKeys(0, 267)));
      expect(req.params.get('limit')).toBe('1000');
      expect(text(await render(), 'keys-count')).toBe('267 keys');
    });
  });

  describe('the whole list ("All")', () => {
    /** `user:0000` … (four digits, so the server's order is the numbers' order). */
    const manyKeys = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => kv(`user:${String(from + i).padStart(4, '0')}`));

    /** Switches to "All" and answers its requests: 1,500 keys in two chunks read at seqs 5 and 3. */
    async function holdAll(): Promise<HTMLElement> {
      setUp();
      flushList(listBody(manyKeys(0, 100), { total: 1500, next: 'user:0099' }), 5);
      let el = await render();
      const select = q<HTMLSelectElement>(el, 'keys-page-size')!;
      expect(select.options[4]!.textContent!.trim()).toBe('All');
      select.value = select.options[4]!.value;
      select.dispatchEvent(new Event('change'));
      const first = flushList(listBody(manyKeys(0, 1000), { total: 1500, next: 'user:0999' }), 5);
      expect([first.params.get('limit'), first.params.get('after')]).toEqual(['1000', null]);
      const second = http.expectOne((r) => r.method === 'GET' && r.url === '/keys');
      expect([second.request.params.get('limit'), second.request.params.get('after')]).toEqual(['1000', 'user:0999']);
      second.flush(listBody(manyKeys(1000, 1500), { total: 1500, next: null }), { headers: { 'X-Last-Seq': '3' } });
      el = await render();
      return el;
    }

    it('loads every key along the cursor, shows 100 at a time and pages through them without reloading', async () => {
      let el = await holdAll();
      expect(text(el, 'keys-range')).toBe('1–100 of 1,500');
      expect(shownKeys(el).length).toBe(100);
      el = await click(el, 'keys-next');
      expect(text(el, 'keys-range')).toBe('101–200 of 1,500');
      expect(shownKeys(el)[0]).toBe('user:0100');
      type(el, 'keys-jump', 'user:1450');
      el = await click(el, 'keys-jump-go');
      expect(text(el, 'keys-range')).toBe('1,451–1,500 of 1,500');
      expect(q<HTMLButtonElement>(el, 'keys-next')!.disabled).toBeTrue();
      el = await click(el, 'keys-previous');
      expect(text(el, 'keys-range')).toBe('1,351–1,450 of 1,500');
      http.expectNone((r) => r.url === '/keys'); // paging is local
    });

    it('applies a batch once, from the oldest chunk\'s seq, with exact counts and badges in the shown window', async () => {
      let el = await holdAll();
      el = await click(el, 'keys-next'); // user:0100 … user:0199
      controller.connection.current()!.emitBatch([
        // Seq 4 is above the oldest chunk's seq (3): it applies, though the first chunk had it.
        { type: 'key_change', operation: 'put', key: 'user:0101', cf: 'default', value: 'seq 4', seq: 4 },
        { type: 'key_change', operation: 'put', key: 'user:0150x', cf: 'default', value: 'new', seq: 6 },
        { type: 'key_change', operation: 'put', key: 'user:0150x', cf: 'default', value: 'newer', seq: 7 },
        { type: 'key_change', operation: 'delete', key: 'user:0120', cf: 'default', seq: 8 },
        { type: 'key_change', operation: 'put', key: 'user:1499x', cf: 'default', value: 'far', seq: 9 },
        { type: 'key_change', operation: 'delete', key: 'user:0003', cf: 'default', seq: 10 },
      ]);
      el = await render();
      expect(text(el, 'keys-range')).toBe('100–199 of 1,500'); // two added, two deleted; one of them before this window
      expect(row(el, 'user:0101')).toEqual({ exists: true, value: 'seq 4', badge: 'changed by another client', deleted: false });
      // Added, then changed in the same batch: "changed", as when the events came one by one.
      expect(row(el, 'user:0150x')).toEqual({ exists: true, value: 'newer', badge: 'changed by another client', deleted: false });
      expect(row(el, 'user:0120').deleted).toBeTrue();
      expect(row(el, 'user:1499x').exists).toBeFalse(); // another window
      expect(row(el, 'user:0003').exists).toBeFalse();
      expect(q(el, 'keys-elsewhere')).toBeNull();
      // Six writes at once: four named, one toast for the rest.
      expect(toasts()).toEqual([
        'user:0101 was changed by another client',
        'user:0150x was added by another client',
        'user:0150x was changed by another client',
        'user:0120 was deleted by another client',
        '…and 2 more keys changed by other clients',
      ]);
      type(el, 'keys-jump', '');
      el = await click(el, 'keys-jump-go');
      expect(row(el, 'user:0003').deleted).toBeTrue();
      expect(shownKeys(el).filter((key) => key !== 'user:0003').length).toBe(100);
    });
  });

  describe('own writes', () => {
    it('writes a key through the form and applies its own echo without a notification', async () => {
      setUp();
      flushList(listBody([]));
      await putThroughForm('mine', 'v1');

      const put = http.expectOne((r) => r.method === 'PUT' && r.url === '/keys/mine');
      expect(put.request.body).toEqual({ value: 'v1' });
      // The event may overtake the HTTP answer: it must still be recognised as this tab's own.
      controller.emit({ type: 'key_change', operation: 'put', key: 'mine', cf: 'default', value: 'v1', seq: 1 });
      put.flush(kv('mine', 'v1'), { headers: { 'X-Last-Seq': '1' } });

      const el = await render();
      expect(row(el, 'mine')).toEqual({ exists: true, value: 'v1', badge: null, deleted: false });
      expect(q(rowEl(el, 'mine')!, 'key-saved')).toBeNull();
      expect(toasts()).toEqual([]);
    });

    it('shows an answered write at once, marked saved, until the stream reaches its seq', async () => {
      setUp();
      flushList(listBody([kv('a', '1')]), 0);
      await putThroughForm('b', 'new');
      http.expectOne((r) => r.method === 'PUT' && r.url === '/keys/b').flush(kv('b', 'new'), { headers: { 'X-Last-Seq': '3' } });

      let el = await render();
      expect(row(el, 'b').value).toBe('new');
      expect(q(rowEl(el, 'b')!, 'key-saved')).not.toBeNull();
      expect(text(el, 'keys-count')).toBe('2 keys');

      // Another client's earlier write is not ours: it is badged, ours still waits.
      controller.emit({ type: 'key_change', operation: 'put', key: 'a', cf: 'default', value: '2', seq: 2 });
      el = await render();
      expect(row(el, 'a').badge).toBe('changed by another client');
      expect(q(rowEl(el, 'b')!, 'key-saved')).not.toBeNull();

      controller.emit({ type: 'key_change', operation: 'put', key: 'b', cf: 'default', value: 'new', seq: 3 });
      el = await render();
      expect(row(el, 'b')).toEqual({ exists: true, value: 'new', badge: null, deleted: false });
      expect(q(rowEl(el, 'b')!, 'key-saved')).toBeNull();
      expect(text(el, 'keys-count')).toBe('2 keys');
      expect(toasts()).toEqual(['a was changed by another client']);
    });

    it('says where a write to another page went, instead of showing it here', async () => {
      setUp();
      flushList(listBody(userKeys(0, 100), { total: 267, next: 'user:099' }), 0);
      await putThroughForm('user:150', 'far');
      http.expectOne((r) => r.method === 'PUT').flush(kv('user:150', 'far'), { headers: { 'X-Last-Seq': '1' } });
      const el = await render();
      expect(row(el, 'user:150').exists).toBeFalse();
      expect(text(el, 'put-saved-elsewhere')).toBe('Saved “user:150”; it belongs to another page of the list.');
      expect(text(el, 'keys-range')).toBe('1–100 of 267');
    });

    it('does not bring back a confirmed write while the list reloads', async () => {
      setUp();
      flushList(listBody([kv('a', '1')]), 0);
      await putThroughForm('a', 'mine');
      http.expectOne((r) => r.method === 'PUT').flush(kv('a', 'mine'), { headers: { 'X-Last-Seq': '1' } });
      controller.emit({ type: 'key_change', operation: 'put', key: 'a', cf: 'default', value: 'mine', seq: 1 });
      await render();
      controller.emit({ type: 'key_change', operation: 'delete', key: 'a', cf: 'default', seq: 2 });
      let el = await render();
      expect(row(el, 'a').deleted).toBeTrue(); // struck through: another client deleted it

      controller.emit({ type: 'resync', reason: 'history_expired', lastSeq: 2 }); // the list reloads, showing the old one meanwhile
      TestBed.tick();
      el = fixture.nativeElement as HTMLElement;
      fixture.detectChanges();
      expect(q(rowEl(el, 'a') ?? el, 'key-saved')).toBeNull();
      flushList(listBody([]), 2);
      el = await render();
      expect(shownKeys(el)).toEqual([]);
    });

    it('hides an answered delete at once', async () => {
      setUp();
      flushList(listBody([kv('a'), kv('b')]), 0);
      let el = await render();
      el = await click(rowEl(el, 'a')!, 'key-delete');
      await click(rowEl(el, 'a')!, 'key-delete-confirm');
      http.expectOne((r) => r.method === 'DELETE' && r.url === '/keys/a').flush({ key: 'a', cf: 'default', deleted: true }, { headers: { 'X-Last-Seq': '1' } });
      el = await render();
      expect(shownKeys(el)).toEqual(['b']);
      expect(text(el, 'keys-count')).toBe('1 key');
      controller.emit({ type: 'key_change', operation: 'delete', key: 'a', cf: 'default', seq: 1 });
      el = await render();
      expect(shownKeys(el)).toEqual(['b']);
      expect(toasts()).toEqual([]);
    });
  });

  describe('write checks', () => {
    it('refuses "." and ".." before sending', async () => {
      setUp();
      flushList(listBody([]));
      for (const key of ['.', '..']) {
        const el = await putThroughForm(key, 'x');
        expect(text(el, 'put-error')).toBe(`A key cannot be “${key}”: browsers read it as a path step, so it cannot be sent in a URL.`);
      }
      // http.verify() in afterEach: no request went out.
    });

    it('refuses a value over 1 MiB before sending, with its size and the limit', async () => {
      setUp();
      flushList(listBody([]));
      const el = await putThroughForm('big', 'x'.repeat(2_000_000));
      expect(text(el, 'put-error')).toBe('Value is 2.0 MB; the server accepts at most 1 MiB.');
    });

    it("shows the server's message when it answers 413", async () => {
      setUp();
      flushList(listBody([]));
      await putThroughForm('big', 'x');
      const message = 'Request body is too large: the limit is 1 MiB (1048576 bytes)';
      http.expectOne((r) => r.method === 'PUT').flush({ error: message, limitBytes: 1_048_576 }, { status: 413, statusText: 'Payload Too Large' });
      const el = await render();
      expect(text(el, 'put-error')).toBe(message);
      expect(shownKeys(el)).toEqual([]);
    });

    it('percent-encodes keys with URL characters', async () => {
      setUp();
      flushList(listBody([]));
      await putThroughForm('a/b?c#d%e f ü', 'x');
      expect(http.expectOne((r) => r.method === 'PUT').request.url).toBe('/keys/a%2Fb%3Fc%23d%25e%20f%20%C3%BC');
    });
  });

  describe('delete and edit', () => {
    it('deletes only after the confirmation; Cancel keeps the key', async () => {
      setUp();
      flushList(listBody([kv('user:1')]));
      let el = await click(rowEl(await render(), 'user:1')!, 'key-delete');
      expect(text(rowEl(el, 'user:1')!, 'key-delete-question')).toBe('Delete user:1?');
      el = await click(rowEl(el, 'user:1')!, 'key-delete-cancel');
      expect(q(rowEl(el, 'user:1')!, 'key-delete-question')).toBeNull();
      http.expectNone((r) => r.method === 'DELETE');

      el = await click(rowEl(el, 'user:1')!, 'key-delete');
      await click(rowEl(el, 'user:1')!, 'key-delete-confirm');
      http.expectOne((r) => r.method === 'DELETE' && r.url === '/keys/user%3A1').flush({ key: 'user:1', cf: 'default', deleted: true });
    });

    it('refuses an edited value over 1 MiB in the row, before sending', async () => {
      setUp();
      flushList(listBody([kv('user:1', 'before')]));
      let el = await click(rowEl(await render(), 'user:1')!, 'key-edit');
      type(rowEl(el, 'user:1')!, 'key-edit-value', 'x'.repeat(2_000_000));
      el = await click(rowEl(await render(), 'user:1')!, 'key-edit-save');
      expect(text(rowEl(el, 'user:1')!, 'key-row-error')).toBe('Value is 2.0 MB; the server accepts at most 1 MiB.');
      expect(q(rowEl(el, 'user:1')!, 'key-edit-value')).not.toBeNull(); // still editing, nothing lost
    });

    it('edits the value in the row: Esc cancels, Save writes the new value under the same key', async () => {
      setUp();
      flushList(listBody([kv('user:1', 'before')]));
      let el = await click(rowEl(await render(), 'user:1')!, 'key-edit');
      const editor = q<HTMLTextAreaElement>(rowEl(el, 'user:1')!, 'key-edit-value')!;
      expect(editor.value).toBe('before');
      type(rowEl(el, 'user:1')!, 'key-edit-value', 'discarded');
      editor.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
      el = await render();
      expect(q(rowEl(el, 'user:1')!, 'key-edit-value')).toBeNull();
      expect(row(el, 'user:1').value).toBe('before');

      el = await click(rowEl(el, 'user:1')!, 'key-edit');
      expect(q<HTMLTextAreaElement>(rowEl(el, 'user:1')!, 'key-edit-value')!.value).toBe('before');
      type(rowEl(el, 'user:1')!, 'key-edit-value', 'after');
      el = await click(rowEl(await render(), 'user:1')!, 'key-edit-save');
      const put = http.expectOne((r) => r.method === 'PUT' && r.url === '/keys/user%3A1');
      expect(put.request.body).toEqual({ value: 'after' });
      put.flush(kv('user:1', 'after'), { headers: { 'X-Last-Seq': '1' } });
      el = await render();
      expect(q(rowEl(el, 'user:1')!, 'key-edit-value')).toBeNull();
      expect(row(el, 'user:1').value).toBe('after');
    });
  });

  it('truncates a long value in the table and shows it whole on demand', async () => {
    setUp();
    const value = 'x'.repeat(100_000);
    flushList(listBody([kv('big', value), kv('small', 'tiny')]));
    let el = await render();
    expect(row(el, 'big').value!.length).toBeLessThan(300);
    expect(q(rowEl(el, 'small')!, 'key-show-all')).toBeNull();
    el = await click(rowEl(el, 'big')!, 'key-show-all');
    expect(q(el, 'value-dialog-text')!.textContent).toBe(value);
    expect(text(el, 'value-dialog-size')).toBe('100.0 KB · 100,000 characters');
    controller.emit({ type: 'key_change', operation: 'put', key: 'big', cf: 'default', value: 'y'.repeat(1000) });
    el = await render();
    expect(text(el, 'value-dialog-size')).toBe('1.0 KB · 1,000 characters'); // the dialog follows the live value
    el = await click(el, 'value-dialog-close');
    expect(q(el, 'value-dialog')).toBeNull();
  });

  it('refetches the list when the SDK asks for a resync', async () => {
    setUp();
    flushList(listBody([kv('a', '1')]));
    await render();
    controller.emit({ type: 'resync', reason: 'history_expired', lastSeq: 500 });
    flushList(listBody([kv('b', '2')]));
    const el = await render();
    expect(row(el, 'a').exists).toBeFalse();
    expect(row(el, 'b').value).toBe('2');
  });

  it('offers no write controls to a read-only user', async () => {
    setUp(['Read']);
    flushList(listBody([kv('a', '1')]));
    const el = await render();
    expect(q(el, 'put-form')).toBeNull();
    expect(q(el, 'key-delete')).toBeNull();
    expect(q(el, 'key-edit')).toBeNull();
    expect(q(el, 'read-only')).not.toBeNull();
  });
});

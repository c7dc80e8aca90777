import type { HttpTestingController } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import type { WebSocketService } from 'ngx-realtime';
import type { RealtimeTestingController } from 'ngx-realtime/testing';
import { configurePageTest } from '../../testing/configure-page-test';
import { AppHeader } from './app-header';

describe('AppHeader', () => {
  let fixture: ComponentFixture<AppHeader>;
  let http: HttpTestingController;
  let controller: RealtimeTestingController;
  let realtime: WebSocketService;

  function setUp(signedIn: boolean): void {
    if (signedIn) {
      const session = { token: 'apx_test', expiresAt: Date.now() + 3_600_000, user: { id: 'u1', name: 'Ada', permissions: ['Admin'] } };
      sessionStorage.setItem('apex.session', JSON.stringify(session));
    }
    TestBed.configureTestingModule({ providers: [provideRouter([])] });
    ({ http, controller, realtime } = configurePageTest());
    fixture = TestBed.createComponent(AppHeader);
  }

  afterEach(() => {
    realtime.disconnect();
    http.match(() => true).forEach((req) => req.flush({}));
    controller.verify();
    sessionStorage.removeItem('apex.session');
  });

  async function render(): Promise<HTMLElement> {
    await fixture.whenStable();
    return fixture.nativeElement as HTMLElement;
  }

  it('shows no connection pill, links or user before sign-in: there is nothing to report yet', async () => {
    setUp(false);
    const el = await render();
    expect(el.querySelector('[data-testid="connection-status"]')).toBeNull();
    expect(el.querySelector('nav')).toBeNull();
    expect(el.querySelector('[data-testid="logout"]')).toBeNull();
  });

  it('shows the pill, the user and every page once signed in, the Sync page included', async () => {
    setUp(true);
    const el = await render();
    expect(el.querySelector('[data-testid="connection-status"]')).not.toBeNull();
    expect(el.querySelector('[data-testid="current-user"]')!.textContent!.trim()).toBe('Ada');
    const links = Array.from(el.querySelectorAll('nav a')).map((a) => a.textContent!.trim());
    expect(links).toEqual(['Dashboard', 'Keys', 'Compaction', 'Health', 'Snapshots', 'Sync']);
  });

  it('folds the links behind a Menu button that says whether it is open; Escape closes it', async () => {
    setUp(true);
    let el = await render();
    const toggle = el.querySelector<HTMLButtonElement>('[data-testid="menu-toggle"]')!;
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    expect(toggle.getAttribute('aria-controls')).toBe('main-nav');
    toggle.click();
    el = await render();
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    expect(el.querySelector('#main-nav')!.classList).toContain('open');

    document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }));
    await render();
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
  });
});

import { Component, signal } from '@angular/core';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { of } from 'rxjs';
import type { RealtimeTestingController } from 'ngx-realtime/testing';
import { configurePageTest } from '../../testing/configure-page-test';
import { refreshOverHttp } from '../core/http-refresh';
import type { StreamMode } from '../core/stream-mode';
import { HttpRefreshNotice } from './http-refresh-notice';

/** A page whose resource counts its reloads. */
@Component({
  imports: [HttpRefreshNotice],
  template: `<app-http-refresh-notice [refresher]="refresher" missing="Compaction events" />`,
})
class Host {
  readonly reloads = signal(0);
  readonly refresher = refreshOverHttp(() => ({ reload: () => (this.reloads.update((n) => n + 1), true) }));
  answer(): void {
    of(null).pipe(this.refresher.stamp()).subscribe();
  }
}

describe('HttpRefreshNotice', () => {
  let fixture: ComponentFixture<Host>;
  let controller: RealtimeTestingController;

  function setUp(mode: StreamMode): void {
    ({ controller } = configurePageTest(mode));
    fixture = TestBed.createComponent(Host);
  }

  afterEach(() => TestBed.resetTestingModule());

  async function text(testId: string): Promise<string | null> {
    await fixture.whenStable();
    const el = (fixture.nativeElement as HTMLElement).querySelector(`[data-testid="${testId}"]`);
    return el?.textContent?.replace(/\s+/g, ' ').trim() ?? null;
  }

  it('shows nothing where the stream carries the page’s events', async () => {
    setUp('native');
    expect(await text('http-refresh-notice')).toBeNull();
  });

  it('on ApexStore 2.2 says what does not come, how often the page refreshes, and how long ago it did', async () => {
    setUp('apexstore-2.2');
    expect(await text('http-refresh-notice')).toContain(
      "Compaction events do not come on ApexStore 2.2's change stream, which carries key changes only: this is refreshed over HTTP every 10 s.",
    );
    expect(await text('http-refreshed-ago')).toBe('Loading…');
    fixture.componentInstance.answer();
    expect(await text('http-refreshed-ago')).toBe('Refreshed 0 s ago');
    controller.tick(3_000);
    expect(await text('http-refreshed-ago')).toBe('Refreshed 3 s ago');
  });

  it('its Refresh button reloads at once', async () => {
    setUp('apexstore-2.2');
    await fixture.whenStable();
    (fixture.nativeElement as HTMLElement).querySelector<HTMLButtonElement>('[data-testid="http-refresh"]')!.click();
    expect(fixture.componentInstance.reloads()).toBe(1);
  });
});

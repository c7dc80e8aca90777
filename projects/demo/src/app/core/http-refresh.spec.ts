import { Injector, runInInjectionContext, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { of } from 'rxjs';
import { configurePageTest } from '../../testing/configure-page-test';
import { BUSY_REFRESH_MS, HTTP_REFRESH_MS, refreshOverHttp, type HttpRefresh } from './http-refresh';
import type { StreamMode } from './stream-mode';

describe('refreshOverHttp', () => {
  let reloads: number;
  const busy = signal(false);

  function make(mode: StreamMode): { refresher: HttpRefresh; tick: (ms: number) => void; injector: Injector } {
    reloads = 0;
    busy.set(false);
    TestBed.configureTestingModule({ providers: [{ provide: HTTP_REFRESH_MS, useValue: 10_000 }] });
    const { controller } = configurePageTest(mode);
    const injector = TestBed.inject(Injector);
    const resource = { reload: () => (reloads++, true) };
    const refresher = runInInjectionContext(injector, () => refreshOverHttp(() => resource, { busy }));
    return { refresher, tick: (ms) => controller.tick(ms), injector };
  }

  afterEach(() => TestBed.resetTestingModule());

  it('with the native protocol it sets no timer: the events keep the page live', () => {
    const { refresher, tick } = make('native');
    expect(refresher.active).toBeFalse();
    tick(60_000);
    expect(reloads).toBe(0);
    refresher.refresh();
    expect(reloads).toBe(1);
  });

  it('on ApexStore 2.2 it reloads every interval, and every second while something runs', () => {
    const { refresher, tick } = make('apexstore-2.2');
    expect(refresher.active).toBeTrue();
    tick(9_000);
    expect(reloads).toBe(0);
    tick(1_000);
    expect(reloads).toBe(1);
    tick(10_000);
    expect(reloads).toBe(2);

    busy.set(true);
    tick(BUSY_REFRESH_MS);
    expect(reloads).toBe(3);
    tick(3 * BUSY_REFRESH_MS);
    expect(reloads).toBe(6);
    busy.set(false);
    tick(9_000);
    expect(reloads).toBe(6);
  });

  it('refresh() reloads at once and starts the interval afresh', () => {
    const { refresher, tick } = make('apexstore-2.2');
    tick(8_000);
    refresher.refresh();
    expect(reloads).toBe(1);
    tick(9_000);
    expect(reloads).toBe(1);
    tick(1_000);
    expect(reloads).toBe(2);
  });

  it('stamp() notes when an answer came in, on the SDK clock', () => {
    const { refresher, tick } = make('apexstore-2.2');
    expect(refresher.refreshedAt()).toBeNull();
    tick(2_500);
    let seen = 0;
    of('answer').pipe(refresher.stamp()).subscribe(() => seen++);
    expect(seen).toBe(1);
    const at = refresher.refreshedAt();
    expect(at).not.toBeNull();
    tick(4_000);
    of('answer').pipe(refresher.stamp()).subscribe();
    expect(refresher.refreshedAt()! - at!).toBe(4_000);
  });

  it('stops with its page: no reload after the injector is destroyed', () => {
    const { tick } = make('apexstore-2.2');
    TestBed.resetTestingModule();
    tick(30_000);
    expect(reloads).toBe(0);
  });
});

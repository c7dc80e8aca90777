import { DOCUMENT } from '@angular/common';
import { provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { BrowserNetworkStatus, NetworkStatus, type WakeReason } from './network-status';

describe('BrowserNetworkStatus', () => {
  afterEach(() => TestBed.resetTestingModule());

  it('is the default NetworkStatus and reads navigator.onLine', () => {
    TestBed.configureTestingModule({ providers: [provideZonelessChangeDetection()] });
    const network = TestBed.inject(NetworkStatus);
    expect(network).toBeInstanceOf(BrowserNetworkStatus);
    expect(network.isOnline()).toBe(navigator.onLine);
  });

  it("wakes on the window's online event and on the tab becoming visible, and removes its listeners", () => {
    TestBed.configureTestingModule({ providers: [provideZonelessChangeDetection()] });
    const network = TestBed.inject(NetworkStatus);
    const windowRemove = spyOn(window, 'removeEventListener').and.callThrough();
    const documentRemove = spyOn(document, 'removeEventListener').and.callThrough();
    const wakes: WakeReason[] = [];
    const subscription = network.wake$.subscribe((w) => wakes.push(w));
    window.dispatchEvent(new Event('online'));
    document.dispatchEvent(new Event('visibilitychange'));
    expect(wakes).toEqual(document.visibilityState === 'visible' ? ['online', 'visible'] : ['online']);
    subscription.unsubscribe();
    expect(windowRemove.calls.allArgs().map((a) => a[0])).toContain('online');
    expect(documentRemove.calls.allArgs().map((a) => a[0])).toContain('visibilitychange');
  });

  it('is safe without a window (server rendering): always online, never wakes', () => {
    TestBed.configureTestingModule({
      providers: [provideZonelessChangeDetection(), { provide: DOCUMENT, useValue: { defaultView: null } }],
    });
    const network = TestBed.inject(NetworkStatus);
    let emitted = false;
    let completed = false;
    network.wake$.subscribe({ next: () => (emitted = true), complete: () => (completed = true) });
    expect(network.isOnline()).toBeTrue();
    expect(emitted).toBeFalse();
    expect(completed).toBeTrue();
  });
});

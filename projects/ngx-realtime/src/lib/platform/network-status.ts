import { DOCUMENT } from '@angular/common';
import { Injectable, NgZone, inject } from '@angular/core';
import { EMPTY, Observable } from 'rxjs';

/**
 * Why the SDK should retry right now.
 *
 * @example
 * ```ts
 * network.wake$.subscribe((why: WakeReason) => console.debug('retrying because', why));
 * ```
 */
export type WakeReason = 'online' | 'visible';

/**
 * What the browser knows about connectivity. Injected so specs can go offline and come back.
 *
 * @example
 * ```ts
 * providers: [{ provide: NetworkStatus, useValue: myFakeNetwork }]
 * ```
 */
@Injectable({ providedIn: 'root', useFactory: () => new BrowserNetworkStatus() })
export abstract class NetworkStatus {
  /** `false` when the browser is sure there is no network. */
  abstract isOnline(): boolean;
  /** Emits when the network comes back or the tab becomes visible: a good moment to retry at once. */
  abstract readonly wake$: Observable<WakeReason>;
}

/**
 * Default: `navigator.onLine` and the `online` / `visibilitychange` events. Listeners are attached
 * only while `wake$` is subscribed, outside the Angular zone. On the server it is always online and
 * never wakes.
 *
 * @example
 * ```ts
 * inject(NetworkStatus).isOnline();
 * ```
 */
export class BrowserNetworkStatus extends NetworkStatus {
  readonly #document = inject(DOCUMENT, { optional: true });
  readonly #zone = inject(NgZone, { optional: true });

  isOnline(): boolean {
    const nav = this.#document?.defaultView?.navigator;
    return nav ? nav.onLine !== false : true;
  }

  readonly wake$: Observable<WakeReason> = (() => {
    const doc = this.#document;
    const win = doc?.defaultView;
    if (!doc || !win || typeof win.addEventListener !== 'function') return EMPTY;
    return new Observable<WakeReason>((subscriber) => {
      const online = () => subscriber.next('online');
      const visible = () => {
        if (doc.visibilityState === 'visible') subscriber.next('visible');
      };
      const listen = () => {
        win.addEventListener('online', online);
        doc.addEventListener('visibilitychange', visible);
      };
      // Outside the zone: a wake that finds nothing to do must not trigger change detection.
      if (this.#zone) this.#zone.runOutsideAngular(listen);
      else listen();
      return () => {
        win.removeEventListener('online', online);
        doc.removeEventListener('visibilitychange', visible);
      };
    });
  })();
}

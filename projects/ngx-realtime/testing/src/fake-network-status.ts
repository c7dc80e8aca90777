import { Injectable } from '@angular/core';
import { NetworkStatus, type WakeReason } from 'ngx-realtime';
import { Observable, Subject } from 'rxjs';

/**
 * A network the spec controls. Provided by `provideRealtimeTesting()`, reachable as
 * `RealtimeTestingController.network`.
 *
 * @example
 * ```ts
 * controller.network.goOffline();
 * controller.connection.drop();    // no retry is scheduled while offline
 * controller.network.goOnline();   // retries at once
 * ```
 */
@Injectable()
export class FakeNetworkStatus extends NetworkStatus {
  private online = true;
  private readonly wakes = new Subject<WakeReason>();
  private listeners = 0;

  readonly wake$: Observable<WakeReason> = new Observable<WakeReason>((subscriber) => {
    this.listeners++;
    const subscription = this.wakes.subscribe(subscriber);
    return () => {
      this.listeners--;
      subscription.unsubscribe();
    };
  });

  isOnline(): boolean {
    return this.online;
  }

  /** How many `online`/`visibilitychange` listeners the SDK holds; 0 after `disconnect()`. */
  get listenerCount(): number {
    return this.listeners;
  }

  /** `navigator.onLine` becomes false. */
  goOffline(): void {
    this.online = false;
  }

  /** `navigator.onLine` becomes true and `online` fires. */
  goOnline(): void {
    this.online = true;
    this.wakes.next('online');
  }

  /** The tab becomes visible again (`visibilitychange`). */
  becomeVisible(): void {
    this.wakes.next('visible');
  }
}

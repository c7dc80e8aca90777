import { DOCUMENT } from '@angular/common';
import { inject } from '@angular/core';

/**
 * The part of the Web Locks API tab sharing uses: a lock held while the callback's promise is
 * pending, released by the browser when the tab closes or crashes.
 *
 * @example
 * ```ts
 * locks.request('ngx-realtime:wss://h/ws', { signal }, () => new Promise((release) => (stepDown = release)));
 * ```
 */
export interface TabLocks {
  request(name: string, options: { signal: AbortSignal }, callback: () => Promise<void>): Promise<unknown>;
}

/**
 * The part of BroadcastChannel tab sharing uses: messages to every other tab of the origin.
 *
 * @example
 * ```ts
 * channel.onmessage = (e) => handle(e.data);
 * channel.postMessage({ kind: 'hello' });
 * ```
 */
export interface TabChannel {
  postMessage(message: unknown): void;
  onmessage: ((event: { data: unknown }) => void) | null;
  close(): void;
}

/**
 * Where tab sharing gets its locks and channels: the browser's `navigator.locks` and
 * `BroadcastChannel`, or nothing where they are missing (old browsers, some webviews, the server),
 * in which case every tab connects alone. Replaced in specs by fakes that connect several tabs.
 * `withTabSharing()` provides the browser's; an app without it carries none of this code.
 *
 * @example
 * ```ts
 * providers: [{ provide: TabSharingPlatform, useValue: fakePlatform }]
 * ```
 */
export abstract class TabSharingPlatform {
  /** The lock manager, or `null` when the platform has none. */
  abstract locks(): TabLocks | null;
  /** A channel to the other tabs, or `null` when the platform has none. */
  abstract channel(name: string): TabChannel | null;
}

/**
 * Default: `navigator.locks` and `BroadcastChannel` when both exist.
 *
 * @example
 * ```ts
 * inject(TabSharingPlatform).locks(); // null in a browser without Web Locks
 * ```
 */
export class BrowserTabSharingPlatform extends TabSharingPlatform {
  readonly #window = inject(DOCUMENT, { optional: true })?.defaultView ?? null;

  locks(): TabLocks | null {
    const locks = (this.#window?.navigator as { locks?: TabLocks } | undefined)?.locks;
    return locks && typeof this.#window?.BroadcastChannel === 'function' ? locks : null;
  }

  channel(name: string): TabChannel | null {
    const Channel = this.#window?.BroadcastChannel;
    return typeof Channel === 'function' ? (new Channel(name) as unknown as TabChannel) : null;
  }
}

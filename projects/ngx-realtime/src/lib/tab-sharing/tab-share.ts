import { InjectionToken } from '@angular/core';
import { ConnectionSession } from '../session/connection-session';
import type { RealtimeSource } from '../session/realtime-source';
import type { SessionHost } from '../session/session-host';
import type { ConnectionState } from '../stream/connection-state';
import { FrameRejection, checkServerFrame } from '../protocol/frame-validation';
import type { ResyncFrame, SequencedEvent, StatsUpdateEvent } from '../protocol/protocol';
import type { Credentials } from '../session/session-token';
import type { TabChannel, TabLocks, TabSharingPlatform } from '../platform/tab-sharing-platform';

/**
 * What a leader tab tells the others over the channel; `hello` is a new follower asking for the
 * leader's state.
 */
type TabMessage =
  | { kind: 'event'; event: SequencedEvent }
  | { kind: 'batch'; events: readonly unknown[] }
  | { kind: 'volatile'; event: StatsUpdateEvent }
  | { kind: 'resync'; frame: ResyncFrame }
  | { kind: 'state'; state: ConnectionState; lastSeq: number | null; epoch?: string | null }
  | { kind: 'hello' };

/**
 * Makes the source of a session that may be shared with other tabs, or returns `null` when the
 * platform cannot share (the service then connects alone). Provided by `withTabSharing()`.
 *
 * @example
 * ```ts
 * const source = inject(REALTIME_SHARED_SOURCE, { optional: true })?.(host, credentials, urls);
 * ```
 */
export type SharedSourceFactory = (host: SessionHost, credentials: Credentials, urls: { socket: string; poll: string }) => RealtimeSource | null;

/**
 * Holds the {@link SharedSourceFactory} of `withTabSharing()`.
 *
 * @example
 * ```ts
 * { provide: REALTIME_SHARED_SOURCE, useFactory: () => tabShareFactory(inject(TabSharingPlatform), 'default') }
 * ```
 */
export const REALTIME_SHARED_SOURCE = new InjectionToken<SharedSourceFactory>('ngx-realtime REALTIME_SHARED_SOURCE');

/**
 * The factory `withTabSharing()` provides: a {@link TabShare} on a channel and lock named for the
 * socket URL and `name`, when the platform has Web Locks and BroadcastChannel.
 *
 * @example
 * ```ts
 * const factory = tabShareFactory(platform, 'default');
 * ```
 */
export function tabShareFactory(platform: TabSharingPlatform, name: string): SharedSourceFactory {
  return (host, credentials, urls) => {
    const locks = platform.locks();
    // A url function may answer differently each time: such tabs share by name alone.
    const lockName = `ngx-realtime:${typeof host.config.url === 'function' ? 'url-function' : urls.socket}:${name}`;
    const channel = locks ? platform.channel(lockName) : null;
    return locks && channel ? new TabShare(host, credentials, urls, { locks, channel, lockName }) : null;
  };
}

/**
 * One connection shared by the tabs of an origin (`withTabSharing()`): every tab with credentials
 * queues for one Web Lock; the tab holding it is the leader and runs the real
 * {@link ConnectionSession}, relaying each event, batch, resync and state change on a
 * BroadcastChannel. The others follow: they deliver what the leader relays through their own
 * sequencing, which drops repeats, so even two leaders at once (a suspended tab waking up) double
 * nothing. The browser releases the lock when the leader's tab closes or crashes, and the next tab
 * in the queue leads, resuming from the newest seq it has seen.
 *
 * @example
 * ```ts
 * const share = new TabShare(host, credentials, urls, { locks, channel, lockName: 'ngx-realtime:wss://h/ws:default' });
 * share.start();
 * ```
 */
export class TabShare implements RealtimeSource {
  readonly #host: SessionHost;
  readonly #urls: { socket: string; poll: string };
  readonly #locks: TabLocks;
  readonly #channel: TabChannel;
  readonly #lockName: string;
  readonly #abort = new AbortController();
  #credentials: Credentials;
  #leader: ConnectionSession | null = null;
  #stepDown: () => void = noop;
  #ended = false;

  constructor(
    host: SessionHost,
    credentials: Credentials,
    urls: { socket: string; poll: string },
    platform: { locks: TabLocks; channel: TabChannel; lockName: string },
  ) {
    this.#host = host;
    this.#credentials = credentials;
    this.#urls = urls;
    this.#locks = platform.locks;
    this.#channel = platform.channel;
    this.#lockName = platform.lockName;
  }

  get ended(): boolean {
    return this.#ended;
  }

  get credentials(): Credentials {
    return this.#credentials;
  }

  start(): void {
    this.#channel.onmessage = (e) => this.#receive(e.data as TabMessage);
    this.#host.dispatch({ type: 'role', role: 'follower' });
    this.#post({ kind: 'hello' });
    this.#locks
      .request(this.#lockName, { signal: this.#abort.signal }, () => {
        if (this.#ended) return Promise.resolve();
        this.#lead();
        // Held until this tab steps down; the browser lets go of it if the tab closes or crashes.
        return new Promise<void>((resolve) => (this.#stepDown = resolve));
      })
      .catch(() => undefined); // an aborted request: this tab stepped down before it led
  }

  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#abort.abort();
    this.#stepDown();
    this.#leader?.end();
    this.#leader = null;
    this.#channel.onmessage = null;
    this.#channel.close();
    this.#host.dispatch({ type: 'role', role: 'alone' });
  }

  offerToken(token: string): void {
    if (this.#credentials.kind === 'source') this.#credentials = { kind: 'source', first: token };
    this.#leader?.offerToken(token);
  }

  #lead(): void {
    const host = this.#host;
    host.dispatch({ type: 'role', role: 'leader' });
    // The leader's session reports to this tab's service as usual, and to every other tab.
    const relay: SessionHost = {
      ...host,
      dispatch: (action) => {
        host.dispatch(action);
        this.#postState();
      },
      deliver: (event) => {
        host.deliver(event);
        this.#post({ kind: 'event', event });
      },
      deliverBatch: (events) => {
        host.deliverBatch(events);
        this.#post({ kind: 'batch', events });
      },
      emitVolatile: (event) => {
        host.emitVolatile(event);
        this.#post({ kind: 'volatile', event });
      },
      resync: (frame) => {
        host.resync(frame);
        this.#post({ kind: 'resync', frame });
      },
    };
    this.#leader = new ConnectionSession(relay, this.#credentials, this.#urls);
    this.#leader.start();
  }

  #receive(message: TabMessage): void {
    if (this.#ended || typeof message !== 'object' || message === null) return;
    const host = this.#host;
    switch (message.kind) {
      case 'event': {
        // Another tab's message is checked like a frame: a bug there must not reach subscribers here.
        const event = checkServerFrame(message.event);
        if (!(event instanceof FrameRejection) && (event as SequencedEvent).seq !== undefined) host.deliver(event as SequencedEvent);
        return;
      }
      case 'batch':
        if (Array.isArray(message.events)) host.deliverBatch(message.events);
        return;
      case 'volatile':
        if (!(checkServerFrame(message.event) instanceof FrameRejection)) host.emitVolatile(message.event);
        return;
      case 'resync':
        if (!this.#leader) host.resync(message.frame);
        return;
      case 'state':
        if (this.#leader) return;
        host.dispatch({ type: 'mirror', state: message.state });
        // The leader's position is this tab's too: should it lead next, it resumes from there, even
        // if it joined after the last event (the channel is ordered, so nothing below it is missing).
        if (typeof message.epoch === 'string') host.adoptEpoch(message.epoch);
        if (typeof message.lastSeq === 'number') host.advanceTo(message.lastSeq);
        return;
      case 'hello':
        if (this.#leader) this.#postState();
        return;
    }
  }

  #postState(): void {
    this.#post({ kind: 'state', state: this.#host.state(), lastSeq: this.#host.lastSeq(), epoch: this.#host.epoch() });
  }

  #post(message: TabMessage): void {
    if (!this.#ended) this.#channel.postMessage(message);
  }
}

function noop(): void {}

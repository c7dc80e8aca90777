import { InjectionToken } from '@angular/core';
import { ConnectionSession } from '../session/connection-session';
import type { RealtimeSource } from '../session/realtime-source';
import type { SessionHost } from '../session/session-host';
import type { ConnectionState } from '../stream/connection-state';
import type { ProtocolGap, RealtimeEvent, RealtimeProtocol, StreamPosition } from '../protocol/realtime-protocol';
import type { SessionUrls } from '../session/session-urls';
import type { Credentials } from '../session/session-token';
import type { TabChannel, TabLocks, TabSharingPlatform } from '../platform/tab-sharing-platform';

/**
 * What tabs tell each other over the channel. The leader relays what its connection receives and
 * says `leading` when it takes over; `hello` is a new follower asking for the leader's state;
 * `rooms` is a follower's whole set of wanted rooms (sent when it changes, and to each new leader).
 */
type TabMessage =
  | { kind: 'event'; event: RealtimeEvent }
  | { kind: 'batch'; events: readonly RealtimeEvent[] }
  | { kind: 'volatile'; event: RealtimeEvent }
  | { kind: 'resync'; gap: ProtocolGap }
  | { kind: 'state'; state: ConnectionState; position: StreamPosition | null }
  | { kind: 'hello' }
  | { kind: 'leading' }
  | { kind: 'rooms'; tab: string; rooms: readonly string[] };

/**
 * Makes the source of a session that may be shared with other tabs, or returns `null` when the
 * platform cannot share (the service then connects alone). Provided by `withTabSharing()`.
 *
 * @example
 * ```ts
 * const source = inject(REALTIME_SHARED_SOURCE, { optional: true })?.(host, credentials, urls);
 * ```
 */
export type SharedSourceFactory = (host: SessionHost, credentials: Credentials, urls: SessionUrls) => RealtimeSource | null;

/**
 * Holds the {@link SharedSourceFactory} of `withTabSharing()`.
 *
 * @example
 * ```ts
 * { provide: REALTIME_SHARED_SOURCE, useFactory: () => tabShareFactory(inject(TabSharingPlatform), 'default') }
 * ```
 */
export const REALTIME_SHARED_SOURCE = new InjectionToken<SharedSourceFactory>((typeof ngDevMode === 'undefined' || !!ngDevMode) ? 'ngx-realtime REALTIME_SHARED_SOURCE' : '');

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
  readonly #urls: SessionUrls;
  readonly #locks: TabLocks;
  readonly #channel: TabChannel;
  readonly #lockName: string;
  readonly #abort = new AbortController();
  #credentials: Credentials;
  #leader: ConnectionSession | null = null;
  #stepDown: () => void = noop;
  #ended = false;
  /** This tab's name in `rooms` messages. */
  readonly #tabId: string;
  /** While leading: the rooms each other tab wants, which this tab's connection joins for them. */
  readonly #followerRooms = new Map<string, readonly string[]>();
  /**
   * This tab followed a leader that was connected: should it lead, its first connection comes after
   * a gap (the old leader's is gone), which a protocol without replay cannot fill.
   */
  #followedConnection = false;

  constructor(
    host: SessionHost,
    credentials: Credentials,
    urls: SessionUrls,
    platform: { locks: TabLocks; channel: TabChannel; lockName: string },
  ) {
    this.#host = host;
    this.#credentials = credentials;
    this.#urls = urls;
    this.#locks = platform.locks;
    this.#channel = platform.channel;
    this.#lockName = platform.lockName;
    // The counter tells apart tabs of one page (tests) whose random source repeats itself.
    this.#tabId = `${host.random().toString(36).slice(2)}-${++tabCount}`;
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
    this.#postRooms();
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
    // The next leader need not keep this tab's rooms.
    if (!this.#leader) this.#post({ kind: 'rooms', tab: this.#tabId, rooms: [] });
    this.#abort.abort();
    this.#stepDown();
    this.#leader?.end();
    this.#leader = null;
    this.#channel.onmessage = null;
    this.#channel.close();
    this.#host.dispatch({ type: 'role', role: 'alone' });
  }

  roomsChanged(): void {
    if (this.#leader) this.#leader.roomsChanged();
    else this.#postRooms();
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
      deliverMany: (events) => {
        host.deliverMany(events);
        this.#post({ kind: 'batch', events });
      },
      emitVolatile: (event) => {
        host.emitVolatile(event);
        this.#post({ kind: 'volatile', event });
      },
      resync: (gap) => {
        host.resync(gap);
        this.#post({ kind: 'resync', gap });
      },
      ready: (ready) => {
        let gap = host.ready(ready);
        if (gap === null && this.#followedConnection && !host.protocol.capabilities.replay) {
          // Whatever the server sent between the old leader's connection and this one is lost.
          gap = { reason: 'reconnected', position: null };
          host.resync(gap);
        }
        this.#followedConnection = false;
        // The followers' streams never see a ready: the leader's gaps are theirs too.
        if (gap !== null) this.#post({ kind: 'resync', gap });
        return gap;
      },
      rooms: () => [...new Set([...host.rooms(), ...[...this.#followerRooms.values()].flat()])],
    };
    this.#leader = new ConnectionSession(relay, this.#credentials, this.#urls);
    this.#leader.start();
    this.#post({ kind: 'leading' });
  }

  #receive(message: TabMessage): void {
    if (this.#ended || typeof message !== 'object' || message === null) return;
    const host = this.#host;
    switch (message.kind) {
      case 'event':
        // Another tab's message is checked like a frame: a bug there must not reach subscribers here.
        if (checkEvent(host.protocol, message.event)) host.deliver(message.event);
        return;
      case 'batch':
        if (Array.isArray(message.events)) host.deliverMany(message.events.filter((event) => checkEvent(host.protocol, event)));
        return;
      case 'volatile':
        if (checkEvent(host.protocol, message.event)) host.emitVolatile(message.event);
        return;
      case 'resync':
        if (!this.#leader && isGap(message.gap)) host.resync(message.gap);
        return;
      case 'state':
        if (this.#leader) return;
        host.dispatch({ type: 'mirror', state: message.state });
        if (message.state?.status === 'connected') this.#followedConnection = true;
        // The leader's position is this tab's too: should it lead next, it resumes from there, even
        // if it joined after the last event (the channel is ordered, so nothing below it is missing).
        if (isPosition(message.position)) host.adoptPosition(message.position);
        return;
      case 'hello':
        if (this.#leader) this.#postState();
        return;
      case 'leading':
        // A new leader knows nothing of this tab's rooms yet.
        if (!this.#leader) this.#postRooms();
        return;
      case 'rooms':
        if (!this.#leader || typeof message.tab !== 'string' || !Array.isArray(message.rooms)) return;
        if (message.rooms.length === 0) this.#followerRooms.delete(message.tab);
        else this.#followerRooms.set(message.tab, message.rooms.filter((room) => typeof room === 'string'));
        this.#leader.roomsChanged();
        return;
    }
  }

  #postRooms(): void {
    this.#post({ kind: 'rooms', tab: this.#tabId, rooms: this.#host.rooms() });
  }

  #postState(): void {
    this.#post({ kind: 'state', state: this.#host.state(), position: this.#host.position() });
  }

  #post(message: TabMessage): void {
    if (!this.#ended) this.#channel.postMessage(message);
  }
}

let tabCount = 0;

function noop(): void {}

function checkEvent(protocol: RealtimeProtocol, value: unknown): value is RealtimeEvent {
  if (protocol.checkEvent) return protocol.checkEvent(value);
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

function isPosition(value: unknown): value is StreamPosition {
  if (typeof value !== 'object' || value === null) return false;
  const { seq, epoch } = value as Record<string, unknown>;
  return (seq === null || (typeof seq === 'number' && Number.isInteger(seq) && seq >= 0)) && (epoch === null || typeof epoch === 'string');
}

function isGap(value: unknown): value is ProtocolGap {
  if (typeof value !== 'object' || value === null) return false;
  const gap = value as Record<string, unknown>;
  return typeof gap['reason'] === 'string' && (gap['position'] === null || isPosition(gap['position']));
}

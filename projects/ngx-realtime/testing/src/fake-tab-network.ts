import { TabSharingPlatform, type TabChannel, type TabLocks } from 'ngx-realtime';

interface Waiter {
  tab: FakeTab;
  callback: () => Promise<void>;
  signal: AbortSignal;
  reject: (error: unknown) => void;
  resolve: (value: unknown) => void;
}

/**
 * Several browser tabs of one origin for specs: one lock manager (exclusive, first come first
 * served, released when the holder's promise settles or its tab crashes) and BroadcastChannels that
 * deliver a copy of each message to every other tab's channel of the same name, at once.
 *
 * @example
 * ```ts
 * const tabs = new FakeTabNetwork();
 * providers: [{ provide: TabSharingPlatform, useValue: tabs.tab() }] // one per tab's injector
 * tabs.crash(first); // the browser releases its lock and closes its channels
 * ```
 */
export class FakeTabNetwork {
  readonly #holders = new Map<string, { tab: FakeTab; release: () => void }>();
  readonly #queues = new Map<string, Waiter[]>();
  readonly #channels = new Set<FakeChannel>();

  /** A new tab; `apis: false` plays a browser without Web Locks and BroadcastChannel. */
  tab(options: { apis?: boolean } = {}): FakeTab {
    return new FakeTab(this, options.apis ?? true);
  }

  /** The tab closes or crashes: its locks are released and its channels close, without any goodbye. */
  crash(tab: FakeTab): void {
    for (const channel of [...this.#channels]) if (channel.tab === tab) channel.close();
    for (const [name, holder] of [...this.#holders]) if (holder.tab === tab) this.#release(name);
    for (const [name, queue] of this.#queues) this.#queues.set(name, queue.filter((w) => w.tab !== tab));
  }

  /**
   * Two leaders at once, as after a suspend and resume: the lock goes to the next tab in the queue
   * while the tab that held it still believes it leads, with its channel open.
   */
  splitBrain(name?: string): void {
    const key = name ?? [...this.#holders.keys()][0];
    if (key === undefined) throw new Error('ngx-realtime/testing: splitBrain() found no lock held.');
    this.#holders.delete(key);
    this.#grant(key);
  }

  /** Which tab holds the lock, if any. */
  holder(name?: string): FakeTab | null {
    if (name !== undefined) return this.#holders.get(name)?.tab ?? null;
    return [...this.#holders.values()][0]?.tab ?? null;
  }

  /** Channels open across all tabs. */
  get openChannels(): number {
    return this.#channels.size;
  }

  /** Tabs waiting for a lock. */
  get waiting(): number {
    return [...this.#queues.values()].reduce((n, q) => n + q.length, 0);
  }

  /** @internal */
  request(tab: FakeTab, name: string, signal: AbortSignal, callback: () => Promise<void>): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { tab, callback, signal, resolve, reject };
      if (signal.aborted) return reject(new DOMException('aborted', 'AbortError'));
      signal.addEventListener('abort', () => {
        const queue = this.#queues.get(name) ?? [];
        if (!queue.includes(waiter)) return;
        this.#queues.set(name, queue.filter((w) => w !== waiter));
        reject(new DOMException('aborted', 'AbortError'));
      });
      this.#queues.set(name, [...(this.#queues.get(name) ?? []), waiter]);
      this.#grant(name);
    });
  }

  /** @internal */
  open(channel: FakeChannel): void {
    this.#channels.add(channel);
  }

  /** @internal */
  closed(channel: FakeChannel): void {
    this.#channels.delete(channel);
  }

  /** @internal */
  broadcast(from: FakeChannel, message: unknown): void {
    const copy = JSON.parse(JSON.stringify(message)) as unknown;
    for (const channel of [...this.#channels]) if (channel !== from && channel.name === from.name) channel.deliver(copy);
  }

  #grant(name: string): void {
    if (this.#holders.has(name)) return;
    const queue = this.#queues.get(name) ?? [];
    const next = queue.shift();
    if (!next) return;
    this.#queues.set(name, queue);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      if (this.#holders.get(name)?.release === release) this.#holders.delete(name);
      this.#grant(name);
    };
    this.#holders.set(name, { tab: next.tab, release });
    next.callback().then(
      (value) => {
        release();
        next.resolve(value);
      },
      (error) => {
        release();
        next.reject(error);
      },
    );
  }

  #release(name: string): void {
    this.#holders.get(name)?.release();
  }
}

/**
 * One tab's view of a {@link FakeTabNetwork}: what `TabSharingPlatform` gives the SDK in that tab.
 *
 * @example
 * ```ts
 * const tab = tabs.tab();
 * createEnvironmentInjector([provideRealtime(config, withTabSharing()), provideRealtimeTesting(), { provide: TabSharingPlatform, useValue: tab }], parent);
 * ```
 */
export class FakeTab extends TabSharingPlatform {
  constructor(
    private readonly network: FakeTabNetwork,
    private readonly apis: boolean,
  ) {
    super();
  }

  locks(): TabLocks | null {
    if (!this.apis) return null;
    return { request: (name, options, callback) => this.network.request(this, name, options.signal, callback) };
  }

  channel(name: string): TabChannel | null {
    if (!this.apis) return null;
    const channel = new FakeChannel(name, this, this.network);
    this.network.open(channel);
    return channel;
  }
}

class FakeChannel implements TabChannel {
  onmessage: ((event: { data: unknown }) => void) | null = null;
  #closed = false;

  constructor(
    readonly name: string,
    readonly tab: FakeTab,
    private readonly network: FakeTabNetwork,
  ) {}

  postMessage(message: unknown): void {
    if (!this.#closed) this.network.broadcast(this, message);
  }

  close(): void {
    this.#closed = true;
    this.network.closed(this);
  }

  deliver(message: unknown): void {
    if (!this.#closed) this.onmessage?.({ data: message });
  }
}

import type { MockServer } from '../src/create-server';

/**
 * How a test asks for a stream: `token` in the Authorization header, or in `?token=` with `inQuery`.
 *
 * @example
 * ```ts
 * const request: StreamRequest = { token, inQuery: true, query: 'lastSeq=3&batch=1' };
 * ```
 */
export interface StreamRequest {
  token?: string;
  inQuery?: boolean;
  /** More query parameters, as `lastSeq=3&batch=1`. */
  query?: string;
  headers?: Record<string, string>;
}

async function requestStream(server: MockServer, init: StreamRequest): Promise<{ response: Response; controller: AbortController }> {
  const params = new URLSearchParams(init.query ?? '');
  const headers: Record<string, string> = { ...init.headers };
  if (init.token !== undefined) {
    if (init.inQuery) params.set('token', init.token);
    else headers['Authorization'] = `Bearer ${init.token}`;
  }
  const controller = new AbortController();
  const search = params.toString();
  const response = await fetch(`${server.url}/events/stream${search ? `?${search}` : ''}`, { headers, signal: controller.signal });
  return { response, controller };
}

const isEventStream = (response: Response) => (response.headers.get('content-type') ?? '').startsWith('text/event-stream');

/**
 * Asks for a stream that should be refused, and returns the refusal: its status, JSON body and
 * headers. Throws (after closing it) when a stream was opened instead.
 *
 * @example
 * ```ts
 * expect(await refusedStream(server, { token: 'apx_wrong' })).toMatchObject({ status: 401 });
 * ```
 */
export async function refusedStream(server: MockServer, init: StreamRequest = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const { response, controller } = await requestStream(server, init);
  if (isEventStream(response)) {
    controller.abort();
    throw new Error(`expected a refusal, got a stream (${response.status})`);
  }
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // keep the text
  }
  return { status: response.status, body, headers: response.headers };
}

/**
 * One Server-Sent Event as it arrived: its `id:` line (null without one) and its `data` parsed as JSON.
 *
 * @example
 * ```ts
 * const { id, frame } = await stream.next('key_change'); // id === String(frame.seq)
 * ```
 */
export interface ReceivedEvent {
  id: string | null;
  frame: any;
}

/**
 * A test client for `GET /events/stream` over `fetch()`, as the SDK reads it: it parses the body's
 * events (`id:` and `data:` lines, a blank line ends one) and queues them so tests can await the
 * next one of a kind. A refused request keeps its status and JSON body instead.
 *
 * @example
 * ```ts
 * const stream = await SseClient.open(server, { token });
 * expect((await stream.next('welcome')).frame.userId).toBe('admin');
 * stream.abort();
 * ```
 */
export class SseClient {
  readonly events: ReceivedEvent[] = [];
  /** The raw text of the body so far. */
  raw = '';
  /** Lines that are neither `id:` nor `data:` (the server sends no others). */
  readonly malformed: string[] = [];
  /** How the body ended: cleanly (`end`) or cut (`error`); pending while it is open. */
  readonly ended: Promise<'end' | 'error'>;
  private readonly queue: ReceivedEvent[] = [];
  private waiters: Array<{ match: (e: ReceivedEvent) => boolean; resolve: (e: ReceivedEvent) => void }> = [];
  private buffer = '';

  private constructor(
    readonly response: Response,
    private readonly controller: AbortController,
  ) {
    this.ended = this.read();
  }

  /**
   * Opens a stream and resolves once its headers are in; a refusal (not `text/event-stream`) throws
   * with its status and body (see {@link refusedStream} for tests of refusals).
   */
  static async open(server: MockServer, init: StreamRequest = {}): Promise<SseClient> {
    const { response, controller } = await requestStream(server, init);
    if (!isEventStream(response)) throw new Error(`stream refused: ${response.status} ${await response.text()}`);
    return new SseClient(response, controller);
  }

  /** The next queued or future event whose frame has this type (or matches a predicate). */
  next(match: string | ((e: ReceivedEvent) => boolean), timeoutMs = 3000): Promise<ReceivedEvent> {
    const test = typeof match === 'string' ? (e: ReceivedEvent) => e.frame.type === match : match;
    const index = this.queue.findIndex(test);
    if (index >= 0) return Promise.resolve(this.queue.splice(index, 1)[0]!);
    return new Promise((resolve, reject) => {
      const waiter = {
        match: test,
        resolve: (e: ReceivedEvent) => {
          clearTimeout(timer);
          resolve(e);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`no ${typeof match === 'string' ? match : 'matching'} event within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Events received so far and not yet taken by `next`, optionally of one type. */
  pending(type?: string): ReceivedEvent[] {
    return type ? this.queue.filter((e) => e.frame.type === type) : [...this.queue];
  }

  /** Resolves with how the body ended, or rejects when it is still open after `timeoutMs`. */
  async end(timeoutMs = 3000): Promise<'end' | 'error'> {
    return Promise.race([
      this.ended,
      Bun.sleep(timeoutMs).then(() => {
        throw new Error(`stream still open after ${timeoutMs} ms`);
      }),
    ]);
  }

  /** Goes away as a browser tab does: the fetch is aborted. */
  abort(): void {
    this.controller.abort();
  }

  private async read(): Promise<'end' | 'error'> {
    const reader = this.response.body!.getReader();
    const decoder = new TextDecoder();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return 'end';
        const text = decoder.decode(value, { stream: true });
        this.raw += text;
        this.feed(text);
      }
    } catch {
      return 'error';
    }
  }

  private feed(text: string): void {
    this.buffer += text;
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      let id: string | null = null;
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('id: ')) id = line.slice(4);
        else if (line.startsWith('data: ')) data.push(line.slice(6));
        else this.malformed.push(line);
      }
      const event: ReceivedEvent = { id, frame: JSON.parse(data.join('\n')) };
      this.events.push(event);
      const waiter = this.waiters.find((w) => w.match(event));
      if (waiter) {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        waiter.resolve(event);
      } else {
        this.queue.push(event);
      }
    }
  }
}

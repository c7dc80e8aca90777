import { connect, type Socket } from 'node:net';
import type { MockServer } from '../src/create-server';

/**
 * One message of an ApexStore change stream as it arrived: its exact text and its JSON.
 *
 * @example
 * ```ts
 * const { text, frame } = await client.next('put'); // text is what the server wrote, byte for byte
 * ```
 */
export interface CdcMessage {
  text: string;
  frame: any;
}

type Match = string | ((m: CdcMessage) => boolean);

/** Queues messages so a test can await the next one of a type (shared by both clients). */
class MessageQueue {
  readonly all: CdcMessage[] = [];
  private readonly queue: CdcMessage[] = [];
  private waiters: Array<{ test: (m: CdcMessage) => boolean; resolve: (m: CdcMessage) => void }> = [];

  push(text: string): void {
    const message: CdcMessage = { text, frame: JSON.parse(text) };
    this.all.push(message);
    const waiter = this.waiters.find((w) => w.test(message));
    if (waiter) {
      this.waiters = this.waiters.filter((w) => w !== waiter);
      waiter.resolve(message);
    } else {
      this.queue.push(message);
    }
  }

  next(match: Match, timeoutMs: number): Promise<CdcMessage> {
    const test = typeof match === 'string' ? (m: CdcMessage) => m.frame.type === match : match;
    const index = this.queue.findIndex(test);
    if (index >= 0) return Promise.resolve(this.queue.splice(index, 1)[0]!);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`no ${typeof match === 'string' ? match : 'matching'} message within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = { test, resolve: (m: CdcMessage) => (clearTimeout(timer), resolve(m)) };
      this.waiters.push(waiter);
    });
  }
}

/**
 * A client of ApexStore 2.2's change stream over either transport, the token in the
 * `Authorization: Bearer` header (the only place ApexStore reads it): a WebSocket on `/ws/events`
 * or a `fetch()` of `/events`. It keeps every message's exact text.
 *
 * @example
 * ```ts
 * const client = await CdcClient.open(server, 'sse', { token, query: 'prefix=user:' });
 * expect((await client.next('connected')).text).toBe(CDC_CONNECTED_TEXT);
 * ```
 */
export class CdcClient {
  readonly messages = new MessageQueue();
  /** SSE only: the body's raw text so far. */
  raw = '';
  /** How it ended: closed cleanly ('end', with the socket's close code), or cut ('error'); pending while open. */
  readonly ended: Promise<{ how: 'end' | 'error'; code?: number }>;
  private buffer = '';

  private constructor(
    readonly transport: 'websocket' | 'sse',
    private readonly socket: WebSocket | null,
    readonly response: Response | null,
    private readonly controller: AbortController | null,
  ) {
    if (socket) {
      socket.addEventListener('message', (e) => this.messages.push(String(e.data)));
      this.ended = new Promise((resolve) => socket.addEventListener('close', (e) => resolve({ how: e.code === 1006 ? 'error' : 'end', code: e.code })));
    } else {
      this.ended = this.read();
    }
  }

  /** Opens a stream and resolves once it is open (socket open, or response headers in); a refusal throws. */
  static async open(
    server: MockServer,
    transport: 'websocket' | 'sse',
    init: { token?: string; query?: string; headers?: Record<string, string> } = {},
  ): Promise<CdcClient> {
    const headers: Record<string, string> = { ...init.headers };
    if (init.token !== undefined) headers['Authorization'] = `Bearer ${init.token}`;
    const search = init.query ? `?${init.query}` : '';
    if (transport === 'websocket') {
      const socket = new WebSocket(`${server.wsUrl}${search}`, { headers } as any);
      const client = new CdcClient('websocket', socket, null, null);
      await new Promise<void>((resolve, reject) => {
        socket.addEventListener('open', () => resolve());
        socket.addEventListener('error', () => reject(new Error('socket refused')));
      });
      return client;
    }
    const controller = new AbortController();
    const response = await fetch(`${server.url}/events${search}`, { headers, signal: controller.signal });
    if (!(response.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
      throw new Error(`stream refused: ${response.status} ${await response.text()}`);
    }
    return new CdcClient('sse', null, response, controller);
  }

  next(match: Match, timeoutMs = 3000): Promise<CdcMessage> {
    return this.messages.next(match, timeoutMs);
  }

  /** Takes `count` messages of a type, in order. */
  async take(match: Match, count: number, timeoutMs = 3000): Promise<CdcMessage[]> {
    const out: CdcMessage[] = [];
    for (let i = 0; i < count; i++) out.push(await this.next(match, timeoutMs));
    return out;
  }

  send(text: string): void {
    this.socket!.send(text);
  }

  /** Goes away: the socket closes, the fetch is aborted. */
  close(): void {
    if (this.socket) this.socket.close();
    else this.controller!.abort();
  }

  /** Resolves with how it ended, or rejects when it is still open after `timeoutMs`. */
  async end(timeoutMs = 3000): Promise<{ how: 'end' | 'error'; code?: number }> {
    return Promise.race([
      this.ended,
      Bun.sleep(timeoutMs).then(() => {
        throw new Error(`still open after ${timeoutMs} ms`);
      }),
    ]);
  }

  private async read(): Promise<{ how: 'end' | 'error' }> {
    const reader = this.response!.body!.getReader();
    const decoder = new TextDecoder();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return { how: 'end' };
        const text = decoder.decode(value, { stream: true });
        this.raw += text;
        this.buffer += text;
        let end: number;
        while ((end = this.buffer.indexOf('\n\n')) >= 0) {
          const block = this.buffer.slice(0, end);
          this.buffer = this.buffer.slice(end + 2);
          // ApexStore writes exactly one `data: ` line per message; anything else fails the JSON parse.
          this.messages.push(block.startsWith('data: ') ? block.slice(6) : block);
        }
      }
    } catch {
      return { how: 'error' };
    }
  }
}

/**
 * A client on a bare TCP connection, for what `fetch` and `WebSocket` hide: the status of a refused
 * upgrade, a reader that stops reading (TCP backpressure), and WebSocket protocol pings.
 *
 * @example
 * ```ts
 * const raw = await RawClient.open(server, 'websocket', { Authorization: `Bearer ${token}` });
 * raw.pause();          // the server's writes pile up in the kernel, then in its own buffers
 * raw.resume();
 * raw.messages();       // the texts received so far
 * ```
 */
export class RawClient {
  /** The status line and headers of the answer. */
  head = '';
  private body = Buffer.alloc(0);
  private headDone: Promise<void>;

  private constructor(
    private readonly socket: Socket,
    readonly transport: 'websocket' | 'sse',
  ) {
    let received = Buffer.alloc(0);
    this.headDone = new Promise((resolve, reject) => {
      socket.on('error', reject);
      socket.on('data', (chunk: Buffer) => {
        if (this.head) {
          this.body = Buffer.concat([this.body, chunk]);
          return;
        }
        received = Buffer.concat([received, chunk]);
        const end = received.indexOf('\r\n\r\n');
        if (end < 0) return;
        this.head = received.subarray(0, end).toString();
        this.body = received.subarray(end + 4);
        resolve();
      });
    });
  }

  static async open(server: MockServer, transport: 'websocket' | 'sse', headers: Record<string, string>, query = ''): Promise<RawClient> {
    const socket = connect(server.port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('error', reject);
    });
    const client = new RawClient(socket, transport);
    const path = `${transport === 'websocket' ? '/ws/events' : '/events'}${query ? `?${query}` : ''}`;
    const upgrade =
      transport === 'websocket'
        ? { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==' }
        : {};
    const lines = Object.entries({ Host: `127.0.0.1:${server.port}`, ...upgrade, ...headers }).map(([k, v]) => `${k}: ${v}`);
    socket.write(`GET ${path} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`);
    await client.headDone;
    return client;
  }

  /** The answer's status code. */
  get status(): number {
    return Number(/^HTTP\/1\.1 (\d{3})/.exec(this.head)?.[1]);
  }

  /** Everything received after the head, as text (the JSON of a refusal). */
  get bodyText(): string {
    return this.body.toString();
  }

  /** Stops reading: what the server writes stays in the kernel's buffers, then in the server's. */
  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  /** Bytes received after the head. */
  get received(): number {
    return this.body.length;
  }

  /** Sends a WebSocket ping (masked, as every client frame must be). */
  ping(payload: string): void {
    const data = Buffer.from(payload);
    const mask = Buffer.from([1, 2, 3, 4]);
    const masked = Buffer.from(data.map((b, i) => b ^ mask[i % 4]!));
    this.socket.write(Buffer.concat([Buffer.from([0x89, 0x80 | data.length]), mask, masked]));
  }

  /** The WebSocket frames received so far: opcode and payload text (continuations joined to their first frame). */
  frames(): Array<{ opcode: number; text: string }> {
    const out: Array<{ opcode: number; text: string }> = [];
    const b = this.body;
    let at = 0;
    let partial: { opcode: number; parts: Buffer[] } | null = null;
    while (at + 2 <= b.length) {
      const fin = (b[at]! & 0x80) !== 0;
      const opcode = b[at]! & 0x0f;
      let length = b[at + 1]! & 0x7f;
      let offset = at + 2;
      if (length === 126) {
        if (offset + 2 > b.length) break;
        length = b.readUInt16BE(offset);
        offset += 2;
      } else if (length === 127) {
        if (offset + 8 > b.length) break;
        length = Number(b.readBigUInt64BE(offset));
        offset += 8;
      }
      if (offset + length > b.length) break;
      const payload = b.subarray(offset, offset + length);
      at = offset + length;
      if (opcode === 0 && partial) partial.parts.push(payload);
      else partial = { opcode, parts: [payload] };
      if (fin) {
        out.push({ opcode: partial.opcode, text: Buffer.concat(partial.parts).toString() });
        partial = null;
      }
    }
    return out;
  }

  /** The messages received so far: text frames of a socket, `data:` blocks of a stream. */
  messages(): string[] {
    if (this.transport === 'websocket') return this.frames().filter((f) => f.opcode === 1).map((f) => f.text);
    // The stream is chunked: drop the chunk-size lines, keep the data blocks.
    const text = this.dechunked();
    return text.split('\n\n').filter((block) => block.startsWith('data: ')).map((block) => block.slice(6));
  }

  close(): void {
    this.socket.destroy();
  }

  private dechunked(): string {
    const b = this.body;
    const parts: Buffer[] = [];
    let at = 0;
    for (;;) {
      const lineEnd = b.indexOf('\r\n', at);
      if (lineEnd < 0) break;
      const size = parseInt(b.subarray(at, lineEnd).toString(), 16);
      if (!Number.isFinite(size) || size === 0 || lineEnd + 2 + size > b.length) break;
      parts.push(b.subarray(lineEnd + 2, lineEnd + 2 + size));
      at = lineEnd + 2 + size + 2;
    }
    return Buffer.concat(parts).toString();
  }
}

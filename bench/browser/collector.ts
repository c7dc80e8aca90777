/**
 * A loopback HTTP endpoint that benchmark pages post their figures to (`fetch(url, {method: 'POST',
 * mode: 'no-cors'})`), so results leave the browser without any driver attached to it.
 */
import { createServer, type Server } from 'node:http';

export interface Collector {
  readonly url: string;
  /** Resolves with the next posted body whose `kind` matches, parsed as JSON. */
  next<T>(kind: string, timeoutMs: number): Promise<T>;
  /** Calls `listener` with every body of `kind`, queued ones first (for pages that stream observations). */
  listen<T>(kind: string, listener: (body: T) => void): void;
  close(): Promise<void>;
}

/**
 * @example
 * const collector = await startCollector();
 * const figures = await collector.next<{ rounds: number[] }>('dispatch', 120_000);
 */
export async function startCollector(): Promise<Collector> {
  const received: Array<{ kind: string; body: unknown }> = [];
  const waiters: Array<{ kind: string; resolve: (body: unknown) => void }> = [];
  const listeners = new Map<string, (body: unknown) => void>();
  const server: Server = createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => (text += chunk));
    req.on('end', () => {
      res.writeHead(204, { 'Access-Control-Allow-Origin': '*' }).end();
      let body: { kind?: unknown };
      try {
        body = JSON.parse(text);
      } catch {
        return;
      }
      const kind = String(body.kind ?? '');
      const listener = listeners.get(kind);
      if (listener) return listener(body);
      const waiter = waiters.findIndex((w) => w.kind === kind);
      if (waiter >= 0) waiters.splice(waiter, 1)[0]!.resolve(body);
      else received.push({ kind, body });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/`,
    next<T>(kind: string, timeoutMs: number): Promise<T> {
      const index = received.findIndex((r) => r.kind === kind);
      if (index >= 0) return Promise.resolve(received.splice(index, 1)[0]!.body as T);
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no "${kind}" result within ${timeoutMs} ms`)), timeoutMs);
        waiters.push({ kind, resolve: (body) => (clearTimeout(timer), resolve(body as T)) });
      });
    },
    listen<T>(kind: string, listener: (body: T) => void): void {
      listeners.set(kind, listener as (body: unknown) => void);
      const queued = received.filter((r) => r.kind === kind);
      received.splice(0, received.length, ...received.filter((r) => r.kind !== kind));
      for (const item of queued) listener(item.body as T);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

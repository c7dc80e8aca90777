/*
 * What the integration specs against servers other than the mock server share: the harness that
 * karma.conf.cjs starts (integration/harness.cjs, `--harness-url=`), which starts, kills and restarts
 * them and sends from their side; and a browser backend that counts the sockets it opens.
 */
import type { Provider } from '@angular/core';
import { BrowserRealtimeBackend, RealtimeBackend } from '../transport/realtime-backend';

declare const __karma__: { config?: { args?: unknown[] } } | undefined;

/** The harness's URL, or an error saying how to get one. */
function harnessUrl(): string {
  const args = (typeof __karma__ !== 'undefined' && __karma__?.config?.args) || [];
  const arg = args.find((a): a is string => typeof a === 'string' && a.startsWith('--harness-url='));
  if (!arg) {
    throw new Error('no --harness-url= in __karma__.config.args: karma.conf.cjs starts integration/harness.cjs unless RT_MOCK_SERVER=0.');
  }
  return arg.slice('--harness-url='.length);
}

async function harness<T>(route: string, body: unknown): Promise<T> {
  const response = await fetch(`${harnessUrl()}${route}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const answer = (await response.json()) as T & { error?: string };
  if (!response.ok) throw new Error(`harness ${route} ${JSON.stringify(body)}: ${answer.error}`);
  return answer;
}

/** The kinds of server the harness runs. */
export type ServerKind = 'ignis' | 'ignis-emitter' | 'aurora' | 'fluxora';

/** Starts the server `name` (again, on the same port, if it was killed); resolves to its socket URL. */
export async function startServer(kind: ServerKind, name: string, options: Record<string, unknown> = {}): Promise<string> {
  return (await harness<{ url: string }>('/start', { kind, name, options })).url;
}

/** Kills the server `name` with SIGKILL, as a crash: its sockets drop without a close frame. */
export async function killServer(name: string): Promise<void> {
  await harness('/kill', { name });
}

/** Stops the server `name` with SIGTERM: a graceful shutdown. */
export async function stopServer(name: string): Promise<void> {
  await harness('/stop', { name });
}

/** POSTs `body` to `path` on the server `name` (an emitter's `/to-room`, a `/broadcast`...). */
export async function callServer(name: string, path: string, body: unknown): Promise<void> {
  await harness('/call', { name, path, body });
}

/** The browser's backend, noting the URL of every socket it opens in `sockets`. */
export function countingBackend(sockets: string[]): Provider {
  return {
    provide: RealtimeBackend,
    useFactory: () => {
      const backend = new BrowserRealtimeBackend();
      const open = backend.openWebSocket.bind(backend);
      backend.openWebSocket = (url, listener) => {
        sockets.push(url);
        return open(url, listener);
      };
      return backend;
    },
  };
}

/** Waits `ms` of real time. */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A name no other spec (or run) uses, for rooms and servers. */
export function unique(prefix: string): string {
  return `${prefix}-${Math.random().toString(36).slice(2, 8)}`;
}

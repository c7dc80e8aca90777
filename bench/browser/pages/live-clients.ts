/**
 * The clients the live benchmark pages compare, each connected to the page's own origin (the mock
 * server): a bare WebSocket + JSON.parse loop, rxjs `webSocket()` + `filter`, and the SDK.
 */
import '@angular/compiler';
import { DOCUMENT } from '@angular/common';
import { EnvironmentInjector, Injector, PLATFORM_ID, createEnvironmentInjector, ɵINJECTOR_SCOPE as INJECTOR_SCOPE, type Provider, type EnvironmentProviders } from '@angular/core';
import { filter, firstValueFrom } from 'rxjs';
import { webSocket } from 'rxjs/webSocket';
import { WebSocketService, provideRealtime, withBatching, withNoPollingFallback, withTransports, type KeyChangeEvent, type RealtimeFeature } from 'ngx-realtime';

/** A connected client that calls `onEvent` for every `key_change`; `close()` ends it. */
export interface LiveClient {
  close(): void;
}

export type OnKeyChange = (event: { seq: number; timestamp: number; key: string }) => void;

/** Signs in to the mock server once per page (or to the one at `origin`). */
export async function login(origin = ''): Promise<string> {
  const res = await fetch(`${origin}/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'admin' }) });
  return ((await res.json()) as { token: string }).token;
}

const socketUrl = (token: string, query = '') => `ws://${location.host}/ws/events?token=${encodeURIComponent(token)}${query}`;

/** The browser's WebSocket and JSON.parse, nothing else: what any client pays at least. */
export function rawClient(token: string, onEvent: OnKeyChange): Promise<LiveClient> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(socketUrl(token));
    ws.onerror = () => reject(new Error('raw socket failed'));
    ws.onmessage = (e) => {
      const frame = JSON.parse(e.data as string);
      if (frame.type === 'key_change') onEvent(frame);
      else if (frame.type === 'welcome') resolve({ close: () => ws.close() });
      else if (frame.type === 'ping') ws.send(`{"type":"pong","id":${JSON.stringify(frame.id)}}`);
    };
  });
}

/** rxjs' own `webSocket()` subject with a `filter`, as many Angular apps hand-roll it. */
export function rxjsClient(token: string, onEvent: OnKeyChange): Promise<LiveClient> {
  const subject = webSocket<{ type: string; id?: string; seq: number; timestamp: number; key: string }>({ url: socketUrl(token) });
  const events = subject.pipe(filter((f) => f.type === 'key_change')).subscribe(onEvent);
  const pings = subject.pipe(filter((f) => f.type === 'ping')).subscribe((f) => subject.next({ type: 'pong', id: f.id } as never));
  return firstValueFrom(subject.pipe(filter((f) => f.type === 'welcome'))).then(() => ({
    close: () => {
      events.unsubscribe();
      pings.unsubscribe();
      subject.complete();
    },
  }));
}

/**
 * The SDK as an app uses it: `provideRealtime()` in an injector of its own, `onKeyChanges()`.
 * `url` points it at another server than the page's (default `/ws/events` on the page's origin).
 */
export async function sdkClient(
  token: string,
  onEvent: OnKeyChange,
  options: { batching: boolean; features?: RealtimeFeature[]; providers?: (Provider | EnvironmentProviders)[]; polling?: boolean; sse?: boolean; url?: string },
): Promise<LiveClient & { service: WebSocketService }> {
  const injector = createEnvironmentInjector(
    [
      { provide: INJECTOR_SCOPE, useValue: 'root' },
      { provide: PLATFORM_ID, useValue: 'browser' },
      // Relative URLs resolve against the page, as in an app.
      { provide: DOCUMENT, useValue: document },
      provideRealtime(
        { url: options.url ?? '/ws/events' },
        withBatching(options.batching),
        ...(options.sse ? [withTransports('sse')] : options.polling ? [] : [withNoPollingFallback()]),
        ...(options.features ?? []),
      ),
      ...(options.providers ?? []),
    ],
    Injector.NULL as EnvironmentInjector,
  );
  const service = injector.get(WebSocketService);
  service.onKeyChanges().subscribe((e: KeyChangeEvent) => onEvent(e));
  service.connect(token);
  await firstValueFrom(service.connectionStatus$.pipe(filter((s) => s === 'connected')));
  return {
    service,
    close: () => {
      service.disconnect();
      injector.destroy();
    },
  };
}

import { Injectable, NgZone, inject } from '@angular/core';
import { Observable, type Subscription } from 'rxjs';
import { loadFallbacks, whenLoaded } from '../fallbacks/load-fallbacks';
import type { PollResponse } from '../protocol/protocol';
import type { PollRequest, RealtimeIo, RealtimeSocket, RealtimeStream, SocketCloseInfo, SocketListener, StreamListener, StreamRequest } from './backend-io';
import { insideZone, outsideZone } from './zone-boundary';

export type {
  PollRequest,
  RealtimeIo,
  RealtimeSocket,
  RealtimeStream,
  SocketCloseInfo,
  SocketListener,
  StreamCloseInfo,
  StreamListener,
  StreamRequest,
} from './backend-io';
export { RealtimePollError } from './realtime-poll-error';

/**
 * The transports' I/O, and nothing else: the seam that tests replace (see `provideRealtimeTesting()`),
 * like Angular's `HttpBackend`. Every reconnection, sequencing and fallback rule runs above it.
 *
 * @example
 * ```ts
 * providers: [{ provide: RealtimeBackend, useClass: MyNativeBridgeBackend }]
 * ```
 */
@Injectable({ providedIn: 'root', useFactory: () => new BrowserRealtimeBackend() })
export abstract class RealtimeBackend implements RealtimeIo {
  /** Opens a WebSocket to `url` (which already carries its query). */
  abstract openWebSocket(url: string, listener: SocketListener): RealtimeSocket;
  /** Makes one long-poll request; unsubscribing aborts it. Errors are `RealtimePollError`s. */
  abstract poll(request: PollRequest): Observable<PollResponse>;
  /** Opens a streaming HTTP request whose body arrives in chunks (Server-Sent Events). */
  abstract openStream(request: StreamRequest, listener: StreamListener): RealtimeStream;
}

/**
 * Default backend: the browser's `WebSocket` and `fetch`. With zone.js they are started outside the
 * Angular zone, so an open socket or a pending long poll never keeps the app from becoming stable,
 * and what they deliver is handed over inside it, so zone-based apps see the change.
 *
 * @example
 * ```ts
 * providers: [{ provide: RealtimeBackend, useClass: BrowserRealtimeBackend }]
 * ```
 */
export class BrowserRealtimeBackend extends RealtimeBackend {
  readonly #zone = inject(NgZone, { optional: true });

  openWebSocket(url: string, listener: SocketListener): RealtimeSocket {
    return outsideZone(this.#zone, () => {
      const ws = new WebSocket(url);
      let done = false;
      let opened = false;
      ws.onopen = () => {
        opened = true;
        if (!done) insideZone(this.#zone, () => listener.open());
      };
      ws.onmessage = (e: MessageEvent) => {
        if (!done) insideZone(this.#zone, () => listener.message(e.data));
      };
      ws.onclose = (e: CloseEvent) => {
        const report = (info: SocketCloseInfo) => {
          if (done) return;
          done = true;
          insideZone(this.#zone, () => listener.close(info));
        };
        if (opened || e.code !== 1006) return report({ code: e.code, reason: e.reason });
        // A browser reports a refused upgrade (HTTP 503, a proxy's 403) exactly like an unreachable
        // server. One plain request tells them apart: any HTTP answer means the server is up. The
        // check comes with the fallbacks, which a refused upgrade is about to need anyway.
        const refused = (upgradeRefused: boolean) => report({ code: e.code, reason: e.reason, upgradeRefused });
        whenLoaded(loadFallbacks, (fallbacks) => void fallbacks.answersHttp(url).then(refused), () => refused(false));
      };
      return {
        send: (text: string) => {
          if (ws.readyState === WebSocket.OPEN) ws.send(text);
        },
        close: (code?: number, reason?: string) => {
          done = true;
          ws.onopen = ws.onmessage = ws.onclose = null;
          try {
            ws.close(code, reason);
          } catch {
            ws.close();
          }
        },
      };
    });
  }

  /** A long poll over `fetch`; its code loads with the fallbacks, the first time one is made. */
  poll(request: PollRequest): Observable<PollResponse> {
    return new Observable<PollResponse>((subscriber) => {
      let inner: Subscription | undefined;
      whenLoaded(
        loadFallbacks,
        (fallbacks) => {
          if (!subscriber.closed) inner = fallbacks.pollOverHttp(request, this.#zone).subscribe(subscriber);
        },
        (error) => subscriber.error(error),
      );
      return () => inner?.unsubscribe();
    });
  }

  /** A Server-Sent Events stream over `fetch`; its code loads with the fallbacks, the first time one is opened. */
  openStream(request: StreamRequest, listener: StreamListener): RealtimeStream {
    let stream: RealtimeStream | undefined;
    let closed = false;
    whenLoaded(
      loadFallbacks,
      (fallbacks) => {
        if (!closed) stream = fallbacks.streamOverHttp(request, listener, this.#zone);
      },
      () => {
        if (!closed) listener.close({ status: null });
      },
    );
    return {
      close: () => {
        closed = true;
        stream?.close();
      },
    };
  }
}

import type { NgZone } from '@angular/core';
import { Observable } from 'rxjs';
import type { PollResponse } from '../protocol/protocol';
import type { PollRequest, RealtimeStream, StreamCloseInfo, StreamListener, StreamRequest } from './backend-io';
import { RealtimePollError } from './realtime-poll-error';
import { insideZone, outsideZone } from './zone-boundary';

/*
 * The browser's HTTP I/O for `BrowserRealtimeBackend`: long polls and Server-Sent Events streams over
 * `fetch`, and the check that tells a refused WebSocket upgrade from a server that is down. Only
 * the fallbacks use them, so they load with the fallbacks, on first need. With zone.js
 * the requests start outside the Angular zone (a pending long poll must not keep the app from
 * becoming stable) and what they deliver is handed over inside it.
 */

/** The `error` field of a JSON error body, when there is one. */
function errorField(body: unknown): string | null {
  return body && typeof (body as { error?: unknown }).error === 'string' ? (body as { error: string }).error : null;
}

/**
 * One long poll with `fetch`; unsubscribing aborts it. Errors are {@link RealtimePollError}s.
 *
 * @example
 * ```ts
 * pollOverHttp({ url: 'https://h/events/poll', token, since: 41, waitMs: 25_000, params: {} }, zone).subscribe(handle);
 * ```
 */
export function pollOverHttp(request: PollRequest, zone: NgZone | null): Observable<PollResponse> {
  return new Observable<PollResponse>((subscriber) => {
    const controller = new AbortController();
    const url = new URL(request.url);
    if (request.since !== null) url.searchParams.set('since', String(request.since));
    if (request.since !== null && request.epoch) url.searchParams.set('epoch', request.epoch);
    url.searchParams.set('wait', String(request.waitMs));
    for (const [k, v] of Object.entries(request.params)) url.searchParams.set(k, v);
    outsideZone(zone, () =>
      fetch(url.toString(), {
        headers: { Authorization: `Bearer ${request.token}` },
        signal: controller.signal,
        cache: 'no-store',
      })
        .then(async (response) => {
          const body: unknown = await response.json().catch(() => null);
          if (!response.ok) throw new RealtimePollError(response.status, errorField(body));
          insideZone(zone, () => {
            subscriber.next(body as PollResponse);
            subscriber.complete();
          });
        })
        .catch((error: unknown) => {
          if (controller.signal.aborted) return;
          insideZone(zone, () => subscriber.error(error instanceof RealtimePollError ? error : new RealtimePollError(0)));
        }),
    );
    return () => controller.abort();
  });
}

/**
 * One Server-Sent Events stream with `fetch`, its body handed over chunk by chunk; closing it aborts
 * the request. A refusal (not 2xx, or not `text/event-stream`) ends it with the HTTP status.
 *
 * @example
 * ```ts
 * const stream = streamOverHttp({ url, headers: { Authorization: 'Bearer t' } }, listener, zone);
 * stream.close();
 * ```
 */
export function streamOverHttp(request: StreamRequest, listener: StreamListener, zone: NgZone | null): RealtimeStream {
  const controller = new AbortController();
  let done = false;
  const finish = (info: StreamCloseInfo) => {
    if (done) return;
    done = true;
    insideZone(zone, () => listener.close(info));
  };
  outsideZone(zone, () => {
    fetch(request.url, { headers: request.headers, signal: controller.signal, cache: 'no-store' })
      .then(async (response) => {
        const type = response.headers.get('content-type') ?? '';
        if (!response.ok || !type.startsWith('text/event-stream') || !response.body) {
          const body: unknown = await response.json().catch(() => null);
          // A 200 that is not an event stream (a proxy's page, an SPA fallback) refuses the transport all the same.
          finish({ status: response.ok ? 415 : response.status, error: errorField(body) });
          return;
        }
        if (done) return;
        insideZone(zone, () => listener.open());
        const reader = response.body.getReader();
        for (;;) {
          const { value, done: ended } = await reader.read();
          if (done) return;
          if (ended) break;
          insideZone(zone, () => listener.chunk(value));
        }
        finish({ status: null });
      })
      .catch(() => {
        if (!controller.signal.aborted) finish({ status: null });
      });
  });
  return {
    close: () => {
      done = true;
      controller.abort();
    },
  };
}

const UPGRADE_CHECK_TIMEOUT_MS = 5_000;

/**
 * Whether the WebSocket's address answers a plain HTTP GET at all. The token is left out of the
 * request, and `no-cors` lets a cross-origin server answer without CORS headers.
 *
 * @example
 * ```ts
 * if (await answersHttp('wss://h/ws/events?token=t')) fallBackAtOnce(); // the upgrade was refused
 * ```
 */
export async function answersHttp(socketUrl: string): Promise<boolean> {
  try {
    const url = new URL(socketUrl);
    url.protocol = url.protocol === 'wss:' ? 'https:' : 'http:';
    url.search = '';
    await fetch(url.toString(), { mode: 'no-cors', cache: 'no-store', signal: AbortSignal.timeout(UPGRADE_CHECK_TIMEOUT_MS) });
    return true;
  } catch {
    return false;
  }
}

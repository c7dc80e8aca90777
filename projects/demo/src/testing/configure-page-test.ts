import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { WebSocketService, apexStoreCdc, preloadRealtimeFallbacks, provideRealtime, withProtocol } from 'ngx-realtime';
import { RealtimeTestingController, provideRealtimeTesting } from 'ngx-realtime/testing';
import { STREAM_MODE, type StreamMode } from '../app/core/stream-mode';

// ApexStore 2.2's stream is Server-Sent Events, whose transport loads with a dynamic import: loaded
// once before any spec runs, a page spec that plays the stream stays synchronous.
beforeAll(() => preloadRealtimeFallbacks());

/**
 * The test bed every page spec needs: zoneless, HTTP and realtime both faked, so a spec plays the
 * REST server and the event stream while the page under test runs for real. `'apexstore-2.2'` sets
 * the console up as against ApexStore 2.2 (`apexStoreCdc()` and `STREAM_MODE`): the stream is then
 * a Server-Sent Events stream the spec answers with ApexStore's frames (`controller.expectStream()`,
 * {@link CDC_CONNECTED}, {@link cdcPut}).
 *
 * @example
 * ```ts
 * const { http, controller, realtime } = configurePageTest();
 * const fixture = TestBed.createComponent(KeysPage);
 * ```
 */
export function configurePageTest(mode: StreamMode = 'native'): {
  http: HttpTestingController;
  controller: RealtimeTestingController;
  realtime: WebSocketService;
} {
  TestBed.configureTestingModule({
    providers: [
      provideZonelessChangeDetection(),
      provideHttpClient(),
      provideHttpClientTesting(),
      mode === 'apexstore-2.2' ? provideRealtime({ url: '/ws/events' }, withProtocol(apexStoreCdc())) : provideRealtime({ url: '/ws/events' }),
      provideRealtimeTesting(),
      { provide: STREAM_MODE, useValue: mode },
    ],
  });
  return {
    http: TestBed.inject(HttpTestingController),
    controller: TestBed.inject(RealtimeTestingController),
    realtime: TestBed.inject(WebSocketService),
  };
}

/**
 * Ends a page spec: disconnects, fails on any unexpected request or socket, and signs out, so the
 * next spec starts clean.
 *
 * @example
 * ```ts
 * afterEach(() => endPageTest({ http, controller, realtime }));
 * ```
 */
export function endPageTest(bed: ReturnType<typeof configurePageTest>): void {
  bed.realtime.disconnect();
  bed.http.verify();
  bed.controller.verify();
  sessionStorage.removeItem('apex.session');
}

/**
 * ApexStore 2.2's first message on its change stream, as one Server-Sent Events block.
 *
 * @example
 * ```ts
 * controller.expectStream().accept().emitRaw(CDC_CONNECTED); // the SDK is connected
 * ```
 */
export const CDC_CONNECTED = 'data: {"type":"connected","message":"CDC event stream connected"}\n\n';

/**
 * A put as ApexStore 2.2 streams it (hex key, value bytes, nanoseconds), as one Server-Sent Events block.
 *
 * @example
 * ```ts
 * stream.emitRaw(cdcPut('user:1', 'Ada'));
 * ```
 */
export function cdcPut(key: string, value: string, timestampMs = Date.now()): string {
  const hex = Array.from(new TextEncoder().encode(key), (b) => b.toString(16).padStart(2, '0')).join('');
  const bytes = Array.from(new TextEncoder().encode(value)).join(',');
  return `data: {"type":"put","cf":"default","key":"${hex}","value":[${bytes}],"timestamp":${timestampMs}000000}\n\n`;
}

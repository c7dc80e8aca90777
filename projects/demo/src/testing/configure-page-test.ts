import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { WebSocketService, provideRealtime } from 'ngx-realtime';
import { RealtimeTestingController, provideRealtimeTesting } from 'ngx-realtime/testing';

/**
 * The test bed every page spec needs: zoneless, HTTP and realtime both faked, so a spec plays the
 * REST server and the event stream while the page under test runs for real.
 *
 * @example
 * ```ts
 * const { http, controller, realtime } = configurePageTest();
 * const fixture = TestBed.createComponent(KeysPage);
 * ```
 */
export function configurePageTest(): {
  http: HttpTestingController;
  controller: RealtimeTestingController;
  realtime: WebSocketService;
} {
  TestBed.configureTestingModule({
    providers: [
      provideZonelessChangeDetection(),
      provideHttpClient(),
      provideHttpClientTesting(),
      provideRealtime({ url: '/ws/events' }),
      provideRealtimeTesting(),
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

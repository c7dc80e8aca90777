import type { NgZone } from '@angular/core';

/*
 * The browser backend's I/O runs outside the Angular zone, so a socket or a pending long poll never
 * keeps the app from becoming stable; what it delivers is handed over inside the zone, so apps on
 * zone.js see it. Without zone.js (`zone` null) both simply run `fn`.
 */

/**
 * Runs `fn` outside the Angular zone (as is, without zone.js).
 *
 * @example
 * ```ts
 * const ws = outsideZone(zone, () => new WebSocket(url));
 * ```
 */
export function outsideZone<T>(zone: NgZone | null, fn: () => T): T {
  return zone ? zone.runOutsideAngular(fn) : fn();
}

/**
 * Runs `fn` inside the Angular zone (as is, without zone.js).
 *
 * @example
 * ```ts
 * ws.onmessage = (e) => insideZone(zone, () => listener.message(e.data));
 * ```
 */
export function insideZone(zone: NgZone | null, fn: () => void): void {
  if (zone) zone.run(fn);
  else fn();
}

import { InjectionToken } from '@angular/core';

/**
 * Which change stream the console reads: its own server's native protocol (numbered events of
 * every kind, replay), or ApexStore 2.2's change stream (`apexStoreCdc()`: key changes only,
 * nothing numbered, nothing replayed). Decided once at start-up by `detectStreamMode()`.
 *
 * @example
 * ```ts
 * const mode: StreamMode = 'apexstore-2.2';
 * ```
 */
export type StreamMode = 'native' | 'apexstore-2.2';

/**
 * The console's {@link StreamMode}. Pages read it to know whether the events they would follow
 * ever come; without a provider (specs, other apps) it is `'native'`.
 *
 * @example
 * ```ts
 * providers: [{ provide: STREAM_MODE, useValue: 'apexstore-2.2' }];
 * const cdcOnly = inject(STREAM_MODE) === 'apexstore-2.2';
 * ```
 */
export const STREAM_MODE = new InjectionToken<StreamMode>('STREAM_MODE', { factory: () => 'native' });

/**
 * Token rotation on the open socket with tokens of a few seconds, against the real mock server that
 * karma.conf.cjs starts with `--token-ttl 3` (its URL arrives as `--short-token-url=`). The server
 * closes a socket with 4004 the moment its token runs out, so every rotation that comes too late
 * shows up as a reconnect.
 */
import { provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { RANDOM_SOURCE } from '../platform/clock';
import type { KeyChangeEvent, LoginResponse } from '../protocol/protocol';
import type { ConnectionState } from '../stream/connection-state';
import type { RealtimeError } from '../stream/realtime-error';
import { provideRealtime, withNoPollingFallback, withReconnect } from '../config/provide-realtime';
import { WebSocketService } from './websocket.service';
import { httpAt, waitFor } from './integration-test-bed.spec';

declare const __karma__: { config?: { args?: unknown[] } } | undefined;

function shortTokenUrl(): string {
  const args = (typeof __karma__ !== 'undefined' && __karma__?.config?.args) || [];
  const arg = args.find((a): a is string => typeof a === 'string' && a.startsWith('--short-token-url='));
  if (!arg) throw new Error('rotation spec: no --short-token-url= in __karma__.config.args; karma.conf.cjs starts that server unless RT_MOCK_SERVER=0.');
  return arg.slice('--short-token-url='.length).replace(/\/$/, '');
}

const RUN_MS = 15_000;

describe('WebSocketService rotating 3 s tokens against the mock server (integration)', () => {
  afterEach(() => TestBed.resetTestingModule());

  it('a TokenProvider that logs in each time it is asked: no reconnect, and every key written meanwhile arrives once', async () => {
    const base = shortTokenUrl();
    const http = <T>(method: string, path: string, body?: unknown, token?: string) => httpAt<T>(base, method, path, body, token);
    const login = async () => (await http<LoginResponse>('POST', '/auth/login', { username: 'admin', password: 'admin' })).token;
    const upgrades = async () => (await http<{ upgradeAttempts: number }>('GET', '/__chaos/counters')).upgradeAttempts;

    TestBed.configureTestingModule({
      providers: [
        provideZonelessChangeDetection(),
        provideRealtime({ url: `${base}/ws/events` }, withReconnect({ initialDelayMs: 100, maxDelayMs: 400 }), withNoPollingFallback()),
        { provide: RANDOM_SOURCE, useValue: () => 1 },
      ],
    });
    const service = TestBed.inject(WebSocketService);
    const prefix = `rot-${Math.random().toString(36).slice(2, 8)}:`;
    const received: KeyChangeEvent[] = [];
    const states: ConnectionState[] = [];
    const errors: RealtimeError[] = [];
    service.onKeyChanges({ keyPrefix: prefix }).subscribe((e) => received.push(e));
    service.connectionState$.subscribe((s) => states.push(s));
    service.errors$.subscribe((e) => errors.push(e));

    const upgradesBefore = await upgrades();
    let asked = 0;
    service.connect(() => {
      asked++;
      return login();
    });
    await waitFor('connected', () => service.connectionState().status === 'connected');

    // A writer of its own, logging in for each write (its tokens expire as fast as the client's).
    const written: string[] = [];
    const end = Date.now() + RUN_MS;
    while (Date.now() < end) {
      const key = `k${written.length}`;
      await http('PUT', `/keys/${encodeURIComponent(prefix + key)}`, { value: key }, await login());
      written.push(key);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await waitFor('every key written', () => received.length >= written.length, 3000).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 200)); // room for a wrongly repeated event to show up
    const upgradesAfter = await upgrades();
    const left = states.filter((s, i) => i > 0 && states[i - 1]!.status === 'connected' && s.status !== 'connected');
    service.disconnect();

    const detail = `asked ${asked}; left connected: ${left.map((s) => `${s.reason}/${s.lastCloseCode}`).join(' ')}; errors: ${errors.map((e) => e.code).join(' ')}`;
    expect(left).withContext(detail).toEqual([]);
    expect(errors).withContext(detail).toEqual([]);
    expect(upgradesAfter - upgradesBefore).withContext(detail).toBe(1);
    // 15 s of 3 s tokens: the provider was asked for the connection and for a rotation every 1.5 s or so.
    expect(asked).toBeGreaterThanOrEqual(8);
    expect(received.map((e) => e.key.slice(prefix.length))).toEqual(written);
  }, RUN_MS + 15_000);
});

import { provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { of } from 'rxjs';
import { provideRealtime, withAuth, withHeartbeat, withNoPollingFallback, withPollingFallback, withReconnect } from './provide-realtime';
import { REALTIME_CONFIG } from './realtime-config';
import { nativeProtocol } from '../protocol/native-protocol';

describe('provideRealtime', () => {
  afterEach(() => TestBed.resetTestingModule());

  function resolved(...args: Parameters<typeof provideRealtime>) {
    TestBed.configureTestingModule({ providers: [provideZonelessChangeDetection(), provideRealtime(...args)] });
    return TestBed.inject(REALTIME_CONFIG);
  }

  it('works with just a url: reconnect and polling fallback on with defaults, auth in the query', () => {
    expect(resolved({ url: '/ws/events' })).toEqual({
      url: '/ws/events',
      pollUrl: null,
      sseUrl: null,
      authMode: 'query',
      protocol: nativeProtocol(),
      transports: null,
      topics: null,
      filter: {},
      reconnect: { initialDelayMs: 500, factor: 2, maxDelayMs: 30_000, maxAttempts: Infinity, stableAfterMs: 10_000, connectTimeoutMs: 10_000 },
      heartbeat: {},
      tabSharing: null,
      batching: true,
      auth: { refresh: null, tokenWaitMs: 15_000 },
      polling: { afterFailedAttempts: 3, probeIntervalMs: 30_000, waitMs: 25_000 },
    });
  });

  it('withNoPollingFallback() turns the fallback off; with withPollingFallback() it is a contradiction that throws', () => {
    expect(resolved({ url: '/ws/events' }, withNoPollingFallback()).polling).toBeNull();
    expect(() => provideRealtime({ url: '/ws' }, withPollingFallback(), withNoPollingFallback())).toThrowError(
      /^ngx-realtime: withPollingFallback\(\) and withNoPollingFallback\(\) contradict each other\./,
    );
  });

  it('a small maxAttempts is fine with the default fallback (it only ever triggers on a refused upgrade)', () => {
    expect(resolved({ url: '/ws' }, withReconnect({ maxAttempts: 1 })).reconnect.maxAttempts).toBe(1);
  });

  it('applies features over the defaults', () => {
    const config = resolved(
      { url: '/ws/events', authMode: 'frame' },
      withReconnect({ maxAttempts: 5 }),
      withHeartbeat({ timeoutMs: 30_000 }),
      withPollingFallback({ probeIntervalMs: 2000 }),
    );
    expect(config.authMode).toBe('frame');
    expect(config.reconnect.maxAttempts).toBe(5);
    expect(config.reconnect.initialDelayMs).toBe(500);
    expect(config.heartbeat).toEqual({ timeoutMs: 30_000 });
    expect(config.polling).toEqual({ afterFailedAttempts: 3, probeIntervalMs: 2000, waitMs: 25_000 });
  });

  it('throws, saying how to fix it, when a feature is given twice', () => {
    expect(() => provideRealtime({ url: '/ws' }, withReconnect(), withReconnect({ maxAttempts: 1 }))).toThrowError(
      /^ngx-realtime: withReconnect\(\) was passed to provideRealtime\(\) twice\. Pass it once/,
    );
    expect(() => provideRealtime({ url: '/ws' }, withAuth(of('a')), withAuth(of('b')))).toThrowError(/^ngx-realtime: withAuth\(\)/);
  });

  it('throws when polling fallback could never trigger because reconnect gives up first', () => {
    expect(() => provideRealtime({ url: '/ws' }, withReconnect({ maxAttempts: 1 }), withPollingFallback({ afterFailedAttempts: 3 }))).toThrowError(
      /^ngx-realtime: withPollingFallback\(\{afterFailedAttempts: 3\}\) can never trigger .* Raise maxAttempts or lower afterFailedAttempts\.$/,
    );
  });

  it('throws on withHeartbeat({intervalMs}), which the server now decides, and on a bad timeout', () => {
    const legacy = { intervalMs: 5000, timeoutMs: 15000 } as unknown as Parameters<typeof withHeartbeat>[0];
    expect(() => provideRealtime({ url: '/ws' }, withHeartbeat(legacy))).toThrowError(/^ngx-realtime: withHeartbeat\(\{intervalMs\}\) is gone: the server drives/);
    expect(() => provideRealtime({ url: '/ws' }, withHeartbeat({ timeoutMs: 0 }))).toThrowError(/^ngx-realtime: withHeartbeat\(\{timeoutMs\}\) must be a positive/);
  });

  it('throws on a withAuth() refresh that is not a function or a negative tokenWaitMs', () => {
    const source = of('t');
    const notAFunction = { refresh: 'nope' } as unknown as Parameters<typeof withAuth>[1];
    expect(() => provideRealtime({ url: '/ws' }, withAuth(source, notAFunction))).toThrowError(/^ngx-realtime: withAuth\(source, \{refresh\}\)/);
    expect(() => provideRealtime({ url: '/ws' }, withAuth(source, { tokenWaitMs: -1 }))).toThrowError(/^ngx-realtime: withAuth\(source, \{tokenWaitMs\}\)/);
  });

  it('throws on a missing url or a bad authMode', () => {
    expect(() => provideRealtime({ url: '' })).toThrowError(/^ngx-realtime: provideRealtime\(\) needs a url/);
    expect(() => provideRealtime({ url: '/ws', authMode: 'header' as never })).toThrowError(/^ngx-realtime: authMode/);
  });

  it('throws on nonsense numbers', () => {
    expect(() => provideRealtime({ url: '/ws' }, withReconnect({ initialDelayMs: 0 }))).toThrowError(/^ngx-realtime: withReconnect\(\{initialDelayMs\}\)/);
    expect(() => provideRealtime({ url: '/ws' }, withReconnect({ factor: 0.5 }))).toThrowError(/^ngx-realtime: withReconnect\(\{factor\}\)/);
  });
});

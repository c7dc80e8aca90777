import { INITIAL_CONNECTION_STATE, connectionReducer, reasonForCloseCode, type ConnectionState } from './connection-state';

describe('connectionReducer', () => {
  const connected: ConnectionState = { ...INITIAL_CONNECTION_STATE, status: 'connected', transport: 'websocket', attempt: 3, latencyMs: 20 };

  it('starts disconnected with no reason', () => {
    expect(INITIAL_CONNECTION_STATE).toEqual({
      status: 'disconnected',
      transport: null,
      attempt: 0,
      nextRetryAt: null,
      lastCloseCode: null,
      reason: null,
      latencyMs: null,
      role: 'alone',
    });
  });

  it('connecting is "reconnecting" with no transport', () => {
    expect(connectionReducer(INITIAL_CONNECTION_STATE, { type: 'connecting' })).toEqual(
      jasmine.objectContaining({ status: 'reconnecting', transport: null }),
    );
  });

  it('connected clears the reason and the retry time but keeps the attempt count', () => {
    const down = connectionReducer(connected, { type: 'retry_scheduled', attempt: 4, nextRetryAt: 99, closeCode: 1006, reason: 'network' });
    const up = connectionReducer(down, { type: 'connected', transport: 'polling' });
    expect(up).toEqual(jasmine.objectContaining({ status: 'connected', transport: 'polling', reason: null, nextRetryAt: null, attempt: 4, lastCloseCode: 1006 }));
  });

  it('stable resets the attempt count, and returns the same object when nothing changes', () => {
    expect(connectionReducer(connected, { type: 'stable' }).attempt).toBe(0);
    const calm = { ...connected, attempt: 0 };
    expect(connectionReducer(calm, { type: 'stable' })).toBe(calm);
  });

  it('retry_scheduled records when, why and which code, and forgets latency', () => {
    expect(connectionReducer(connected, { type: 'retry_scheduled', attempt: 4, nextRetryAt: 1234, closeCode: 1001, reason: 'server_shutdown' })).toEqual({
      status: 'reconnecting',
      transport: null,
      attempt: 4,
      nextRetryAt: 1234,
      lastCloseCode: 1001,
      reason: 'server_shutdown',
      latencyMs: null,
      role: 'alone',
    });
  });

  it('waiting_offline has no retry time and reason offline', () => {
    expect(connectionReducer(connected, { type: 'waiting_offline', closeCode: null })).toEqual(
      jasmine.objectContaining({ status: 'reconnecting', reason: 'offline', nextRetryAt: null }),
    );
  });

  it('stopped is disconnected with the reason', () => {
    expect(connectionReducer(connected, { type: 'stopped', reason: 'session_revoked', closeCode: 4005 })).toEqual(
      jasmine.objectContaining({ status: 'disconnected', reason: 'session_revoked', lastCloseCode: 4005, transport: null }),
    );
  });

  it('latency only changes latencyMs, rounded, and ignores jitter below 20% (at least 5 ms)', () => {
    const measured = connectionReducer(connected, { type: 'latency', latencyMs: 7.4 });
    expect(measured).toEqual({ ...connected, latencyMs: 7 });
    expect(connectionReducer(measured, { type: 'latency', latencyMs: 11 })).toBe(measured);
    expect(connectionReducer(measured, { type: 'latency', latencyMs: 12 }).latencyMs).toBe(12);
    const slow = connectionReducer(connected, { type: 'latency', latencyMs: 200 });
    expect(connectionReducer(slow, { type: 'latency', latencyMs: 239 })).toBe(slow);
    expect(connectionReducer(slow, { type: 'latency', latencyMs: 240 }).latencyMs).toBe(240);
  });

  it('token_expired: reconnecting with reason token_expired, no retry time yet', () => {
    expect(connectionReducer(connected, { type: 'token_expired', closeCode: 4004 })).toEqual(
      jasmine.objectContaining({ status: 'reconnecting', reason: 'token_expired', nextRetryAt: null, lastCloseCode: 4004, transport: null }),
    );
  });
});

describe('reasonForCloseCode', () => {
  it('maps protocol close codes to reasons', () => {
    expect([1001, 1006, 1008, 1009, 4001, 4002, 4003, 4004, 4005, 4100].map(reasonForCloseCode)).toEqual([
      'server_shutdown',
      'network',
      'rate_limited',
      'protocol',
      'protocol',
      'heartbeat_timeout',
      'unauthorized',
      'token_expired',
      'session_revoked',
      'network',
    ]);
  });
});

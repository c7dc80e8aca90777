import {
  FrameRejection,
  checkServerFrame,
  isSequencedEvent,
  matchesSubscription,
  parseClientFrame,
  parseFilter,
  parseServerFrame,
  parseTopics,
} from './frame-validation';

const keyPut = { type: 'key_change', seq: 7, timestamp: 1700000000000, operation: 'put', key: 'user:1', cf: 'default', value: 'a' };

describe('parseServerFrame', () => {
  it('accepts every well-formed event type and control frame', () => {
    const frames: unknown[] = [
      keyPut,
      { type: 'key_change', seq: 8, timestamp: 1, operation: 'delete', key: 'k', cf: 'default' },
      { type: 'compaction_status', seq: 9, timestamp: 1, status: 'progress', cf: 'default', details: { progress: 0.5, filesMerged: 2 } },
      { type: 'health_change', seq: 10, timestamp: 1, probe: 'readiness', status: 'unhealthy', reason: 'disk' },
      { type: 'sync_event', seq: 11, timestamp: 1, status: 'conflict', details: { peer: 'b' } },
      { type: 'snapshot_event', seq: 12, timestamp: 1, status: 'completed', snapshotId: 's1', details: {} },
      {
        type: 'stats_update',
        timestamp: 1,
        stats: { sst_files: 1, sst_kb: 2, mem_records: 3, mem_kb: 4, wal_kb: 5, total_records: 6, wsConnections: 1, uptimeMs: 9 },
      },
      {
        type: 'welcome',
        protocol: 1,
        connectionId: 'c',
        userId: 'u',
        serverTime: 1,
        heartbeat: { intervalMs: 15000, timeoutMs: 45000 },
        lastSeq: 0,
        tokenExpiresAt: 3_600_001,
      },
      { type: 'pong', id: 'p1', serverTime: 1 },
      { type: 'ping', id: 's1', serverTime: 1 },
      { type: 'ping', id: 's2', serverTime: 2, rttMs: 12 },
      { type: 'auth_ok', tokenExpiresAt: 3_600_001, serverTime: 1 },
      { type: 'subscribed', topics: ['key_change'], filter: {} },
      { type: 'resumed', fromSeq: 3, toSeq: 9, count: 7 },
      { type: 'resync', reason: 'history_expired', lastSeq: 42 },
      { type: 'error', code: 'invalid_json', message: 'x' },
      { type: 'closing', code: 4004, reason: 'Token has expired' },
    ];
    for (const frame of frames) {
      const result = parseServerFrame(JSON.stringify(frame));
      expect(result).withContext(JSON.stringify(frame)).toEqual({ ok: true, frame: frame as never });
    }
  });

  it('rejects text that is not JSON, non-objects and frames without a type', () => {
    expect(parseServerFrame('{nope')).toEqual(jasmine.objectContaining({ ok: false, code: 'invalid_json' }));
    expect(parseServerFrame('[1,2]')).toEqual(jasmine.objectContaining({ ok: false, code: 'invalid_frame' }));
    expect(parseServerFrame('null')).toEqual(jasmine.objectContaining({ ok: false, code: 'invalid_frame' }));
    expect(parseServerFrame('{"type":3}')).toEqual(jasmine.objectContaining({ ok: false, code: 'invalid_frame' }));
    expect(parseServerFrame(new ArrayBuffer(2))).toEqual(jasmine.objectContaining({ ok: false, code: 'invalid_frame' }));
  });

  it('names unknown types as such', () => {
    expect(parseServerFrame('{"type":"surprise"}')).toEqual({
      ok: false,
      code: 'unknown_type',
      message: 'unknown frame type "surprise"',
    });
  });

  it('rejects events whose fields do not match their type', () => {
    const broken: unknown[] = [
      { ...keyPut, seq: -1 },
      { ...keyPut, seq: 1.5 },
      { ...keyPut, seq: '7' },
      { ...keyPut, timestamp: undefined },
      { ...keyPut, operation: 'upsert' },
      { ...keyPut, value: undefined },
      { ...keyPut, operation: 'delete' },
      { ...keyPut, key: 5 },
      { type: 'compaction_status', seq: 1, timestamp: 1, status: 'progress', cf: 'default', details: { progress: 2 } },
      { type: 'compaction_status', seq: 1, timestamp: 1, status: 'started', cf: 'default' },
      { type: 'health_change', seq: 1, timestamp: 1, probe: 'mood', status: 'healthy' },
      { type: 'sync_event', seq: 1, timestamp: 1, status: 'started', details: [] },
      { type: 'snapshot_event', seq: 1, timestamp: 1, status: 'completed', details: {} },
      { type: 'stats_update', timestamp: 1, stats: { sst_files: 1 } },
      { type: 'welcome', protocol: 2, connectionId: 'c', userId: 'u', serverTime: 1, heartbeat: { intervalMs: 1, timeoutMs: 1 }, lastSeq: 0 },
      { type: 'welcome', protocol: 1, connectionId: 'c', userId: 'u', serverTime: 1, heartbeat: { intervalMs: 1, timeoutMs: 1 }, lastSeq: 0 },
      { type: 'pong', serverTime: 1 },
      { type: 'ping', id: 's1' },
      { type: 'ping', id: 's1', serverTime: 1, rttMs: 'fast' },
      { type: 'auth_ok', serverTime: 1 },
      { type: 'resync', reason: 'bored', lastSeq: 1 },
      { type: 'closing', reason: 'Token has expired' },
    ];
    for (const frame of broken) {
      const result = parseServerFrame(JSON.stringify(frame));
      expect(result.ok).withContext(JSON.stringify(frame)).toBeFalse();
      if (!result.ok) expect(result.code).toBe('invalid_frame');
    }
  });
});

describe('isSequencedEvent', () => {
  it('accepts durable events and refuses stats pushes and control frames', () => {
    expect(isSequencedEvent(keyPut)).toBeTrue();
    expect(isSequencedEvent({ type: 'stats_update', timestamp: 1, stats: {} })).toBeFalse();
    expect(isSequencedEvent({ type: 'welcome' })).toBeFalse();
    expect(isSequencedEvent('key_change')).toBeFalse();
  });
});

describe('parseClientFrame', () => {
  it('accepts each client frame and keeps only known fields', () => {
    expect(parseClientFrame('{"type":"auth","token":"apx_1"}')).toEqual({ ok: true, frame: { type: 'auth', token: 'apx_1' } });
    expect(parseClientFrame('{"type":"ping","id":"1","extra":true}')).toEqual({ ok: true, frame: { type: 'ping', id: '1' } });
    expect(parseClientFrame('{"type":"pong","id":"s1"}')).toEqual({ ok: true, frame: { type: 'pong', id: 's1' } });
    expect(parseClientFrame('{"type":"resume","lastSeq":0}')).toEqual({ ok: true, frame: { type: 'resume', lastSeq: 0 } });
    expect(parseClientFrame('{"type":"subscribe"}')).toEqual({ ok: true, frame: { type: 'subscribe' } });
    expect(
      parseClientFrame('{"type":"subscribe","topics":["key_change"],"filter":{"cf":"default","keyPrefix":"u:","x":1}}'),
    ).toEqual({ ok: true, frame: { type: 'subscribe', topics: ['key_change'], filter: { cf: 'default', keyPrefix: 'u:' } } });
  });

  it('rejects bad fields with a reason', () => {
    for (const raw of [
      '{"type":"auth","token":""}',
      '{"type":"auth"}',
      '{"type":"ping","id":7}',
      '{"type":"pong"}',
      `{"type":"ping","id":"${'x'.repeat(129)}"}`,
      '{"type":"resume","lastSeq":-3}',
      '{"type":"subscribe","topics":["gossip"]}',
      '{"type":"subscribe","topics":"key_change"}',
      '{"type":"subscribe","filter":{"cf":1}}',
    ]) {
      const result = parseClientFrame(raw);
      expect(result.ok).withContext(raw).toBeFalse();
      if (!result.ok) {
        expect(result.code).toBe('invalid_frame');
        expect(result.message.length).toBeGreaterThan(0);
      }
    }
    expect(parseClientFrame('{"type":"welcome"}')).toEqual(jasmine.objectContaining({ ok: false, code: 'unknown_type' }));
  });
});

describe('parseTopics and parseFilter', () => {
  it('validate subscription parts', () => {
    expect(parseTopics(['health_change', 'stats_update'])).toEqual(['health_change', 'stats_update']);
    expect(parseTopics(['health'])).toBeNull();
    expect(parseFilter({ cf: 'a' })).toEqual({ cf: 'a' });
    expect(parseFilter('cf=a')).toBeNull();
  });
});

describe('matchesSubscription', () => {
  it('filters by topic, column family and key prefix', () => {
    expect(matchesSubscription(keyPut, null, {})).toBeTrue();
    expect(matchesSubscription(keyPut, ['health_change'], {})).toBeFalse();
    expect(matchesSubscription(keyPut, ['key_change'], { keyPrefix: 'user:' })).toBeTrue();
    expect(matchesSubscription(keyPut, null, { keyPrefix: 'order:' })).toBeFalse();
    expect(matchesSubscription(keyPut, null, { cf: 'other' })).toBeFalse();
  });

  it('lets events without a cf or key through cf and prefix filters, and stats through any filter', () => {
    const health = { type: 'health_change' };
    expect(matchesSubscription(health, null, { cf: 'other', keyPrefix: 'x' })).toBeTrue();
    expect(matchesSubscription({ type: 'stats_update' }, null, { cf: 'other' })).toBeTrue();
    expect(matchesSubscription({ type: 'stats_update' }, ['key_change'], {})).toBeFalse();
  });
});

describe('epochs on the wire', () => {
  const welcome = { type: 'welcome', protocol: 1, connectionId: 'c', userId: 'u', serverTime: 1, heartbeat: { intervalMs: 1, timeoutMs: 2 }, lastSeq: 0, tokenExpiresAt: 5 };

  it('accepts a welcome with or without an epoch string, and refuses any other epoch', () => {
    expect(checkServerFrame(welcome)).toEqual(welcome as never);
    expect(checkServerFrame({ ...welcome, epoch: 'e1' })).toEqual({ ...welcome, epoch: 'e1' } as never);
    for (const epoch of ['', 7, 'x'.repeat(65)]) expect(checkServerFrame({ ...welcome, epoch })).toBeInstanceOf(FrameRejection);
  });

  it('knows both resync reasons, and a resume frame may carry its epoch', () => {
    expect(checkServerFrame({ type: 'resync', reason: 'epoch_changed', lastSeq: 3 })).not.toBeInstanceOf(FrameRejection);
    expect(checkServerFrame({ type: 'resync', reason: 'lost', lastSeq: 3 })).toBeInstanceOf(FrameRejection);
    expect(parseClientFrame('{"type":"resume","lastSeq":2,"epoch":"e1"}')).toEqual({ ok: true, frame: { type: 'resume', lastSeq: 2, epoch: 'e1' } });
    expect(parseClientFrame('{"type":"resume","lastSeq":2,"epoch":1}').ok).toBeFalse();
  });
});

describe('stats with the total of every instance', () => {
  const stats = { sst_files: 0, sst_kb: 0, mem_records: 0, mem_kb: 0, wal_kb: 0, total_records: 0, wsConnections: 1, uptimeMs: 1 };
  it('takes wsConnectionsTotal when it is a number, and stats without it from older servers', () => {
    expect(checkServerFrame({ type: 'stats_update', timestamp: 1, stats })).not.toBeInstanceOf(FrameRejection);
    expect(checkServerFrame({ type: 'stats_update', timestamp: 1, stats: { ...stats, wsConnectionsTotal: 3 } })).not.toBeInstanceOf(FrameRejection);
    expect(checkServerFrame({ type: 'stats_update', timestamp: 1, stats: { ...stats, wsConnectionsTotal: '3' } })).toBeInstanceOf(FrameRejection);
  });
});

describe('the closing frame of a Server-Sent Events stream', () => {
  it('takes any close code from 1000 to 4999 with a string reason', () => {
    for (const code of [1000, 1001, 4004, 4005, 4999]) {
      expect(checkServerFrame({ type: 'closing', code, reason: '' })).withContext(String(code)).not.toBeInstanceOf(FrameRejection);
    }
  });

  it('refuses a code outside that range or not an integer, and a missing or non-string reason', () => {
    const broken: unknown[] = [
      { type: 'closing', code: 999, reason: 'x' },
      { type: 'closing', code: 5000, reason: 'x' },
      { type: 'closing', code: 4004.5, reason: 'x' },
      { type: 'closing', code: '4004', reason: 'x' },
      { type: 'closing', code: 4004 },
      { type: 'closing', code: 4004, reason: 7 },
    ];
    for (const frame of broken) {
      const result = checkServerFrame(frame);
      expect(result).withContext(JSON.stringify(frame)).toBeInstanceOf(FrameRejection);
      expect((result as FrameRejection).code).toBe('invalid_frame');
    }
  });
});

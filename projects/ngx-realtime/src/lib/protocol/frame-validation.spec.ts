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

describe('every field of every server frame', () => {
  const missing = Symbol('missing');
  const STRING = [missing, 7, null, true, ['x'], {}];
  const NUMBER = [missing, '1', null, true, NaN, Infinity, -Infinity, [1], {}];
  const SEQ = [missing, -1, 1.5, '7', 2 ** 53, NaN, Infinity, null];
  const OBJECT = [missing, null, [], 'x', 1];
  const LIST = [missing, null, {}, 'x', 1];
  const optional = (wrong: unknown[]) => wrong.filter((v) => v !== missing);
  const stats = { sst_files: 1, sst_kb: 2, mem_records: 3, mem_kb: 4, wal_kb: 5, total_records: 6, wsConnections: 1, uptimeMs: 9, wsConnectionsTotal: 2 };
  const base = { seq: 3, timestamp: 1 };

  /** A well-formed frame with every optional field present, and for each field the values it must refuse. */
  const cases: { frame: Record<string, unknown>; wrong: Record<string, unknown[]> }[] = [
    {
      frame: { type: 'key_change', ...base, operation: 'put', key: 'k', cf: 'default', value: 'v' },
      wrong: { seq: SEQ, timestamp: NUMBER, key: STRING, cf: STRING, operation: [missing, 'upsert', 'PUT', 1, null], value: STRING },
    },
    {
      frame: { type: 'key_change', ...base, operation: 'delete', key: 'k', cf: 'default' },
      wrong: { seq: SEQ, timestamp: NUMBER, key: STRING, cf: STRING, operation: [missing, 'remove', null], value: ['v', '', null, 0] },
    },
    {
      frame: { type: 'compaction_status', ...base, status: 'progress', cf: 'default', details: { progress: 0.5, filesMerged: 1, bytesRead: 2, bytesWritten: 3, error: 'e' } },
      wrong: {
        seq: SEQ,
        timestamp: NUMBER,
        status: [missing, 'paused', 'conflict', 1],
        cf: STRING,
        details: OBJECT,
        'details.progress': [-0.1, 1.1, '0.5', NaN, null],
        'details.filesMerged': optional(NUMBER),
        'details.bytesRead': optional(NUMBER),
        'details.bytesWritten': optional(NUMBER),
        'details.error': optional(STRING),
      },
    },
    {
      frame: { type: 'health_change', ...base, probe: 'startup', status: 'healthy', reason: 'ok' },
      wrong: { seq: SEQ, timestamp: NUMBER, probe: [missing, 'mood', 'healthy', 1], status: [missing, 'sick', 'startup'], reason: optional(STRING) },
    },
    {
      frame: { type: 'sync_event', ...base, status: 'conflict', details: {} },
      wrong: { seq: SEQ, timestamp: NUMBER, status: [missing, 'failed', 'progress'], details: OBJECT },
    },
    {
      frame: { type: 'snapshot_event', ...base, status: 'failed', snapshotId: 's', details: {} },
      wrong: { seq: SEQ, timestamp: NUMBER, status: [missing, 'conflict', 'progress'], snapshotId: STRING, details: OBJECT },
    },
    {
      frame: { type: 'stats_update', timestamp: 1, stats },
      wrong: {
        timestamp: NUMBER,
        stats: OBJECT,
        ...Object.fromEntries(Object.keys(stats).map((k) => [`stats.${k}`, k === 'wsConnectionsTotal' ? optional(NUMBER) : NUMBER])),
      },
    },
    {
      frame: {
        type: 'welcome',
        protocol: 1,
        connectionId: 'c',
        userId: 'u',
        serverTime: 1,
        heartbeat: { intervalMs: 1, timeoutMs: 2 },
        lastSeq: 0,
        tokenExpiresAt: 5,
        epoch: 'e',
      },
      wrong: {
        protocol: [missing, 2, '1', true, 1.5],
        connectionId: STRING,
        userId: STRING,
        serverTime: NUMBER,
        heartbeat: OBJECT,
        'heartbeat.intervalMs': NUMBER,
        'heartbeat.timeoutMs': NUMBER,
        lastSeq: SEQ,
        tokenExpiresAt: NUMBER,
        epoch: ['', 'x'.repeat(65), 7, null],
      },
    },
    { frame: { type: 'pong', id: 'p', serverTime: 1 }, wrong: { id: STRING, serverTime: NUMBER } },
    { frame: { type: 'ping', id: 'p', serverTime: 1, rttMs: 3 }, wrong: { id: STRING, serverTime: NUMBER, rttMs: optional(NUMBER) } },
    { frame: { type: 'auth_ok', tokenExpiresAt: 2, serverTime: 1 }, wrong: { tokenExpiresAt: NUMBER, serverTime: NUMBER } },
    { frame: { type: 'subscribed', topics: [], filter: {} }, wrong: { topics: LIST, filter: OBJECT } },
    { frame: { type: 'resumed', fromSeq: 0, toSeq: 2, count: 3 }, wrong: { fromSeq: SEQ, toSeq: SEQ, count: SEQ } },
    { frame: { type: 'resync', reason: 'epoch_changed', lastSeq: 4 }, wrong: { reason: [missing, 'bored', 1], lastSeq: SEQ } },
    { frame: { type: 'error', code: 'auth_failed', message: 'm' }, wrong: { code: STRING, message: STRING } },
    { frame: { type: 'batch', events: [] }, wrong: { events: LIST } },
    { frame: { type: 'closing', code: 1000, reason: '' }, wrong: { code: [missing, 999, 5000, 4004.5, '4004', null], reason: STRING } },
  ];

  /** A copy of `frame` with the field at `path` (`a` or `a.b`) set to `value`, or removed. */
  function withField(frame: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
    const [key, sub] = path.split('.') as [string, string?];
    const copy = { ...frame };
    if (sub !== undefined) copy[key] = withField(frame[key] as Record<string, unknown>, sub, value);
    else if (value === missing) delete copy[key];
    else copy[key] = value;
    return copy;
  }

  it('accepts each full frame, and each without its optional fields', () => {
    for (const { frame, wrong } of cases) {
      expect(checkServerFrame(frame)).withContext(JSON.stringify(frame)).toBe(frame as never);
      for (const [path, values] of Object.entries(wrong)) {
        if (values.includes(missing)) continue;
        const without = withField(frame, path, missing);
        expect(checkServerFrame(without)).withContext(`${frame['type']} without ${path}`).toBe(without as never);
      }
    }
  });

  it('refuses each frame with any one field wrong, and says which field in development builds', () => {
    for (const { frame, wrong } of cases) {
      for (const [path, values] of Object.entries(wrong)) {
        for (const value of values) {
          const broken = withField(frame, path, value);
          const context = `${frame['type']} with ${path} = ${value === missing ? 'missing' : String(value)}`;
          const result = checkServerFrame(broken);
          expect(result).withContext(context).toBeInstanceOf(FrameRejection);
          expect((result as FrameRejection).code).withContext(context).toBe('invalid_frame');
          expect((result as FrameRejection).message).withContext(context).toContain(`${frame['type']}: "${path}" must be`);
          expect(isSequencedEvent(broken)).withContext(context).toBeFalse();
        }
      }
    }
  });

  it('takes the durable events, and only those, as sequenced', () => {
    for (const { frame } of cases) {
      const durable = ['key_change', 'compaction_status', 'health_change', 'sync_event', 'snapshot_event'].includes(frame['type'] as string);
      expect(isSequencedEvent(frame)).withContext(frame['type'] as string).toBe(durable);
      expect(isSequencedEvent({ ...frame, seq: 1, timestamp: 1 })).withContext(`${frame['type']} with seq`).toBe(durable);
    }
  });

  it('words a wrong nested field by its path', () => {
    const welcome = cases.find((c) => c.frame['type'] === 'welcome')!.frame;
    expect((checkServerFrame(withField(welcome, 'heartbeat.intervalMs', '15s')) as FrameRejection).message).toBe(
      'welcome: "heartbeat.intervalMs" must be a number',
    );
    expect((checkServerFrame({ type: 'resync', reason: 'bored', lastSeq: 1 }) as FrameRejection).message).toBe(
      'resync: "reason" must be one of history_expired, epoch_changed',
    );
  });

  it('knows no type from the prototype of a plain object', () => {
    for (const type of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
      expect(checkServerFrame({ type })).withContext(type).toEqual(jasmine.objectContaining({ code: 'unknown_type' }));
    }
  });
});

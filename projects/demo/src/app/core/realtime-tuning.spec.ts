import { DEFAULT_TUNING, readTuning } from './realtime-tuning';

/** A Storage double: a Map behind the two methods the reader uses. */
function memoryStorage(): Storage {
  const data = new Map<string, string>();
  return {
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
  } as Storage;
}

describe('readTuning', () => {
  it('uses the production defaults without overrides', () => {
    expect(readTuning('', memoryStorage())).toEqual(DEFAULT_TUNING);
  });

  it('takes positive integer overrides from the query and ignores junk', () => {
    const tuning = readTuning('?rt-probe-ms=1000&rt-fallback-after=2&rt-reconnect-ms=-5&rt-poll-wait-ms=abc', memoryStorage());
    expect(tuning).toEqual({ ...DEFAULT_TUNING, probeIntervalMs: 1000, fallbackAfter: 2 });
  });

  it('remembers overrides for the tab, so a reload without the query keeps them', () => {
    const storage = memoryStorage();
    readTuning('?rt-probe-ms=750', storage);
    expect(readTuning('', storage).probeIntervalMs).toBe(750);
  });
});

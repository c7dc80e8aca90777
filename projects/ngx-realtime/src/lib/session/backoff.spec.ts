import { backoffDelayMs } from './backoff';

describe('backoffDelayMs', () => {
  const defaults = { initialDelayMs: 500, factor: 2, maxDelayMs: 30_000 };

  it('grows the bound exponentially up to the cap', () => {
    const bounds = [0, 1, 2, 3, 4, 5, 6, 7, 20].map((n) => backoffDelayMs(n, defaults, () => 1));
    expect(bounds).toEqual([500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  });

  it('applies full jitter: anywhere from 0 to the bound', () => {
    expect(backoffDelayMs(3, defaults, () => 0)).toBe(0);
    expect(backoffDelayMs(3, defaults, () => 0.25)).toBe(1000);
    expect(backoffDelayMs(3, defaults, () => 0.999)).toBe(3996);
  });

  it('spreads many clients out instead of reconnecting them in lockstep', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelayMs(4, defaults, random)));
    expect(delays.size).toBeGreaterThan(40);
    for (const d of delays) expect(d).toBeLessThanOrEqual(8000);
  });
});

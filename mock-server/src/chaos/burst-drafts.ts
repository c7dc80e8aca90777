import type { EventDraft } from '../storage/event-log';

/**
 * What a chaos burst writes. By default puts of `burst:0`, `burst:1`, ... in order. With `keys`, each
 * event picks one of `<prefix>0` ... `<prefix><keys - 1>` at random (seeded, so a run can be
 * repeated), and with `deletes` that share of them deletes its key instead: a live key list then
 * takes inserts, updates and removals at random places, as the keys page's end-to-end test and the
 * live-state benchmark need.
 *
 * @example
 * ```ts
 * const shape: BurstShape = { prefix: 'big:', keys: 100_000, deletes: 0.3, random: seededRandom(7) };
 * ```
 */
export interface BurstShape {
  prefix: string;
  /** How many keys the events pick among; null: one new key per event, in order. */
  keys: number | null;
  /** The share of events that delete their key (0 to 1; only with `keys`). */
  deletes: number;
  random: () => number;
}

/** The burst as it always was: `burst:<i>` put in order. */
export const BURST_IN_ORDER: BurstShape = { prefix: 'burst:', keys: null, deletes: 0, random: Math.random };

/**
 * The `i`-th event of a burst of the given shape.
 *
 * @example
 * ```ts
 * burstDraft(3); // put burst:3 = "3"
 * ```
 */
export function burstDraft(i: number, shape: BurstShape = BURST_IN_ORDER): EventDraft {
  if (shape.keys === null) return { type: 'key_change', operation: 'put', key: `${shape.prefix}${i}`, cf: 'default', value: String(i) };
  const key = `${shape.prefix}${Math.floor(shape.random() * shape.keys)}`;
  return shape.random() < shape.deletes
    ? { type: 'key_change', operation: 'delete', key, cf: 'default' }
    : { type: 'key_change', operation: 'put', key, cf: 'default', value: String(i) };
}

/**
 * mulberry32: small, fast, and the same sequence for the same seed on every run.
 *
 * @example
 * ```ts
 * const random = seededRandom(1); // random() in [0, 1)
 * ```
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

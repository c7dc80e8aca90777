import type { KeyPositions } from './key-positions';

/**
 * How {@link applyKeyedBatch} reads a keyed collection: the parts of `KeyedReducerOptions`, and how
 * to find the row an event is about (binary search, or a {@link KeyPositions} index).
 *
 * @example
 * ```ts
 * const plan: KeyedBatchPlan<Job, JobEvent> = { eventKey: (e) => e.jobId, toRow, compare: null, find: (rows, e, id) => positions.find(id), positions };
 * ```
 */
export interface KeyedBatchPlan<R, E> {
  eventKey: (event: E) => string;
  toRow: (event: E, current: R | undefined) => R | null;
  /** Keeps rows sorted; `null`: new rows are appended. */
  compare: ((a: R, b: R) => number) | null;
  /** The position in `rows` of the row with key `id` (the event's), or -1. */
  find: (rows: readonly R[], event: E, id: string) => number;
  /** The index `find` reads, kept up to date with the result; `null` when rows are found by search. */
  positions: KeyPositions | null;
}

/** What a batch does to one key: where its row was, what it is now, whether it kept its place. */
interface Change<R> {
  readonly id: string;
  /** Its position in the input, -1 when it was not there. */
  readonly at: number;
  /** The row after the events so far; null when there is none. */
  row: R | null;
  /** Still in its original place (present at the start and never removed or moved since). */
  kept: boolean;
  /** When it was last (re)inserted, in insertion order; -1 when it was not. */
  stamp: number;
  /** Where it goes in the input when inserted: before the row at this position. */
  before: number;
}

/**
 * Applies `events` in order to the keyed collection `rows` and returns the new array, made once:
 * exactly what applying them one at a time gives (upsert in place while the sort order allows it,
 * remove, insert at the last place among equals or at the end), without copying per event. Each
 * event's row is found once per batch (later events of a key see the row the earlier ones left).
 * Returns `rows` itself when nothing changed (only deletes of absent rows).
 *
 * @example
 * ```ts
 * const next = applyKeyedBatch(rows, events, plan);
 * ```
 */
export function applyKeyedBatch<R, E>(rows: readonly R[], events: readonly E[], plan: KeyedBatchPlan<R, E>): readonly R[] {
  const { eventKey, toRow, compare, find } = plan;
  const changes = new Map<string, Change<R>>();
  let stamps = 0;
  let touched = false;
  for (const event of events) {
    const id = eventKey(event);
    let change = changes.get(id);
    if (change === undefined) {
      const at = find(rows, event, id);
      change = { id, at, row: at === -1 ? null : rows[at]!, kept: at !== -1, stamp: -1, before: -1 };
      changes.set(id, change);
    }
    const current = change.row;
    const next = toRow(event, current ?? undefined);
    if (next === null) {
      if (current === null) continue; // removing a row that is not there changes nothing
      change.kept = false;
      change.stamp = -1;
    } else if (current === null || (compare !== null && compare(next, current) !== 0)) {
      // A new row, or one that sorts elsewhere now: it leaves its place and goes in last among equals.
      change.kept = false;
      change.stamp = stamps++;
    }
    change.row = next;
    touched = true;
  }
  if (!touched) return rows;
  return assemble(rows, [...changes.values()], compare, plan.positions);
}

/** Builds the new array from the input and what the batch did to each key, in one pass. */
function assemble<R>(rows: readonly R[], changes: Change<R>[], compare: ((a: R, b: R) => number) | null, positions: KeyPositions | null): readonly R[] {
  /** Rows of the input that leave (removed or moved) or change in place, by position. */
  const edits: Change<R>[] = [];
  const inserted: Change<R>[] = [];
  for (const change of changes) {
    if (change.at !== -1 && (!change.kept || change.row !== rows[change.at])) edits.push(change);
    if (change.stamp !== -1) inserted.push(change);
  }
  if (inserted.length === 0 && edits.every((change) => change.kept)) {
    // Updates in place only: same keys in the same places.
    const copy = rows.slice();
    for (const change of edits) copy[change.at] = change.row!;
    return copy;
  }
  edits.sort((a, b) => a.at - b.at);
  if (compare === null) {
    for (const change of inserted) change.before = rows.length;
    inserted.sort((a, b) => a.stamp - b.stamp);
  } else {
    // Last among equals: after the input's equal rows, and after equal rows inserted before it.
    for (const change of inserted) change.before = upperBound(rows, change.row!, compare);
    inserted.sort((a, b) => compare(a.row!, b.row!) || a.stamp - b.stamp);
  }
  // The new array as runs of the input (slices, copied natively) and the rows placed between them.
  const out = new Runs<R>();
  const keys = positions && new Runs<string>();
  let next = 0;
  const copyTo = (end: number) => {
    if (end <= next) return;
    out.slice(rows, next, end);
    keys?.slice(positions!.keys, next, end);
    next = end;
  };
  let edit = 0;
  let insert = 0;
  while (edit < edits.length || insert < inserted.length) {
    const change = edits[edit];
    const adding = inserted[insert];
    // An insertion before the row at `before` goes ahead of an edit of that row.
    if (adding !== undefined && (change === undefined || adding.before <= change.at)) {
      copyTo(adding.before);
      out.add(adding.row!);
      keys?.add(adding.id);
      insert++;
    } else {
      copyTo(change!.at);
      next++;
      if (change!.kept) {
        out.add(change!.row!);
        keys?.add(change!.id);
      }
      edit++;
    }
  }
  copyTo(rows.length);
  if (positions && keys) {
    // Positions before the first row that left or arrived are unchanged.
    const left = edits.find((change) => !change.kept)?.at ?? rows.length;
    const firstMoved = inserted.length === 0 ? left : Math.min(left, inserted[0]!.before);
    positions.moveTo(keys.join(), firstMoved, changes.filter((change) => change.row === null && change.at !== -1).map((change) => change.id));
  }
  return out.join();
}

/**
 * An array built from runs of other arrays and single items, joined with `concat`: copying 100,000
 * rows that way costs a third of pushing them one by one.
 */
class Runs<T> {
  readonly #runs: T[][] = [];
  #loose: T[] = [];

  slice(from: readonly T[], start: number, end: number): void {
    if (this.#loose.length !== 0) {
      this.#runs.push(this.#loose);
      this.#loose = [];
    }
    this.#runs.push(from.slice(start, end));
  }

  add(item: T): void {
    this.#loose.push(item);
  }

  join(): T[] {
    const runs = this.#runs;
    if (this.#loose.length !== 0) runs.push(this.#loose);
    let joined: T[] = [];
    // Spread in chunks: a call takes only so many arguments.
    for (let i = 0; i < runs.length; i += 4096) joined = joined.concat(...runs.slice(i, i + 4096));
    return joined;
  }
}

/** The first position whose row sorts after `row` (so `row` goes last among its equals). */
function upperBound<R>(rows: readonly R[], row: R, compare: (a: R, b: R) => number): number {
  let low = 0;
  let high = rows.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (compare(rows[mid]!, row) <= 0) low = mid + 1;
    else high = mid;
  }
  return low;
}

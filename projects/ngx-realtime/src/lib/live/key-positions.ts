/**
 * Where each row of a keyed collection is: key -> position, with the keys in row order beside it,
 * so a row is found without scanning and without building a key per row per event. It is built
 * once per array it did not make (one key per row), then kept up to date batch by batch.
 *
 * @example
 * ```ts
 * const positions = KeyPositions.of(rows, (job) => job.id);
 * positions.find('job-7'); // its index in rows, or -1
 * ```
 */
export class KeyPositions {
  /** The key of each row, in row order. */
  #keys: string[];
  readonly #at: Map<string, number>;

  private constructor(keys: string[]) {
    this.#keys = keys;
    this.#at = new Map();
    // A key listed twice is found at its first row, as a linear search would find it.
    for (let i = keys.length - 1; i >= 0; i--) this.#at.set(keys[i]!, i);
  }

  /** The positions of `rows`, one `rowKey` call per row. */
  static of<R>(rows: readonly R[], rowKey: (row: R) => string): KeyPositions {
    const keys = new Array<string>(rows.length);
    for (let i = 0; i < rows.length; i++) keys[i] = rowKey(rows[i]!);
    return new KeyPositions(keys);
  }

  /** The position of the row with `key`, or -1. */
  find(key: string): number {
    return this.#at.get(key) ?? -1;
  }

  /** The key of each row, in row order. */
  get keys(): readonly string[] {
    return this.#keys;
  }

  /**
   * Follows the rows to their new order: `keys` are the new array's keys, identical to the old
   * ones before `from`; `removed` are keys no longer in it.
   */
  moveTo(keys: string[], from: number, removed: readonly string[]): void {
    for (const key of removed) this.#at.delete(key);
    for (let i = from; i < keys.length; i++) this.#at.set(keys[i]!, i);
    this.#keys = keys;
  }
}

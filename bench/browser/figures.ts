/** Shared arithmetic and printing for the browser benchmarks: medians, rates and ratio rows. */

/** The median of a list of numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Events per second for `count` events in `ms`. */
export function perSecond(count: number, ms: number): number {
  return ms > 0 ? (count / ms) * 1000 : 0;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en');

/**
 * One printed row: a figure, its baseline and the ratio, and whether a target (a minimum ratio) is met.
 *
 * @example
 * console.log(ratioRow('dispatch, 1 subscriber', 420_000, 500_000, 'events/s', 0.8));
 */
export function ratioRow(label: string, value: number, baseline: number, unit: string, target?: number): string {
  const ratio = baseline > 0 ? value / baseline : 0;
  const verdict = target === undefined ? '' : ratio >= target ? `  (target >= ${target}x: met)` : `  (target >= ${target}x: NOT met)`;
  return `  ${label.padEnd(34)} ${fmt(value).padStart(11)} ${unit}  vs ${fmt(baseline).padStart(11)}  = ${ratio.toFixed(2)}x${verdict}`;
}

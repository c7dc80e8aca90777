/**
 * What every benchmark section of the suite returns: rows of a figure next to its baseline and the
 * ratio, with the target when the issue set one. `bench/suite.ts` prints them and writes them to
 * `bench/results/latest.json`. Nothing here asserts on time: a target not met is printed as such.
 */

/** One measured figure against its baseline. */
export interface Row {
  label: string;
  value: number;
  baseline: number;
  /** What the baseline is, e.g. "bare WebSocket + JSON.parse". */
  baselineLabel: string;
  unit: string;
  /** `value / baseline`. */
  ratio: number;
  /** Target on the ratio, when there is one: `{ min: 0.9 }` or `{ max: 1.0 }`. */
  target?: { min?: number; max?: number; text: string };
  met?: boolean;
}

/** One section of the suite. */
export interface SectionResult {
  name: string;
  /** How it was measured, in one or two sentences. */
  method: string;
  rows: Row[];
  /** Extra facts worth printing (counts, versions), one line each. */
  notes: string[];
}

/** A section: `smoke` asks for tiny counts, so the test command can run the code without the cost. */
export type Section = (options: { smoke: boolean }) => Promise<SectionResult>;

/**
 * Builds a row; `target` is checked against the ratio.
 *
 * @example
 * row('SDK, batching', 310_000, 17_000, 'events/s', 'bare WebSocket', { min: 5 })
 */
export function row(
  label: string,
  value: number,
  baseline: number,
  unit: string,
  baselineLabel: string,
  target?: { min?: number; max?: number },
): Row {
  const ratio = baseline !== 0 ? value / baseline : 0;
  const result: Row = { label, value, baseline, baselineLabel, unit, ratio };
  if (target) {
    const met = (target.min === undefined || ratio >= target.min) && (target.max === undefined || ratio <= target.max);
    const text = [target.min !== undefined ? `>= ${target.min}x` : '', target.max !== undefined ? `<= ${target.max}x` : ''].filter(Boolean).join(', ');
    result.target = { ...target, text };
    result.met = met;
  }
  return result;
}

const fmt = (n: number) => (Math.abs(n) >= 100 ? Math.round(n).toLocaleString('en') : Number(n.toPrecision(3)).toLocaleString('en'));

/** The printed form of a section. */
export function formatSection(result: SectionResult): string {
  const lines = [`${result.name}`, `  ${result.method}`];
  const width = Math.max(...result.rows.map((r) => r.label.length), 10);
  for (const r of result.rows) {
    const verdict = r.target ? `  target ${r.target.text}: ${r.met ? 'met' : 'NOT MET'}` : '';
    lines.push(
      `  ${r.label.padEnd(width)}  ${fmt(r.value).padStart(11)} ${r.unit.padEnd(9)} vs ${fmt(r.baseline).padStart(11)} (${r.baselineLabel})  = ${r.ratio.toFixed(2)}x${verdict}`,
    );
  }
  for (const note of result.notes) lines.push(`  · ${note}`);
  return lines.join('\n');
}

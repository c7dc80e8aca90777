import { DecimalPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';

const WIDTH = 300;
const HEIGHT = 80;

/**
 * A small line chart in plain SVG: one series of numbers, oldest first, one point per second.
 *
 * Why not a charting library: two or four sparklines are ~1 KB of template and arithmetic here,
 * where a library adds tens of KB to the bundle, brings its own rendering loop (zone and change
 * detection surprises in a zoneless, OnPush app), and needs work to be accessible; this one is a
 * `role="img"` with a spoken summary (`aria-label` and `<title>`) of what the line shows.
 *
 * The x axis spans at least `minPoints` seconds (so the first seconds do not fill the width) and at
 * most the values given; the y axis runs from 0 to a round number above the maximum. `null` values
 * (no data yet) leave a gap.
 *
 * @example
 * ```html
 * <app-line-chart label="Events per second" [values]="perSecond()" color="#2f6fed" />
 * ```
 */
@Component({
  selector: 'app-line-chart',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [DecimalPipe],
  template: `
    <figure class="chart">
      <figcaption>
        <span class="label">{{ label() }}</span>
        <span class="now" data-testid="chart-now">
          @if (latest() !== null) { {{ latest() | number: '1.0-1' }}<small>{{ unit() }}</small> } @else { – }
        </span>
      </figcaption>
      <div class="plot">
        <svg [attr.viewBox]="'0 0 ' + width + ' ' + height" preserveAspectRatio="none" role="img" [attr.aria-label]="summary()"
             [attr.data-points]="points()">
          <title>{{ summary() }}</title>
          <line class="grid" x1="0" [attr.x2]="width" y1="0.5" y2="0.5" />
          <line class="grid" x1="0" [attr.x2]="width" [attr.y1]="height / 2" [attr.y2]="height / 2" />
          <line class="base" x1="0" [attr.x2]="width" [attr.y1]="height - 0.5" [attr.y2]="height - 0.5" />
          <path class="area" [attr.d]="paths().area" [attr.fill]="color()" />
          <path class="line" [attr.d]="paths().line" [attr.stroke]="color()" data-testid="chart-line" />
        </svg>
        <span class="max" aria-hidden="true">{{ max() | number }}</span>
      </div>
      <div class="axis" aria-hidden="true"><span>{{ spanText() }}</span><span>now</span></div>
    </figure>
  `,
  styles: `
    :host { display: block; min-width: 0; }
    .chart { margin: 0; }
    figcaption { display: flex; justify-content: space-between; align-items: baseline; gap: .5rem; margin-bottom: .35rem; }
    .label { font-size: .8rem; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
    .now { font-size: 1.25rem; font-weight: 600; font-variant-numeric: tabular-nums; white-space: nowrap; }
    .now small { font-size: .75rem; font-weight: 400; color: var(--muted); margin-left: .2rem; }
    .plot { position: relative; }
    svg { display: block; width: 100%; height: 5rem; overflow: visible; }
    .grid { stroke: var(--line); stroke-dasharray: 3 3; vector-effect: non-scaling-stroke; }
    .base { stroke: #c8ced8; vector-effect: non-scaling-stroke; }
    .area { opacity: .12; stroke: none; }
    .line { fill: none; stroke-width: 2; stroke-linejoin: round; stroke-linecap: round; vector-effect: non-scaling-stroke; }
    .max { position: absolute; top: -.1rem; left: .2rem; font-size: .7rem; color: var(--muted); background: #fffc; padding: 0 .2rem; }
    .axis { display: flex; justify-content: space-between; font-size: .7rem; color: var(--muted); margin-top: .2rem; }
  `,
})
export class LineChart {
  /** What the line shows, e.g. "Events per second". */
  readonly label = input.required<string>();
  /** The series, oldest first, one value per second; `null` is a gap. */
  readonly values = input.required<readonly (number | null)[]>();
  /** Unit after the current value ("/s", "KB"). */
  readonly unit = input('');
  /** Stroke colour. */
  readonly color = input('#2f6fed');
  /** The x axis spans at least this many points, so a young series grows from the right. */
  readonly minPoints = input(60);

  protected readonly width = WIDTH;
  protected readonly height = HEIGHT;

  protected readonly points = computed(() => this.values().length);
  protected readonly latest = computed(() => {
    const values = this.values();
    for (let i = values.length - 1; i >= 0; i--) if (values[i] !== null) return values[i];
    return null;
  });
  protected readonly max = computed(() => niceCeiling(Math.max(0, ...this.values().map((v) => v ?? 0))));
  protected readonly paths = computed(() => chartPaths(this.values(), Math.max(this.minPoints(), this.values().length), this.max()));
  protected readonly spanText = computed(() => {
    const seconds = Math.max(this.minPoints(), this.values().length);
    return seconds >= 120 ? `${Math.round(seconds / 60)} min ago` : `${seconds} s ago`;
  });
  protected readonly summary = computed(() => {
    const values = this.values().filter((v): v is number => v !== null);
    const unit = this.unit() ? ` ${this.unit()}` : '';
    if (values.length === 0) return `${this.label()}: no data yet`;
    const peak = Math.max(...values);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    return `${this.label()} over the last ${this.spanText().replace(' ago', '')}: now ${round(values.at(-1)!)}${unit}, ` +
      `peak ${round(peak)}${unit}, average ${round(mean)}${unit}`;
  });
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

/** The smallest of 1, 2, 5 × 10^n at or above `value` (at least 1), so the scale reads well. */
function niceCeiling(value: number): number {
  if (value <= 1) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * magnitude >= value) return step * magnitude;
  return 10 * magnitude;
}

/** SVG paths of the line and of the area under it; the newest point sits at the right edge. */
function chartPaths(values: readonly (number | null)[], span: number, max: number): { line: string; area: string } {
  const step = span > 1 ? WIDTH / (span - 1) : WIDTH;
  const offset = span - values.length;
  const y = (v: number) => (HEIGHT - (v / max) * (HEIGHT - 2)).toFixed(1);
  const runs: string[][] = [];
  let run: string[] | null = null;
  values.forEach((value, i) => {
    if (value === null) {
      run = null;
      return;
    }
    if (!run) runs.push((run = []));
    run.push(`${((offset + i) * step).toFixed(1)},${y(value)}`);
  });
  const line = runs.map((r) => `M${r.join('L')}`).join('');
  const area = runs
    .map((r) => `M${r[0].split(',')[0]},${HEIGHT}L${r.join('L')}L${r.at(-1)!.split(',')[0]},${HEIGHT}Z`)
    .join('');
  return { line, area };
}

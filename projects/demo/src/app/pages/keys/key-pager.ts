import { ChangeDetectionStrategy, Component, computed, input, output } from '@angular/core';

/**
 * "101–200 of 267" with Previous and Next: where the shown page lies in the whole key list.
 *
 * @example
 * ```html
 * <app-key-pager [offset]="100" [shown]="100" [total]="267" [hasPrevious]="true" [hasNext]="true" (next)="next()" (previous)="previous()" />
 * ```
 */
@Component({
  selector: 'app-key-pager',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <nav class="pager" aria-label="Key pages">
      <button type="button" class="secondary" [disabled]="!hasPrevious()" (click)="previous.emit()" data-testid="keys-previous">Previous</button>
      <span data-testid="keys-range" aria-live="polite">{{ range() }}</span>
      <button type="button" class="secondary" [disabled]="!hasNext()" (click)="next.emit()" data-testid="keys-next">Next</button>
    </nav>
  `,
  styles: `
    .pager { display: flex; align-items: center; justify-content: center; gap: .8rem; margin: 0 0 .8rem; flex-wrap: wrap; }
    span { font-variant-numeric: tabular-nums; }
  `,
})
export class KeyPager {
  /** Keys before this page (an estimate once other pages changed). */
  readonly offset = input.required<number>();
  /** Keys shown on this page. */
  readonly shown = input.required<number>();
  readonly total = input.required<number>();
  readonly hasPrevious = input(false);
  readonly hasNext = input(false);
  readonly previous = output<void>();
  readonly next = output<void>();

  protected readonly range = computed(() => {
    const total = this.total().toLocaleString('en-US');
    if (this.shown() === 0) return `none of ${total} on this page`;
    return `${(this.offset() + 1).toLocaleString('en-US')}–${(this.offset() + this.shown()).toLocaleString('en-US')} of ${total}`;
  });
}

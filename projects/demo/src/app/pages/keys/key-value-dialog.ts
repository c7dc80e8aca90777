import { ChangeDetectionStrategy, Component, ElementRef, afterNextRender, computed, input, output, viewChild } from '@angular/core';
import type { KeyValueBody } from 'ngx-realtime';
import { formatBytes, utf8Bytes } from '../../core/byte-size';

/**
 * A key's whole value in a modal dialog: wrapped and scrollable, however long, with its size.
 * Esc, the Close button or a click beside it closes it.
 *
 * @example
 * ```html
 * @if (shown(); as row) { <app-key-value-dialog [row]="row" (closed)="shown.set(null)" /> }
 * ```
 */
@Component({
  selector: 'app-key-value-dialog',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <dialog #dialog (close)="closed.emit()" (click)="onBackdrop($event)" data-testid="value-dialog" aria-labelledby="value-dialog-title">
      <div class="box">
      <header>
        <h2 id="value-dialog-title" class="mono">{{ row().key }}</h2>
        <span class="muted" data-testid="value-dialog-size">{{ size() }}</span>
      </header>
      <pre data-testid="value-dialog-text">{{ row().value }}</pre>
      <footer><button type="button" (click)="closed.emit()" data-testid="value-dialog-close">Close</button></footer>
      </div>
    </dialog>
  `,
  styles: `
    dialog { width: min(60rem, calc(100vw - 2rem)); max-height: calc(100dvh - 2rem); padding: 0; border: 1px solid var(--line);
      border-radius: 10px; }
    dialog[open] { display: flex; }
    .box { display: flex; flex-direction: column; gap: .6rem; padding: 1rem; min-height: 0; flex: 1; }
    dialog::backdrop { background: rgb(15 23 42 / .35); }
    header { display: flex; flex-wrap: wrap; gap: .2rem 1rem; align-items: baseline; justify-content: space-between; }
    h2 { margin: 0; font-size: 1rem; overflow-wrap: anywhere; flex: 1 1 12rem; }
    header .muted { white-space: nowrap; }
    pre { margin: 0; flex: 1; min-height: 4rem; overflow: auto; white-space: pre-wrap; overflow-wrap: anywhere;
      background: #f6f7f9; border-radius: 6px; padding: .6rem; font-size: .85rem; }
    footer { display: flex; justify-content: flex-end; }
  `,
})
export class KeyValueDialog {
  readonly row = input.required<KeyValueBody>();
  /** The user closed the dialog (Esc, Close or a click on the backdrop): remove it. */
  readonly closed = output<void>();

  private readonly dialog = viewChild.required<ElementRef<HTMLDialogElement>>('dialog');
  protected readonly size = computed(() => {
    const bytes = utf8Bytes(this.row().value);
    const chars = this.row().value.length;
    return `${formatBytes(bytes)} · ${chars.toLocaleString('en-US')} character${chars === 1 ? '' : 's'}`;
  });

  constructor() {
    afterNextRender(() => this.dialog().nativeElement.showModal());
  }

  protected onBackdrop(event: MouseEvent): void {
    // A click on the dialog's own box (not its content) is a click on the backdrop around it.
    if (event.target === this.dialog().nativeElement) this.closed.emit();
  }
}
